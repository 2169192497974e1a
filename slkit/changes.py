"""Has anything been stored since I last asked? One cheap answer for every live view.

A live view (the team's results, the SWOT board, a participant's home) refreshes when its
page's timer asks its kernel to. Asking a kernel costs a message through the server, a wake-up
and a few queries: about 6 ms of CPU, 50 times a second for 100 people on live views, most of
it to learn that nothing changed. So the page's timer first asks the server
`/slkit/changes`, which answers a short token that changes whenever anything is committed to
the store, and wakes its kernel only when the token changed (and every 60 s whatever it says).

The token never misses a change, and may change without one that matters to a given page (a
write in another session, say), which costs only an unneeded refresh:

- SQLite: `PRAGMA data_version` on a connection of the server's own, which changes whenever
  another connection (every kernel has its own) commits to the file.
- PostgreSQL: the rows inserted, updated and deleted in this database (`pg_stat_database`),
  which move with every write to the kit's database and with nothing else (not with other
  databases on the same server, unlike a transaction id); reading them writes nothing. A
  kernel's connection ends with its transaction, and PostgreSQL counts its writes when it ends.
- Anything else: no token; the timer then wakes its kernel every time, as before.

It is asked at most once per `ttl` seconds, however many pages ask, by one thread at a time
(`pool`): while a read hangs (a store whose network went quiet) others get the last answer
at once, and the server's event loop never waits for it (slkit.server.Changes).

    >>> import tempfile, os, sqlite3
    >>> path = os.path.join(tempfile.mkdtemp(), "kit.sqlite3")
    >>> sqlite3.connect(path).execute("create table t (x)").connection.commit()
    >>> changes = StoreChanges(f"sqlite:///{path}", ttl=0)
    >>> before = changes.token()
    >>> with sqlite3.connect(path) as other: _ = other.execute("insert into t values (1)")
    >>> changes.token() != before
    True
"""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from .store import pg_connect_args, store_url


class StoreChanges:
    """A token that changes whenever something is committed to the store at `url`."""

    def __init__(self, url: str, ttl: float = 1.0):
        self.url = store_url(url)
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cached: tuple[float, str | None] | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._engine: sa.Engine | None = None
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="slkit-changes")

    @property
    def kind(self) -> str:
        return self.url.get_backend_name()

    def token(self) -> str | None:
        """The current token; None where the store gives none or cannot be reached just now
        (then every live view asks its kernel, which says what is wrong)."""
        now = time.monotonic()
        if not self._lock.acquire(blocking=False):  # another read is under way (or hangs): its last answer
            return self._cached[1] if self._cached is not None else None
        try:
            if self._cached is not None and now - self._cached[0] < self.ttl:
                return self._cached[1]
            try:
                value = self._read()
            except Exception:  # noqa: BLE001 - whatever the store raises, the answer is "ask"
                self.close_unlocked()
                value = None
            self._cached = (time.monotonic(), value)
            return value
        finally:
            self._lock.release()

    def _read(self) -> str | None:
        if self.kind == "sqlite" and self.url.database not in (None, "", ":memory:"):
            if self._sqlite is None:
                # Read-only, no transaction held open: the kernels' writes go on as before.
                db = self.url.database
                uri = db if db.startswith("file:") else f"file:{Path(db).expanduser()}?mode=ro"
                self._sqlite = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=5)
            return f"s{self._sqlite.execute('PRAGMA data_version').fetchone()[0]}"
        if self.kind == "postgresql":
            if self._engine is None:
                # A store out of reach must answer soon (the server gives it a second, then asks again later).
                args = {**pg_connect_args(self.url), "connect_timeout": 2}
                self._engine = sa.create_engine(self.url.difference_update_query(["options"]), pool_size=1, max_overflow=0,
                                                pool_pre_ping=True, connect_args=args)
            with self._engine.connect() as c:
                row = c.execute(sa.text("SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
                                        "WHERE datname = current_database()")).scalar_one()
                return f"p{row}"
        return None

    def close(self) -> None:
        with self._lock:
            self.close_unlocked()

    def close_unlocked(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
