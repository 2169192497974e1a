"""The change token a page's timer asks for before it wakes its kernel (slkit/changes.py): it
moves with every commit by anyone, stays put while people only read, and says nothing (so
every page asks its kernel) when the store cannot be reached."""

from __future__ import annotations


from slkit.changes import StoreChanges
from slkit.store import Store


def test_the_token_moves_with_every_write_and_not_with_reads(store_url):
    writer = Store(store_url)
    writer.migrate()
    changes = StoreChanges(store_url, ttl=0)
    try:
        s = writer.create_session("Changes")
        first = changes.token()
        assert first
        writer.get_session(s.code), writer.answers(s.code)  # people reading
        assert changes.token() == first
        p = writer.join(s.code, "Ada")
        second = changes.token()
        assert second != first
        writer.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
        third = changes.token()
        assert third not in (first, second)
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
