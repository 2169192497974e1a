"""Observers (a 360) without a browser: rule 6 (who may be shown) as a table of cases with the
attacks on it, the 360 computed from answers, and the round's life in the store (SQLite and
PostgreSQL): links, one browser per link, withdrawing, closing while an observer answers,
hostile text, two languages, and deleting the session."""

from __future__ import annotations

import datetime as dt

import pytest

from slkit import InputError
from slkit import aggregate as A
from slkit import observers as O
from slkit.content import get_framework

FP = get_framework("five_practices")
RATINGS = [i.id for i in FP.items if i.kind == "rating"]
BROWSERS = [f"browser-marker-{n:020d}" for n in range(12)]


# ---- rule 6 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("counts, shown, groups", [
    # nothing before three observers besides the manager
    ({}, False, []),
    ({"manager": 1}, False, []),
    ({"manager": 1, "peer": 2}, False, []),
    ({"manager": 3, "peer": 2}, False, []),                       # managers do not make up the three
    ({"peer": 3}, True, ["peer"]),
    ({"manager": 1, "peer": 3}, True, ["manager", "peer"]),          # the manager shows at 1, marked not anonymous
    # a group below its minimum counts only in "all observers"
    ({"manager": 1, "peer": 3, "direct": 2}, True, ["manager", "peer"]),
    ({"peer": 2, "direct": 2}, True, []),
    ({"peer": 2, "direct": 2, "other": 2}, True, []),
    ({"manager": 1, "peer": 3, "direct": 3, "other": 3}, True, ["manager", "direct", "peer", "other"]),
    # one alone below its minimum: "all" minus the groups shown would be that person: only the manager stays
    ({"manager": 1, "peer": 3, "direct": 1}, True, ["manager"]),
    ({"peer": 3, "other": 1}, True, []),
    ({"peer": 4, "direct": 3, "other": 1}, True, []),
    # attack: the person rates themselves through two of their own peer links beside one real peer.
    # Nothing tells their answers apart; the group still shows only from three, and the lone real
    # direct report is never shown on their own.
    ({"manager": 1, "peer": 3, "direct": 1, "other": 1}, True, ["manager", "peer"]),
])
def test_rule_6_who_is_shown(counts, shown, groups):
    assert A.observer_groups_shown(counts) == (shown, groups)
    # whatever is shown: no group below its minimum, and never exactly one person left to subtract
    if shown:
        assert all(counts[g] >= A.GROUP_MIN[g] for g in groups)
        assert sum(n for g, n in counts.items() if g not in groups) != 1


def test_the_gap_is_a_third_of_the_scale():
    assert A.gap_threshold(1, 10) == 3


def answers_of(group_of: dict[str, str], value_of, comments: dict[str, str] | None = None) -> list[tuple]:
    rows = []
    for who, group in group_of.items():
        rows += [(who, group, i, value_of(who, i)) for i in RATINGS]
        for practice, text in (comments or {}).items():
            rows.append((who, group, f"comment_{practice}", f"{text} ({who})"))
    return rows


def test_the_360_from_answers_self_all_groups_ranking_gaps_and_comments():
    own = {i: 5 for i in RATINGS}
    own[RATINGS[0]] = 10  # a blind spot: the person sees it far more often
    group_of = {"m": "manager", "p1": "peer", "p2": "peer", "p3": "peer", "d1": "direct", "d2": "direct"}

    def value(who, item):
        if item == RATINGS[1]:
            return 9  # a hidden strength: everyone sees it more often than the person (5)
        if item == RATINGS[0]:
            return 4
        return {"m": 2, "d1": 8, "d2": 8}.get(who, 6)

    res = O.compute(FP, own, answers_of(group_of, value, {"model_the_way": "Writes well"}))
    assert res.shown and res.groups == ["manager", "peer"] and res.counts == {"manager": 1, "direct": 2, "peer": 3, "other": 0}
    mw = res.practices[0]
    assert mw.self == pytest.approx(sum(own[i] for i in RATINGS[:6]) / 6)
    assert set(mw.groups) == {"manager", "peer"}  # the two direct reports are not a column
    b = {f.id: f for f in res.behaviours}
    assert b[RATINGS[2]].all == pytest.approx((2 + 6 * 3 + 8 * 2) / 6)  # the direct reports count in "all"
    assert b[RATINGS[2]].groups == {"manager": 2, "peer": 6}
    assert [f.id for f in res.hidden_strengths][:1] == [RATINGS[1]]
    assert [f.id for f in res.blind_spots] == [RATINGS[0]]
    assert res.ranked[0].id == RATINGS[1] and res.ranked[-1].all <= res.ranked[0].all
    # comments only from groups shown, in alphabetical order (not the order they came in)
    assert set(res.comments) == {"manager", "peer"}
    assert res.comments["peer"]["model_the_way"] == sorted(res.comments["peer"]["model_the_way"], key=str.casefold)
    assert not any("(d1)" in t or "(d2)" in t for g in res.comments.values() for ts in g.values() for t in ts)


def test_nothing_from_observers_shows_below_the_minimum():
    res = O.compute(FP, {i: 5 for i in RATINGS}, answers_of({"m": "manager", "p1": "peer", "p2": "peer"}, lambda w, i: 7, {"model_the_way": "x"}))
    assert not res.shown and res.groups == [] and res.comments == {}
    assert all(f.all is None and not f.groups for f in res.practices + res.behaviours)
    assert res.hidden_strengths == [] and res.ranked == []
    html = O.result_html(res)
    assert "7.0" not in html and "x (m)" not in html and "at least 3 observers" in html


def test_an_observer_who_rated_nothing_is_not_counted():
    rows = answers_of({"p1": "peer", "p2": "peer", "p3": "peer"}, lambda w, i: 6)
    rows.append(("p4", "peer", "comment_model_the_way", "Only a comment"))
    res = O.compute(FP, {}, rows)
    assert res.counts["peer"] == 3 and "Only a comment" not in str(res.comments)


# ---- the round in the store ----------------------------------------------------------------------

def rated(store, name="Ann"):
    s = store.create_session("360")
    p = store.join(s.code, name)
    store.save_answers(p, "five_practices", {i: 5 for i in RATINGS})
    return s, p


def answer(store, token, browser, value=6, **extra):
    inv = O.open_invitation(store, token, browser)
    assert inv.state == "ok", inv
    fw = O.observer_framework()
    O.save(store, token, browser, {**{i: value for i in RATINGS}, **extra}, fw)
    return inv


def test_a_round_from_links_to_the_closed_360(store):
    s, ann = rated(store)
    O.set_round(store, ann, shown_name="Ann B.")
    links = {g: O.invite(store, ann, g, n) for g, n in (("manager", 1), ("peer", 3), ("direct", 2))}
    assert all(len(t) >= 22 for ts in links.values() for t in ts)  # 128 bits or more: not to be guessed
    for k, t in enumerate(links["manager"] + links["peer"] + links["direct"]):
        inv = answer(store, t, BROWSERS[k], value=4 + k % 3)
        assert inv.shown_name == "Ann B."
    before = O.status(store, ann)
    assert {g.group: (g.invited, g.answered) for g in before.groups} == {"manager": (1, 1), "direct": (2, 2), "peer": (3, 3), "other": (0, 0)}
    assert O.results(store, ann) is None  # nothing but counts while the round is open
    assert O.session_counts(store, s.code) == (1, 6)
    O.close(store, ann)
    res = O.results(store, ann)
    assert res.shown and res.groups == ["manager", "peer"] and res.counts["direct"] == 2
    # closed: no new answer, no new link, no change of answers, and the 360 stays as it was
    with pytest.raises(O.RoundClosed):
        O.save(store, links["peer"][0], BROWSERS[1], {RATINGS[0]: 10}, O.observer_framework())
    with pytest.raises(InputError, match="closed"):
        O.invite(store, ann, "peer", 1)
    assert O.results(store, ann) == res
    assert O.open_invitation(store, links["peer"][1], BROWSERS[2]).state == "closed"
    # The exports: the counts, nothing of what the observers said.
    import tempfile
    from pathlib import Path

    import openpyxl

    from slkit.report import export, session_report_html

    for _ in range(2):  # the team's results show in the report from the threshold (3) on
        store.save_answers(store.join(s.code), "five_practices", {i: 6 for i in RATINGS})
    store.set_module_state(s.code, "five_practices", results_revealed=True)
    report = session_report_html(store, s.code)
    assert "1 person invited observers to rate them (a 360); 6 observers answered." in report
    with tempfile.TemporaryDirectory() as tmp:
        book = openpyxl.load_workbook(export(store, s.code, "xlsx", Path(tmp) / "x.xlsx")[0])
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["People who invited observers (360)"] == 1 and summary["Observers who answered"] == 6
    assert "Ann B." not in report


def test_one_browser_per_link_withdrawn_and_unknown_links(store):
    s, ann = rated(store)
    t1, t2, t3 = O.invite(store, ann, "peer", 3)
    assert O.open_invitation(store, t1, BROWSERS[0]).state == "ok"
    assert O.open_invitation(store, t1, BROWSERS[1]).state == "in_use"  # a second browser
    assert O.open_invitation(store, t1, BROWSERS[0]).state == "ok"      # the first comes back
    with pytest.raises(O.RoundClosed, match="another browser"):
        O.save(store, t1, BROWSERS[1], {RATINGS[0]: 3}, O.observer_framework())
    # withdrawn while its page is open: the next answer is refused, never counted
    assert O.open_invitation(store, t2, BROWSERS[2]).state == "ok"
    rnd = O.status(store, ann)
    O.revoke(store, ann, rnd.invites[1].id)
    with pytest.raises(O.RoundClosed, match="withdrawn"):
        O.save(store, t2, BROWSERS[2], {RATINGS[0]: 3}, O.observer_framework())
    assert O.open_invitation(store, t2, BROWSERS[2]).state == "revoked"
    # an answered link cannot be withdrawn (it counts)
    answer(store, t3, BROWSERS[3])
    with pytest.raises(InputError, match="cannot be withdrawn"):
        O.revoke(store, ann, rnd.invites[2].id)
    # a link is never a way into anything else, and guessing gets nothing
    for bad in ("", "x" * 101, None, 42, t1[:-1], s.code, ann.token if hasattr(ann, "token") else "abc"):
        assert O.open_invitation(store, bad, BROWSERS[4]).state == "unknown"
    # another person's link ids cannot be withdrawn by this person
    bob = store.join(s.code, "Bob")
    with pytest.raises(InputError, match="no such link"):
        O.revoke(store, bob, rnd.invites[0].id)


def test_bad_input_is_refused_whole_and_text_stays_text(store):
    s, ann = rated(store)
    (t,) = O.invite(store, ann, "other", 1)
    inv = O.open_invitation(store, t, BROWSERS[0])
    fw = O.observer_framework()
    with pytest.raises(InputError):
        O.save(store, t, BROWSERS[0], {RATINGS[0]: 4, RATINGS[1]: 11}, fw)  # one out of range: none stored
    assert O.open_invitation(store, t, BROWSERS[0]).answers == {}
    hostile = "<script>alert(1)</script> =HYPERLINK(\"http://x\")"
    O.save(store, t, BROWSERS[0], {RATINGS[0]: 4, "comment_model_the_way": hostile}, fw)
    assert O.open_invitation(store, t, BROWSERS[0]).answers["comment_model_the_way"] == hostile
    for n in (0, 31, "3", True):
        with pytest.raises(InputError):
            O.invite(store, ann, "peer", n)
    with pytest.raises(InputError):
        O.invite(store, ann, "boss", 1)
    with pytest.raises(InputError, match="passed"):
        O.set_round(store, ann, closes_on=dt.date.today() - dt.timedelta(days=1))
    assert inv.group == "other"


def test_hostile_comments_are_text_in_the_view(store):
    s, ann = rated(store)
    tokens = O.invite(store, ann, "peer", 3)
    for k, t in enumerate(tokens):
        answer(store, t, BROWSERS[k], comment_model_the_way=f"<img src=x onerror=alert({k})>")
    O.close(store, ann)
    html = O.result_html(O.results(store, ann))
    assert "<img" not in html and "&lt;img src=x onerror=alert(0)&gt;" in html


def test_a_round_closes_by_itself_after_its_day(store, monkeypatch):
    s, ann = rated(store)
    O.set_round(store, ann, closes_on=dt.date.today())
    tokens = O.invite(store, ann, "peer", 3)
    for k, t in enumerate(tokens):
        answer(store, t, BROWSERS[k])
    assert O.results(store, ann) is None  # open all of its last day

    monkeypatch.setattr(O, "_today", lambda: dt.date.today() + dt.timedelta(days=1))
    assert O.status(store, ann).closed and O.results(store, ann).shown
    assert O.open_invitation(store, tokens[0], BROWSERS[0]).state == "closed"


def test_switched_off_the_links_stop_and_the_facilitator_sees_counts_only(store):
    s, ann = rated(store)
    tokens = O.invite(store, ann, "peer", 3)
    answer(store, tokens[0], BROWSERS[0])
    store.update_session(s.code, settings={"observers": False})
    assert O.open_invitation(store, tokens[1], BROWSERS[1]).state == "closed"
    assert O.session_counts(store, s.code) == (1, 1)


def test_norwegian_and_english_observers_for_the_same_person(store):
    s, ann = rated(store)
    store.update_session(s.code, settings={"language": "nb"})
    t_en, t_nb = O.invite(store, ann, "peer", 2)
    assert O.open_invitation(store, t_nb, BROWSERS[0]).language == "nb"
    en, nb = O.observer_framework("en"), O.observer_framework("nb")
    assert [i.id for i in en.items] == [i.id for i in nb.items] and en.items[0].text != nb.items[0].text
    O.save(store, t_en, BROWSERS[1], {RATINGS[0]: 3}, en) if O.open_invitation(store, t_en, BROWSERS[1]).state == "ok" else None
    O.save(store, t_nb, BROWSERS[0], {RATINGS[0]: 5}, nb)
    assert O.status(store, ann).answered == 2


def test_deleting_the_session_removes_rounds_links_and_answers(store):
    import sqlalchemy as sa

    s, ann = rated(store)
    tokens = O.invite(store, ann, "peer", 3)
    answer(store, tokens[0], BROWSERS[0], comment_model_the_way="Keep this private")
    store.delete_session(s.code)
    for t in (O.rounds_t, O.invites_t, O.observer_answers_t):
        assert store.read(lambda c, t=t: c.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()) == 0
    assert O.open_invitation(store, tokens[1], BROWSERS[1]).state == "unknown"


def test_an_answer_racing_the_close_is_either_counted_in_the_360_or_refused(store):
    s, ann = rated(store)
    tokens = O.invite(store, ann, "peer", 4)
    for k, t in enumerate(tokens[:3]):
        answer(store, t, BROWSERS[k])
    O.open_invitation(store, tokens[3], BROWSERS[3])
    O.close(store, ann)
    with pytest.raises(O.RoundClosed, match="not counted"):
        O.save(store, tokens[3], BROWSERS[3], {RATINGS[0]: 1}, O.observer_framework())
    assert O.results(store, ann).counts["peer"] == 3
