"""The store, on SQLite and on PostgreSQL (each test runs on both)."""

import threading
import time

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from slkit import InputError, KitError
import slkit.board  # noqa: F401 - its tables are part of the schema
import slkit.observers  # noqa: F401 - and the observers'
from slkit.migrations import head
from slkit.store import ModuleClosed, Store, StoreUnavailable, UnknownSession, metadata


def test_migrations_from_an_empty_database_match_the_models(store_url):
    s = Store(store_url)
    s.migrate()
    s.migrate()  # a second run is a no-op
    with s.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head()
    assert diff == []
    s.dispose()


def test_answer_upsert_is_idempotent(store):
    s = store.create_session("Team")
    p = store.join(s.code)
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 3, "mw_voice_medium": 4})
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 3})  # double click
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 8})  # changed mind
    assert store.answers_of(p, "five_practices") == {"mw_voice_purpose": 8, "mw_voice_medium": 4}
    rows = store.answers(s.code, "five_practices")
    assert len(rows) == 2
    assert store.respondent_counts(s.code) == {"five_practices": 1}


def test_a_second_device_resumes_as_the_same_participant(store):
    s = store.create_session("Team")
    p = store.join(s.code, "Kari")
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
    by_link = store.resume(s.code.lower(), token=p.token)
    by_code = store.resume(s.code, personal_code=p.personal_code[:4].lower() + "-" + p.personal_code[4:])
    assert by_link.id == by_code.id == p.id
    store.save_answers(by_code, "five_practices", {"mw_voice_purpose": 6, "mw_voice_medium": 2})
    assert store.answers_of(by_link, "five_practices") == {"mw_voice_purpose": 6, "mw_voice_medium": 2}
    assert store.participant_count(s.code) == 1
    assert len(store.answers(s.code)) == 2


def test_resume_is_refused_across_sessions_and_for_unknown_codes(store):
    a, b = store.create_session("A"), store.create_session("B")
    p = store.join(a.code)
    with pytest.raises(InputError, match="does not belong to session"):
        store.resume(b.code, token=p.token)
    with pytest.raises(InputError, match="does not belong to session"):
        store.resume(b.code, personal_code=p.personal_code)
    with pytest.raises(InputError, match="personal code"):
        store.resume(a.code, personal_code="ABC")
    with pytest.raises(InputError):
        store.resume(a.code)


def test_unknown_session_code(store):
    with pytest.raises(UnknownSession, match="no session with the code ZZZZZZ"):
        store.join("zzzzzz")
    with pytest.raises(InputError):
        store.get_session("not a code")


def test_facilitator_key_is_checked_and_not_stored(store):
    s = store.create_session("Team")
    assert store.verify_facilitator(s.code, s.key)
    assert not store.verify_facilitator(s.code, s.key[:-2])
    assert not store.verify_facilitator(s.code, None)
    assert not store.verify_facilitator("ZZZZZZ", s.key)
    assert not store.verify_facilitator("bad code", s.key)
    other = store.create_session("Other")
    assert not store.verify_facilitator(other.code, s.key)  # one session's key opens only that session
    dump = store.read(lambda c: [tuple(r) for r in c.execute(sa.text("SELECT * FROM sessions")).all()])
    assert s.key not in repr(dump)
    # The server key (from `slkit serve`) opens every session's board.
    store.set_server_key("server-key-123456789012345")
    assert store.verify_server_key("server-key-123456789012345")
    assert store.verify_facilitator(other.code, "server-key-123456789012345")
    assert not store.verify_server_key("server-key-12345678901234X")


@pytest.mark.parametrize(
    "text",
    [
        "'); DROP TABLE answers; --",
        "Robert'); DELETE FROM sessions WHERE ('1'='1",
        "<script>alert(1)</script>",
        "Blåbærsyltetøy og æøå ÆØÅ",
        "🚀👩🏽‍💻🇳🇿 ✔︎",
        "多言語テキスト",
    ],
)
def test_text_is_stored_verbatim(store, text):
    s = store.create_session(text[:100])
    p = store.join(s.code, text[:60])
    store.save_answers(p, "five_practices", {"commitment_1": text}, show_name=True)
    assert store.get_session(s.code).title == text[:100]
    assert store.answers_of(p, "five_practices") == {"commitment_1": text}
    assert store.answers(s.code)[0]["name"] == text[:60]
    assert store.read(lambda c: c.execute(sa.text("SELECT count(*) FROM answers")).scalar_one()) == 1


def test_names_show_only_when_their_author_chose(store):
    s = store.create_session("Team")
    kari, anon = store.join(s.code, "Kari"), store.join(s.code)
    store.save_answers(kari, "five_practices", {"commitment_1": "hidden"}, show_name=False)
    store.save_answers(anon, "five_practices", {"commitment_1": "x"})
    assert [r["name"] for r in store.answers(s.code)] == [None, None]
    store.save_answers(kari, "five_practices", {"commitment_1": "shown"}, show_name=True)
    assert {r["value"]: r["name"] for r in store.answers(s.code)} == {"shown": "Kari", "x": None}


@pytest.mark.parametrize(
    "title, threshold, message",
    [("", 3, "empty"), ("x" * 121, 3, "limit is 120"), ("Ok", 0, "threshold"), ("Ok", "3", "threshold"), ("Ok", True, "threshold")],
)
def test_bad_session_settings_are_refused(store, title, threshold, message):
    with pytest.raises(InputError, match=message):
        store.create_session(title, threshold)
    assert store.list_sessions() == []


def test_over_long_name_is_refused_and_no_participant_is_made(store):
    s = store.create_session("Team")
    with pytest.raises(InputError, match="limit is 60"):
        store.join(s.code, "n" * 61)
    assert store.participant_count(s.code) == 0


def test_a_closed_module_keeps_old_answers_and_refuses_new(store):
    s = store.create_session("Team")
    p = store.join(s.code)
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 4})
    assert store.module_state(s.code, "five_practices").is_open
    store.set_module_state(s.code, "five_practices", is_open=False)
    with pytest.raises(ModuleClosed, match="closed by the facilitator"):
        store.save_answers(p, "five_practices", {"mw_voice_purpose": 9, "mw_voice_medium": 1})
    assert store.answers_of(p, "five_practices") == {"mw_voice_purpose": 4}
    store.save_answers(p, "purpose_first", {"purpose_sentence": "still open"})  # other modules unaffected
    state = store.set_module_state(s.code, "five_practices", results_revealed=True)
    assert (state.is_open, state.results_revealed) == (False, True)
    store.set_module_state(s.code, "five_practices", is_open=True)
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 9})
    assert store.answers_of(p, "five_practices") == {"mw_voice_purpose": 9}


def test_a_batch_is_stored_whole_or_not_at_all(store):
    s = store.create_session("Team")
    p = store.join(s.code)
    with pytest.raises(Exception):
        store.save_answers(p, "five_practices", {"mw_voice_purpose": 2, "mw_voice_medium": object()})
    assert store.answers_of(p, "five_practices") == {}


def test_sessions_are_listed_newest_first_with_settings(store):
    a = store.create_session("First", 2, {"vote_budget": 3})
    b = store.create_session("Second")
    assert [x.code for x in store.list_sessions()] == [b.code, a.code]
    assert store.get_session(a.code).settings == {"vote_budget": 3}
    updated = store.update_session(a.code, threshold=5, settings={"timer": 300})
    assert (updated.threshold, updated.settings) == (5, {"vote_budget": 3, "timer": 300})


def test_a_briefly_locked_sqlite_store_is_retried(tmp_path):
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    s = Store(url)
    s.migrate()
    session = s.create_session("Team")
    p = s.join(session.code)
    holder = sa.create_engine(url, connect_args={"isolation_level": None, "timeout": 0})
    conn = holder.connect()
    conn.exec_driver_sql("BEGIN EXCLUSIVE")
    release = threading.Timer(7.0, lambda: conn.exec_driver_sql("COMMIT"))  # longer than the 5 s busy timeout
    release.start()
    t0 = time.monotonic()
    s.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
    assert time.monotonic() - t0 >= 6.5
    assert s.answers_of(p, "five_practices") == {"mw_voice_purpose": 5}
    release.join()
    conn.close()
    holder.dispose()


def test_a_store_locked_for_too_long_says_so_and_stores_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    s = Store(url, retry_seconds=1.0)
    s.migrate()
    session = s.create_session("Team")
    p = s.join(session.code)
    holder = sa.create_engine(url, connect_args={"isolation_level": None})
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
        with pytest.raises(StoreUnavailable, match="cannot be reached right now; nothing was saved"):
            s.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
        conn.exec_driver_sql("ROLLBACK")
    assert s.answers_of(p, "five_practices") == {}
    holder.dispose()


def test_an_unreachable_postgresql_is_reported_in_one_sentence():
    s = Store("postgresql://postgres@127.0.0.1:1/test", retry_seconds=0.3)
    with pytest.raises(StoreUnavailable, match=r"\(postgresql at 127\.0\.0\.1:1/test\) cannot be reached right now\. Please"):
        s.check()
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        s.migrate()


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/db", "oracle://x"])
def test_a_bad_database_url_is_a_clear_error(url):
    with pytest.raises(KitError, match="database URL|SQLite or PostgreSQL"):
        Store(url)


def test_a_new_sqlite_store_is_private_to_its_owner(tmp_path):
    import stat

    path = tmp_path / "new-folder" / "kit.sqlite3"
    s = Store(f"sqlite:///{path}")
    s.migrate()
    s.create_session("Private")
    s.dispose()
    for p in [path, *path.parent.glob("kit.sqlite3-*")]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_personal_codes_are_kept_as_hashes_and_old_ones_keep_working(store_url):
    """A store made before hashing: its plain personal codes become hashes and still work; a new
    code is shown once (join, or a new one on request) and the store never holds it."""
    from slkit.migrations import upgrade
    from slkit.store import participants_t

    s = Store(store_url)
    upgrade(s.engine, "0005")
    with s.engine.begin() as c:
        sid = c.execute(sa.text("INSERT INTO sessions (code, title, threshold, facilitator_key_hash, settings, created_at) "
                                "VALUES ('ABCDEF', 'Old', 3, 'x', '{}', CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
        c.execute(sa.text("INSERT INTO participants (session_id, token_hash, personal_code, show_name, created_at) "
                          "VALUES (:sid, 't', 'QRSTUVWX', false, CURRENT_TIMESTAMP)"), {"sid": sid})
    s.migrate()
    stored = s.read(lambda c: c.execute(sa.select(participants_t.c.personal_code)).scalar_one())
    assert "QRSTUVWX" not in stored and len(stored) == 64
    old = s.resume("ABCDEF", personal_code="qrst-uvwx")
    assert old.personal_code == "QRSTUVWX"
    new = s.new_personal_code(old)
    assert new.personal_code != "QRSTUVWX" and s.resume("ABCDEF", personal_code=new.personal_code).id == old.id
    with pytest.raises(InputError, match="does not belong"):
        s.resume("ABCDEF", personal_code="QRSTUVWX")  # the old code stopped working
    p = s.join("ABCDEF")
    codes = s.read(lambda c: c.execute(sa.select(participants_t.c.personal_code)).scalars().all())
    assert p.personal_code not in " ".join(codes)
    assert s.resume("ABCDEF", token=p.token).personal_code is None  # a returning browser is not shown it again
    s.dispose()


def test_workers_starting_at_once_migrate_the_schema_once(pg_url):
    """Several workers on one PostgreSQL start together (here: 4 processes): one migrates, the
    others wait for it (an advisory lock) and find the schema current; none fails on a
    half-made schema."""
    import subprocess
    import sys

    from alembic.script import ScriptDirectory

    from slkit.migrations import config

    code = "import sys; from slkit.store import Store; s = Store(sys.argv[1]); s.migrate(); s.dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    failures = [p.stderr.read()[-600:] for p in procs if p.wait(120) != 0]
    assert not failures, failures[0]
    s = Store(pg_url)
    try:
        version = s.read(lambda c: c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        s.dispose()
    assert version == ScriptDirectory.from_config(config()).get_current_head()


def test_on_postgresql_a_try_runs_in_a_helper_thread_unless_told_to_stay_in_the_callers(pg_url):
    """A page's store gives each PostgreSQL try a helper thread (its hard time limit); the fork
    server, which must start no thread before it forks, reads in its own."""
    import threading

    here = threading.get_ident()
    limited, own = Store(pg_url), Store(pg_url, time_limit=False)
    try:
        assert limited.read(lambda c: threading.get_ident()) != here
        assert own.read(lambda c: threading.get_ident()) == here
    finally:
        limited.dispose()
        own.dispose()
