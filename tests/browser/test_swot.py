"""The SWOT board in a real server: three people add items and see each other's arrive without
reloading, vote them into an order, a typed script stays text, and the facilitator's merge
keeps every vote."""

import re

from slkit import board as B
from slkit.content import get_framework

SW = get_framework("social_team_swot")
SCRIPT = "<script>alert(1)</script>"


def add(pg, quadrant: str, text: str):
    pg.locator(".slk-columns").first.get_by_role("radio", name=quadrant, exact=True).click()
    pg.locator(".slk-board-input input").fill(text)
    pg.locator(".slk-add").click()
    pg.locator(".msg-ok", has_text=f"Added to {quadrant}.").wait_for()


def entry(pg, text: str):
    return pg.locator("li.entry", has=pg.locator(".text", has_text=text))


def next_step(pg, title):
    pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name=title, exact=True, level=2).wait_for()


def vote(pg, text: str, times: int = 1):
    row = pg.locator(".slk-vote-row", has=pg.locator(".text", has_text=text))
    for _ in range(times):
        before = row.locator(".votes").inner_text()
        row.get_by_role("button", name=re.compile("^Give a vote to")).click()
        row.locator(".votes", has_not_text=before).wait_for()


def wait_until(check, seconds: float = 10) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the page did not update in time"
        time.sleep(0.2)


def test_three_people_build_and_rank_a_swot_board_live(kit, browser):
    store = kit.server.store()
    session = store.create_session("SWOT test", threshold=3)
    dialogs: list[str] = []
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    try:
        pages = []
        for person, ctx in enumerate(contexts):
            ctx.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            kit.context = ctx
            pg = kit.join_and_open(session.code, SW.id, width=390 if person == 2 else 1280)
            pg.get_by_role("heading", name="Collect", exact=True, level=2).wait_for()
            pages.append(pg)
        ana, ben, cai = pages
        add(ana, "Strengths", "Fast replies to customers")
        add(ana, "Threats", SCRIPT)
        add(ben, "Strengths", "We reply quickly")
        add(ben, "Strengths", "Good photos")
        add(cai, "Opportunities", "A new internal platform")
        # Everyone's items reach the others' boards on their own (no reload, no click).
        for pg in pages:
            for text in ("Fast replies to customers", "We reply quickly", "Good photos", "A new internal platform"):
                entry(pg, text).wait_for(timeout=15_000)
            assert pg.locator("li.entry .text", has_text="alert(1)").inner_text() == SCRIPT
        kit.screenshot(cai, "swot_collect_phone")
        kit.screenshot(ana, "swot_collect_laptop")
        assert dialogs == [] and ana.locator("script:text('alert(1)')").count() == 0

        # Prioritise: votes rank the items.
        for pg in pages:
            next_step(pg, "Prioritise")
        vote(ana, "Good photos", 3)
        vote(ben, "We reply quickly", 2)
        vote(ben, "Good photos")
        vote(cai, "Fast replies to customers")
        assert cai.locator(".vote-head[data-column='strengths'] .left").inner_text() == "2 of 3 votes left"
        # With the quadrant's votes used, no more can be given there (the store refuses them too).
        ben_plus = ben.locator(".slk-vote-row", has=ben.locator(".text", has_text="Fast replies to customers")).get_by_role("button", name=re.compile("^Give a vote to"))
        assert ben_plus.is_disabled()
        assert ben.locator(".vote-head[data-column='strengths'] .left").inner_text() == "0 of 3 votes left"
        ranked = ["Good photos", "We reply quickly", "Fast replies to customers"]
        wait_until(lambda: ana.locator(".vote-list .text").all_inner_texts()[:3] == ranked)  # others' votes arrive live
        kit.screenshot(cai, "swot_vote_phone")

        # The facilitator merges a duplicate: its votes move, nothing lost.
        kit.context = contexts[0]
        board = kit.facilitator_opens_board(session.code, session.key)
        board.get_by_role("tab", name="Moderation").click()
        board.get_by_label("Module", exact=True).select_option("3. SWOT of the social team")
        row = board.locator(".slk-moderate-row", has=board.locator(".text", has_text="Fast replies to customers"))
        row.locator("select").select_option(label="We reply quickly (2)")
        board.locator(".msg-ok", has_text="Merged").wait_for()
        kit.screenshot(board, "board_projector_swot")
        entries = {e.text: e for e in B.board_entries(store, session.code, SW.id)}
        assert entries["We reply quickly"].votes == 3 and entries["Fast replies to customers"].merged_into == entries["We reply quickly"].id
        merged_row = ana.locator(".slk-vote-row", has=ana.locator(".text", has_text="We reply quickly"))
        merged_row.locator(".merged", has_text="Fast replies to customers").wait_for()
        assert merged_row.locator(".votes").inner_text() == "3"
        assert ana.locator(".vote-list .text").all_inner_texts()[:2] == ["Good photos", "We reply quickly"]
        # Strategies: combine a top strength and a top opportunity; everyone can vote on it.
        next_step(cai, "Strategies")
        cai.get_by_role("checkbox", name="Good photos (4)").check()
        cai.get_by_role("checkbox", name="A new internal platform (0)").check()
        cai.get_by_placeholder("The strategy, in a sentence").fill("Show our photos on the new platform")
        cai.get_by_role("button", name="Add strategy").click()
        cai.locator(".msg-ok", has_text="Strategy added.").wait_for()
        strategy = cai.locator(".slk-vote-row", has=cai.locator(".text", has_text="Show our photos"))
        assert "builds on: Good photos + A new internal platform" in strategy.inner_text()
        kit.screenshot(cai, "swot_strategies_phone")
        assert dialogs == []
    finally:
        for ctx in contexts:
            ctx.close()
    assert sum(e.votes for e in B.board_entries(store, session.code, SW.id)) == 7  # every vote cast, after the merge too
