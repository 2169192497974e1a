"""Many separate processes write to one store at once: nothing lost, nothing doubled, no error.

Each process is a participant's kernel in miniature: it opens its own Store, joins the session,
then saves its answers one transaction at a time, saving some twice (a double click) and
changing some (a second device), all released at the same moment by a barrier.
"""

import multiprocessing as mp
import traceback

import sqlalchemy as sa

from slkit.store import Store

PROCESSES = 110
ITEMS = ["mw_voice_purpose", "mw_voice_medium", "mw_voice_learn", "mw_example_goals", "mw_example_open", "mw_example_present"]


def _participant(url, code, index, barrier, errors):
    try:
        store = Store(url, retry_seconds=60)
        barrier.wait(timeout=120)
        p = store.join(code)
        for n, item in enumerate(ITEMS):
            store.save_answers(p, "five_practices", {item: 1 + (index + n) % 10})
            store.save_answers(p, "five_practices", {item: 1 + (index + n) % 10})  # double click
        # A second device changes the first answer.
        again = store.resume(code, personal_code=p.personal_code)
        store.save_answers(again, "five_practices", {ITEMS[0]: 10})
        store.dispose()
    except BaseException:  # noqa: BLE001 - every error must reach the test
        errors.put(f"process {index}: {traceback.format_exc()}")


def _run(url):
    store = Store(url)
    store.migrate()
    code = store.create_session("Crowd").code
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(PROCESSES)
    errors = ctx.Queue()
    procs = [ctx.Process(target=_participant, args=(url, code, i, barrier, errors)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert not problems, problems[0]
    assert all(p.exitcode == 0 for p in procs)

    rows = store.answers(code, "five_practices")
    assert store.participant_count(code) == PROCESSES
    assert len(rows) == PROCESSES * len(ITEMS)  # nothing lost, nothing doubled
    per_participant = {}
    for r in rows:
        per_participant.setdefault(r["participant"], {})[r["item"]] = r["value"]
    assert len(per_participant) == PROCESSES
    for answers in per_participant.values():
        assert set(answers) == set(ITEMS) and answers[ITEMS[0]] == 10
    # The values written by each process are all there: the multiset of ratings matches.
    expected = sorted(1 + (i + n) % 10 for i in range(PROCESSES) for n in range(1, len(ITEMS)))
    got = sorted(v for a in per_participant.values() for k, v in a.items() if k != ITEMS[0])
    assert got == expected
    dupes = store.read(lambda c: c.execute(sa.text(
        "SELECT count(*) FROM (SELECT participant_id, item FROM answers GROUP BY participant_id, item HAVING count(*) > 1) d"
    )).scalar_one())
    assert dupes == 0
    store.dispose()


def test_many_processes_write_to_one_sqlite_file(sqlite_url):
    _run(sqlite_url)


def test_many_processes_write_to_postgresql(pg_url):
    _run(pg_url)
