"""What a copy of the store, a guesser or a hung database can and cannot do (each on SQLite and
PostgreSQL where it applies): keys kept only as hashes, a slowdown for guessed personal codes,
a deleted session gone from the SQLite file and its log, and time limits on every connection."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from slkit import InputError
from slkit.sessions import derive_screen_key
from slkit.store import CODE_FREE_PER_ADDRESS, Store, code_failures_t, pg_connect_args, screen_keys_t


def test_the_screen_key_is_derived_from_the_console_key_and_kept_as_a_hash(store):
    s = store.create_session("Screen")
    assert s.screen_key == derive_screen_key(s.key, s.code)
    assert store.screen_key(s.code, s.key) == s.screen_key  # the console shows the same link every time
    hashes = store.read(lambda c: c.execute(sa.select(screen_keys_t.c.key_hash)).scalars().all())
    assert s.screen_key not in " ".join(hashes) and hashlib.sha256(s.screen_key.encode()).hexdigest() in hashes
    assert store.verify_screen(s.code, s.screen_key)
    assert not store.verify_screen(s.code, s.key) and not store.verify_screen(s.code, "x" * 40)
    # A console opened with the server key shows a screen link of its own, which then works too.
    other = store.screen_key(s.code, "the-server-key-" * 3)
    assert other != s.screen_key and store.verify_screen(s.code, other)
    assert not store.verify_screen(store.create_session("Other").code, other)  # not another session's


def test_a_store_from_before_keeps_its_people_and_its_screen_link(sqlite_url):
    """Migration 0008 makes tables anew on SQLite (dropping the plain screen key): nothing that
    points at a session may be lost with it (foreign keys cascade), and the old link still opens."""
    from slkit.migrations import upgrade

    s = Store(sqlite_url)
    upgrade(s.engine, "0007")
    with s.engine.begin() as c:
        sid = c.execute(sa.text("INSERT INTO sessions (code, title, threshold, facilitator_key_hash, settings, created_at, screen_key) "
                                "VALUES ('ABCDEF', 'Old', 3, 'x', '{}', CURRENT_TIMESTAMP, 'old-plain-screen-key-0123456789') RETURNING id")).scalar_one()
        pid = c.execute(sa.text("INSERT INTO participants (session_id, token_hash, personal_code, show_name, created_at) "
                                "VALUES (:sid, 't', 'h', false, CURRENT_TIMESTAMP) RETURNING id"), {"sid": sid}).scalar_one()
        c.execute(sa.text("INSERT INTO answers (session_id, participant_id, module, item, value, show_name, created_at, updated_at) "
                          "VALUES (:sid, :pid, 'five_practices', 'mw_voice_purpose', '7', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                  {"sid": sid, "pid": pid})
    s.migrate()
    assert s.participant_count("ABCDEF") == 1
    assert [r["value"] for r in s.answers("ABCDEF")] == [7]
    assert s.verify_screen("ABCDEF", "old-plain-screen-key-0123456789")
    with s.engine.connect() as c:
        columns = [r[1] for r in c.exec_driver_sql("PRAGMA table_info(sessions)")]
        assert "screen_key" not in columns
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again after migrating
    s.dispose()


def test_wrong_personal_codes_slow_the_next_tries_down(store):
    s = store.create_session("Guessing")
    ann = store.join(s.code)
    for n in range(CODE_FREE_PER_ADDRESS):
        with pytest.raises(InputError, match="does not belong"):
            store.resume(s.code, personal_code=f"AAAA-AAA{'ABCDEFGH'[n]}", client="192.0.2.66")
    with pytest.raises(InputError, match="Please wait 1 second"):
        store.resume(s.code, personal_code=ann.personal_code, client="192.0.2.66")  # even the right code waits its turn
    assert store.resume(s.code, personal_code=ann.personal_code, client="192.0.2.67").id == ann.id  # another device is not held
    # The time passes (the store's clock, moved): the right code works again from there.
    store.write(lambda c: c.execute(code_failures_t.update().values(last_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30))))
    assert store.resume(s.code, personal_code=ann.personal_code, client="192.0.2.66").id == ann.id


def test_a_session_guessed_at_from_many_addresses_slows_down_too(store):
    from slkit.store import CODE_FREE_PER_SESSION

    s = store.create_session("Many guessers")
    for n in range(CODE_FREE_PER_SESSION):
        with pytest.raises(InputError, match="does not belong"):
            store.resume(s.code, personal_code="AAAA-AAAA", client=f"192.0.2.{n}")
    with pytest.raises(InputError, match="tried in this session"):
        store.resume(s.code, personal_code="AAAA-AAAA", client="198.51.100.1")


def test_a_deleted_session_leaves_no_text_in_the_sqlite_file_or_its_log(sqlite_url, tmp_path):
    s = Store(sqlite_url)
    s.migrate()
    session = s.create_session("Secret team")
    p = s.join(session.code, "Ann")
    s.save_answers(p, "five_practices", {"commitment_1": "UNMISTAKABLE-SECRET-TEXT"})
    s.delete_session(session.code)
    s.dispose()
    path = tmp_path / "store.sqlite3"
    for f in (path, path.with_name(path.name + "-wal")):
        if f.exists():
            assert b"UNMISTAKABLE-SECRET-TEXT" not in f.read_bytes(), f.name
            assert b"Secret team" not in f.read_bytes(), f.name


def test_postgresql_connections_have_time_limits():
    args = pg_connect_args(sa.make_url("postgresql+psycopg://u@h/db?options=-csearch_path%3Dx"))
    assert args["connect_timeout"] and args["tcp_user_timeout"] and args["keepalives"] == 1
    assert "-csearch_path=x" in args["options"] and "statement_timeout" in args["options"]
    assert "idle_in_transaction_session_timeout" in args["options"]


def test_the_time_limits_reach_the_server(pg_url):
    s = Store(pg_url)
    with s.engine.connect() as c:
        assert c.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"
        assert c.exec_driver_sql("SHOW search_path").scalar().startswith("slkit_test_")  # the URL's own options kept
    s.dispose()
