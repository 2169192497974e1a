"""The facilitator guide from the console, and the privacy statement from the join page, as
people reach them: rendered by the workshop server, offline, axe-clean, usable by keyboard."""

from urllib.parse import urlsplit

from slkit.guide import PAGES, title_of

from .conftest import wait_until


def same_server_only(pg, base_url: str) -> list[str]:
    """Collect every request the page makes that does not go to the workshop server."""
    outside: list[str] = []
    host = urlsplit(base_url).netloc
    pg.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).netloc != host and not r.url.startswith("data:") else None)
    return outside


def test_the_facilitator_reads_the_guide_from_the_console(kit, audit):
    store = kit.server.store()
    session = store.create_session("Guide day")
    console = kit.facilitator_opens_board(session.code, session.key, width=1366)
    console.locator(".console-top").wait_for()
    kit.screenshot(console, "console-guide-link", full=False)
    with kit.context.expect_page() as opened:
        console.get_by_role("link", name="Guide", exact=True).click()
    guide = opened.value
    outside = same_server_only(guide, kit.server.base_url)
    guide.set_viewport_size({"width": 1366, "height": 768})
    guide.wait_for_load_state()
    assert guide.locator("h1").inner_text() == "Running a workshop"
    assert session.key not in guide.url and "key=" not in guide.url  # the guide's link carries no key
    audit(guide, "guide: start")
    kit.screenshot(guide, "guide-laptop", full=False)
    # The checklist can be ticked, each box named by its line.
    first = guide.get_by_role("checkbox").first
    first.check()
    assert first.is_checked() and "power cable" in first.evaluate("e => e.closest('label').textContent")
    # Every page of the guide, by keyboard through its contents.
    for slug in [s for s in PAGES if s]:
        title = title_of(slug)
        link = guide.get_by_role("navigation", name="Guide").get_by_role("link", name=title, exact=True)
        link.focus()
        guide.keyboard.press("Enter")
        assert wait_until(lambda t=title: guide.locator("h1").inner_text() == t, 10), f"{slug}: {guide.locator('h1').inner_text()}"
        audit(guide, f"guide: {slug}")
        kit.screenshot(guide, f"guide-{slug}", full=False)
    guide.set_viewport_size({"width": 390, "height": 844})
    guide.goto(kit.server.base_url + "/slkit/guide/agendas")
    assert guide.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # the tables fit a phone
    guide.locator("table").first.scroll_into_view_if_needed()
    kit.screenshot(guide, "guide-agendas-phone", full=False)
    assert outside == [], outside
    assert guide.goto(kit.server.base_url + "/slkit/guide/nothing-here").status == 404


def test_a_participant_reads_how_their_answers_are_kept_before_joining(kit, audit):
    session = kit.server.store().create_session("Privacy day")
    pg = kit.landing(session.code, width=390)
    pg.get_by_role("button", name="Join the session", exact=True).wait_for()
    link = pg.get_by_role("link", name="How your answers are kept")
    # By keyboard: the link comes before the form's fields.
    for _ in range(15):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement && document.activeElement.textContent") == "How your answers are kept":
            break
    else:
        raise AssertionError("the privacy link is not reachable with Tab")
    with kit.context.expect_page() as opened:
        pg.keyboard.press("Enter")
    privacy = opened.value
    privacy.set_viewport_size({"width": 390, "height": 844})
    privacy.wait_for_load_state()
    assert privacy.locator("h1").inner_text() == "How your answers are kept"
    text = privacy.locator("main").inner_text()
    assert "at least 3" in text and "Until the facilitator deletes the session" in text
    assert privacy.get_by_role("navigation").count() == 0  # the facilitator's guide is not in a participant's way
    audit(privacy, "privacy statement")
    kit.screenshot(privacy, "privacy-phone")
    assert link.is_visible()  # the join page is still there, nothing lost
