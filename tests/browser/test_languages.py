"""Two languages in one room: a session made in Norwegian on the console, a participant who
follows it and one who switches to English, the same team results in both, the choice kept with
the person on another device, and the console and exports in the session's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from slkit.content import get_framework
from slkit.exports import sheet_title
from slkit.report import export
from slkit.sessions import join_link
from tests.conftest import english_words

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TRIAD = "motivation_triad"
# The module pages' first steps and where each module's team shows, in Norwegian.
MODULES = ["purpose_first", "motivation_triad", "social_team_swot", "five_practices"]


def person(store, code, pg):
    """The participant this browser is (its cookie for the session)."""
    token = next(c["value"] for c in pg.context.cookies() if c["name"] == f"slk_{code}")
    return store.resume(code, token=token)


def team_numbers(pg) -> list[str]:
    """The team's triad table on the page: means, spreads and gaps, per part."""
    table = pg.locator(".triad-table").last
    table.wait_for()
    return [table.locator(f"tr[data-part='{p}'] td.{c}").inner_text().strip()
            for p in ("autonomy", "mastery", "purpose") for c in ("today", "wanted", "gap")]


def no_overflow(pg) -> list[str]:
    """Anything wider than the window (Norwegian words are longer)."""
    return pg.evaluate("""() => Array.from(document.querySelectorAll('.slk *, .widget-box *, button, label'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
        .map(e => (e.className || e.tagName) + ': ' + (e.textContent || '').trim().slice(0, 40))""")


def test_a_norwegian_session_with_an_english_participant(kit, browser, audit, tmp_path):
    store = kit.server.store()
    # The facilitator makes the session on the console, in Norwegian, every module open.
    board = kit.facilitator_opens_board()
    board.get_by_placeholder("e.g. Marketing team, spring workshop").fill("Teamdag i Tromsø")
    board.locator("input[type=number]").first.fill("2")
    board.locator("select").first.select_option(label="Norsk (bokmål)")
    board.get_by_role("checkbox", name=re.compile("Open every module now")).check()
    board.get_by_role("button", name="Create session").click()
    board.get_by_role("link", name="open the console").click()
    board.get_by_role("tab", name="Styr rommet").wait_for()  # the console speaks the session's language
    session = next(s for s in store.list_sessions() if s.title == "Teamdag i Tromsø")
    assert session.language == "nb" and session.threshold == 2
    assert board.evaluate("document.documentElement.lang") == "nb"
    assert "Kontrollpanel for fasilitator" in board.title()

    # Kari follows the session's language on her phone.
    kari = kit.context.new_page()
    kari.set_viewport_size(PHONE)
    kari.goto(join_link(kit.server.base_url, session.code))
    kari.get_by_role("button", name="Bli med i økten").click()
    kari.get_by_role("heading", name="Moduler").wait_for()
    assert kari.evaluate("document.documentElement.lang") == "nb"
    assert kari.get_by_role("navigation", name="Språk").get_by_role("link", name="English").count() == 1
    kit.screenshot(kari, "nb_phone_home")
    audit(kari, "the home page in Norwegian")
    english = english_words(kari.locator("#rendered_cells").inner_text())
    assert english == [], f"English on the Norwegian home page: {english}"
    # The switch on her home page: English, and back; each choice kept with her.
    kari.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    kari.get_by_role("heading", name="Modules").wait_for()
    assert kari.evaluate("document.documentElement.lang") == "en" and "lang=" not in kari.url
    assert person(store, session.code, kari).language == "en"
    kari.get_by_role("navigation", name="Language").get_by_role("link", name="Norsk (bokmål)").click()
    kari.get_by_role("heading", name="Moduler").wait_for()
    assert person(store, session.code, kari).language == "nb"
    assert kari.get_by_role("link", name=re.compile("Last ned oppsummeringen min")).count() == 1

    # The room screen speaks the session's language, for the back row.
    screen = kit.context.new_page()
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(board.get_by_role("link", name="Åpne storskjermen").get_attribute("href"))
    screen.get_by_text("Skann koden, eller åpne").wait_for()
    assert screen.evaluate("document.documentElement.lang") == "nb" and no_overflow(screen) == []
    kit.screenshot(screen, "nb_projector_join_view", full=False)
    screen.close()

    # Ola, on another phone, switches to English with the link's ?lang=en.
    other = browser.new_context(viewport=PHONE)
    try:
        ola = other.new_page()
        ola.goto(join_link(kit.server.base_url, session.code) + "&lang=en")
        ola.get_by_role("button", name="Join the session").click()
        ola.get_by_role("heading", name="Modules").wait_for()
        assert ola.evaluate("document.documentElement.lang") == "en"
        personal = ola.locator(".personal-code").first.inner_text().strip()
        assert person(store, session.code, ola).language == "en"  # kept with the person
        ola.goto(join_link(kit.server.base_url, session.code))  # no ?lang= now: the browser remembers
        ola.get_by_role("heading", name="Modules").wait_for()

        # Both rate the triad (Kari one answer on her page); the rest of their answers arrive as
        # stored, and both continue at the team view.
        fw = get_framework(TRIAD, language="en")
        kari.locator(f".module-card[data-module='{TRIAD}']").click()
        kari.get_by_role("heading", name="Autonomi", exact=True).wait_for()
        assert kari.get_by_text("Steg 1 av 6").count() == 1
        kari.locator(".slk-rating").first.get_by_role("radio", name="4", exact=True).click()
        kari.locator(".savebar[data-state='saved']").wait_for()
        ratings = [i for i in fw.items if i.kind == "rating"]
        for who, today, wanted in ((person(store, session.code, kari), 4, 7), (person(store, session.code, ola), 5, 8)):
            store.save_answers(who, TRIAD, {i.id: today if i.tags["when"] == "today" else wanted for i in ratings})
            store.set_progress(who, TRIAD, 5, 6)
        kari.reload()
        ola.locator(f".module-card[data-module='{TRIAD}']").click()
        nb_numbers, en_numbers = team_numbers(kari), team_numbers(ola)
        assert en_numbers == ["4.5", "7.5", "+3.0"] * 3
        assert nb_numbers == ["4,5", "7,5", "+3,0"] * 3  # the same numbers, written the Norwegian way
        assert kari.get_by_role("columnheader", name="I dag").count() >= 1 and ola.get_by_role("columnheader", name="Today").count() >= 1
        kit.screenshot(kari, "nb_phone_triad_team")
        kit.screenshot(ola, "en_phone_triad_team")
        audit(kari, "the triad's team view in Norwegian")

        # Ola on a laptop with his personal code: the page comes in English again.
        laptop = browser.new_context(viewport={"width": 1366, "height": 768})
        try:
            pg = laptop.new_page()
            pg.goto(join_link(kit.server.base_url, session.code))
            pg.get_by_placeholder("ABCD-EFGH").fill(personal)
            pg.get_by_role("button", name="Fortsett").click()
            pg.get_by_role("heading", name="Modules").wait_for()
            assert pg.evaluate("document.documentElement.lang") == "en"
        finally:
            laptop.close()
    finally:
        other.close()

    # The console counts both, in Norwegian; the exports speak the session's language.
    board.get_by_text("2 deltakere er med.").wait_for()
    kit.screenshot(board, "nb_laptop_console", full=False)
    from openpyxl import load_workbook

    book = load_workbook(export(store, session.code, "xlsx", tmp_path / "svar.xlsx")[0])
    nb_triad = get_framework(TRIAD, language="nb")
    assert book.sheetnames[0] == "Sammendrag" and sheet_title(nb_triad) in book.sheetnames and "SWOT-tavle" in book.sheetnames
    sheet = book[sheet_title(nb_triad)]
    assert [c.value for c in sheet[1]] == ["Steg", "Spørsmål", "Person", "Navn", "Svar"]
    assert {r[0].value for r in sheet.iter_rows(min_row=2)} >= {"Autonomi", "Mestring", "Mening"}
    report = export(store, session.code, "html", tmp_path / "rapport.html")[0].read_text(encoding="utf-8")
    assert "<html lang='nb'>" in report and "workshoprapport" in report and "2 deltakere er med." in report


@pytest.mark.parametrize("width", [390])
def test_every_module_in_norwegian_on_a_phone(kit, audit, width):
    """Each module's first step and its last step in Norwegian on a phone: nothing wider than
    the window, nothing English, axe-core clean; screenshots for people to look at."""
    store = kit.server.store()
    session = store.create_session("Språkdag", threshold=1, language="nb", modules=MODULES, start_open=True)
    pg = kit.landing(session.code, width=width)
    pg.get_by_role("button", name="Bli med i økten").click()
    pg.get_by_role("heading", name="Moduler").wait_for()
    for module in MODULES:
        fw = get_framework(module, language="nb")
        pg.locator(f".module-card[data-module='{module}']").click()
        pg.get_by_role("heading", name=fw.steps[0].title, exact=True).wait_for()
        assert pg.evaluate("document.documentElement.lang") == "nb"
        assert pg.title().startswith(fw.title)
        assert no_overflow(pg) == [], module
        kit.screenshot(pg, f"nb_phone_{module}_first")
        audit(pg, f"{module} in Norwegian, first step")
        # The last step (the team view or the commitments): Neste until Fullfør.
        counter = pg.locator(".slk-step-title p.muted")
        while pg.get_by_role("button", name="Neste", exact=True).count():
            before = counter.inner_text()
            pg.get_by_role("button", name="Neste", exact=True).click()
            expect(counter).not_to_have_text(before)
        pg.get_by_role("button", name="Fullfør", exact=True).wait_for()
        pg.wait_for_timeout(800)
        assert no_overflow(pg) == [], module
        text = pg.locator("#rendered_cells").inner_text()
        english = english_words(text)
        assert english == [], f"{module}: English on the Norwegian page: {english}"
        kit.screenshot(pg, f"nb_phone_{module}_last")
        audit(pg, f"{module} in Norwegian, last step")
        pg.get_by_role("link", name="← Modulene dine").click()
        pg.get_by_role("heading", name="Moduler").wait_for()


def test_a_norwegian_browser_gets_the_start_pages_in_norwegian_until_told_otherwise(kit, browser, audit):
    """The landing page and the console's start page follow the browser's languages
    (Accept-Language) where no link, choice or session says otherwise."""
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO")  # sends Accept-Language: nb-NO
    try:
        pg = ctx.new_page()
        pg.goto(kit.server.base_url + "/")
        pg.get_by_role("button", name="Neste").wait_for()
        assert pg.evaluate("document.documentElement.lang") == "nb"
        assert english_words(pg.locator("#rendered_cells").inner_text()) == []
        audit(pg, "the landing page for a Norwegian browser")
        # A choice made on the page beats the browser's.
        pg.goto(kit.server.base_url + "/?lang=en")
        pg.get_by_role("button", name="Next").wait_for()
        console = ctx.new_page()
        console.goto(kit.facilitator_link() if hasattr(kit, "facilitator_link") else
                     f"{kit.server.base_url}/voila/render/facilitator.ipynb?key={kit.server.server_key}")
        console.get_by_role("heading", name="Kontrollpanel for fasilitator", level=1).wait_for()
    finally:
        ctx.close()
    # An English browser, as before.
    en = kit.landing()
    en.get_by_role("button", name="Next").wait_for()
