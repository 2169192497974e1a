"""Two workers behind a real HAProxy on one PostgreSQL (`slkit serve --workers 2`), with
participants that speak the page's protocol (benchmarks/participant.py): they land on both
workers, the console on one worker counts them all, every answer is stored once; a worker is
killed, its people reload through the proxy and carry on as themselves with their answers; the
launcher restarts the worker and it takes new joins."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest
import sqlalchemy as sa

from benchmarks.participant import Participant
from slkit.devtools import LOCAL_ROOM, free_port, free_port_run, start_server, stop_server
from slkit.sessions import facilitator_link
from slkit.store import Store, answers_t
from slkit.workers import COOKIE, proxy_uses

from ..conftest import missing, run_async

PAGE = "/voila/render/04_five_practices.ipynb?session={code}"
PEOPLE = 20


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slkit/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} not within {seconds:.0f} s")


def worker_process(port: int) -> psutil.Process:
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "--worker" in cmd and str(port) in cmd:
            return proc
    raise AssertionError(f"no worker on port {port}")


def left_behind(ports) -> list[int]:
    """Worker processes on these ports still running."""
    found = []
    for p in ports:
        try:
            found.append(worker_process(p).pid)
        except AssertionError:
            pass
    return found


@pytest.fixture
def proxied(tmp_path, pg_url):
    if shutil.which("haproxy") is None:
        missing("HAProxy is not installed (Debian: apt-get install haproxy)")
    port = free_port_run(3)
    # Every participant here comes from this machine: its address is not held to the per-device page limit.
    server = start_server(tmp_path, "--workers", "2", "--database-url", pg_url, *LOCAL_ROOM, port=port)
    try:
        wait_for(lambda: healthy(port + 1) and healthy(port + 2), 90, "both workers healthy")
        wait_for(lambda: healthy(port), 30, "the proxy passing requests")
        # HAProxy takes a worker in after two good checks (2 s apart).
        wait_for(lambda: proxy_uses(server.base_url, {"w1", "w2"}), 30, "the proxy using both workers")
        yield server, port, pg_url
    finally:
        stop_server(server.process)
        for p in (port + 1, port + 2):  # nothing left behind, whatever happened
            try:
                worker_process(p).kill()
            except AssertionError:
                pass


async def _many(coros):
    return await asyncio.gather(*coros, return_exceptions=True)


def test_two_workers_behind_haproxy_share_one_room(proxied):
    server, port, pg_url = proxied
    store = Store(pg_url)
    session = store.create_session("Big room", threshold=3)
    url = server.base_url + PAGE.format(code=session.code)
    people = [Participant(server.base_url, url, [], timeout=240) for _ in range(PEOPLE)]
    results = run_async(_many([p.join_and_rate(leave=False) for p in people]))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    workers = {p.cookies.get(COOKIE) for p in people}
    assert workers == {"w1", "w2"}, workers  # the proxy spread them over both
    assert all(any(k.startswith("slk_") for k in p.cookies) for p in people)  # each page remembered its person

    # Every answer stored once.
    assert store.participant_count(session.code) == PEOPLE
    first = store.read(lambda c: c.execute(sa.select(answers_t.c.participant_id, answers_t.c.value).where(
        answers_t.c.item == "mw_voice_purpose")).all())
    assert len(first) == PEOPLE and {r.participant_id for r in first} and all(r.value == 5 for r in first)

    # The console, opened on the first worker alone, counts everyone.
    worker1 = f"http://127.0.0.1:{port + 1}"
    console = Participant(worker1, facilitator_link(worker1, session.key, session.code), [], timeout=120)

    async def console_count():
        await console.open_page()
        try:
            return await console._until(lambda: console._widget("HTMLModel", lambda s: f"{PEOPLE} participants joined" in s.get("value", "")),
                                        "the count of participants")
        finally:
            await console.leave(console.kernel_id)

    assert run_async(console_count())

    # The second worker dies; its people reload through the proxy and carry on as themselves.
    on_w2 = [p for p in people if p.cookies[COOKIE] == "w2"]
    victim = worker_process(port + 2)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)

    async def reload_and_rate(p: Participant):
        p.ws = None
        await p.open_page()
        await p._until(lambda: p.scales() or None, "the module's step, without a second join")
        assert p._widget("ButtonModel", lambda s: s.get("description") == "Join the session") is None
        assert p.chosen(0) == "5", "the answer given before the worker died"
        await p.rate(1, "7")
        return p.cookies[COOKIE]

    moved = run_async(_many([reload_and_rate(p) for p in on_w2]))
    assert not [m for m in moved if isinstance(m, BaseException)], moved[:3]
    assert set(moved) == {"w1"}  # the proxy sent them to the worker that is alive
    assert store.participant_count(session.code) == PEOPLE  # nobody became a new participant
    second = store.read(lambda c: c.execute(sa.select(answers_t.c.participant_id).where(answers_t.c.item == "mw_voice_medium")).all())
    assert len(second) == len(on_w2)

    # The launcher starts the worker again, and it takes new joins.
    wait_for(lambda: healthy(port + 2), 90, "the second worker back")
    wait_for(lambda: proxy_uses(server.base_url, {"w2"}), 20, "the proxy using the second worker again")
    newcomers = [Participant(server.base_url, url, [], timeout=240) for _ in range(4)]
    results = run_async(_many([p.join_and_rate(leave=False) for p in newcomers]))
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert "w2" in {p.cookies[COOKIE] for p in newcomers}
    assert store.participant_count(session.code) == PEOPLE + 4

    async def everyone_leaves():
        await _many([p.leave(p.kernel_id) for p in people + newcomers if p.kernel_id])

    run_async(everyone_leaves())
    store.dispose()


def test_the_workers_launcher_says_what_it_needs(tmp_path, monkeypatch):
    from slkit.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))  # no haproxy on this PATH
    assert main(["serve", "--workers", "2", "--port", str(free_port())]) == 2


def _get(url: str, headers: dict) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_worker_counts_pages_per_participant_not_per_proxy(tmp_path):
    """Behind a proxy every request comes from the proxy's address; a worker takes the client's
    from X-Forwarded-For (from a trusted proxy: here this machine), so the limit on pages open
    at once holds per device."""
    import subprocess
    import sys

    port = free_port()
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "slkit", "serve", "--worker", "--port", str(port), "--max-per-address", "2",
                             "--connect-timeout", "60", "--database-url", f"sqlite:///{tmp_path / 'kit.sqlite3'}"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "SLKIT_DATA_DIR": str(tmp_path)},
                            start_new_session=True)
    try:
        wait_for(lambda: healthy(port), 60, "the worker")
        page = f"http://127.0.0.1:{port}/voila/render/04_five_practices.ipynb"
        phone = {"X-Forwarded-For": "192.0.2.7"}
        assert [_get(page, phone) for _ in range(2)] == [200, 200]
        assert _get(page, phone) == 503  # a third page open from that phone
        assert _get(page, {"X-Forwarded-For": "192.0.2.8"}) == 200  # another phone, through the same proxy
        assert "key=" not in (tmp_path / "worker.log").read_text()  # a worker prints no facilitator link
    finally:
        stop_server(proc)


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_no_worker_outlives_its_launcher(tmp_path, how):
    """Ctrl+C (or SIGTERM) on `slkit serve --workers` stops its workers and HAProxy; a launcher
    killed outright takes them with it (Linux: they get SIGTERM when it dies)."""
    if shutil.which("haproxy") is None:
        missing("HAProxy is not installed (Debian: apt-get install haproxy)")
    port = free_port_run(3)
    server = start_server(tmp_path, "--workers", "2", port=port)
    ports = (port + 1, port + 2)
    wait_for(lambda: healthy(port + 1) and healthy(port + 2), 90, "both workers healthy")
    proxy = [c for c in psutil.Process(server.process.pid).children() if c.name() == "haproxy"]
    assert proxy, "the launcher runs HAProxy"
    try:
        if how == "stopped":
            stop_server(server.process)
        else:
            server.process.kill()
            server.process.wait(10)
        deadline = time.monotonic() + 30
        while left_behind(ports) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert left_behind(ports) == [], f"workers outlived a launcher that was {how}"
        assert not proxy[0].is_running() or proxy[0].status() == psutil.STATUS_ZOMBIE, "HAProxy outlived its launcher"
    finally:
        for pid in left_behind(ports):
            os.kill(pid, signal.SIGKILL)
        stop_server(server.process)
