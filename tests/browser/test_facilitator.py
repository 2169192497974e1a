"""The facilitator's board in a real server: create a session, three people join through the
join link and answer the five practices and the SWOT; the board follows without a reload;
closing a module turns a participant's next answer into the closed message; a wrong key
shows nothing."""

import statistics
import time

from slkit.content import get_framework
from slkit.widgets.widget_board import LOCKED

FP = get_framework("five_practices")
SW = get_framework("social_team_swot")
FIRST = FP.steps[0]


def wait_until(check, seconds: float = 20) -> float:
    """Poll until `check()` holds; return how long it took (reported, never judged)."""
    t0 = time.monotonic()
    while not check():
        assert time.monotonic() - t0 < seconds, "the board did not follow in time"
        time.sleep(0.1)
    return time.monotonic() - t0


def row_action(console, module: str, what: str):
    """The button beside a module's state (what: 'open' or 'reveal')."""
    return console.locator(f".widget-hbox:has(> .widget-html .state-{what}[data-module='{module}']) button")


def test_a_facilitator_runs_the_room_from_the_console_and_the_screen_follows(kit, browser, record_property):
    board = kit.facilitator_opens_board()
    board.set_viewport_size({"width": 1366, "height": 768})
    board.get_by_placeholder("e.g. Marketing Team, spring workshop".replace("Team", "team")).fill("Board test")
    board.get_by_role("button", name="Create session").dblclick()  # a double click makes one session
    created = board.locator(".msg-ok", has_text="created")
    created.wait_for()
    code = created.inner_text().split()[1]
    assert [s.title for s in kit.server.store().list_sessions()].count("Board test") == 1
    board.get_by_role("link", name="open the console").click()
    board.get_by_role("tab", name="Run the room").wait_for()
    assert board.locator(".qr svg").count() == 1
    join = board.locator(".console-top a").first.get_attribute("href")
    assert join.endswith(f"index.ipynb?session={code}")
    screen_url = board.get_by_role("link", name="Open the room screen").get_attribute("href")
    key = kit.server.server_key
    assert key not in screen_url and "key=" not in screen_url and f"session={code}" in screen_url
    kit.screenshot(board, "console_laptop_1366x768", full=False)

    # The room screen on the projector: the join view, readable from the back.
    screen = kit.context.new_page()
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(screen_url)
    screen.locator(".screen-code", has_text=code).wait_for()
    assert screen.locator(".screen-join .qr svg").count() == 1
    body_px = screen.evaluate("parseFloat(getComputedStyle(document.querySelector('.slk-screen .slk p')).fontSize)")
    assert body_px >= 24, body_px
    assert screen.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 4")
    assert screen.get_by_role("button").filter(visible=True).count() == 0  # nothing to press
    kit.screenshot(screen, "screen_join_1280x720", full=False)

    # Every module starts closed; the facilitator opens the five practices and shows its results.
    assert row_action(board, FP.id, "open").inner_text() == "Open"
    row_action(board, FP.id, "open").click()
    board.locator(f".state-open.on[data-module='{FP.id}']").wait_for()
    row_action(board, FP.id, "reveal").click()
    board.locator(f".state-reveal.on[data-module='{FP.id}']").wait_for()

    contexts = [browser.new_context(viewport={"width": 390, "height": 844}) for _ in range(3)]
    try:
        people = []
        for k, ctx in enumerate(contexts):
            pg = ctx.new_page()
            pg.goto(join)  # through the join link, once; then the module's card on their home
            pg.get_by_role("button", name="Join the session").click()
            pg.locator(".module-card[data-module='five_practices']").click()
            pg.get_by_role("heading", name=FIRST.title, exact=True).wait_for()
            for i, _item in enumerate(FIRST.items):
                pg.locator(".slk-rating").nth(i).get_by_role("radio", name=str(2 + 3 * k), exact=True).click()
            pg.locator(".savebar", has_text="Saved").wait_for()
            pg.locator(".slk-text, .slk-rating").first.wait_for()
            people.append(pg)
        took = wait_until(lambda: board.locator(".answered[data-module='five_practices']").inner_text() == "3 took part")
        record_property("board_counts_followed_after_s", round(took, 2))
        board.locator(".joined", has_text="3 participants joined").wait_for()

        # The results on the room screen, chosen on the console; the screen follows within 2 s.
        board.get_by_label("Results of").select_option(label=f"{FP.order}. {FP.title}")
        board.get_by_role("radio", name="Results", exact=True).click()
        t0 = time.monotonic()
        screen.locator(".screen-title[data-part='profile'] ").wait_for(timeout=10_000)  # the first part: the team's profile
        record_property("screen_followed_after_s", round(time.monotonic() - t0, 2))
        screen.locator(".slk-chart .main-svg").first.wait_for()
        assert screen.evaluate("document.scrollingElement.scrollTop === 0")
        kit.screenshot(screen, "screen_results_five_practices_1280x720", full=False)
        board.get_by_role("button", name="Next", exact=True).click()  # the next part: the figures
        row = screen.locator(f".team-table tr[data-step='{FIRST.id}']")
        row.wait_for(timeout=10_000)
        scores = [2 + 3 * k for k in range(3)]
        assert row.locator(".mean").inner_text() == f"{statistics.fmean(scores):.1f}"
        assert row.locator(".sd").inner_text() == "–"  # three people: a spread would give answers away
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.wait_for_timeout(500)
        kit.screenshot(screen, "screen_results_five_practices_table_1920x1080", full=False)
        screen.set_viewport_size({"width": 1280, "height": 720})

        # Held back: the screen shows none of it; the console's private preview still does.
        row_action(board, FP.id, "reveal").click()
        screen.locator(".held").wait_for(timeout=10_000)
        assert screen.locator(".team-table").count() == 0 and "5.0" not in screen.locator("body").inner_text()
        board.get_by_role("tab", name="Preview results").click()
        board.locator(".held-note").wait_for()
        assert board.locator(f".team-table tr[data-step='{FIRST.id}'] .mean").first.inner_text() == f"{statistics.fmean(scores):.1f}"
        kit.screenshot(board, "console_preview_held_1366x768", full=False)
        board.get_by_role("tab", name="Run the room").click()
        row_action(board, FP.id, "reveal").click()

        # A countdown: the participant sees it at their next answer; the screen shows it large.
        board.get_by_role("button", name="Start the countdown").click()
        board.locator(".slk-timer .left").first.wait_for()
        board.get_by_role("radio", name="Countdown", exact=True).click()
        screen.locator(".screen-countdown .slk-timer .left").wait_for(timeout=10_000)
        kit.screenshot(screen, "screen_countdown_1280x720", full=False)
        people[2].locator(".slk-rating").nth(1).get_by_role("radio", name="9", exact=True).click()
        left = people[2].locator(".slk-timer .left")
        left.wait_for()
        first_reading = left.inner_text()
        assert first_reading.startswith(("10:00", "9:5")) and first_reading.endswith("left")
        wait_until(lambda: left.inner_text() != first_reading, seconds=5)
        left.scroll_into_view_if_needed()
        people[2].wait_for_timeout(1500)
        assert people[2].locator("#slk-float-timer").count() == 0  # the countdown in view: shown once, not twice
        people[2].locator(".slk-rating").last.scroll_into_view_if_needed()  # scrolled down, the countdown stays in view
        float_timer = people[2].locator(".slk-savebar #slk-float-timer")  # in the save bar's strip, which the page keeps free
        float_timer.wait_for(timeout=5_000)
        assert float_timer.inner_text().endswith("left")
        # Whatever it overlaps (the bar's strip lies over the page's end) comes out from under it
        # when scrolled to: nothing it covers is out of reach.
        over = people[2].evaluate("""() => { const t = document.getElementById('slk-float-timer').getBoundingClientRect();
            const hit = e => { const r = e.getBoundingClientRect(), u = document.getElementById('slk-float-timer').getBoundingClientRect();
              return r.width && !(r.right <= u.left + 2 || r.left >= u.right - 2 || r.bottom <= u.top + 2 || r.top >= u.bottom - 2); };
            const covered = [...document.querySelectorAll('#rendered_cells button, #rendered_cells input, #rendered_cells a, #rendered_cells select')]
              .filter(e => e.offsetParent !== null && !e.closest('.slk-savebar')).filter(hit);
            return covered.filter(e => { e.scrollIntoView({block: 'center'}); return hit(e); }).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 20)); }""")
        kit.screenshot(people[2], "five_practices_countdown_phone", full=False)
        assert over == [], f"the countdown covers a control: {over}"
        kit.screenshot(people[2], "five_practices_countdown_phone", full=False)
        board.get_by_role("button", name="Stop the countdown").click()
        board.get_by_role("radio", name="Pause", exact=True).click()
        screen.locator(".screen-pause").wait_for(timeout=10_000)

        # SWOT: opened next; one item each, then the facilitator closes the module.
        row_action(board, SW.id, "open").click()
        board.locator(f".state-open.on[data-module='{SW.id}']").wait_for()
        row_action(board, SW.id, "reveal").click()
        board.locator(f".state-reveal.on[data-module='{SW.id}']").wait_for()
        for k, pg in enumerate(people):
            pg.goto(join)  # the QR code again: the same person, straight to their home
            pg.locator(".module-card[data-module='social_team_swot']").click()
            pg.locator(".slk-board-input input").fill(f"Item from person {k}")
            pg.locator(".slk-add").click()
            pg.locator(".msg-ok", has_text="Added to Strengths.").wait_for()
        wait_until(lambda: board.locator(".answered[data-module='social_team_swot']").inner_text() == "3 took part")
        board.get_by_label("Results of").select_option(label=f"{SW.order}. {SW.title}")
        board.get_by_role("radio", name="Results", exact=True).click()
        screen.locator(".board-column.col-strengths li.entry").nth(2).wait_for(timeout=10_000)  # the first part: the strengths
        kit.screenshot(screen, "screen_results_swot_1280x720", full=False)
        row_action(board, SW.id, "open").click()
        board.locator(f".state-open.off[data-module='{SW.id}']").wait_for()
        people[1].locator(".slk-board-input input").fill("Too late")
        people[1].locator(".slk-add").click()
        closed = people[1].locator(".msg-error", has_text="closed by the facilitator")
        closed.wait_for()
        kit.screenshot(people[1], "swot_closed_phone")
        store = kit.server.store()
        assert store.participant_count(code) == 3  # three people, two modules each: three participants
        assert [e.text for e in __import__("slkit.board", fromlist=["x"]).board_entries(store, code, SW.id) if e.text == "Too late"] == []
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_wrong_key_shows_nothing(kit):
    session = kit.server.store().create_session("Secret <b>plans</b>")
    pg = kit.facilitator_opens_board(session.code, key="not-the-key-000000000000")
    text = pg.locator(".slk").last.inner_text()
    assert LOCKED in text and "Secret" not in text and session.code not in text and "not-the-key" not in pg.content().split("</script>")[-1]


def test_a_server_on_every_interface_links_to_an_address_phones_can_reach(tmp_path, context):
    """This machine's host name maps to loopback (as on Debian and Ubuntu laptops); the links
    and the QR code must carry an interface's address all the same, whichever address the
    facilitator opened the console at."""
    import json
    import os
    import subprocess
    import sys

    from slkit.devtools import start_server, stop_server
    from slkit.network import room_addresses
    from tests.browser.conftest import Kit

    lan = room_addresses()
    if not lan:
        import pytest

        pytest.skip("this machine has no network interface besides loopback")
    server = start_server(tmp_path, "--host", "0.0.0.0")
    try:
        port = server.base_url.rsplit(":", 1)[1]
        assert f"Participants: http://{lan[0]}:{port}/" in server.log()
        # A command run while the server runs prints links the room can use, without --port.
        env = {**os.environ, "SLKIT_DATA_DIR": str(tmp_path)}
        r = subprocess.run([sys.executable, "-m", "slkit", "session", "new", "--title", "Room", "--json",
                            "--database-url", server.database_url], capture_output=True, text=True, env=env, timeout=120)
        made = json.loads(r.stdout)
        assert made["join_link"].startswith(f"http://{lan[0]}:{port}/") and made["screen_link"].startswith(f"http://{lan[0]}:{port}/")
        console = Kit(server, context).facilitator_opens_board(made["code"], made["facilitator_key"])  # opened at 127.0.0.1
        console.get_by_role("tab", name="Run the room").wait_for()
        join = console.locator(".console-top a").first.get_attribute("href")
        assert join == f"http://{lan[0]}:{port}/voila/render/index.ipynb?session={made['code']}"
        assert console.locator(".console-top .msg-error").count() == 0  # reachable: no loopback warning
    finally:
        stop_server(server.process)
