"""The shared board's views, driven from Python: alone (in memory) and in a live session."""

import pytest

from slkit.content import get_framework
from slkit.widgets.sheet import AnswerSheet
from slkit.widgets.widget_flow import StepFlow
from slkit.widgets.widget_live import LiveTicker
from slkit.widgets.widget_shared_board import BoardAdd, BoardColumns, BoardState, StrategyForm, VoteBoard

SW = get_framework("social_team_swot")


@pytest.fixture
def alone():
    return BoardState.for_sheet(SW, AnswerSheet(framework=SW))


def live_state(store, session, name=None, show_name=False):
    sheet = AnswerSheet(framework=SW)
    sheet.bind(store.join(session.code, name), lambda: store)
    sheet.show_name = show_name
    return BoardState.for_sheet(SW, sheet)


def test_adding_items_alone_shows_them_by_quadrant_and_escapes_typed_html(alone):
    add, cols = BoardAdd(alone, "swot_item"), BoardColumns(alone, "swot_item")
    assert cols.ticker is None  # alone, nothing to update from
    add.input.value = "<script>alert(1)</script>"
    add.column.value = "threats"
    assert add.submit() and add.input.value == ""
    assert "Added to Threats." in add.note.value
    html = cols.html.value
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "data-column='threats'" in html and html.index("&lt;script") > html.index("data-column='threats'")
    add.input.value = "<SCRIPT>alert(1)</script> "  # the same item again: said so, kept once
    assert add.submit() and "already added that to Threats" in add.note.value and len(alone.entries) == 1


def test_an_empty_or_too_long_item_is_refused_and_what_was_typed_stays(alone):
    add = BoardAdd(alone, "swot_item")
    add.input.value = "   "
    assert not add.submit() and "msg-error" in add.note.value
    add.input.value = "x" * 201
    assert not add.submit() and "200" in add.note.value and add.input.value == "x" * 201
    assert alone.entries == []


def test_vote_board_counts_votes_left_and_moves_a_vote(alone):
    for t in ("A", "B"):
        alone.board.add("swot_item", "strengths", t)
    alone.reload()
    votes = VoteBoard(alone, "swot_item")
    a, b = (e.id for e in alone.entries)
    plus_a, plus_b = votes._rows[a][3], votes._rows[b][3]
    for _ in range(3):
        plus_a.click()
    assert "0 of 3 votes left" in votes._heads["strengths"].value and plus_b.disabled
    votes._rows[a][2].click()  # take one back ...
    plus_b.click()             # ... and give it to B
    assert {e.id: e.votes for e in alone.entries} == {a: 2, b: 1}
    assert "●●" in votes._rows[a][1].value


def test_strategy_form_offers_the_top_items_of_its_cell_and_checks_the_pairing(alone):
    s = alone.board.add("swot_item", "strengths", "Strong writers")
    o = alone.board.add("swot_item", "opportunities", "New platform")
    alone.board.add("swot_item", "threats", "Cuts")
    alone.reload()
    form = StrategyForm(alone, "tows_strategy", "swot_item")
    assert set(form._boxes) == {s.id, o.id}  # SO: strengths and opportunities only
    form.input.value = "Writers lead the platform"
    form._boxes[s.id].value = True
    assert not form.submit() and "at least one strength and one opportunit" in form.note.value
    form._boxes[o.id].value = True
    assert form.submit()
    strategy = next(e for e in alone.entries if e.item == "tows_strategy")
    assert strategy.links == (s.id, o.id) and strategy.column == "so"
    cols = BoardColumns(alone, "tows_strategy")
    assert "builds on: Strong writers + New platform" in cols.html.value


def test_live_boards_of_two_people_see_each_other_and_names_only_when_chosen(store):
    session = store.create_session("SWOT")
    ana, ben = live_state(store, session, "Ana"), live_state(store, session, "Ben", show_name=True)
    ana_view, ben_view = BoardColumns(ana, "swot_item"), BoardColumns(ben, "swot_item")
    assert isinstance(ana_view.ticker, LiveTicker)
    add = BoardAdd(ana, "swot_item")
    add.input.value = "From Ana"
    add.submit()
    b_add = BoardAdd(ben, "swot_item")
    b_add.input.value = "From Ben"
    b_add.submit()
    ana.reload()  # what a tick does
    assert "From Ben" in ana_view.html.value and "— Ben" in ana_view.html.value
    assert "— Ana" not in ana_view.html.value and "(yours)" in ana_view.html.value
    ben_view.refresh()
    assert "From Ana" in ben_view.html.value


def test_a_step_left_pauses_its_live_updates_and_showing_it_again_resumes(store):
    session = store.create_session("SWOT")
    state = live_state(store, session)
    cols = BoardColumns(state, "swot_item")
    flow = StepFlow([("Collect", cols), ("Other", VoteBoard(state, "swot_item"))])
    assert cols.ticker.live and "slk-live" in cols.ticker.tick._dom_classes
    flow.go(1)
    assert not cols.ticker.live and "slk-live" not in cols.ticker.tick._dom_classes and "paused" in cols.ticker.status.value
    flow.go(0)
    assert cols.ticker.live


def test_ticks_reload_and_the_clock_runs_out_until_the_person_acts():
    calls = []
    t = LiveTicker(lambda: calls.append(1), minutes=0.1)  # three ticks of 2 s
    assert t.max_ticks == 3 and t.live
    for _ in range(3):
        t.tick.click()  # what the page's timer does
    assert calls == [1, 1, 1] and not t.live and "slk-live" not in t.tick._dom_classes and "paused" in t.status.value
    t.refresh_button.click()
    assert t.live and t.ticks == 0 and len(calls) == 4


def test_the_teams_goals_show_on_the_participants_board_once_enough_wrote_one(store):
    from slkit.widgets.widget_shared_board import TeamGoals

    s = store.create_session("Goals", threshold=3)
    sw = get_framework("social_team_swot")
    goal = next(i.id for i in sw.items if i.id == "team_goal")
    for k, name in enumerate(["Kari", "Ola"]):
        store.save_answers(store.join(s.code, name), sw.id, {goal: f"Goal <b>{k}</b>"}, show_name=(k == 0))
    view = TeamGoals(sw, s.code, store_factory=lambda: store)
    view.refresh()
    assert "2 of 3 answers so far" in view.status.value and view.body.children == ()
    store.save_answers(store.join(s.code), sw.id, {goal: "Third"})
    view.refresh()
    html = view.body.children[0].value
    assert "Goal &lt;b&gt;0&lt;/b&gt; — Kari" in html and "Goal &lt;b&gt;1&lt;/b&gt;</li>" in html and "Third" in html


def test_a_gated_ticker_hears_few_ticks_and_its_stretch_still_ends_on_time():
    """A participant's live view is gated (its page wakes it only when the store changed), so it
    may hear one tick in half a minute: its live stretch ends by the clock, not by a tick count."""
    now = [0.0]
    t = LiveTicker(lambda: None, minutes=1, clock=lambda: now[0])
    assert "slk-gated" in t.tick._dom_classes
    assert "slk-gated" not in LiveTicker(lambda: None, gated=False).tick._dom_classes  # console, screen
    now[0] = 59
    t.tick.click()
    assert t.live and t.ticks == 1
    now[0] = 61
    t.tick.click()
    assert not t.live and "slk-live" not in t.tick._dom_classes
    t.refresh_button.click()  # the person acts: another stretch from now
    now[0] = 100
    t.tick.click()
    assert t.live
