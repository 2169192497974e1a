"""The shared board: adding, voting within a budget, hiding, merging, TOWS links; in memory and
in the store (SQLite and PostgreSQL), and many processes voting on the same items at once."""

import multiprocessing as mp

import pytest

from slkit import InputError
from slkit import board as B
from slkit.content import get_framework
from slkit.store import ModuleClosed, Store

SW = get_framework("social_team_swot")


@pytest.fixture(params=["memory", "store"])
def boards(request, store):
    """A function that makes a participant's board: one board in memory, or people in a session."""
    if request.param == "memory":
        shared = B.MemoryBoard(SW)
        return lambda: shared, None
    session = store.create_session("SWOT")
    return (lambda: B.StoreBoard(SW, store, store.join(session.code))), session


def test_an_item_is_clean_text_and_the_same_text_twice_is_one_item(boards):
    make, _s = boards
    b = make()
    first = b.add("swot_item", "strengths", "  We answer   fast ")
    assert first.text == "We answer fast"
    again = b.add("swot_item", "strengths", "we ANSWER fast")
    assert again.id == first.id and len(b.entries()) == 1
    other_column = b.add("swot_item", "weaknesses", "We answer fast")
    assert other_column.id != first.id
    with pytest.raises(InputError, match="empty|write"):
        b.add("swot_item", "strengths", "   ")
    with pytest.raises(InputError, match="200"):
        b.add("swot_item", "strengths", "x" * 201)
    with pytest.raises(InputError):
        b.add("swot_item", "nowhere", "x")
    script = b.add("swot_item", "threats", "<script>alert(1)</script>")
    assert script.text == "<script>alert(1)</script>"  # kept as typed; every view escapes it


def test_votes_stay_within_the_budget_per_column_and_can_be_moved(boards):
    make, _s = boards
    b = make()
    s1, s2 = b.add("swot_item", "strengths", "A"), b.add("swot_item", "strengths", "B")
    w1 = b.add("swot_item", "weaknesses", "C")
    for _ in range(2):
        b.vote(s1.id)
    assert b.vote(s2.id).votes == 1
    with pytest.raises(InputError, match="used your 3 votes for Strengths"):
        b.vote(s1.id)
    assert b.vote(w1.id).votes == 1  # another column, another budget
    b.unvote(s1.id)                   # move a vote: take it back, give it elsewhere
    assert b.vote(s2.id).votes == 2
    with pytest.raises(InputError, match="no vote"):
        b.unvote(w1.id) and b.unvote(w1.id)
    assert {e.id: e.votes for e in b.entries()} == {s1.id: 1, s2.id: 2, w1.id: 0}


def test_a_strategy_names_items_from_its_two_quadrants(boards):
    make, _s = boards
    b = make()
    s = b.add("swot_item", "strengths", "Strong writers")
    o = b.add("swot_item", "opportunities", "New platform")
    t = b.add("swot_item", "threats", "Budget cuts")
    so = b.add("tows_strategy", "so", "Writers lead the new platform", links=[s.id, o.id])
    assert so.links == (s.id, o.id)
    with pytest.raises(InputError, match="SO strategy combines at least one strength and one opportunit"):
        b.add("tows_strategy", "so", "Only strengths", links=[s.id])
    with pytest.raises(InputError, match="nothing else"):
        b.add("tows_strategy", "so", "Too much", links=[s.id, o.id, t.id])
    with pytest.raises(InputError, match="no longer on the board"):
        b.add("tows_strategy", "st", "Ghost", links=[s.id, 999])
    assert b.add("tows_strategy", "st", "Writers explain the cuts", links=[s.id, t.id]).column == "st"
    assert b.vote(so.id).votes == 1  # strategies are voted on too


def test_ranking_and_the_top_items():
    entries = [B.Entry(i, "swot_item", "strengths", f"S{i}", 1, votes=v, order=i) for i, v in [(1, 0), (2, 3), (3, 1), (4, 3)]]
    assert [e.id for e in B.ranked(entries, "strengths")] == [2, 4, 3, 1]
    assert [e.id for e in B.top(entries, "strengths", 2)] == [2, 4]


def test_merging_moves_every_vote_and_keeps_the_duplicate_text(store):
    session = store.create_session("SWOT")
    people = [B.StoreBoard(SW, store, store.join(session.code)) for _ in range(3)]
    a = people[0].add("swot_item", "strengths", "Fast answers")
    dup = people[1].add("swot_item", "strengths", "We reply quickly")
    other = people[2].add("swot_item", "strengths", "Good photos")
    people[0].vote(a.id)
    people[1].vote(dup.id)
    people[2].vote(dup.id)
    people[2].vote(other.id)
    B.merge_entries(store, session.code, "social_team_swot", dup.id, a.id)
    entries = {e.id: e for e in B.board_entries(store, session.code, "social_team_swot")}
    assert entries[a.id].votes == 3 and entries[dup.id].votes == 0 and entries[dup.id].merged_into == a.id
    assert B.merged_texts(entries.values()) == {a.id: ["We reply quickly"]}
    assert sum(e.votes for e in entries.values()) == 4  # nothing lost
    assert [e.id for e in B.ranked(entries.values(), "strengths")] == [a.id, other.id]
    with pytest.raises(InputError, match="same column"):
        w = people[0].add("swot_item", "weaknesses", "Slow")
        B.merge_entries(store, session.code, "social_team_swot", w.id, a.id)
    with pytest.raises(InputError, match="already merged"):
        B.merge_entries(store, session.code, "social_team_swot", dup.id, other.id)


def test_a_merge_can_be_undone_with_the_votes_it_moved(store):
    """A facilitator who merged the wrong pair takes it back: the item stands alone with the votes
    it was given; a vote given to the other item since stays there; a second undo says why not."""
    session = store.create_session("SWOT")
    people = [B.StoreBoard(SW, store, store.join(session.code)) for _ in range(3)]
    a = people[0].add("swot_item", "strengths", "Fast answers")
    dup = people[1].add("swot_item", "strengths", "Good photos")
    people[1].vote(dup.id)
    people[2].vote(dup.id)
    people[0].vote(a.id)
    B.merge_entries(store, session.code, "social_team_swot", dup.id, a.id)
    people[2].vote(a.id)  # after the merge
    B.unmerge_entry(store, session.code, "social_team_swot", dup.id)
    entries = {e.id: e for e in B.board_entries(store, session.code, "social_team_swot")}
    assert entries[dup.id].merged_into is None and entries[dup.id].visible
    assert (entries[dup.id].votes, entries[a.id].votes) == (2, 2)
    with pytest.raises(InputError, match="not merged"):
        B.unmerge_entry(store, session.code, "social_team_swot", dup.id)
    B.merge_entries(store, session.code, "social_team_swot", dup.id, a.id)  # merged again, undone again: the same
    B.unmerge_entry(store, session.code, "social_team_swot", dup.id)
    entries = {e.id: e for e in B.board_entries(store, session.code, "social_team_swot")}
    assert (entries[dup.id].votes, entries[a.id].votes) == (2, 2)


def test_hiding_takes_an_item_off_every_board_and_gives_the_votes_back(store):
    session = store.create_session("SWOT", settings={"vote_budget": 1})
    p = B.StoreBoard(SW, store, store.join(session.code))
    bad, good = p.add("swot_item", "threats", "Rude remark"), p.add("swot_item", "threats", "Competitors")
    p.vote(bad.id)
    with pytest.raises(InputError, match="used your 1 votes for Threats"):
        p.vote(good.id)
    B.hide_entry(store, session.code, "social_team_swot", bad.id)
    assert [e.id for e in B.ranked(p.entries(), "threats")] == [good.id]
    assert p.vote(good.id).votes == 1  # the hidden item's vote no longer counts
    with pytest.raises(InputError, match="no longer on the board"):
        p.vote(bad.id)
    B.hide_entry(store, session.code, "social_team_swot", bad.id, hidden=False)
    assert next(e for e in p.entries() if e.id == bad.id).votes == 1  # kept all along


def test_a_closed_module_keeps_the_board_and_refuses_changes(store):
    session = store.create_session("SWOT")
    p = B.StoreBoard(SW, store, store.join(session.code))
    e = p.add("swot_item", "strengths", "Kept")
    store.set_module_state(session.code, "social_team_swot", is_open=False)
    with pytest.raises(ModuleClosed):
        p.add("swot_item", "strengths", "New")
    with pytest.raises(ModuleClosed):
        p.vote(e.id)
    assert [x.text for x in p.entries()] == ["Kept"]


def test_names_show_only_where_the_author_chose_it(store):
    session = store.create_session("SWOT")
    shy = B.StoreBoard(SW, store, store.join(session.code, "Ana"))
    open_ = B.StoreBoard(SW, store, store.join(session.code, "Ben"), show_name=True)
    shy.add("swot_item", "strengths", "One")
    open_.add("swot_item", "strengths", "Two")
    assert {e.text: e.name for e in shy.entries()} == {"One": None, "Two": "Ben"}


# ---- many processes voting at once -----------------------------------------------------------

VOTERS = 60


def _voter(url, code, item_ids, barrier, errors):
    try:
        store = Store(url)
        board = B.StoreBoard(SW, store, store.join(code))
        barrier.wait(timeout=120)
        for i in item_ids:
            board.vote(i)
        try:  # one vote over the budget: refused, not counted
            board.vote(item_ids[0])
            errors.put("a vote beyond the budget was accepted")
        except InputError:
            pass
        store.dispose()
    except Exception as e:  # noqa: BLE001 - reported to the parent
        errors.put(f"{type(e).__name__}: {e}")


def concurrent_voters(url: str) -> dict:
    store = Store(url)
    store.migrate()
    session = store.create_session("Crowd")
    author = B.StoreBoard(SW, store, store.join(session.code))
    ids = [author.add("swot_item", "strengths", t).id for t in ("A", "B")]
    ctx = mp.get_context("fork")
    barrier, errors = ctx.Barrier(VOTERS), ctx.Queue()
    # Everyone votes A twice and B once: the whole budget of 3, on the same two items at once.
    procs = [ctx.Process(target=_voter, args=(url, session.code, [ids[0], ids[1], ids[0]], barrier, errors)) for _ in range(VOTERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    votes = {e.id: e.votes for e in B.board_entries(store, session.code, "social_team_swot")}
    store.dispose()
    return dict(errors=problems, votes=votes, ids=ids, exit_codes=[p.exitcode for p in procs])


def _check(result):
    assert result["errors"] == [], result["errors"][:3]
    assert result["exit_codes"] == [0] * VOTERS
    a, b = result["ids"]
    assert result["votes"] == {a: 2 * VOTERS, b: VOTERS}


def test_many_processes_vote_on_the_same_items_in_sqlite(sqlite_url):
    _check(concurrent_voters(sqlite_url))


def test_many_processes_vote_on_the_same_items_in_postgresql(pg_url):
    _check(concurrent_voters(pg_url))


def test_respondents_per_module_count_answers_items_and_votes_once_per_person(store):
    session = store.create_session("SWOT")
    ana, ben, cai = (store.join(session.code) for _ in range(3))
    store.save_answers(ana, "five_practices", {"mw_voice_purpose": 5})
    a = B.StoreBoard(SW, store, ana).add("swot_item", "strengths", "A")
    B.StoreBoard(SW, store, ana).vote(a.id)
    B.StoreBoard(SW, store, ben).vote(a.id)
    store.save_answers(cai, "social_team_swot", {"team_goal": "Grow"})
    assert B.respondent_counts(store, session.code) == {"five_practices": 1, "social_team_swot": 3}


def test_the_demo_session_looks_like_a_real_team(store):
    """Eight people, each in their own words: no sentence used twice, a voted SWOT board with a
    duplicate to merge, strategies in every cell, commitments with first steps and dates."""
    from slkit.demo import make_demo

    session = make_demo(store)
    rows = store.answers(session.code)
    assert store.participant_count(session.code) == 8
    assert all(len({r["participant"] for r in rows if r["module"] == m}) == 8 for m in {r["module"] for r in rows})
    texts = [r["value"] for r in rows if isinstance(r["value"], str) and not r["item"].endswith("date")]
    assert len(texts) > 100 and len(set(texts)) == len(texts)
    firsts = {r["participant"] for r in rows if r["item"] == "commitment_1_first_step"}
    dates = {r["participant"] for r in rows if r["item"] == "commitment_1_date"}
    assert len(firsts) == len(dates) == 8
    entries = B.board_entries(store, session.code, "social_team_swot")
    items = [e for e in entries if e.item == "swot_item"]
    assert {e.column for e in items} == {"strengths", "weaknesses", "opportunities", "threats"}
    assert {"Only two of us post regularly", "Just two people do almost all the posting"} <= {e.text for e in items}
    assert 8 * 4 * (B.DEFAULT_BUDGET - 1) <= sum(e.votes for e in items) <= 8 * 4 * B.DEFAULT_BUDGET
    assert len({e.votes for e in items}) > 2  # some items matter more to the team than others
    assert {e.column for e in entries if e.item == "tows_strategy"} == {"so", "st", "wo", "wt"}
    assert all(r["item"] != "swot_item" for r in rows)


def test_strategy_rules_are_whole_sentences():
    from slkit.board import TOWS_PAIRS, TOWS_RULES

    assert set(TOWS_RULES) == set(TOWS_PAIRS)
    assert "one weakness and one threat" in TOWS_RULES["wt"] and "weaknesse " not in " ".join(TOWS_RULES.values())


def test_the_same_item_added_at_the_same_moment_from_two_tabs_is_one_item(store_url):
    """Twenty racing adds of one item by one person (tabs, double clicks), each through its own
    connection: every call returns the one item; none fails."""
    import threading

    from slkit.store import Store

    first = Store(store_url)
    first.migrate()
    session = first.create_session("Race")
    p = first.join(session.code)
    results, errors = [], []
    start = threading.Barrier(20)

    def add():
        board = B.StoreBoard(SW, Store(store_url), p)
        start.wait()
        try:
            results.append(board.add("swot_item", "threats", "A complaint can spread in hours").id)
        except Exception as e:  # noqa: BLE001 - the test reports any
            errors.append(repr(e))

    threads = [threading.Thread(target=add) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 20 and len(set(results)) == 1
    assert len(B.board_entries(first, session.code, "social_team_swot")) == 1
