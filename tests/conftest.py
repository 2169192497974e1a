"""Fixtures shared by every layer's tests: a store on SQLite and on PostgreSQL.

PostgreSQL: SLKIT_TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test. Each test
gets its own schema, dropped afterwards. When the server is absent the PostgreSQL tests skip
with the reason, except under CI=true, where they fail: CI must test the real thing.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    # Every kernel that tests start (nbval, Voila) inherits this: tests never touch data/.
    path = Path(tempfile.mkdtemp(prefix="slkit-test-")) / "kit.sqlite3"
    os.environ["SLKIT_DATABASE_URL"] = f"sqlite:///{path}"
    # and never the user's data folder: a self-study store goes here too.
    os.environ.setdefault("SLKIT_DATA_DIR", str(path.parent))
    from slkit.store import Store

    s = Store(os.environ["SLKIT_DATABASE_URL"])
    s.migrate()
    s.dispose()


def missing(reason: str):
    """Skip for a missing tool on a user's machine; fail under CI, where nothing may skip for it."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not skip)")
    pytest.skip(reason)


def on_own_thread(fn, *args):
    """Run `fn(*args)` in a thread of its own and return its result. In the full suite the
    browser tests' Playwright holds this thread's running event loop: asyncio.run refuses to
    nest, and code that schedules on "the running loop" would schedule on Playwright's."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def run_async(coro):
    """asyncio.run(coro) on a loop of its own (see on_own_thread)."""
    import asyncio

    return on_own_thread(asyncio.run, coro)


def postgres_base_url() -> str:
    return os.environ.get("SLKIT_TEST_POSTGRES_URL", DEFAULT_PG)


_pg_checked: dict[str, str | None] = {}


def _pg_error(url: str) -> str | None:
    if url not in _pg_checked:
        try:
            eng = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
            with eng.connect() as c:
                c.execute(sa.text("SELECT 1"))
            eng.dispose()
            _pg_checked[url] = None
        except Exception as e:  # noqa: BLE001 - any failure means: not available
            _pg_checked[url] = str(e).splitlines()[0]
    return _pg_checked[url]


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose connections see only a fresh schema of their own."""
    base = postgres_base_url()
    err = _pg_error(base)
    if err:
        missing(f"PostgreSQL not reachable at {base}: {err}")
    schema = f"slkit_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url):
    from slkit.store import open_store

    with open_store(store_url, migrate=True) as s:
        yield s


@pytest.fixture(autouse=True)
def _english_again():
    """A page built in a test sets this process's language, as a page's kernel does for its
    page; the next test starts in English whatever the last one chose."""
    yield
    from slkit import i18n

    i18n.set_language("en")


# Everyday English words that are not Norwegian: on a Norwegian page they mean a string that was
# not translated, or content left in English.
ENGLISH_WORDS = re.compile(r"\b(the|and|your|you|with|this|that|are|answers|saved|step|choose|rate|people|team's|what|which|how|when)\b", re.I)


def english_words(text: str) -> list[str]:
    """The English words in `text` (each once, lower case)."""
    return sorted({m.group(0).lower() for m in ENGLISH_WORDS.finditer(text)})


@pytest.fixture
def pg_database():
    """A PostgreSQL database of its own (created for the test, dropped afterwards): for what
    counts writes per database, where other tests' writes to the shared one would show."""
    base = postgres_base_url()
    err = _pg_error(base)
    if err:
        missing(f"PostgreSQL not reachable at {base}: {err}")
    name = f"slkit_db_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
