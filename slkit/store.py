"""The response store: the only state that participants' kernels share.

SQLAlchemy Core over SQLite (the default, one file, WAL) or PostgreSQL (by URL). Every write
is one short transaction, retried with backoff when the database is briefly locked or
unreachable; a caller either gets the committed result or a StoreUnavailable it can show.

>>> store = Store("sqlite:///:memory:")
>>> store.migrate()
>>> s = store.create_session("Team day")
>>> p = store.join(s.code)
>>> store.save_answers(p, "five_practices", {"mw_voice_purpose": 7})
>>> store.answers_of(p, "five_practices")
{'mw_voice_purpose': 7}
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
import os
import random
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import NullPool, StaticPool

from . import InputError, KitError
from .i18n import _, ngettext, normalize as normalize_language
from .paths import database_url
from .sessions import (
    derive_screen_key,
    hash_secret,
    hash_personal_code,
    new_personal_code,
    new_secret,
    new_session_code,
    normalize_code,
    normalize_personal_code,
    verify_secret,
)
from .text import clean_text, echo

T = TypeVar("T")

TITLE_MAX = 120
NAME_MAX = 60
DEFAULT_THRESHOLD = 3
PLAN = "modules"  # a session's setting: the module ids it uses, in order (absent: all of them)
FOLLOW_UP = "follow_up"  # a session's setting: the date the team comes back to its commitments (ISO), or absent
FOLLOW_UP_MODULE = "follow_up"  # the module of the follow-up round
FOLLOW_UP_WEEKS = 6  # the date the console suggests
AFTER = "after"  # a session's setting: the code of the earlier session it follows (a second workshop)
MAX_THRESHOLD = 1000

# Wrong personal codes: this many are free per client address (and per session, in all) within
# CODE_WINDOW; after that each try waits twice as long as the one before, up to CODE_MAX_WAIT.
CODE_FREE_PER_ADDRESS = 5
CODE_FREE_PER_SESSION = 30
CODE_WINDOW = dt.timedelta(minutes=10)
CODE_MAX_WAIT = 60.0


def code_wait(failures: int, first_at: dt.datetime, last_at: dt.datetime, now: dt.datetime, free: int) -> float:
    """Seconds still to wait before the next personal code may be tried (0: try now).

    >>> t = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    >>> [code_wait(n, t, t, t, 5) for n in (4, 5, 6, 7, 20)]
    [0.0, 1.0, 2.0, 4.0, 60.0]
    >>> code_wait(9, t, t, t + dt.timedelta(minutes=11), 5)   # an old run of failures is forgotten
    0.0
    """
    if failures < free or now - first_at > CODE_WINDOW:
        return 0.0
    wait = min(CODE_MAX_WAIT, 2.0 ** (failures - free))
    return max(0.0, wait - (now - last_at).total_seconds())


def follow_up_date(value: object, held: dt.date, today: dt.date | None = None) -> dt.date:
    """A follow-up date as given (a date, or text like 2027-02-15), checked: after the session was
    held and after today; else InputError saying what is wrong.

    >>> follow_up_date("2027-02-15", dt.date(2027, 1, 4), today=dt.date(2027, 1, 4))
    datetime.date(2027, 2, 15)
    """
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(_("A follow-up date looks like 2027-02-15.")) from None
    if value <= held:
        raise InputError(_("The follow-up must come after the session ({date}).").format(date=held.isoformat()))
    if value <= today:
        raise InputError(_("The follow-up date has passed: choose a day after today ({date}).").format(date=today.isoformat()))
    return value


def suggested_follow_up(today: dt.date | None = None) -> dt.date:
    """The follow-up date the console suggests: six weeks on."""
    return (today or dt.date.today()) + dt.timedelta(weeks=FOLLOW_UP_WEEKS)


def _aware(value: dt.datetime) -> dt.datetime:
    """A time from the store as UTC (SQLite gives it back without its zone)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

metadata = sa.MetaData()

sessions_t = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("threshold", sa.Integer, nullable=False, default=DEFAULT_THRESHOLD),
    sa.Column("facilitator_key_hash", sa.String(64), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# The room screen's keys, as hashes (a screen key shows what participants see and controls nothing).
# Each is derived from the key of the console that shows it (`screen_key_for`), so a console
# always shows the same screen link, and the store never holds one a copy of it could use.
screen_keys_t = sa.Table(
    "screen_keys",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
)

participants_t = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("personal_code", sa.String(64), nullable=False),  # its hash (sessions.hash_personal_code)
    sa.Column("display_name", sa.String(NAME_MAX), nullable=True),
    sa.Column("show_name", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("language", sa.String(8), nullable=True),  # the language they chose (None: the session's)
    # Whether their answers count in team figures: not for someone who joined again from a
    # browser that had left the session, until the facilitator counts them in (one person, one count).
    sa.Column("counted", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("rejoined_from", sa.Integer, nullable=True),  # the participant that browser had left as
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_id", "personal_code", name="uq_participant_personal_code"),
)

# A browser that left a session ("Not you?") keeps a marker (its hash here) naming who left.
left_browsers_t = sa.Table(
    "left_browsers",
    metadata,
    sa.Column("marker_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Wrong personal codes, per client address (scope "address") and per session (scope "session"):
# after a few, each try waits longer (`CodeSlowdown`).
code_failures_t = sa.Table(
    "code_failures",
    metadata,
    sa.Column("scope", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
)

module_states_t = sa.Table(
    "module_states",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("module", sa.String(64), primary_key=True),
    sa.Column("is_open", sa.Boolean, nullable=False, default=True),
    sa.Column("results_revealed", sa.Boolean, nullable=False, default=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

answers_t = sa.Table(
    "answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("module", sa.String(64), nullable=False),
    sa.Column("item", sa.String(64), nullable=False),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("show_name", sa.Boolean, nullable=False, default=False),
    # The facilitator hid it (a written answer): off the screen, the team views, the themes and
    # every export; its author still sees it. An edit by its author keeps it hidden.
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_id", "module", "participant_id", "item", name="uq_answer"),
    sa.Index("ix_answers_session_module", "session_id", "module"),
)

participant_tokens_t = sa.Table(
    "participant_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

progress_t = sa.Table(
    "progress",
    metadata,
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("module", sa.String(64), primary_key=True),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("steps", sa.Integer, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

kit_settings_t = sa.Table(
    "kit_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


class StoreUnavailable(KitError):
    """The store could not be reached or stayed locked after the retries."""


class UnknownSession(InputError):
    pass


class ModuleClosed(InputError):
    pass


@dataclass(frozen=True)
class SessionInfo:
    id: int
    code: str
    title: str
    threshold: int
    settings: dict
    created_at: dt.datetime

    @property
    def language(self) -> str:
        """The session's language (`settings["language"]`; English for sessions made before there was a choice)."""
        return normalize_language(self.settings.get("language")) or "en"

    @property
    def follow_up(self) -> dt.date | None:
        """The day the team comes back to its commitments, if one is set."""
        try:
            return dt.date.fromisoformat(self.settings[FOLLOW_UP]) if self.settings.get(FOLLOW_UP) else None
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class NewSession(SessionInfo):
    key: str = field(default="", repr=False)  # shown once, stored only as a hash
    screen_key: str = field(default="", repr=False)  # the room screen's, likewise


@dataclass(frozen=True)
class Participant:
    id: int
    session_id: int
    session_code: str
    personal_code: str | None = field(repr=False)  # shown once: known right after joining, or when typed
    display_name: str | None
    token: str | None = field(default=None, repr=False)  # known only right after joining
    show_name: bool = False  # the name shows with what they write (their choice when joining)
    language: str | None = None  # the language they chose; None: the session's
    counted: bool = True  # their answers count in team figures (see Store.join)


@dataclass(frozen=True)
class Progress:
    step: int = 0  # the step the person is on (0: the first)
    steps: int = 1  # how many steps the module's page has
    done: bool = False  # they reached the module's last step


@dataclass(frozen=True)
class ModuleState:
    is_open: bool = True
    results_revealed: bool = True  # team results show (behind the threshold) unless the facilitator hides them


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, (OperationalError, DBAPIError)):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    signals = (
        "database is locked", "database is busy", "database table is locked",
        "could not serialize", "deadlock detected", "too many clients", "too many connections",
        "connection refused", "server closed the connection", "terminating connection",
        "the database system is starting up", "the database system is shutting down",
        "connection timeout", "could not connect", "connection failed",
        # a network that went quiet, and the time limits that end the wait for it
        "timeout expired", "timed out", "statement timeout", "idle-in-transaction timeout", "connection is lost",
        "consuming input failed", "sending query failed", "broken pipe", "connection reset", "bad file descriptor",
        "no connection to the server", "server conn crashed", "eof detected",
    )
    return any(s in text for s in signals)


def _private_file(path: Path) -> None:
    """Create a file readable by its owner only (and a folder made for it likewise): the SQLite
    file, which holds everyone's answers (SQLite gives its -wal and -shm files the same
    permissions), and the server key's copy."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            pass  # SQLite reports what is wrong when it opens the file


def _describe(url: sa.URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"{url.get_backend_name()} at {url.host or 'localhost'}:{url.port or ''}/{url.database}".replace(":/", "/")


# PostgreSQL: every connection gives up in bounded time, so a save fails within the page's retry
# window instead of hanging (a server that is up but whose network went quiet answers nothing).
PG_CONNECT_SECONDS = 5  # to connect (libpq's connect_timeout)
PG_STATEMENT_MS = 10_000  # a statement on the server
PG_IDLE_IN_TRANSACTION_MS = 20_000  # a transaction whose client went quiet is rolled back (its locks freed)
PG_TCP_USER_TIMEOUT_MS = 8_000  # data the server has not acknowledged (Linux)
ATTEMPT_SECONDS = 6.0  # one try of a transaction, in this process, whatever the network does
SLOW_SECONDS = 2.0  # a try not answered by then is reported (a page says "not saved yet, trying again")


class AttemptTimeout(Exception):
    """One try at the store got no answer in time (see Store._attempt)."""


def pg_connect_args(url: sa.URL) -> dict:
    """libpq's settings for a kit connection: a connect timeout, TCP keepalives and a TCP user
    timeout (a dead link is noticed in seconds), and server-side statement and idle-in-transaction
    timeouts, added to any `options` the URL already gives (a search_path, say)."""
    options = " ".join(filter(None, [
        str(url.query.get("options") or ""),
        f"-c statement_timeout={PG_STATEMENT_MS}",
        f"-c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}",
    ]))
    return {"connect_timeout": PG_CONNECT_SECONDS, "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 3, "tcp_user_timeout": PG_TCP_USER_TIMEOUT_MS, "options": options}


_ATTEMPTS: ThreadPoolExecutor | None = None


def _attempts() -> ThreadPoolExecutor:
    """The helper threads that run PostgreSQL tries (made on first use: a SQLite page has none)."""
    global _ATTEMPTS
    if _ATTEMPTS is None:
        _ATTEMPTS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slkit-store")
    return _ATTEMPTS


def _forget_attempts() -> None:
    """In a process forked from one that had helper threads: they did not come along, so the
    child makes its own on first use (a forked kernel, the tests' writers)."""
    global _ATTEMPTS
    _ATTEMPTS = None


os.register_at_fork(after_in_child=_forget_attempts)


def _shut(dbapi_connection) -> None:
    """Shut a psycopg connection's socket from another thread: a read waiting on it returns at once."""
    import socket

    try:
        fd = dbapi_connection.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # noqa: BLE001 - already closed, or never opened: nothing to shut
        pass


def store_url(raw: str) -> sa.URL:
    """A store's URL as the kit connects to it: plain postgresql:// uses the driver the kit installs."""
    url = sa.make_url(raw)
    return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url


# Engines a fork server made (and used once, so their dialect knows its server) before it forked
# the pages' kernels: a kernel's store on the same URL takes it rather than making its own.
_FORK_ENGINES: dict[str, Engine] = {}


class Store:
    """One handle on the store. Cheap to create; each process (kernel) makes its own."""

    def __init__(self, url: str | None = None, *, retry_seconds: float = 15.0, time_limit: bool = True):
        """`time_limit=False`: on PostgreSQL too, each try runs in the calling thread, without the
        hard limit a helper thread gives it (see _attempt): for a process that must start no
        thread (the fork server)."""
        raw = database_url(url)
        try:
            self.url = store_url(raw)
            if self.url.get_backend_name() not in ("sqlite", "postgresql"):
                raise KitError(f"The store must be SQLite or PostgreSQL, not '{self.url.get_backend_name()}'.")
            self.engine = _FORK_ENGINES.get(self._engine_key()) or self._make_engine(self.url)
        except (ArgumentError, NoSuchModuleError, ImportError) as e:
            raise KitError(f"The database URL is not one the kit can use ({e}); try sqlite:///path/to/file.sqlite3 or postgresql://user@host/db.") from None
        self.retry_seconds = retry_seconds
        self.time_limit = time_limit

    # ---- engine -------------------------------------------------------------------------
    @staticmethod
    def _make_engine(url: sa.URL) -> Engine:
        if url.get_backend_name() == "sqlite":
            memory = url.database in (None, "", ":memory:")
            if not memory and not url.database.startswith("file:"):  # a URI (mode=ro, ...) names a file made elsewhere
                _private_file(Path(url.database).expanduser())
            engine = sa.create_engine(
                url,
                connect_args={"timeout": 5, "check_same_thread": False},
                poolclass=StaticPool if memory else None,
            )

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
                dbapi_conn.isolation_level = None  # transactions are begun below
                cur = dbapi_conn.cursor()
                if not memory:
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=5000")
                cur.execute("PRAGMA foreign_keys=ON")
                # What is deleted is overwritten, not left readable in free pages of the file.
                cur.execute("PRAGMA secure_delete=ON")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Connection):
                # A writer takes the write lock up front, so two writers never deadlock on an
                # upgrade from a read lock (which SQLite reports as "locked" without waiting).
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("slkit_write") else "BEGIN")

            return engine
        # Each participant's kernel is its own process: holding no idle connection keeps a
        # room of hundreds of kernels under PostgreSQL's connection limit.
        return sa.create_engine(url.difference_update_query(["options"]), poolclass=NullPool, connect_args=pg_connect_args(url))

    def describe(self) -> str:
        return _describe(self.url)

    def dispose(self) -> None:
        self.engine.dispose()

    def _engine_key(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def keep_engine_for_forks(self) -> None:
        """In a fork server, before it forks: close this engine's connections (none may cross the
        fork) and let every store on the same URL in its children take this engine."""
        self.engine.dispose()
        _FORK_ENGINES[self._engine_key()] = self.engine

    # ---- transactions with retry ----------------------------------------------------------
    def _run(self, fn: Callable[[Connection], T], *, write: bool, on_retry: Callable[[], None] | None = None) -> T:
        """One transaction, tried again with backoff while the store is briefly locked or out of
        reach, until `retry_seconds` have passed. `on_retry` is told once, at the first failed
        try, so a page can say "not saved yet, trying again" at once rather than after the wait."""
        deadline = time.monotonic() + self.retry_seconds
        attempt = 0
        told = []

        def tell() -> None:  # once: a first try failed, or is slow to answer
            if not told and on_retry is not None:
                told.append(True)
                on_retry()

        while True:
            try:
                return self._attempt(fn, write, deadline, tell)
            except (OperationalError, DBAPIError, AttemptTimeout) as exc:
                if isinstance(exc, IntegrityError):
                    raise  # a rule of the data (a code taken, a duplicate): the caller decides
                if not isinstance(exc, AttemptTimeout) and not _retryable(exc):
                    # Anything else (a read-only file, a full disk, lost permissions) is said in
                    # words every page and command shows, never swallowed or raised raw.
                    raise StoreUnavailable(self._failure(exc, write)) from exc
                attempt += 1
                tell()
                if time.monotonic() >= deadline:
                    raise StoreUnavailable(
                        (_("The workshop store ({store}) cannot be reached right now; nothing was saved. Please try again in a moment.")
                         if write else _("The workshop store ({store}) cannot be reached right now. Please try again in a moment.")
                         ).format(store=self.describe())
                    ) from exc
                pause = min(1.0, 0.02 * 2**attempt) * (0.5 + random.random())
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))

    def _transaction(self, fn: Callable[[Connection], T], write: bool, opened: dict | None = None) -> T:
        with self.engine.connect() as conn:
            if opened is not None:
                opened["connection"] = conn.connection.dbapi_connection
            if write:
                conn.execution_options(slkit_write=True)
            with conn.begin():
                return fn(conn)

    def _attempt(self, fn: Callable[[Connection], T], write: bool, deadline: float, slow: Callable[[], None] = lambda: None) -> T:
        """One try. On SQLite, in this thread (a lock waits at most busy_timeout). On PostgreSQL,
        with a hard time limit: a server whose network stopped answering (a dropped link, a hung
        host) can leave a query waiting for ever, whatever the server's own timeouts say, so the
        try runs in a helper thread and is given up after ATTEMPT_SECONDS; its connection is
        shut, so the thread ends too and the database rolls the transaction back. A try that has
        not answered after SLOW_SECONDS is reported (`slow`) while it goes on waiting."""
        if self.url.get_backend_name() != "postgresql" or not self.time_limit:
            return self._transaction(fn, write)
        opened: dict = {}
        future = _attempts().submit(contextvars.copy_context().run, self._transaction, fn, write, opened)  # in this page's language
        limit = max(0.5, min(ATTEMPT_SECONDS, deadline - time.monotonic()))
        try:
            return future.result(timeout=min(limit, SLOW_SECONDS))
        except FutureTimeout:
            if limit > SLOW_SECONDS:
                slow()
        try:
            return future.result(timeout=max(0.0, limit - SLOW_SECONDS))
        except FutureTimeout:
            _shut(opened.get("connection"))
            raise AttemptTimeout(f"no answer within {limit:.1f} s") from None

    def _failure(self, exc: BaseException, write: bool) -> str:
        orig = getattr(exc, "orig", exc)
        reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
        return (_("The workshop store ({store}) failed: {reason}; nothing was saved. Please try again; if it keeps failing, tell the facilitator.")
                if write else _("The workshop store ({store}) failed: {reason}. Please try again; if it keeps failing, tell the facilitator.")
                ).format(store=self.describe(), reason=reason)

    def read(self, fn: Callable[[Connection], T]) -> T:
        return self._run(fn, write=False)

    def write(self, fn: Callable[[Connection], T], *, on_retry: Callable[[], None] | None = None) -> T:
        return self._run(fn, write=True, on_retry=on_retry)

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest version (Alembic); a facilitator's data is kept."""
        from .migrations import upgrade

        try:
            upgrade(self.engine)
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            raise StoreUnavailable(_("The workshop store ({store}) cannot be reached: {reason}").format(store=self.describe(), reason=reason)) from None

    def check(self) -> None:
        """Raise StoreUnavailable unless the store answers."""
        self.read(lambda c: c.execute(sa.text("SELECT 1")).scalar_one())

    # ---- kit settings -------------------------------------------------------------------
    def set_setting(self, name: str, value: str) -> None:
        def run(conn: Connection) -> None:
            conn.execute(kit_settings_t.delete().where(kit_settings_t.c.name == name))
            conn.execute(kit_settings_t.insert().values(name=name, value=value))

        self.write(run)

    def get_setting(self, name: str) -> str | None:
        return self.read(
            lambda c: c.execute(sa.select(kit_settings_t.c.value).where(kit_settings_t.c.name == name)).scalar_one_or_none()
        )

    def set_server_key(self, key: str) -> None:
        """The key in the facilitator link `slkit serve` prints: it may create sessions."""
        self.set_setting("server_key_hash", hash_secret(key))

    def verify_server_key(self, key: object) -> bool:
        return verify_secret(key, self.get_setting("server_key_hash"))

    # ---- sessions -----------------------------------------------------------------------
    @staticmethod
    def _session_info(row: Any) -> SessionInfo:
        return SessionInfo(
            id=row.id, code=row.code, title=row.title, threshold=row.threshold,
            settings=dict(row.settings or {}), created_at=row.created_at,
        )

    def create_session(self, title: object, threshold: object = DEFAULT_THRESHOLD, settings: dict | None = None,
                       modules: list[str] | None = None, *, start_open: bool = False, language: str | None = None,
                       follow_up: object = None, after: object = None) -> NewSession:
        """A new session. With `modules` (ids, in the order the workshop takes them) it uses only
        those, and they start closed with results held back unless `start_open`; without, every
        module, open (the way sessions were before plans). `language` ('en', 'nb'; 'no' is taken
        for 'nb') is what its pages, exports and handouts speak unless a person chooses another.
        `follow_up`: the day the team comes back to its commitments (the follow-up module joins the
        plan). `after`: the code of an earlier session with the same team: its plan and settings
        are the starting point (what is given here wins), and its report is compared with this one."""
        title = clean_text(title, max_length=TITLE_MAX, field=_("The session title"), multiline=False)
        if after is not None:
            earlier = self.get_session(after)
            kept = {k: v for k, v in earlier.settings.items() if k in (PLAN, "language", "vote_budget")}
            settings = {**kept, **(settings or {}), AFTER: earlier.code}
            if modules is None and PLAN in kept:
                modules = [m for m in kept[PLAN] if m != FOLLOW_UP_MODULE]
            if threshold == DEFAULT_THRESHOLD:
                threshold = earlier.threshold
        if follow_up is not None:
            follow_up = follow_up_date(follow_up, _now().date())
            if modules is not None and FOLLOW_UP_MODULE not in modules:
                modules = [*modules, FOLLOW_UP_MODULE]
        if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= MAX_THRESHOLD:
            raise InputError(_("The anonymity threshold is a whole number from 1 to {max}.").format(max=MAX_THRESHOLD))
        settings = dict(settings or {})
        if follow_up is not None:
            settings[FOLLOW_UP] = follow_up.isoformat()
        if language is not None:
            if normalize_language(language) is None:
                raise InputError(_("The kit speaks English (en) and Norwegian bokmål (nb), not '{language}'.").format(language=echo(language)))
            settings["language"] = normalize_language(language)
        if modules is not None:
            modules = list(dict.fromkeys(modules))
            if not modules:
                raise InputError(_("Choose at least one module for the session."))
            settings[PLAN] = modules
        key = new_secret()
        for _attempt in range(20):
            code = new_session_code()
            now = _now()
            screen_key = derive_screen_key(key, code)
            values = dict(code=code, title=title, threshold=threshold, facilitator_key_hash=hash_secret(key), settings=settings, created_at=now)

            def run(c: Connection) -> int:
                sid = c.execute(sessions_t.insert().values(**values)).inserted_primary_key[0]
                c.execute(screen_keys_t.insert().values(key_hash=hash_secret(screen_key), session_id=sid))
                if modules is not None:
                    # The follow-up waits for its day: closed, whatever the others start as.
                    c.execute(module_states_t.insert(), [
                        dict(session_id=sid, module=m, is_open=start_open and m != FOLLOW_UP_MODULE,
                             results_revealed=start_open and m != FOLLOW_UP_MODULE, updated_at=now) for m in modules])
                return sid

            try:
                new_id = self.write(run)
            except IntegrityError:
                continue  # the code was taken; draw another
            return NewSession(id=new_id, code=code, title=title, threshold=threshold,
                              settings=settings, created_at=now, key=key, screen_key=screen_key)
        raise StoreUnavailable(_("Could not find a free session code; please try again."))  # pragma: no cover

    def set_follow_up(self, code: object, when: object) -> SessionInfo:
        """Set (or, with None, clear) the day the team comes back to its commitments. The
        follow-up module joins the session's plan (closed, results held back) when it is not there."""
        session = self.get_session(code)
        if when is None or when == "":
            return self.update_session(session.code, settings={FOLLOW_UP: None})
        day = follow_up_date(when, session.created_at.date())
        plan = list(session.settings.get(PLAN) or [])
        changes: dict[str, Any] = {FOLLOW_UP: day.isoformat()}
        if plan and FOLLOW_UP_MODULE not in plan:
            changes[PLAN] = [*plan, FOLLOW_UP_MODULE]
            self.set_module_state(session.code, FOLLOW_UP_MODULE, is_open=False, results_revealed=False)
        return self.update_session(session.code, settings=changes)

    def screen_key(self, code: object, console_key: str) -> str:
        """The room-screen link's key for the console opened with `console_key` (the session's
        key or the server's): derived from it, so the same console always shows the same link,
        and registered here as a hash (the store never holds a usable copy)."""
        session = self.get_session(code)
        key = derive_screen_key(console_key, session.code)
        digest = hash_secret(key)

        known = self.read(lambda c: c.execute(sa.select(screen_keys_t.c.key_hash).where(screen_keys_t.c.key_hash == digest)).first())
        if known is None:
            try:
                self.write(lambda c: c.execute(screen_keys_t.insert().values(key_hash=digest, session_id=session.id)))
            except IntegrityError:
                pass  # another console page registered it at the same moment
        return key

    def verify_screen(self, code: object, key: object) -> bool:
        """True when `key` opens this session's room screen (it gives no control)."""
        if not isinstance(key, str) or not key or len(key) > 100:
            return False
        try:
            code = normalize_code(code)
        except InputError:
            return False
        q = (sa.select(screen_keys_t.c.key_hash).join(sessions_t, sessions_t.c.id == screen_keys_t.c.session_id)
             .where(sessions_t.c.code == code, screen_keys_t.c.key_hash == hash_secret(key)))
        return self.read(lambda c: c.execute(q).first()) is not None

    def end_session(self, code: object, modules: list[str]) -> None:
        """End a session: every module closed (answers kept), the countdown stopped."""
        session = self.get_session(code)
        for m in modules:
            self.set_module_state(session.code, m, is_open=False)
        self.update_session(session.code, settings={"ended_at": _now().isoformat(), "timer_end": None})

    def delete_session(self, code: object) -> None:
        """Delete a session with everything in it: participants, answers, boards, votes."""
        session = self.get_session(code)
        self.write(lambda c: c.execute(sessions_t.delete().where(sessions_t.c.id == session.id)))
        self.checkpoint()

    def checkpoint(self) -> None:
        """SQLite: move what the write-ahead log holds into the file and empty the log, so a deleted
        session's text is not left in the -wal file until some later checkpoint. (A page still
        reading keeps its part of the log; that is written over by the next checkpoint.)"""
        if self.url.get_backend_name() != "sqlite":
            return
        try:
            raw = self.engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.close()
        except (DBAPIError, sqlite3.Error):
            pass  # the delete itself is done; the log is emptied at a later checkpoint

    def get_session(self, code: object) -> SessionInfo:
        code = normalize_code(code)
        row = self.read(lambda c: c.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first())
        if row is None:
            raise UnknownSession(_("There is no session with the code {code}. Please check the code with your facilitator.").format(code=code))
        return self._session_info(row)

    def list_sessions(self) -> list[SessionInfo]:
        rows = self.read(lambda c: c.execute(sa.select(sessions_t).order_by(sessions_t.c.created_at.desc(), sessions_t.c.id.desc())).all())
        return [self._session_info(r) for r in rows]

    def verify_facilitator(self, code: object, key: object) -> bool:
        """True when `key` is this session's facilitator key (or the server's key)."""
        try:
            code = normalize_code(code)
        except InputError:
            return False
        stored = self.read(
            lambda c: c.execute(sa.select(sessions_t.c.facilitator_key_hash).where(sessions_t.c.code == code)).scalar_one_or_none()
        )
        if stored is None:
            return False
        return verify_secret(key, stored) or self.verify_server_key(key)

    def update_session(self, code: object, *, threshold: int | None = None, settings: dict | None = None) -> SessionInfo:
        session = self.get_session(code)
        values: dict[str, Any] = {}
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= MAX_THRESHOLD:
                raise InputError(_("The anonymity threshold is a whole number from 1 to {max}.").format(max=MAX_THRESHOLD))
            values["threshold"] = threshold
        if settings is not None:
            values["settings"] = {**session.settings, **settings}
        if values:
            self.write(lambda c: c.execute(sessions_t.update().where(sessions_t.c.id == session.id).values(**values)))
        return self.get_session(session.code)

    # ---- participants -------------------------------------------------------------------
    def join(self, code: object, display_name: object = None, *, show_name: bool = False, left_marker: object = None) -> Participant:
        """A new participant in the session; the returned token is the only copy.

        `left_marker`: what a browser that left this session ("Not you?") kept. Joining again from
        it makes a new participant who is not counted in team figures until the facilitator
        counts them in (`count_in`): otherwise one person could join, leave and join again until
        the team view showed "3 people", and read someone else's answers from it."""
        session = self.get_session(code)
        name = clean_text(display_name, max_length=NAME_MAX, field=_("The name"), allow_empty=True, multiline=False) or None
        left_from = self._left_from(session, left_marker)
        token = new_secret()
        for _attempt in range(20):
            personal = new_personal_code()
            values = dict(session_id=session.id, token_hash=hash_secret(token), personal_code=hash_personal_code(session.code, personal),
                          display_name=name, show_name=bool(show_name and name), created_at=_now(),
                          counted=left_from is None, rejoined_from=left_from)
            def run(c: Connection) -> int:
                pid = c.execute(participants_t.insert().values(**values)).inserted_primary_key[0]
                c.execute(participant_tokens_t.insert().values(token_hash=values["token_hash"], participant_id=pid, created_at=values["created_at"]))
                return pid

            try:
                pid = self.write(run)
            except IntegrityError:
                continue
            return Participant(pid, session.id, session.code, personal, name, token, values["show_name"], counted=left_from is None)
        raise StoreUnavailable(_("Could not create a personal code; please try again."))  # pragma: no cover

    def _left_from(self, session: SessionInfo, marker: object) -> int | None:
        """The participant a browser's left-marker names, in this session (None: no marker, or not this session's)."""
        if not isinstance(marker, str) or not marker or len(marker) > 100:
            return None
        return self.read(lambda c: c.execute(sa.select(left_browsers_t.c.participant_id).where(
            left_browsers_t.c.marker_hash == hash_secret(marker), left_browsers_t.c.session_id == session.id)).scalar_one_or_none())

    def resume(self, code: object, token: object = None, personal_code: object = None, *, client: str | None = None) -> Participant:
        """The participant behind a resume token (a browser that joined or continued) or a
        personal code (typed). Continuing with a personal code gives that browser a token of its
        own (`Participant.token`), so it is remembered as well; other browsers keep theirs.

        Wrong personal codes slow the next tries down, per client address (`client`) and per
        session (`code_wait`): a page cannot try codes at the speed of a script."""
        session = self.get_session(code)
        if token:
            if not isinstance(token, str) or len(token) > 100:
                raise InputError(_("This resume link is not valid; join again or enter your personal code."))
            q = (sa.select(participants_t)
                 .join(participant_tokens_t, participant_tokens_t.c.participant_id == participants_t.c.id)
                 .where(participants_t.c.session_id == session.id, participant_tokens_t.c.token_hash == hash_secret(token)))
        elif personal_code:
            personal_code = normalize_personal_code(personal_code)
            self._check_code_wait(session, client)
            q = sa.select(participants_t).where(participants_t.c.session_id == session.id,
                                                participants_t.c.personal_code == hash_personal_code(session.code, personal_code))
        else:
            raise InputError(_("Please enter your personal code."))
        row = self.read(lambda c: c.execute(q).first())
        if row is None:
            if not token:
                self._code_failed(session, client)
            raise InputError((_("This resume link does not belong to session {code}. Check it, or join as a new participant.") if token
                              else _("This personal code does not belong to session {code}. Check it, or join as a new participant.")
                              ).format(code=session.code))
        if not token:
            token = new_secret()
            self.write(lambda c: c.execute(participant_tokens_t.insert().values(
                token_hash=hash_secret(token), participant_id=row.id, created_at=_now())))
        # The personal code is known only when it was typed (the store keeps its hash).
        return Participant(row.id, session.id, session.code, personal_code or None, row.display_name, token, bool(row.show_name),
                           normalize_language(row.language), counted=bool(row.counted))

    # -- wrong personal codes: a slowdown per address and per session
    def _code_scopes(self, session: SessionInfo, client: str | None) -> list[tuple[str, str, int]]:
        scopes = [("session", str(session.id), CODE_FREE_PER_SESSION)]
        if client:
            scopes.append(("address", hash_secret(f"{session.code}:{client}"), CODE_FREE_PER_ADDRESS))
        return scopes

    def _check_code_wait(self, session: SessionInfo, client: str | None) -> None:
        now = _now()
        for scope, key, free in self._code_scopes(session, client):
            row = self.read(lambda c: c.execute(sa.select(code_failures_t).where(
                code_failures_t.c.scope == scope, code_failures_t.c.key == key)).first())
            if row is None:
                continue
            wait = code_wait(row.failures, _aware(row.first_at), _aware(row.last_at), now, free)
            if wait > 0:
                n = math.ceil(wait)
                raise InputError((ngettext("Too many wrong personal codes were tried from this device. Please wait {n} second and try again.",
                                           "Too many wrong personal codes were tried from this device. Please wait {n} seconds and try again.", n)
                                  if scope == "address" else
                                  ngettext("Too many wrong personal codes were tried in this session. Please wait {n} second and try again.",
                                           "Too many wrong personal codes were tried in this session. Please wait {n} seconds and try again.", n)
                                  ).format(n=n))

    def _code_failed(self, session: SessionInfo, client: str | None) -> None:
        now = _now()

        def run(c: Connection) -> None:
            for scope, key, _free in self._code_scopes(session, client):
                row = c.execute(sa.select(code_failures_t).where(code_failures_t.c.scope == scope, code_failures_t.c.key == key)).first()
                if row is None:
                    c.execute(code_failures_t.insert().values(scope=scope, key=key, failures=1, first_at=now, last_at=now))
                elif now - _aware(row.first_at) > CODE_WINDOW:  # an old run of failures: start again
                    c.execute(code_failures_t.update().where(code_failures_t.c.scope == scope, code_failures_t.c.key == key)
                              .values(failures=1, first_at=now, last_at=now))
                else:
                    c.execute(code_failures_t.update().where(code_failures_t.c.scope == scope, code_failures_t.c.key == key)
                              .values(failures=row.failures + 1, last_at=now))

        try:
            self.write(run)
        except IntegrityError:
            pass  # two wrong codes at the same moment: one of them is counted

    def set_language(self, participant: Participant, language: object) -> Participant:
        """Remember the language a person chose (on every device they continue on)."""
        lang = normalize_language(language)
        if lang is None:
            raise InputError(_("The kit speaks English (en) and Norwegian bokmål (nb), not '{language}'.").format(language=echo(language)))
        self.write(lambda c: c.execute(participants_t.update().where(participants_t.c.id == participant.id).values(language=lang)))
        return replace(participant, language=lang)

    def new_personal_code(self, participant: Participant) -> Participant:
        """A new personal code for someone this browser knows (the old one stops working); it is
        shown once, on their page."""
        for _attempt in range(20):
            personal = new_personal_code()
            value = hash_personal_code(participant.session_code, personal)
            try:
                self.write(lambda c: c.execute(participants_t.update().where(participants_t.c.id == participant.id).values(personal_code=value)))
            except IntegrityError:
                continue
            return replace(participant, personal_code=personal)
        raise StoreUnavailable(_("Could not create a personal code; please try again."))  # pragma: no cover

    def forget_token(self, token: object) -> None:
        """A resume token stops working (the participant and their answers stay)."""
        if isinstance(token, str) and token:
            self.write(lambda c: c.execute(participant_tokens_t.delete().where(participant_tokens_t.c.token_hash == hash_secret(token))))

    def leave(self, participant: Participant, token: object) -> str:
        """A browser leaves ("Not you?"): its token stops working; the participant and their answers
        stay, and the personal code still continues. Returns the marker the browser keeps: a
        person who joins again from it is not counted until the facilitator counts them in."""
        marker = new_secret()

        def run(c: Connection) -> None:
            if isinstance(token, str) and token:
                c.execute(participant_tokens_t.delete().where(participant_tokens_t.c.token_hash == hash_secret(token)))
            c.execute(left_browsers_t.insert().values(marker_hash=hash_secret(marker), session_id=participant.session_id,
                                                     participant_id=participant.id, created_at=_now()))

        self.write(run)
        return marker

    def waiting_to_count(self, code: object) -> list[dict[str, Any]]:
        """People who joined again from a browser that had left the session, not counted yet:
        id, name (as they gave it, for the facilitator), when they joined, and the name of whom
        that browser had left as."""
        session = self.get_session(code)
        before = participants_t.alias("before")
        q = (sa.select(participants_t.c.id, participants_t.c.display_name, participants_t.c.created_at, before.c.display_name.label("was"))
             .outerjoin(before, before.c.id == participants_t.c.rejoined_from)
             .where(participants_t.c.session_id == session.id, participants_t.c.counted == sa.false())
             .order_by(participants_t.c.created_at))
        return [dict(id=r.id, name=r.display_name, joined=r.created_at, was=r.was) for r in self.read(lambda c: c.execute(q).all())]

    def count_in(self, code: object, participant_id: int) -> None:
        """The facilitator counts a person in: their answers count in team figures from now on."""
        session = self.get_session(code)
        done = self.write(lambda c: c.execute(participants_t.update().where(
            participants_t.c.id == int(participant_id), participants_t.c.session_id == session.id).values(counted=True)).rowcount)
        if not done:
            raise InputError(_("There is no such participant in this session."))

    # ---- where each person is ------------------------------------------------------------
    def set_progress(self, participant: Participant, module: str, step: int, steps: int, *, done: bool = False) -> None:
        """Remember the step a person is on (of `steps`); `done`, once reached, stays when they go back."""
        now = _now()
        stmt = _insert(self.engine)(progress_t).values(participant_id=participant.id, module=module, step=int(step), steps=int(steps),
                                                       done=bool(done), updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["participant_id", "module"],
            set_={"step": stmt.excluded.step, "steps": stmt.excluded.steps, "done": sa.or_(progress_t.c.done, stmt.excluded.done), "updated_at": stmt.excluded.updated_at},
        )
        self.write(lambda c: c.execute(stmt))

    def progress_of(self, participant: Participant) -> dict[str, Progress]:
        """Module id -> where this person is in it (modules never opened are left out)."""
        rows = self.read(lambda c: c.execute(sa.select(progress_t).where(progress_t.c.participant_id == participant.id)).all())
        return {r.module: Progress(r.step, r.steps, bool(r.done)) for r in rows}

    def participant_count(self, code: object) -> int:
        """How many people joined (each counted once: not those waiting to be counted in)."""
        session = self.get_session(code)
        return self.read(
            lambda c: c.execute(sa.select(sa.func.count()).select_from(participants_t).where(
                participants_t.c.session_id == session.id, participants_t.c.counted == sa.true())).scalar_one()
        )

    # ---- modules ------------------------------------------------------------------------
    def module_state(self, code: object, module: str) -> ModuleState:
        return self.module_states(code).get(module, ModuleState())

    def module_states(self, code: object) -> dict[str, ModuleState]:
        """The state of every module the facilitator has changed (others are open and shown), in one read."""
        session = self.get_session(code)
        rows = self.read(lambda c: c.execute(sa.select(module_states_t).where(module_states_t.c.session_id == session.id)).all())
        return {r.module: ModuleState(r.is_open, r.results_revealed) for r in rows}

    def set_module_state(self, code: object, module: str, *, is_open: bool | None = None, results_revealed: bool | None = None) -> ModuleState:
        session = self.get_session(code)
        current = self.module_state(session.code, module)
        new = ModuleState(
            current.is_open if is_open is None else bool(is_open),
            current.results_revealed if results_revealed is None else bool(results_revealed),
        )
        upsert = _insert(self.engine)(module_states_t).values(
            session_id=session.id, module=module, is_open=new.is_open, results_revealed=new.results_revealed, updated_at=_now()
        )
        upsert = upsert.on_conflict_do_update(
            index_elements=["session_id", "module"],
            set_={"is_open": upsert.excluded.is_open, "results_revealed": upsert.excluded.results_revealed, "updated_at": upsert.excluded.updated_at},
        )
        self.write(lambda c: c.execute(upsert))
        return new

    # ---- answers ------------------------------------------------------------------------
    def save_answers(self, participant: Participant, module: str, answers: dict[str, Any], *, show_name: bool = False,
                     on_retry: Callable[[], None] | None = None) -> None:
        """Upsert answers, all or none, one row per (session, module, participant, item).

        Values must already be validated (`Framework.validate_value`); they are stored as JSON.
        Raises ModuleClosed when the facilitator has closed the module.
        """
        if not answers:
            return
        now = _now()
        rows = [
            dict(session_id=participant.session_id, participant_id=participant.id, module=module, item=item,
                 value=value, show_name=bool(show_name), created_at=now, updated_at=now)
            for item, value in answers.items()
        ]
        stmt = _insert(self.engine)(answers_t)
        stmt = stmt.on_conflict_do_update(
            index_elements=["session_id", "module", "participant_id", "item"],
            set_={"value": stmt.excluded.value, "show_name": stmt.excluded.show_name, "updated_at": stmt.excluded.updated_at},
        )

        def run(conn: Connection) -> None:
            check_open(conn, participant.session_id, module, _("your earlier answers are kept, new ones cannot be saved"))
            conn.execute(stmt, rows)

        self.write(run, on_retry=on_retry)

    def answers_of(self, participant: Participant, module: str) -> dict[str, Any]:
        """One participant's own answers to a module (to restore a page after a reload)."""
        rows = self.read(
            lambda c: c.execute(
                sa.select(answers_t.c.item, answers_t.c.value).where(
                    answers_t.c.session_id == participant.session_id,
                    answers_t.c.participant_id == participant.id,
                    answers_t.c.module == module,
                )
            ).all()
        )
        return {r.item: r.value for r in rows}

    def answers(self, code: object, module: str | None = None) -> list[dict[str, Any]]:
        """All answers in a session, one dict per answer; a name only where its author chose to
        show it. Only people who count: not those waiting to be counted in (one person, one count);
        and no answer the facilitator hid."""
        session = self.get_session(code)
        q = (
            sa.select(
                answers_t.c.module, answers_t.c.item, answers_t.c.value, answers_t.c.participant_id,
                answers_t.c.show_name, participants_t.c.display_name, answers_t.c.updated_at,
            )
            .join(participants_t, participants_t.c.id == answers_t.c.participant_id)
            .where(answers_t.c.session_id == session.id, participants_t.c.counted == sa.true(), answers_t.c.hidden == sa.false())
            .order_by(answers_t.c.module, answers_t.c.participant_id, answers_t.c.item)
        )
        if module is not None:
            q = q.where(answers_t.c.module == module)
        rows = self.read(lambda c: c.execute(q).all())
        return [
            dict(module=r.module, item=r.item, value=r.value, participant=r.participant_id,
                 name=r.display_name if r.show_name else None, updated_at=r.updated_at)
            for r in rows
        ]

    # ---- the facilitator's moderation of written answers -----------------------------------------
    def written_answers(self, code: object, module: str, items: list[str]) -> list[dict[str, Any]]:
        """The written answers to `items` of a module, newest first, hidden ones too (marked), for
        the facilitator's moderation: participant, item, text, hidden, when, and a name only where
        its author chose to show it. People waiting to be counted in are left out (nobody sees
        their answers yet)."""
        session = self.get_session(code)
        q = (sa.select(answers_t.c.participant_id, answers_t.c.item, answers_t.c.value, answers_t.c.hidden, answers_t.c.updated_at,
                       answers_t.c.show_name, participants_t.c.display_name)
             .join(participants_t, participants_t.c.id == answers_t.c.participant_id)
             .where(answers_t.c.session_id == session.id, answers_t.c.module == module, answers_t.c.item.in_(list(items)),
                    participants_t.c.counted == sa.true())
             .order_by(answers_t.c.updated_at.desc(), answers_t.c.id.desc()))
        return [dict(participant=r.participant_id, item=r.item, text=str(r.value or ""), hidden=bool(r.hidden), updated_at=r.updated_at,
                     name=r.display_name if r.show_name else None)
                for r in self.read(lambda c: c.execute(q).all()) if str(r.value or "").strip()]

    def hide_answer(self, code: object, module: str, participant_id: int, item: str, hidden: bool = True) -> None:
        """Hide a written answer from everyone but its author (or show it again). Its time is
        moved on, so every live view and the room screen notice within a few seconds."""
        session = self.get_session(code)
        done = self.write(lambda c: c.execute(answers_t.update().where(
            answers_t.c.session_id == session.id, answers_t.c.module == module, answers_t.c.participant_id == int(participant_id),
            answers_t.c.item == item).values(hidden=bool(hidden), updated_at=_now())).rowcount)
        if not done:
            raise InputError(_("There is no such answer in this session."))

    def hidden_items(self, participant: Participant, module: str) -> set[str]:
        """Which of one person's own answers to a module the facilitator hid (the page tells them)."""
        rows = self.read(lambda c: c.execute(sa.select(answers_t.c.item).where(
            answers_t.c.participant_id == participant.id, answers_t.c.module == module, answers_t.c.hidden == sa.true())).all())
        return {r.item for r in rows}

    def answers_version(self, session: SessionInfo, module: str) -> tuple[int, str]:
        """A cheap fingerprint of a module's answers in a session: it changes whenever an answer
        is added, changed or removed. A live view asks for this every few seconds and reads
        the answers themselves only when it changed."""
        q = (sa.select(sa.func.count(), sa.func.max(answers_t.c.updated_at))
             .join(participants_t, participants_t.c.id == answers_t.c.participant_id)
             .where(answers_t.c.session_id == session.id, answers_t.c.module == module, participants_t.c.counted == sa.true()))
        n, latest = self.read(lambda c: c.execute(q).one())
        return int(n), str(latest)

    def respondent_counts(self, code: object) -> dict[str, int]:
        """How many distinct participants answered each module."""
        session = self.get_session(code)
        q = (
            sa.select(answers_t.c.module, sa.func.count(sa.distinct(answers_t.c.participant_id)))
            .join(participants_t, participants_t.c.id == answers_t.c.participant_id)
            .where(answers_t.c.session_id == session.id, participants_t.c.counted == sa.true())
            .group_by(answers_t.c.module)
        )
        return {m: n for m, n in self.read(lambda c: c.execute(q).all())}


def check_open(conn: Connection, session_id: int, module: str, kept: str) -> None:
    """Inside a write: raise ModuleClosed, saying what is `kept`, if the facilitator closed the module."""
    is_open = conn.execute(
        sa.select(module_states_t.c.is_open).where(module_states_t.c.session_id == session_id, module_states_t.c.module == module)
    ).scalar_one_or_none()
    if is_open is False:
        raise ModuleClosed(_("This module has been closed by the facilitator; {kept}.").format(kept=kept))


def _insert(engine: Engine):
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover
        raise KitError(f"The store supports SQLite and PostgreSQL, not {engine.dialect.name}.")
    return insert


@contextmanager
def open_store(url: str | None = None, *, migrate: bool = False) -> Iterator[Store]:
    store = Store(url)
    try:
        if migrate:
            store.migrate()
        yield store
    finally:
        store.dispose()
