"""The anonymity rules (slkit/aggregate.py), against the attacks that broke them: one person made
several by leaving a browser and joining again, two devices of one person, a group of exactly K,
and distributions (count columns, heat maps) that showed single people's answers.

Each case is a row of a table: how many real people, how many extra browser records, the
threshold K, and what may show on the page, the room screen and in the report."""

from __future__ import annotations

import pytest

from slkit import aggregate as A
from slkit import summaries as S
from slkit.board import StoreBoard, board_entries, respondent_counts
from slkit.content import get_framework
from slkit.report import session_report_html

FP = get_framework("five_practices")
PF = get_framework("purpose_first")
SW = get_framework("social_team_swot")
RATINGS = list(A.rating_items(FP))


def rate(store, p, value: int) -> None:
    store.save_answers(p, "five_practices", {item: value for item in RATINGS})


# ---- the rule itself, as a table ----------------------------------------------------------------

@pytest.mark.parametrize("n, k, team, detail", [
    (2, 3, False, False),  # below the threshold: nothing
    (3, 3, True, False),   # exactly K: the mean, no spread, no distribution
    (4, 3, True, False),   # four: still one unknown too few
    (5, 3, True, True),    # five, above K: spreads and distributions
    (5, 5, True, False),   # exactly K again, though five
    (6, 5, True, True),
    (1, 1, True, False),   # a threshold of one: a mean of one's own, nothing more
])
def test_what_may_show_for_n_people_at_threshold_k(n, k, team, detail):
    assert A.team_visible(n, k) is team
    assert A.detail_visible(n, k) is detail
    stat = A.Stat.of(range(n), k)
    assert (stat.sd is not None) is detail and stat.mean is not None


def practices(rows, k):
    return "".join(p if isinstance(p, str) else repr(p) for p in S.practices_team(FP, rows, threshold=k))


@pytest.mark.parametrize("people, k, heatmap", [(3, 3, False), (4, 3, False), (5, 3, True), (5, 5, False), (6, 5, True)])
def test_the_heat_map_follows_the_rule_for_distributions(people, k, heatmap):
    rows = [dict(participant=p, item=i, value=1 + (p % 10), name=None) for p in range(people) for i in RATINGS]
    html = practices(rows, k)
    assert ("'type': 'heatmap'" in html) is heatmap
    assert ("heatmap-waiting" in html) is not heatmap
    assert ("class='sd'>±" in html) is heatmap  # a spread only where a distribution may show


@pytest.mark.parametrize("people, k, counts", [(3, 3, False), (5, 3, True), (5, 5, False)])
def test_culture_fit_count_columns_follow_the_rule(people, k, counts):
    culture = [i.id for s in PF.steps if s.id == "culture" for i in s.items]
    rows = [dict(participant=p, item=i, value=1 + p % 5, name=None) for p in range(people) for i in culture]
    html = "".join(p for p in S.purpose_team(PF, rows, k) if isinstance(p, str))
    assert ("class='n1'" in html) is counts


# ---- one person, one count ------------------------------------------------------------------------

def test_join_leave_join_does_not_make_one_person_several(store):
    """The attack: join, "Not you? Leave this browser", join again, until the team view says
    "3 people" with one real other person in it, whose ratings the mean then gives away."""
    s = store.create_session("Attack", threshold=3)
    victim = store.join(s.code, "Victim")
    rate(store, victim, 9)
    me = store.join(s.code, "Me")
    rate(store, me, 1)
    for _ in range(3):
        marker = store.leave(me, me.token)
        me = store.join(s.code, "Me again", left_marker=marker)
        assert not me.counted
        rate(store, me, 1)
    rows = store.answers(s.code, "five_practices")
    assert A.respondents(rows, RATINGS) == 2 and not A.team_visible(2, s.threshold)
    assert store.participant_count(s.code) == 2
    waiting = store.waiting_to_count(s.code)
    assert [w["name"] for w in waiting] == ["Me again"] * 3 and {w["was"] for w in waiting} == {"Me", "Me again"}
    # The facilitator knows the room: a different person on a shared device is counted in.
    store.count_in(s.code, waiting[0]["id"])
    assert A.respondents(store.answers(s.code, "five_practices"), RATINGS) == 3
    assert len(store.waiting_to_count(s.code)) == 2


def test_a_marker_of_another_session_or_a_forged_one_changes_nothing(store):
    s, other = store.create_session("One"), store.create_session("Two")
    p = store.join(other.code)
    marker = store.leave(p, p.token)
    assert store.join(s.code, left_marker=marker).counted  # another session's marker
    assert store.join(s.code, left_marker="forged-marker-forged-marker").counted
    assert not store.join(other.code, left_marker=marker).counted


def test_two_devices_of_one_person_count_once(store):
    s = store.create_session("Devices", threshold=2)
    ann = store.join(s.code, "Ann")
    rate(store, ann, 4)
    phone = store.resume(s.code, personal_code=ann.personal_code)
    rate(store, phone, 6)
    rows = store.answers(s.code, "five_practices")
    assert A.respondents(rows, RATINGS) == 1 and {r["value"] for r in rows} == {6}


def test_a_board_counts_only_people_who_count(store):
    s = store.create_session("Board", threshold=1)
    ann = store.join(s.code)
    board = StoreBoard(SW, store, ann)
    item = board.add("swot_item", "strengths", "We answer fast")
    ghost = store.leave(ann, ann.token)
    again = store.join(s.code, left_marker=ghost)
    ghost_board = StoreBoard(SW, store, again)
    ghost_board.vote(item.id)
    own = ghost_board.add("swot_item", "strengths", "Only I see this until counted in")
    assert [e.votes for e in board_entries(store, s.code, "social_team_swot") if e.id == item.id] == [0]
    assert own.id not in [e.id for e in board_entries(store, s.code, "social_team_swot")]  # not on the team's board
    assert own.id in [e.id for e in ghost_board.entries()]  # but its author sees it
    assert respondent_counts(store, s.code)["social_team_swot"] == 1
    store.count_in(s.code, again.id)
    assert [e.votes for e in board_entries(store, s.code, "social_team_swot") if e.id == item.id] == [1]
    assert respondent_counts(store, s.code)["social_team_swot"] == 2


# ---- every export, the same rules ---------------------------------------------------------------

@pytest.mark.parametrize("people, k, shown", [(3, 3, False), (6, 3, True)])
def test_the_report_shows_distributions_only_where_pages_do(store, people, k, shown):
    s = store.create_session("Report", threshold=k)
    for n in range(people):
        rate(store, store.join(s.code), 1 + n)
    html = session_report_html(store, s.code)
    assert ('"type": "heatmap"' in html) is shown
    assert ("heatmap-waiting" in html) is not shown
