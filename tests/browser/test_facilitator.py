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


def test_a_facilitator_runs_a_session_from_the_board(kit, browser, record_property):
    board = kit.facilitator_opens_board()
    board.set_viewport_size({"width": 1280, "height": 720})
    board.get_by_placeholder("e.g. Marketing team, spring workshop").fill("Board test")
    board.get_by_role("button", name="Create session").click()
    created = board.locator(".msg-ok", has_text="created")
    created.wait_for()
    code = created.inner_text().split()[1]
    board.get_by_role("link", name="open the board").click()
    board.locator(".bigcode", has_text=code).wait_for()
    assert board.locator(".qr svg").count() == 1
    join = board.locator(".join a").first.get_attribute("href")
    assert join.endswith(f"index.ipynb?session={code}")

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
                pg.locator(".slk-rating").nth(i).get_by_role("button", name=str(2 + 3 * k), exact=True).click()
            pg.locator(".savebar", has_text="Saved").wait_for()
            people.append(pg)
        took = wait_until(lambda: board.locator(".answered[data-module='five_practices']").inner_text() == "3 took part")
        record_property("board_counts_followed_after_s", round(took, 2))
        board.locator(".joined", has_text="3 participants joined").wait_for()
        row = board.locator(f".team-table tr[data-step='{FIRST.id}']")
        row.wait_for()
        scores = [2 + 3 * k for k in range(3)]
        assert row.locator(".mean").inner_text() == f"{statistics.fmean(scores):.1f}"
        assert row.locator(".sd").inner_text() == "–"  # three people: a spread would give answers away
        board.locator(".slk-chart .main-svg").first.wait_for()
        kit.screenshot(board, "board_projector_results")
        board.locator(".bigcode").scroll_into_view_if_needed()
        kit.screenshot(board, "board_projector_1280x720", full=False)  # what the room sees first

        # A second answer moves the board's figure without a reload.
        people[0].locator(".slk-rating").nth(0).get_by_role("button", name="10", exact=True).click()
        people[0].locator(".savebar", has_text="Saved").wait_for()
        first = [10, 2, 2, 2, 2, 2]
        new_mean = statistics.fmean([statistics.fmean(first[: len(FIRST.items)]), 5, 8])
        took = wait_until(lambda: row.locator(".mean").inner_text() == f"{new_mean:.1f}")
        record_property("board_figure_followed_after_s", round(took, 2))

        # A countdown: the participant sees it at their next answer, counting down in the page.
        board.get_by_role("button", name="Start timer").click()
        board.locator(".slk-timer .left").wait_for()
        people[2].locator(".slk-rating").nth(1).get_by_role("button", name="9", exact=True).click()
        left = people[2].locator(".slk-timer .left")
        left.wait_for()
        first_reading = left.inner_text()
        assert first_reading.startswith(("10:00", "9:5")) and first_reading.endswith("left")
        wait_until(lambda: left.inner_text() != first_reading, seconds=5)
        people[2].locator(".slk-rating").last.scroll_into_view_if_needed()  # scrolled down, the countdown stays in view
        assert people[2].locator("#slk-float-timer").inner_text().endswith("left")
        kit.screenshot(people[2], "five_practices_countdown_phone", full=False)
        board.get_by_role("button", name="Stop timer").click()

        # SWOT: one item each, then the facilitator closes the module.
        for k, pg in enumerate(people):
            pg.goto(join)  # the QR code again: the same person, straight to their home
            pg.locator(".module-card[data-module='social_team_swot']").click()
            pg.locator(".slk-board-input input").fill(f"Item from person {k}")
            pg.locator(".slk-add").click()
            pg.locator(".msg-ok", has_text="Added to Strengths.").wait_for()
        wait_until(lambda: board.locator(".answered[data-module='social_team_swot']").inner_text() == "3 took part")
        board.locator(".slk-columns").first.get_by_role("button", name=f"{SW.order}. {SW.title}").click()
        board.locator(".board-swot_item li.entry").nth(2).wait_for()
        toggle = board.locator(".widget-toggle-button", has_text="Open").nth(SW.order - 1)
        toggle.click()
        board.locator(".widget-toggle-button", has_text="Closed").first.wait_for()
        people[1].locator(".slk-board-input input").fill("Too late")
        people[1].locator(".slk-add").click()
        closed = people[1].locator(".msg-error", has_text="closed by the facilitator")
        closed.wait_for()
        kit.screenshot(people[1], "swot_closed_phone")
        store = kit.server.store()
        assert store.participant_count(code) == 3  # three people, two modules each: three participants
        assert [e.text for e in __import__("slkit.board", fromlist=["x"]).board_entries(store, code, SW.id) if e.text == "Too late"] == []
        kit.screenshot(board, "board_projector_swot_results")
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_wrong_key_shows_nothing(kit):
    session = kit.server.store().create_session("Secret <b>plans</b>")
    pg = kit.facilitator_opens_board(session.code, key="not-the-key-000000000000")
    text = pg.locator(".slk").last.inner_text()
    assert LOCKED in text and "Secret" not in text and session.code not in text and "not-the-key" not in pg.content().split("</script>")[-1]
