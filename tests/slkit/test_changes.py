"""The change token a page's timer asks for before it wakes its kernel (slkit/changes.py): it
moves with every commit by anyone, stays put while people only read, and says nothing (so
every page asks its kernel) when the store cannot be reached."""

from __future__ import annotations


import time

import pytest
import sqlalchemy as sa

from slkit.changes import StoreChanges
from slkit.store import Store


def moved(changes: StoreChanges, before: str, seconds: float = 3.0) -> str:
    """The token once it differs from `before` (PostgreSQL counts a write when its connection
    ends, a moment after the commit; a page's timer asks again 2 s later)."""
    deadline = time.monotonic() + seconds
    while (now := changes.token()) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    return now


@pytest.fixture(params=["sqlite", "postgresql"])
def own_store_url(request, tmp_path):
    """A store no other test writes to (the token counts every write to its database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_database")


def test_the_token_moves_with_every_write_and_not_with_reads(own_store_url):
    store_url = own_store_url
    writer = Store(store_url)
    writer.migrate()
    changes = StoreChanges(store_url, ttl=0)
    try:
        s = writer.create_session("Changes")
        time.sleep(0.3)
        first = changes.token()
        assert first
        writer.get_session(s.code), writer.answers(s.code)  # people reading
        time.sleep(0.3)
        assert changes.token() == first
        p = writer.join(s.code, "Ada")
        second = moved(changes, first)
        assert second != first
        writer.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
        third = moved(changes, second)
        assert third not in (first, second)
        time.sleep(0.3)
        assert changes.token() == third
    finally:
        changes.close()
        writer.dispose()


def test_the_token_is_asked_at_most_once_per_ttl(tmp_path):
    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    writer = Store(url)
    writer.migrate()
    changes = StoreChanges(url, ttl=3600)
    try:
        before = changes.token()
        writer.create_session("Within the ttl")
        assert changes.token() == before  # cached: a room of pages costs one look per ttl
        changes.ttl = 0
        assert changes.token() != before
    finally:
        changes.close()
        writer.dispose()


def test_a_store_out_of_reach_gives_no_token(tmp_path):
    from slkit.devtools import free_port

    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    assert StoreChanges(nowhere, ttl=0).token() is None
    assert StoreChanges(f"sqlite:///{tmp_path / 'missing' / 'kit.sqlite3'}", ttl=0).token() is None
    assert StoreChanges("mysql://x@127.0.0.1/test", ttl=0).token() is None  # no token there: pages ask their kernels


def test_on_postgresql_the_token_moves_with_this_database_only(pg_database):
    """Writes to another database on the same server (here: the server's own `postgres`
    database) leave the token as it is: it says "changed" for the kit's database alone."""
    pg_url = pg_database
    store = Store(pg_url)
    store.migrate()
    changes = StoreChanges(pg_url, ttl=0)
    other = sa.create_engine(sa.make_url(pg_url).set(database="postgres").difference_update_query(["options"]), poolclass=sa.pool.NullPool)
    try:
        store.create_session("Mine")
        time.sleep(0.5)
        before = changes.token()
        for _ in range(3):
            with other.begin() as c:
                c.execute(sa.text("CREATE TEMP TABLE elsewhere (x int)"))
                c.execute(sa.text("INSERT INTO elsewhere SELECT generate_series(1, 50)"))
        time.sleep(1.0)
        assert changes.token() == before
        store.create_session("Mine again")
        assert moved(changes, before) != before
    except sa.exc.OperationalError as e:  # pragma: no cover - a server without a postgres database
        pytest.skip(f"no second database to write to: {e}")
    finally:
        other.dispose()
        changes.close()
        store.dispose()