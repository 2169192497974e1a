"""Aggregates: the plain-Python figures a participant sees equal the pandas figures."""

import statistics

import pytest

from slkit import aggregate as A
from slkit.content import get_framework

FW = get_framework("five_practices")
PRACTICES = [s for s in FW.steps if s.id != "commitments"]


def rows_for(people: dict[int, dict[str, int]]) -> list[dict]:
    return [dict(participant=p, item=i, value=v) for p, answers in people.items() for i, v in answers.items()]


def full(person: int) -> dict[str, int]:
    return {item.id: 1 + (person * 5 + k * 3 + j) % 10 for k, s in enumerate(PRACTICES) for j, item in enumerate(s.items)}


def test_stat_of_values_shows_a_spread_only_from_five_answers():
    s = A.Stat.of([2, 4, 9, 1, 5])
    assert (s.n, s.mean) == (5, 4.2)
    assert s.sd == pytest.approx(statistics.stdev([2, 4, 9, 1, 5]))
    assert A.Stat.of([7]).sd is None and A.Stat.of([2, 4, 9, 1]).sd is None
    assert A.Stat.of([]) == A.Stat(0, None, None)


def test_with_three_answers_a_spread_would_give_the_others_away():
    """Why the rule: from the mean, the spread and one's own answer, the other two answers follow."""
    mine, others = 4.0, (7.0, 10.0)
    mean, sd = statistics.fmean((mine, *others)), statistics.stdev((mine, *others))
    rest_sum = 3 * mean - mine
    rest_sq = sd**2 * 2 + 3 * mean**2 - mine**2  # sum of squares of the other two
    # x + y = rest_sum, x^2 + y^2 = rest_sq: solvable, so the spread must not show with 3.
    d = (2 * rest_sq - rest_sum**2) ** 0.5
    assert sorted(((rest_sum - d) / 2, (rest_sum + d) / 2)) == pytest.approx(sorted(others))
    assert A.Stat.of((mine, *others)).sd is None


def test_own_scores_strongest_weakest_and_ranking():
    answers = {PRACTICES[0].items[0].id: 10, PRACTICES[0].items[1].id: 8, PRACTICES[3].items[0].id: 2, "commitment_1": "text"}
    scores = A.own_scores(FW, answers)
    assert scores == {PRACTICES[0].id: 9.0, PRACTICES[3].id: 2.0}
    assert A.strongest_weakest(scores) == (PRACTICES[0].id, PRACTICES[3].id)
    assert A.ranked_items(FW, answers) == [(PRACTICES[0].items[0].id, 10), (PRACTICES[0].items[1].id, 8), (PRACTICES[3].items[0].id, 2)]
    assert A.strongest_weakest({}) is None


def test_team_profile_counts_each_person_once_per_practice():
    people = {1: full(1), 2: full(2), 3: {PRACTICES[0].items[0].id: 10}}  # person 3 answered one item
    team = A.team_profile(FW, rows_for(people))
    first = [statistics.fmean(full(p)[i.id] for i in PRACTICES[0].items) for p in (1, 2)] + [10]
    assert team[PRACTICES[0].id].n == 3
    assert team[PRACTICES[0].id].mean == pytest.approx(statistics.fmean(first))
    assert team[PRACTICES[0].id].sd is None  # three people: no spread
    assert team[PRACTICES[1].id].n == 2


def test_plain_and_pandas_figures_agree():
    people = {p: full(p) for p in range(1, 8)}
    rows = rows_for(people)
    plain = A.team_profile(FW, rows)
    frame = A.step_stats_frame(A.ratings_frame(FW, rows))
    for step, stat in plain.items():
        assert frame.loc[step, "n"] == stat.n
        assert frame.loc[step, "mean"] == pytest.approx(stat.mean)
        assert frame.loc[step, "sd"] == pytest.approx(stat.sd)  # seven people: a spread
    items = A.item_stats(FW, rows)
    assert items[PRACTICES[2].items[4].id].mean == pytest.approx(statistics.fmean(full(p)[PRACTICES[2].items[4].id] for p in people))


def test_self_vs_team_frame():
    rows = rows_for({1: full(1), 2: full(2)})
    frame = A.self_vs_team_frame(FW, full(1), rows)
    assert list(frame.index) == [s.id for s in PRACTICES]
    assert frame.loc[PRACTICES[0].id, "own"] == pytest.approx(A.own_scores(FW, full(1))[PRACTICES[0].id])
    assert (frame["n"] == 2).all()


def test_distribution_counts_every_rating_of_a_practice():
    rows = rows_for({1: full(1), 2: full(2)})
    dist = A.distribution(FW, rows, PRACTICES[1].id)
    assert sorted(dist) == list(range(1, 11))
    assert sum(dist.values()) == 2 * len(PRACTICES[1].items)
    assert dist[full(1)[PRACTICES[1].items[0].id]] >= 1


@pytest.mark.parametrize("n, threshold, visible", [(0, 3, False), (2, 3, False), (3, 3, True), (4, 3, True), (1, 1, True), (0, 0, False)])
def test_the_anonymity_rule(n, threshold, visible):
    assert A.team_visible(n, threshold) is visible


def test_respondents_counts_distinct_people_for_the_given_items():
    rows = rows_for({1: {"mw_voice_purpose": 3}, 2: {"commitment_1": "x"}})
    assert A.respondents(rows) == 2
    assert A.respondents(rows, A.rating_items(FW)) == 1


PF = get_framework("purpose_first")
MT = get_framework("motivation_triad")


def test_rank_points_is_a_borda_count_with_stated_tie_breaks():
    rows = [
        dict(participant=1, item="objectives", value=["brand", "recruit", "listen"]),
        dict(participant=2, item="objectives", value=["recruit", "brand"]),
        dict(participant=3, item="objectives", value=["listen"]),
        dict(participant=3, item="purpose_sentence", value="x"),
    ]
    ranked = A.rank_points(PF, rows, "objectives")
    assert [(r.option, r.points, r.chosen, r.first) for r in ranked[:3]] == [("brand", 5, 2, 1), ("recruit", 5, 2, 1), ("listen", 4, 2, 1)]
    assert all(r.points == 0 for r in ranked[3:]) and len(ranked) == len(PF.item("objectives").options)


def test_choice_counts_and_written_answers():
    rows = [dict(participant=p, item="channels", value=v) for p, v in [(1, ["blog", "linkedin"]), (2, ["blog"]), (3, [])]]
    counts = A.choice_counts(PF, rows, "channels")
    assert list(counts) == PF.item("channels").option_ids() and counts["blog"] == 2 and counts["linkedin"] == 1
    texts = [dict(participant=p, item="purpose_sentence", value=v) for p, v in [(1, "b second"), (2, ""), (3, "A first")]]
    assert A.written(texts, "purpose_sentence") == ["A first", "b second"]
    named = texts + [dict(participant=4, item="purpose_sentence", value="Curious", name="Kari")]
    assert A.written(named, "purpose_sentence") == ["A first", "b second", "Curious — Kari"]  # the name only where chosen


def test_tag_scores_gaps_and_the_team_spread_of_gaps():
    one = {"autonomy_task_today": 2, "autonomy_time_today": 4, "autonomy_task_wanted": 8, "mastery_show_today": 5}
    scores = A.tag_scores(MT, one, "part", "when")
    assert scores == {("autonomy", "today"): 3.0, ("autonomy", "wanted"): 8.0, ("mastery", "today"): 5.0}
    assert A.gaps(scores) == {("autonomy",): 5.0}
    two = {"autonomy_task_today": 6, "autonomy_task_wanted": 7}
    rows = [dict(participant=p, item=i, value=v) for p, a in ((1, one), (2, two)) for i, v in a.items()]
    team = A.team_tag_stats(MT, rows, "part", "when")
    assert team[("autonomy", "today")].mean == 4.5 and team[("autonomy", "today")].n == 2
    assert team[("purpose", "today")].n == 0
    gaps = A.team_gaps(MT, rows, "part", "when")
    assert gaps[("autonomy",)].mean == 3.0 and gaps[("autonomy",)].sd is None


def test_fit_turns_ratings_that_pull_against_a_purpose():
    assert A.fit_value(PF, "culture_face_to_face", 5) == 1 and A.fit_value(PF, "culture_openness", 5) == 5
    answers = {"culture_face_to_face": 4, "culture_openness": 1, "culture_feedback": 3, "culture_hierarchy": 5}
    assert A.pulling_against(PF, answers, "culture") == ["culture_openness", "culture_hierarchy", "culture_face_to_face"]
