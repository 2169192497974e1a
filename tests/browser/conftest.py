"""The browser harness: a real `slkit serve` and Debian's Chromium driven by Playwright.

Fixtures: `kit_server` (a running workshop server with its own SQLite store), `browser`,
`page` (a fresh browser context per test; a screenshot of it lands in test-artifacts/ when the
test fails), and `kit` (helpers: a participant joins, the facilitator opens the board).
Without Chromium or Playwright these tests skip with the reason, except under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from slkit.paths import KIT_ROOT
from slkit.sessions import facilitator_link, join_link, participant_link
from slkit.store import Store
from tests.conftest import missing

ARTIFACTS = KIT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAGE_TIMEOUT_MS = 90_000  # a kernel starts per page; a loaded CI machine is slow


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SLKIT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class KitServer:
    base_url: str
    server_key: str
    database_url: str
    process: subprocess.Popen
    log_path: Path

    def store(self) -> Store:
        return Store(self.database_url)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(tmp_dir: Path, *extra: str, env: dict | None = None) -> KitServer:
    port = free_port()
    db = f"sqlite:///{tmp_dir / 'kit.sqlite3'}"
    log_path = tmp_dir / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "slkit", "serve", "--port", str(port), "--database-url", db, *extra],
        cwd=KIT_ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    key = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"slkit serve exited with {proc.returncode}:\n{log_path.read_text()}")
        text = log_path.read_text(errors="replace")
        m = re.search(r"facilitator\.ipynb\?key=([\w\-]+)", text)
        key = m.group(1) if m else None
        if key:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return KitServer(f"http://127.0.0.1:{port}", key, db, proc, log_path)
            except OSError:
                pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"slkit serve did not start in 60 s:\n{log_path.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def playwright_api():
    if chromium_path() is None:
        missing("Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Python Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api):
    b = playwright_api.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="session")
def kit_server(tmp_path_factory, playwright_api):
    server = start_server(tmp_path_factory.mktemp("kit-server"))
    yield server
    stop_server(server.process)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid)[-120:]


@pytest.fixture
def context(browser, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    yield ctx
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, pg in enumerate(ctx.pages):
            try:
                pg.screenshot(path=str(ARTIFACTS / f"FAILED_{_safe_name(request.node.nodeid)}_{i}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a screenshot must not hide the failure
                pass
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


class Kit:
    """What a person does, in a few words each."""

    def __init__(self, server: KitServer, context):
        self.server = server
        self.context = context

    def open(self, url: str, page=None, *, width: int | None = None):
        pg = page or self.context.new_page()
        if width:
            pg.set_viewport_size({"width": width, "height": 844 if width < 600 else 800})
        pg.goto(url)
        pg.wait_for_selector(".slk")
        return pg

    def landing(self, code: str | None = None, page=None, **kw):
        return self.open(join_link(self.server.base_url, code) if code else self.server.base_url + "/", page, **kw)

    def participant_joins(self, code: str, notebook: str, page=None, token: str | None = None, **kw):
        return self.open(participant_link(self.server.base_url, notebook, code, token), page, **kw)

    def facilitator_opens_board(self, code: str | None = None, key: str | None = None, page=None, **kw):
        return self.open(facilitator_link(self.server.base_url, key or self.server.server_key, code), page, **kw)

    @staticmethod
    def screenshot(pg, name: str) -> Path:
        """Keep a picture of a page for people to look at (test-artifacts/NAME.png)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # Voila scrolls inside a container, so a full-page shot needs a viewport as tall as it.
        size = pg.viewport_size
        pg.set_viewport_size({"width": size["width"], "height": 5000})
        pg.wait_for_timeout(300)
        bottom = pg.evaluate("Math.max(0, ...Array.from(document.querySelectorAll('.widget-box, .slk'), e => e.getBoundingClientRect().bottom))")
        pg.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(bottom) + 24, 5000))})
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(path), full_page=True)
        pg.set_viewport_size(size)
        return path


@pytest.fixture
def kit(kit_server, context):
    return Kit(kit_server, context)
