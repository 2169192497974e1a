"""Many separate processes write to one store at once: nothing lost, nothing doubled, no error.

Each process is a participant's kernel in miniature (slkit.devtools.concurrent_writers): it
opens its own Store, joins the session and saves its answers one transaction at a time, some
twice and one changed from a second device, all released at the same moment by a barrier.
"""


from slkit.devtools import concurrent_writers

PROCESSES = 110


def _check(result):
    assert result["errors"] == [], result["errors"][0]
    assert result["exit_codes"] == [0] * PROCESSES
    assert result["participants"] == PROCESSES
    assert result["rows"] == result["expected_rows"] and result["lost"] == 0 and result["duplicated"] == 0
    assert result["values_match"] and result["changed_on_second_device"]


def test_many_processes_write_to_one_sqlite_file(sqlite_url):
    _check(concurrent_writers(sqlite_url, PROCESSES))


def test_many_processes_write_to_postgresql(pg_url):
    _check(concurrent_writers(pg_url, PROCESSES))


def test_the_check_sees_a_lost_answer(sqlite_url, monkeypatch):
    """The counting itself can fail: drop one answer's save and the result says so."""
    from slkit.store import Store

    original = Store.save_answers

    def flaky(self, participant, module, answers, **kw):
        if participant.id == 1 and "mw_voice_learn" in answers:
            return None
        return original(self, participant, module, answers, **kw)

    monkeypatch.setattr(Store, "save_answers", flaky)
    result = concurrent_writers(sqlite_url, 4)
    assert result["lost"] == 1 and not result["values_match"]
