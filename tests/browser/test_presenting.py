"""The room screen presents (a real server, the console on a laptop, two projectors):

- the console pages the screen through every part of every module of a demo session (eight
  people), with the keyboard (Page Down, as a presenter's clicker sends) and its buttons; at
  1280x720 and 1920x1080 each page of each part fits the window (nothing to scroll), with text
  of 24 px or more; every part of the module is shown once, in order;
- a purpose the facilitator hides leaves the screen, a participant's team view, the themes and
  the exported report and workbook, while its author still sees it with a note;
- the countdown follows the module opened last; an ended countdown gives way to the join view,
  an ended session to "Thank you", and participants' home pages say the session has ended.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from playwright.sync_api import expect

from slkit.board import board_entries
from slkit.content import load_frameworks
from slkit.summaries import sections
from slkit.demo import make_demo
from slkit.sessions import screen_link

from .conftest import PAGE_TIMEOUT_MS, wait_until

SIZES = [(1280, 720), (1920, 1080)]

# What the screen shows must fit the window: no scroll anywhere, nothing below the window's
# bottom, and no text smaller than 24 px (charts draw their own text, checked by their spec).
FIT = """() => {
  const h = window.innerHeight;
  const scrolls = [...document.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    return /(auto|scroll)/.test(s.overflowY + ' ' + s.overflow) && e.scrollHeight > e.clientHeight + 2 && e.clientHeight > 0;
  }).map(e => (e.className && e.className.baseVal === undefined ? e.className : e.tagName) + ' ' + e.scrollHeight + '>' + e.clientHeight);
  const shown = [...document.querySelectorAll('.slk-screen .slk, .slk-screen .slk-chart, .slk-screen .slk-themes')].filter(e => e.offsetParent !== null);
  const bottom = Math.max(0, ...shown.map(e => e.getBoundingClientRect().bottom));
  const small = [...document.querySelectorAll('.slk-screen .slk :is(p, li, td, th, span, h1, h2, h3, h4, a, b)')]
    .filter(e => e.offsetParent !== null && e.textContent.trim() && parseFloat(getComputedStyle(e).fontSize) < 23.9)
    .map(e => e.tagName + ' ' + getComputedStyle(e).fontSize + ': ' + e.textContent.trim().slice(0, 30));
  return {doc: document.scrollingElement.scrollHeight, h, bottom, scrolls, small};
}"""


def open_screens(browser, url: str):
    screens = []
    for w, h in SIZES:
        ctx = browser.new_context(viewport={"width": w, "height": h})
        ctx.set_default_timeout(PAGE_TIMEOUT_MS)
        pg = ctx.new_page()
        pg.goto(url)
        pg.locator(".screen-code").wait_for()
        screens.append(((w, h), ctx, pg))
    return screens


def screen_place(store, code: str) -> tuple[str, str | None, int]:
    raw = store.get_session(code).settings.get("screen") or {}
    return raw.get("module"), raw.get("part"), raw.get("page") or 0


def test_the_console_pages_the_room_screen_through_every_part(kit, browser, audit):
    store = kit.server.store()
    s = make_demo(store, title="Presenting")
    console = kit.facilitator_opens_board(s.code, s.key, width=1366)
    console.set_viewport_size({"width": 1366, "height": 768})
    screens = open_screens(browser, screen_link(kit.server.base_url, s.code, s.screen_key))
    try:
        console.get_by_role("radio", name="Results", exact=True).click()
        for n, (m, fw) in enumerate(load_frameworks().items()):
            console.get_by_label("Results of").select_option(f"{fw.order}. {fw.title}")
            expect(console.locator(".screen-where")).to_be_visible()
            options = console.get_by_label("Part on the screen").locator("option")
            entries = [e for e in board_entries(store, s.code, m) if not e.hidden]
            before = store.answers(s.code, fw.reuse.module) if fw.reuse is not None else None  # the follow-up's then and now
            parts = [x.id for x in sections(fw, store.answers(s.code, m), entries, s.threshold, before=before)]
            assert any(p.startswith("themes-") for p in parts), parts
            expect(options).to_have_count(len(parts))
            expect(options.first).to_have_text(f"1. {next(x.title for x in sections(fw, [], [], 0) if x.id == parts[0])}")
            if n == 0:
                kit.screenshot(console, "console_paging_1366x768", full=False)
                audit(console, "console paging the screen")
            seen: list[tuple[str, int]] = []
            for press in range(80):
                module, part, page = screen_place(store, s.code)
                part = part or parts[0]
                assert module == m
                if (part, page) not in seen:
                    seen.append((part, page))
                for (w, h), _ctx, pg in screens:
                    title = pg.locator(f".screen-title[data-part='{part}'][data-page='{page}']")
                    title.wait_for(timeout=15_000)
                    pg.wait_for_timeout(700)  # charts drawn
                    fit = pg.evaluate(FIT)
                    assert fit["doc"] <= h + 2 and fit["bottom"] <= h + 2 and not fit["scrolls"], f"{m} {part} page {page} at {w}x{h}: {fit}"
                    assert not fit["small"], f"{m} {part} page {page} at {w}x{h}: text below 24 px: {fit['small'][:5]}"
                    assert fw.title in pg.locator(".screen-module").inner_text()
                    kit.screenshot(pg, f"screen_{m}_{part}_{page + 1}_{w}x{h}", full=False)
                    if press == 0 and w == 1280:
                        audit(pg, f"the room screen, {m}")
                nxt = console.get_by_role("button", name="Next", exact=True)
                if nxt.is_disabled():
                    break
                before = console.locator(".screen-where").inner_text()
                if press % 3 == 1:
                    nxt.click()
                else:  # a presenter's clicker: Page Down or the right arrow, wherever the focus is not in a field
                    console.locator(".console-top h1").click()
                    console.keyboard.press("PageDown" if press % 3 == 0 else "ArrowRight")
                expect(console.locator(".screen-where")).not_to_have_text(before)
            assert [p for p, _page in seen if _page == 0] == parts, "every part once, in order"
            # And back: the left arrow, then Page Up, each returns to the page before.
            def place():
                _m, part, page = screen_place(store, s.code)
                return (part or parts[0], page)

            console.keyboard.press("ArrowLeft")
            assert wait_until(lambda: place() == seen[-2], 10), (place(), seen[-2])
            console.keyboard.press("PageUp")
            assert wait_until(lambda: place() == seen[-3], 10), (place(), seen[-3])
    finally:
        for _size, ctx, _pg in screens:
            ctx.close()


def test_a_hidden_purpose_leaves_every_view_and_export(kit, context, browser):
    """The facilitator hides one written purpose: within seconds it is gone from the room screen,
    a participant's team view, the themes and the report and workbook; its author still sees it."""
    import openpyxl

    from slkit.report import export

    store = kit.server.store()
    s = store.create_session("Moderated", threshold=3, modules=["purpose_first"], start_open=True)
    words = ["Share what we know with customers and colleagues", "Share what we know so customers trust us",
             "Customers trust a team that listens"]
    people = []
    for text in words:
        p = store.join(s.code)
        store.save_answers(p, "purpose_first", {"objectives": ["share_knowledge"], "purpose_sentence": text})
        people.append(p)
    junk = "=HYPERLINK(\"x\") <b>junk</b> nonsense nonsense"
    author = kit.join_and_open(s.code, "purpose_first", name="Author", width=390)
    field = author.get_by_role("textbox", name="Our purpose in one sentence")
    field.fill(junk)
    author.locator(".field-state", has_text="saved").first.wait_for()
    reader = people[0]  # another person, on a phone of their own
    reader_ctx = browser.new_context(viewport={"width": 390, "height": 844})
    reader_ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    team = kit.participant_joins(s.code, "01_purpose_first.ipynb", page=reader_ctx.new_page(), token=reader.token)
    kit.next_until(team, "The team")
    team.locator(".texts.purposes").get_by_text("junk", exact=False).wait_for()

    console = kit.facilitator_opens_board(s.code, s.key, width=1366)
    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    screen_ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    screen = screen_ctx.new_page()
    try:
        screen.goto(screen_link(kit.server.base_url, s.code, s.screen_key))
        console.get_by_role("radio", name="Results", exact=True).click()
        console.get_by_label("Results of").select_option("1. Purpose first")
        console.get_by_label("Part on the screen").select_option(label="3. Our purpose, in each person's words")
        screen.locator(".texts.purposes").get_by_text("junk", exact=False).wait_for()
        console.get_by_label("Part on the screen").select_option(label="7. Themes: our purpose")
        screen.locator(".themes-list").wait_for()
        assert "nonsense" not in screen.locator(".themes-list").inner_text()  # one person's word: never shown
        assert "share" in screen.locator(".themes-list").inner_text()
        kit.screenshot(screen, "screen_themes_purposes_1280x720", full=False)

        console.get_by_role("tab", name="Moderation").click()
        console.get_by_role("button", name=f"Hide: {junk}").click()
        console.locator(".hidden-tag").first.wait_for()
        kit.screenshot(console, "console_moderation_1366x768", full=False)

        # Gone within seconds: the themes on the screen, the purposes, the team's page.
        console.get_by_role("tab", name="Run the room").click()
        console.get_by_label("Part on the screen").select_option(label="3. Our purpose, in each person's words")
        expect(screen.locator(".texts.purposes")).not_to_contain_text("junk", timeout=15_000)
        expect(team.locator(".texts.purposes")).not_to_contain_text("junk", timeout=15_000)
        # Its author still sees it, with a note.
        author.reload()
        author.locator(".hidden-note").wait_for()
        assert field.input_value() == junk
        for fmt in ("html", "xlsx"):
            path = export(store, s.code, fmt, kit.server.log_path.parent / f"moderated.{fmt}")[0]
            if fmt == "html":
                assert "junk" not in path.read_text() and "Customers trust" in path.read_text()
            else:
                book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
                cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
                assert not any("junk" in c for c in cells) and any("Customers trust" in c for c in cells)
    finally:
        screen_ctx.close()
        reader_ctx.close()


def test_the_countdown_follows_the_room_and_the_screen_is_never_empty(kit, context, browser):
    store = kit.server.store()
    s = store.create_session("Agenda", modules=["purpose_first", "motivation_triad"])
    ann = kit.join_session(s.code, "Ann", width=390)
    console = kit.facilitator_opens_board(s.code, s.key, width=1366)
    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    screen_ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    screen = screen_ctx.new_page()
    try:
        screen.goto(screen_link(kit.server.base_url, s.code, s.screen_key))
        screen.locator(".screen-code").wait_for()
        console.get_by_role("radio", name="Countdown", exact=True).click()
        screen.locator(".screen-code").wait_for()  # no countdown yet: the join view, not "No countdown is running"
        for title in ("Purpose first", "The motivation triad"):
            console.get_by_role("button", name="Open the next module", exact=False).click()
            expect(console.get_by_label("For", exact=True)).to_have_value("1. Purpose first" if title == "Purpose first" else "2. The motivation triad")
            console.get_by_role("button", name="Start the countdown").click()
            expect(screen.locator(".screen-countdown .screen-sub")).to_have_text(title, timeout=15_000)
        kit.screenshot(screen, "screen_countdown_followed_1280x720", full=False)
        # A countdown that ended gives way to the join view.
        store.update_session(s.code, settings={"timer_end": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2)).isoformat()})
        screen.locator(".screen-code").wait_for(timeout=15_000)
        # The end of the session: "Thank you" on the screen, and on each person's home page.
        console.get_by_role("tab", name="Settings and exports").click()
        console.get_by_role("button", name="End the session").click()
        screen.locator(".screen-ended").wait_for(timeout=15_000)
        kit.screenshot(screen, "screen_ended_1280x720", full=False)
        ann.locator(".session-ended").wait_for(timeout=20_000)
        # The facilitator's terminal: a line for what happened in the room, none per page or kernel.
        lines = [line for line in kit.server.log().splitlines() if f"session {s.code}" in line]
        assert [re.sub(r"^\[slkit\] \d\d:\d\d:\d\d ", "", line) for line in lines] == [
            f"session {s.code}: a person joined", f"session {s.code}: Purpose first opened",
            f"session {s.code}: The motivation triad opened", f"session {s.code} ended"], lines
        assert "Connecting to kernel" not in kit.server.log() and "websocket_ping_timeout" not in kit.server.log()
    finally:
        screen_ctx.close()


def test_the_themes_of_a_norwegian_room(kit, browser):
    """The room's words in Norwegian: the kit's bokmål stop list leaves the words that matter
    (tillit, kunder, deling), a word only one person used stays out, and the screen says it all
    in Norwegian."""
    store = kit.server.store()
    s = store.create_session("Temadag", threshold=3, modules=["purpose_first"], start_open=True, language="nb")
    for text in ["Vi vil bygge tillit hos kundene og dele kunnskap på tvers.", "Dele kunnskap, og bygge tillit til kundene våre.",
                 "At kundene får svar raskt, og at vi deler kunnskap.", "Mer åpenhet og tillit i teamet.", "Hemmelig særord."]:
        store.save_answers(store.join(s.code), "purpose_first", {"objectives": ["share_knowledge"], "purpose_sentence": text})
    store.update_session(s.code, settings={"screen": {"view": "results", "module": "purpose_first", "part": "themes-purposes", "page": 0}})
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        pg = ctx.new_page()
        pg.goto(screen_link(kit.server.base_url, s.code, s.screen_key))
        terms = pg.locator(".themes-list")
        terms.wait_for()
        text = terms.inner_text()
        assert "tillit" in text and "dele kunnskap" in text and "kundene" in text
        assert "særord" not in text and "hemmelig" not in text.lower() and " og " not in f" {text} "
        assert pg.evaluate("document.documentElement.lang") == "nb" and "Temaer" in pg.locator(".screen-title").inner_text()
        pg.wait_for_timeout(800)
        kit.screenshot(pg, "screen_themes_nb_1280x720", full=False)
    finally:
        ctx.close()
