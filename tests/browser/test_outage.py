"""PostgreSQL stopped and started again under a live workshop: the page says nothing was saved
and offers to try again; once the database is back, Try again stores the answer, and nothing
given before or after the outage is lost. (It stops the machine's PostgreSQL cluster for a few
seconds: it needs the local cluster and root, as in CI.)"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from slkit.devtools import start_server, stop_server
from slkit.sessions import participant_link

from ..conftest import missing

# It stops the machine's PostgreSQL: it runs on its own, after the rest of the suite (Makefile: test).
pytestmark = [pytest.mark.postgres, pytest.mark.alone]
NOTEBOOK = "04_five_practices.ipynb"


def _as_root() -> list[str] | None:
    """How this test may run pg_ctlcluster: as root, or through sudo without a password (as .ci/run)."""
    if os.geteuid() == 0:
        return []
    ok = subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0 if shutil.which("sudo") else False
    return ["sudo", "-n"] if ok else None


def cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run([*(_as_root() or []), "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True,
                   capture_output=True, timeout=60)


def reachable(url: str) -> bool:
    try:
        eng = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 2})
        with eng.connect() as c:
            c.execute(sa.text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def local_cluster(pg_url):
    if not Path("/etc/postgresql").is_dir() or _as_root() is None or ("127.0.0.1" not in pg_url and "localhost" not in pg_url):
        missing("stopping PostgreSQL needs the machine's own cluster, and root or sudo")
    yield pg_url
    if not reachable(pg_url):  # never leave the database stopped
        cluster("start")


def test_a_postgresql_outage_loses_nothing_and_the_page_says_so(local_cluster, tmp_path, context, kit):
    server = start_server(tmp_path, "--database-url", local_cluster)
    try:
        from slkit.store import Store

        store = Store(local_cluster)  # the server's store (start_server's own SQLite file is not used)
        session = store.create_session("Outage day", modules=["five_practices"], start_open=True)
        pg = context.new_page()
        pg.set_viewport_size({"width": 390, "height": 844})
        pg.goto(participant_link(server.base_url, NOTEBOOK, session.code))
        pg.get_by_role("button", name="Join the session").click()
        ratings = pg.locator(".slk-rating")
        ratings.nth(0).get_by_role("radio", name="5", exact=True).click()
        pg.locator(".savebar[data-state='saved']").wait_for()

        cluster("stop")
        ratings.nth(1).get_by_role("radio", name="8", exact=True).click()
        bar = pg.locator(".savebar")
        bar.get_by_text("nothing was saved").wait_for(timeout=60_000)  # after the store's retries (15 s)
        assert "Saved." not in bar.inner_text()
        kit.screenshot(pg, "outage_phone", full=False)

        cluster("start")
        deadline = time.monotonic() + 60
        while not reachable(local_cluster) and time.monotonic() < deadline:
            time.sleep(0.5)
        pg.get_by_role("button", name="Try again").click()
        pg.locator(".savebar[data-state='saved']").wait_for(timeout=30_000)
        ratings.nth(2).get_by_role("radio", name="3", exact=True).click()
        pg.locator(".savebar[data-state='saved']").wait_for()
        items = [i.id for i in __import__("slkit.content", fromlist=["x"]).get_framework("five_practices").steps[0].items]
        assert {r["item"]: r["value"] for r in store.answers(session.code, "five_practices")} == {items[0]: 5, items[1]: 8, items[2]: 3}
    finally:
        stop_server(server.process)


def test_a_database_that_goes_quiet_freezes_nothing(pg_url, tmp_path, context, kit):
    """PostgreSQL whose network goes quiet for 20 s (a TCP relay black-holes it: it accepts and
    answers nothing, unlike a stopped server): the server's loop is never held, so /slkit/health
    and the change token answer within a second all along; the page says "Saving…", then "not
    saved yet, trying again", then that nothing was saved, never the earlier "Saved."; every
    answer given before and after the fault is stored."""
    import sqlalchemy as sa
    import urllib.request

    from slkit.store import Store
    from tests.relay import Relay

    relay = Relay(sa.make_url(pg_url).host or "127.0.0.1", sa.make_url(pg_url).port or 5432).start()
    url = sa.make_url(pg_url).set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    server = start_server(tmp_path, "--database-url", url)
    store = Store(pg_url)  # the same database, not through the relay
    try:
        session = store.create_session("Quiet network", modules=["five_practices"], start_open=True)
        pg = context.new_page()
        pg.set_viewport_size({"width": 390, "height": 844})
        pg.goto(participant_link(server.base_url, NOTEBOOK, session.code))
        pg.get_by_role("button", name="Join the session").click()
        ratings = pg.locator(".slk-rating")
        ratings.nth(0).get_by_role("radio", name="5", exact=True).click()
        pg.locator(".savebar[data-state='saved']").wait_for()

        def answers_within(path: str) -> float:
            t0 = time.monotonic()
            with urllib.request.urlopen(f"{server.base_url}{path}", timeout=10) as r:
                r.read()
            return time.monotonic() - t0

        relay.blackhole(True)
        fault = time.monotonic()
        ratings.nth(1).get_by_role("radio", name="8", exact=True).click()
        bar = pg.locator(".savebar")
        bar.get_by_text("Trying again").wait_for(timeout=8_000)  # told while the store is silent, not after
        assert "Saved." not in bar.inner_text()
        kit.screenshot(pg, "quiet_store_trying_phone", full=False)
        slowest = {"/slkit/health": 0.0, "/slkit/changes": 0.0}
        while time.monotonic() - fault < 20:
            for path in slowest:
                slowest[path] = max(slowest[path], answers_within(path))
            time.sleep(0.5)
        print(f"slowest answers during the outage: {slowest}")
        assert max(slowest.values()) < 1.0, f"the server's loop was held: {slowest}"
        bar.get_by_text("nothing was saved").wait_for(timeout=20_000)  # within the store's retry window
        assert "Saved." not in bar.inner_text()

        relay.blackhole(False)
        pg.get_by_role("button", name="Try again").click()
        pg.locator(".savebar[data-state='saved']").wait_for(timeout=30_000)
        ratings.nth(2).get_by_role("radio", name="3", exact=True).click()
        pg.locator(".savebar[data-state='saved']").wait_for()
        items = [i.id for i in __import__("slkit.content", fromlist=["x"]).get_framework("five_practices").steps[0].items]
        assert {r["item"]: r["value"] for r in store.answers(session.code, "five_practices")} == {items[0]: 5, items[1]: 8, items[2]: 3}
    finally:
        relay.blackhole(False)
        stop_server(server.process)
        store.dispose()
        relay.stop()
