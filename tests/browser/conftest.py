"""The browser harness: a real `slkit serve` and Debian's Chromium driven by Playwright.

Fixtures: `kit_server` (a running workshop server with its own SQLite store), `browser`,
`page` (a fresh browser context per test; a screenshot of it lands in test-artifacts/ when the
test fails), and `kit` (helpers: a participant joins, the facilitator opens the board).
Without Chromium or Playwright these tests skip with the reason, except under CI=true.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from slkit.devtools import CHROMIUM_ARGS, LOCAL_ROOM, KitServer, chromium_path, start_server, stop_server
from slkit.paths import KIT_ROOT
from slkit.sessions import facilitator_link, join_link, participant_link
from tests.conftest import missing

ARTIFACTS = KIT_ROOT / "test-artifacts"
PAGE_TIMEOUT_MS = 90_000  # a kernel starts per page; a loaded CI machine is slow


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
    # Every person in these tests comes from this machine (one address): like a room simulated on
    # one laptop, it is not held to the per-device page limit (tests/browser/test_room_guard.py
    # tests that limit, with addresses of their own).
    server = start_server(tmp_path_factory.mktemp("kit-server"), *LOCAL_ROOM)
    yield server
    stop_server(server.process)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    if rep.when == "call" and rep.failed:
        for name, log in _server_logs(item).items():  # what the server said, for a failure in CI
            rep.sections.append((f"{name}: the server's last lines", log))


def _server_logs(item) -> dict[str, str]:
    out = {}
    for name, value in getattr(item, "funcargs", {}).items():
        for v in value if isinstance(value, tuple) else (value,):
            server = v if isinstance(v, KitServer) else getattr(v, "server", None)
            if isinstance(server, KitServer) and server.log_path.exists():
                out[name] = "\n".join(server.log_path.read_text(errors="replace").splitlines()[-80:])
    return out


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodeid)[-120:]


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def context(browser, request):
    """A fresh browser context. Every page it opens must fetch nothing from another host: a
    workshop may run on a room's network with no internet (checked after each passing test)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    offsite: list[str] = []

    def note(req):
        url = urlsplit(req.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            offsite.append(req.url)

    ctx.on("request", note)
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
    if rep is not None and rep.passed:
        assert not offsite, f"a page fetched from another host (a workshop may have no internet): {sorted(set(offsite))[:5]}"


@pytest.fixture
def page(context):
    return context.new_page()


def wait_until(predicate, seconds: float = 30) -> bool:
    """Poll `predicate` every half second for up to `seconds`; its last answer."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


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
        """Open a module's link (as from the chat): a person this browser knows goes straight in."""
        return self.open(participant_link(self.server.base_url, notebook, code, token), page, **kw)

    def join_session(self, code: str, name: str | None = None, page=None, **kw):
        """A person opens the join link (the QR code), joins once, and lands on their home."""
        pg = self.landing(code, page, **kw)
        if name:
            pg.get_by_label("Your name (optional)").fill(name)
        pg.get_by_role("button", name="Join the session", exact=True).click()
        pg.locator(".module-card").first.wait_for()
        return pg

    @staticmethod
    def open_module(pg, module: str):
        """From the home page, into a module: its current step shows, with no second join."""
        pg.locator(f".module-card[data-module='{module}']").click()
        pg.locator(".slk-step-title h2").wait_for()
        assert pg.get_by_role("button", name="Join the session").count() == 0
        return pg

    def join_and_open(self, code: str, module: str, name: str | None = None, **kw):
        """A new person: joins through the join link, then opens a module from their home."""
        return self.open_module(self.join_session(code, name, **kw), module)

    @staticmethod
    def next_until(pg, heading: str, *, next_label: str = "Next") -> None:
        """Next, step by step, until the step titled `heading` shows. Each click waits for its
        step to arrive (the step counter changes), so a slow page never has a step skipped."""
        from playwright.sync_api import expect

        counter = pg.locator(".slk-step-title p.muted")
        for _ in range(20):
            if pg.get_by_role("heading", name=heading, exact=True, level=2).is_visible():
                return
            before = counter.inner_text()
            pg.get_by_role("button", name=next_label, exact=True).click()
            expect(counter).not_to_have_text(before)
        raise AssertionError(f"no step titled {heading!r}")

    @staticmethod
    def go_home(pg):
        pg.get_by_role("link", name="← Your modules").click()
        pg.locator(".module-card").first.wait_for()
        return pg

    def facilitator_opens_board(self, code: str | None = None, key: str | None = None, page=None, **kw):
        return self.open(facilitator_link(self.server.base_url, key or self.server.server_key, code), page, **kw)

    @staticmethod
    def screenshot(pg, name: str, *, full: bool = True) -> Path:
        """Keep a picture of a page for people to look at (test-artifacts/NAME.png): the whole
        page, or (full=False) what the window shows."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if not full:
            pg.screenshot(path=str(path))
            return path
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


# Browser-console messages a page may log, each named and explained; any other warning or error
# fails the journey test that watches the console.
# - Voila 0.5's front end is built on JupyterLab 4.2.5; the ipywidgets extension it loads
#   (jupyterlab_widgets 3.0.x, the only version for ipywidgets 8.1 on the index) was built
#   against JupyterLab 4.5/4.6 and asks for ^4.6.2. Webpack then uses the one copy on the page
#   (a singleton: "Unsatisfied version") or the extension's own bundled copy (outputarea: "No
#   satisfying version"); both are the documented fallbacks of module federation, and every
#   widget of the kit works on them (every browser test runs on them). Harmless, and not ours
#   to change without a Voila built on JupyterLab 4.6.
KNOWN_CONSOLE = (
    re.compile(r"^Unsatisfied version [\d.]+ from _JUPYTERLAB\.CORE_OUTPUT of shared singleton module @jupyterlab/[\w-]+ \(required \^[\d.]+\)$"),
    re.compile(r"^No satisfying version \(\^[\d.]+\) of shared module @jupyterlab/outputarea found in shared scope default\.\n"
               r"Available versions: [\d.]+ from _JUPYTERLAB\.CORE_OUTPUT$"),
)


def watch_console(context) -> list[str]:
    """Every warning and error any page of `context` logs, but the known ones above."""
    found: list[str] = []

    def note(msg):
        if msg.type in ("warning", "error") and not any(k.match(msg.text) for k in KNOWN_CONSOLE):
            found.append(f"{msg.type}: {msg.text[:300]} ({msg.page.url if msg.page else ''})")

    context.on("console", note)
    context.on("weberror", lambda e: found.append(f"uncaught: {e.error}"))
    return found


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_path() -> Path | None:
    for candidate in (os.environ.get("SLKIT_AXE"), KIT_ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js",
                      KIT_ROOT / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = axe_path()
    if path is None:
        missing("axe-core is not installed (make test installs it with npm: npm install --prefix .venv/axe axe-core)")
    return path.read_text()


@pytest.fixture
def audit(axe_source):
    """audit(page, name): axe-core's violations on the page as it is now (or on the elements
    matching `within`); the test fails on any."""

    def run(pg, name: str, *, within: str | None = None) -> None:
        if not pg.evaluate("typeof window.axe !== 'undefined'"):
            pg.add_script_tag(content=axe_source)
        result = pg.evaluate("([tags, within]) => axe.run(within ? {include: [[within]]} : document, "
                             "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", [AXE_TAGS, within])
        found = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}" for v in result["violations"]]
        assert not found, f"axe-core on {name}:\n" + "\n".join(found)

    return run
