"""Measure the kit's pages against the floor (a Voila page with one button), in one run.

    python -m benchmarks            # 5 loads a page, bursts of 10 and 30, 200 store writers
    python -m benchmarks --quick    # 1 load a page, a burst of 3, 20 writers: CI keeps it from rotting

Prints a table and writes JSON (benchmarks/results/latest.json unless --out). It judges nothing:
the targets are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from slkit.content import get_framework
from slkit.devtools import CHROMIUM_ARGS, LOCAL_ROOM, KitServer, chromium_path, concurrent_writers, fork_servers, free_port, kernel_processes, start_server, stop_server
from slkit.sessions import facilitator_link, join_link, participant_link, screen_link

from .participant import Participant

HERE = Path(__file__).resolve().parent
FIVE = get_framework("five_practices")
PURPOSE = get_framework("purpose_first")
TRIAD = get_framework("motivation_triad")
SWOT = get_framework("social_team_swot")
FOLLOW = get_framework("follow_up")


@dataclass
class Load:
    page: str
    seconds_to_widget: float
    kernel_cpu_first_screen: float
    kernel_cpu_visit: float | None
    kernel_pss_mb: float
    bytes_received: int
    plotly_bytes: int
    websocket_bytes: int


@dataclass
class PageSpec:
    name: str
    url: object  # the page's address, or a function that makes a fresh one for each load (an observer's link)
    ready: str  # what a person sees as the first interactive widget (a Playwright selector)
    server: object
    visit: object = None  # a function(page) that goes through the whole page, or None
    assets: list = field(default_factory=list)  # the static files Chromium fetched for it (paths)


@dataclass
class Results:
    journeys: list = field(default_factory=list)
    screen: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    loads: list = field(default_factory=list)
    bursts: list = field(default_factory=list)
    closed_tabs: dict = field(default_factory=dict)
    assets: dict = field(default_factory=dict)  # page -> the static files Chromium fetched for it
    pool_hits: dict = field(default_factory=dict)
    store: dict = field(default_factory=dict)
    anonymous: dict = field(default_factory=dict)


def start_stock_voila(tmp: Path) -> KitServer:
    """The floor runs on Voila as installed, with its defaults: the stack's baseline."""
    import socket
    import subprocess

    port = free_port()
    log = tmp / "voila.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", str(HERE / "floor")],
        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return KitServer(f"http://127.0.0.1:{port}", "", "", proc, log)
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"voila did not start:\n{log.read_text()}")


def five_practices_visit(pg) -> None:
    """Join, rate every behaviour, see one's profile and the team view."""
    pg.get_by_role("button", name="Join the session").click()
    practices = [s for s in FIVE.steps if s.id != "commitments"]
    for k, step in enumerate(practices):
        pg.get_by_role("heading", name=step.title, exact=True).wait_for()
        for i, _item in enumerate(step.items):
            pg.locator(".slk-rating").nth(i).get_by_role("radio", name=str(1 + (i + k) % 10), exact=True).click()
        pg.locator(".savebar", has_text="Saved").wait_for()
        pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name="Your profile", exact=True).wait_for()
    pg.locator("text=Your strongest practice").wait_for()
    pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name="The team", exact=True).wait_for()
    pg.locator(".waiting, .team-table").first.wait_for()


def observer_visit(pg) -> None:
    """An observer rates all thirty behaviours about the person, page by page, and finishes."""
    from slkit.observers import observer_framework

    steps = observer_framework("en").steps
    for k, step in enumerate(steps):
        pg.get_by_role("heading", name=step.title, exact=True).wait_for()
        ratings = [i for i in step.items if i.kind == "rating"]
        for i, _item in enumerate(ratings):
            pg.locator(".slk-rating").nth(i).get_by_role("radio", name=str(1 + (i + k) % 10), exact=True).click()
        pg.locator(".savebar", has_text="Saved").wait_for()
        pg.get_by_role("button", name="Finish" if k == len(steps) - 1 else "Next", exact=True).click()
    pg.locator(".done").wait_for()


def observer_links(store, code: str):
    """A person who rated themselves, with a fresh observer's link for every load (a link
    belongs to the first browser that opens it)."""
    from slkit import observers
    from slkit.aggregate import rating_items
    from slkit.sessions import observer_link

    person = store.join(code, "Observed")
    store.save_answers(person, FIVE.id, {i: 5 for i in rating_items(FIVE)})
    observers.set_round(store, person, shown_name="Observed")

    def fresh(base_url: str):
        return lambda: observer_link(base_url, observers.invite(store, person, "peer", 1)[0])

    return fresh


def _next(pg, title: str) -> None:
    pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name=title, exact=True, level=2).wait_for()


def _rate_all(pg, n: int) -> None:
    for i in range(n):
        pg.locator(".slk-rating").nth(i).get_by_role("radio", name=str(1 + i % 5), exact=True).click()
    pg.locator(".savebar", has_text="Saved").wait_for()


def purpose_first_visit(pg) -> None:
    """Join, rank two objectives, write a purpose and a value, rate the culture, choose a channel, decide, see the team."""
    pg.get_by_role("button", name="Join the session").click()
    ranked = PURPOSE.item("objectives").options[:2]
    for place, option in enumerate(ranked):
        pg.locator(".slk-rank select").nth(place).select_option(label=option.label)
    pg.locator(".slk-text textarea").first.fill("We share what we learn")
    _next(pg, "Value")
    pg.get_by_role("heading", name=f"1. {ranked[0].label}", level=3).wait_for()
    pg.locator(".slk-text textarea").first.fill("Fewer repeated questions")
    _next(pg, "Culture fit")
    _rate_all(pg, len(PURPOSE.steps[2].items))
    _next(pg, "Tools and use")
    pg.get_by_role("checkbox", name="LinkedIn").check()
    _next(pg, "Decision")
    pg.get_by_role("radio", name="Go", exact=True).check()
    pg.locator(".canvas .decision", has_text="Go").wait_for()
    _next(pg, "The team")
    pg.locator(".waiting, .rank-table").first.wait_for()


def motivation_triad_visit(pg) -> None:
    """Join, rate the triad today and wanted, name a blocker, see one's triad and the team view."""
    pg.get_by_role("button", name="Join the session").click()
    for k, step in enumerate(s for s in TRIAD.steps if s.id != "blockers"):
        if k:
            _next(pg, step.title)
        _rate_all(pg, len(step.items))
    _next(pg, "What holds it back")
    pg.get_by_role("checkbox", name="Policy and rules").first.check()
    _next(pg, "Your triad")
    pg.locator(".largest-gap").wait_for()
    _next(pg, "The team")
    pg.locator(".waiting, .triad-table").first.wait_for()


def swot_visit(pg) -> None:
    """Join, add an item, give it a vote, look at the strategies, set a goal, see the team's board."""
    pg.get_by_role("button", name="Join the session").click()
    pg.locator(".slk-board-input input").fill("We answer customers within the hour")
    pg.locator(".slk-add").click()
    pg.locator(".msg-ok", has_text="Added to").wait_for()
    _next(pg, "Prioritise")
    pg.locator(".slk-vote-row").first.get_by_role("button", name=re.compile("^Give a vote to")).click()
    pg.locator(".msg-ok", has_text="Vote given").wait_for()
    _next(pg, "Strategies")
    _next(pg, "Goals")
    pg.locator(".slk-text textarea").first.fill("Every colleague posts once a month")
    _next(pg, "The team's board")
    pg.locator(".board-swot_item li.entry").first.wait_for()


def close_tab(pg) -> None:
    """Close a page as a person closes a tab: it unloads (and sends Voila's shutdown beacon)
    before its browser context goes. Closing the context at once can lose the beacon."""
    with pg.expect_event("close"):
        pg.close(run_before_unload=True)


def new_context(browser):
    """A laptop-sized browser context, patient with a page whose kernel is starting."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(120_000)
    return ctx


def measure(browser, spec: PageSpec) -> Load:
    ctx = new_context(browser)
    pg = ctx.new_page()
    http = {"all": 0, "plotly": 0}
    ws_bytes = [0]

    def on_finished(req):
        try:
            sizes = req.sizes()
        except Exception:  # noqa: BLE001 - a request that vanished counts as nothing
            return
        n = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        http["all"] += n
        if "plotly" in req.url:
            http["plotly"] += n

    pg.on("requestfinished", on_finished)
    base = spec.server.base_url
    assets: list[str] = []
    pg.on("request", lambda r: assets.append(r.url[len(base):]) if r.url.startswith(base + "/") and r.method == "GET"
          and r.resource_type not in ("document", "websocket") and "/api/" not in r.url else None)
    pg.on("websocket", lambda ws: ws.on("framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload))))
    before = {p.pid for p in kernel_processes(spec.server)}
    t0 = time.perf_counter()
    pg.goto(spec.url() if callable(spec.url) else spec.url, wait_until="commit")
    pg.locator(spec.ready).first.wait_for(state="visible")
    seconds = time.perf_counter() - t0
    mine = [p for p in kernel_processes(spec.server) if p.pid not in before]
    kernel = mine[0] if mine else None
    cpu_first = sum(kernel.cpu_times()[:2]) if kernel else float("nan")
    cpu_visit = None
    if spec.visit is not None:
        spec.visit(pg)
        cpu_visit = sum(kernel.cpu_times()[:2]) if kernel else float("nan")
    pg.wait_for_timeout(800)  # let trailing requests finish before counting bytes
    pss = kernel.memory_full_info().pss / 1e6 if kernel else float("nan")
    close_tab(pg)
    ctx.close()
    spec.assets = spec.assets or assets
    return Load(spec.name, seconds, cpu_first, cpu_visit, pss, http["all"] + ws_bytes[0], http["plotly"], ws_bytes[0])


TYPED = "We share one lesson a week in our own channel, and ask what others learned. " * 3  # ~230 characters


def screen_minute(browser, server, people: int = 30, seconds: float = 60.0) -> dict:
    """What an open room screen costs while a room answers: the screen shows the five
    practices' team results for `seconds`, while `people` protocol participants join and rate,
    spread over that time. CPU-seconds of the screen's kernel, and of the server, in that time."""
    import psutil

    store = server.store()
    s = store.create_session("Screen minute", threshold=3)
    store.update_session(s.code, settings={"screen": {"view": "results", "module": FIVE.id}})
    ctx = new_context(browser)
    pg = ctx.new_page()
    pg.set_viewport_size({"width": 1280, "height": 720})
    before = {p.pid for p in kernel_processes(server)}
    pg.goto(screen_link(server.base_url, s.code, s.screen_key))
    pg.locator(".screen-title").wait_for()
    screen = next(p for p in kernel_processes(server) if p.pid not in before)
    url = participant_link(server.base_url, FIVE.notebook, s.code)
    srv = psutil.Process(server.process.pid)

    async def room():
        async def one(delay):
            await asyncio.sleep(delay)
            try:
                await Participant(server.base_url, url, []).join_and_rate()
            except Exception:  # noqa: BLE001 - counted by the answers stored
                pass
        await asyncio.gather(*(one(i * seconds / people) for i in range(people)))

    cpu0, srv0, t0 = sum(screen.cpu_times()[:2]), sum(srv.cpu_times()[:2]), time.monotonic()
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's own loop runs in this thread
        pool.submit(asyncio.run, room()).result()
    rest = seconds - (time.monotonic() - t0)
    if rest > 0:
        time.sleep(rest)
    elapsed = time.monotonic() - t0
    out = dict(people=people, seconds=round(elapsed, 1), answers_stored=len(store.answers(s.code, FIVE.id)),
               screen_kernel_cpu_per_minute=(sum(screen.cpu_times()[:2]) - cpu0) * 60 / elapsed,
               server_cpu_per_minute=(sum(srv.cpu_times()[:2]) - srv0) * 60 / elapsed,
               screen_shows_results=pg.locator(".team-table").count() > 0)
    close_tab(pg)
    ctx.close()
    return out


def home_then_module(pg, base_url: str, code: str, module) -> float:
    """Join through the join link, then open `module` from the home page: seconds from that
    click to the module's first rating scale."""
    pg.goto(join_link(base_url, code))
    pg.get_by_role("button", name="Join the session").click()
    pg.locator(".module-card").first.wait_for()
    t0 = time.perf_counter()
    pg.locator(f".module-card[data-module='{module.id}']").click()
    pg.locator(".slk-rating").first.wait_for(state="visible")
    return time.perf_counter() - t0


def journey(browser, server, code: str, module=FIVE) -> dict:
    """One person as a workshop goes: joins on the home page, then opens a module from it.
    Seconds from the click on the home page to the module's first widget; the kernels this
    person holds once the module is open (the home page's kernel should have stopped) and their
    memory; and the kernel CPU of typing a text of ~230 characters key by key (counter and autosave)."""
    ctx = new_context(browser)
    pg = ctx.new_page()
    before = {p.pid for p in kernel_processes(server)}
    seconds = home_then_module(pg, server.base_url, code, module)
    pg.wait_for_timeout(2000)  # the home page's shutdown beacon has been handled
    mine = [p for p in kernel_processes(server) if p.pid not in before]
    pss = sum(p.memory_full_info().pss for p in mine) / 1e6
    # Typing, on the last step (commitments): key by key, as a person types.
    for _ in range(len(module.steps) + 1):  # the practices, the own profile, the team: then the commitments
        pg.get_by_role("button", name="Next", exact=True).click()
    pg.get_by_role("heading", name=module.steps[-1].title, level=2).wait_for()
    field_ = pg.locator(".slk-text input").first
    field_.wait_for()
    kernel = mine[-1] if mine else None
    cpu0 = sum(kernel.cpu_times()[:2]) if kernel else float("nan")
    field_.click()
    pg.keyboard.type(TYPED[:200], delay=25)
    pg.locator(".savebar[data-state='saved']").wait_for()
    cpu_typing = (sum(kernel.cpu_times()[:2]) - cpu0) if kernel else float("nan")
    close_tab(pg)
    ctx.close()
    return dict(seconds_home_to_module=seconds, kernels_held=len(mine), kernels_pss_mb=pss, kernel_cpu_typing_200_chars=cpu_typing)


async def _all_at_once(server, n: int, one) -> tuple[list, dict]:
    """Run `one(t0)` n times at once (t0: the moment they all start), sampling the CPU the
    server, kernels and browsers use meanwhile. Gives what each returned, and that CPU."""
    sampling = asyncio.create_task(_sample_cpu(server, used := {}))
    await asyncio.sleep(0.6)  # the sampler's starting point
    t0 = time.perf_counter()
    done = await asyncio.gather(*(one(t0) for _ in range(n)))
    await asyncio.sleep(0.6)
    sampling.cancel()
    return done, used


def _burst_result(n: int, clients: str, times: list, errors: list[str], used: dict, **more) -> dict:
    times = [t for t in times if t is not None]
    return dict(n=n, clients=clients, answered=len(times), seconds_until_last_answered=max(times) if times else None,
                median_seconds=statistics.median(times) if times else None, errors=errors,
                cpu_seconds={k: round(v, 1) for k, v in used.items()}, **more)


def _error(e: Exception) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


async def _protocol_burst(url: str, n: int, server, assets: list[str]) -> dict:
    """N participants without browsers (benchmarks/participant.py): the server and kernels alone."""
    import psutil

    me = psutil.Process()
    own_cpu = sum(me.cpu_times()[:2])
    errors: list[str] = []

    async def one(t0):
        try:
            await Participant(server.base_url, url, assets).join_and_rate()
            return time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001 - counted, not raised
            errors.append(_error(e))
            return None

    times, used = await _all_at_once(server, n, one)
    used["clients"] = sum(me.cpu_times()[:2]) - own_cpu
    used.pop("browsers", None)
    return _burst_result(n, "protocol", times, errors[:5], used, kernels_while_open=None)


def _pool_ready(server, timeout: float = 600.0) -> int:
    """Wait until the pool's kernels have run their notebook up to the request (Voila logs the
    pool filled once its kernels exist; they are ready when their CPU goes quiet); how many."""
    def cpu():
        return sum(seconds for group, seconds in _cpu_by_process(server).values() if group == "kernels")

    deadline = time.monotonic() + timeout
    while f"Kernel pool of {FIVE.notebook} is filled" not in server.log() and time.monotonic() < deadline:
        time.sleep(1)
    while time.monotonic() < deadline:
        before = cpu()
        time.sleep(1)
        if cpu() - before < 0.05:
            break
    return len(kernel_processes(server))


@contextmanager
def pooled_server(tmp: Path, size: int, pages: str):
    """A kit server keeping `size` kernels ready for each of `pages` (`slkit serve --preheat
    --preheat-pages`), once they are: (server, a new session's code, how it got ready)."""
    t_start = time.monotonic()
    server = start_server(tmp, "--preheat", str(size), "--preheat-pages", pages, *LOCAL_ROOM)
    try:
        kernels = _pool_ready(server)
        ready = dict(pool_ready_seconds=round(time.monotonic() - t_start, 1), pool_kernels=kernels)
        yield server, server.store().create_session(f"Pool of {size}", threshold=3).code, ready
    finally:
        stop_server(server.process)


def _pooled_burst(tmp: Path, n: int, assets: list[str]) -> dict:
    """N participants without browsers on a server that keeps N kernels ready for the module
    (`slkit serve --preheat N --preheat-pages five_practices`): a room the facilitator prepared."""
    with pooled_server(tmp, n + 1, FIVE.id) as (server, code, ready):
        url = participant_link(server.base_url, FIVE.notebook, code)
        time.sleep(3)
        # One participant first, as on any server that has served a page: it uses the extra kernel.
        asyncio.run(Participant(server.base_url, url, assets).join_and_rate())
        burst = asyncio.run(_protocol_burst(url, n, server, assets))
        burst.update(clients="pooled", answers_stored=len(server.store().answers(code, FIVE.id)) - 1, **ready)
        return burst


def pool_hits(tmp: Path, loads: int) -> dict:
    """A module page on a pool hit (`--preheat`), in Chromium: opened from its link in a new
    browser, and opened after the landing page in the same tab, as a participant goes (the
    browser then has the page's scripts already). Seconds to the first interactive widget."""
    from playwright.sync_api import sync_playwright

    with pooled_server(tmp, 3 * loads, f"landing,{FIVE.id}") as (server, code, ready):
        url = participant_link(server.base_url, FIVE.notebook, code)
        times: dict[str, list[float]] = {"new_browser": [], "after_landing": [], "from_home": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for _ in range(loads):
                for kind, seconds in times.items():
                    ctx = new_context(browser)
                    pg = ctx.new_page()
                    if kind == "after_landing":
                        pg.goto(join_link(server.base_url, code))
                        pg.locator(".slk").first.wait_for()
                        pg.wait_for_load_state("networkidle")
                    if kind == "from_home":  # joined on the home page, then into the module as the same person
                        seconds.append(home_then_module(pg, server.base_url, code, FIVE))
                    else:
                        t0 = time.perf_counter()
                        pg.goto(url, wait_until="commit")
                        pg.get_by_role("button", name="Join the session").wait_for()
                        seconds.append(time.perf_counter() - t0)
                    close_tab(pg)
                    ctx.close()
            browser.close()
        return dict(**{k: [round(t, 3) for t in v] for k, v in times.items()},
                    **{f"{k}_median": statistics.median(v) for k, v in times.items()},
                    pool_hits=server.log().count("Using pre-heated kernel"), pages_opened=5 * loads,
                    pool_ready_seconds=ready["pool_ready_seconds"])


async def _burst(url: str, n: int, server) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        errors: list[str] = []

        async def one(t0):
            ctx = await browser.new_context()
            ctx.set_default_timeout(180_000)
            pg = await ctx.new_page()
            try:
                await pg.goto(url, wait_until="commit")
                await pg.get_by_role("button", name="Join the session").click()
                await pg.locator(".slk-rating").first.get_by_role("radio", name="5", exact=True).click()
                await pg.locator(".savebar", has_text="Saved").wait_for()
                return time.perf_counter() - t0, ctx
            except Exception as e:  # noqa: BLE001 - counted, not raised
                errors.append(_error(e))
                return None, ctx

        done, used = await _all_at_once(server, n, one)
        alive_open = len(kernel_processes(server))

        async def leave(ctx):  # as a person closes a tab: the page unloads (its shutdown beacon goes)
            for pg in ctx.pages:
                async with pg.expect_event("close"):
                    await pg.close(run_before_unload=True)
            await ctx.close()

        await asyncio.gather(*(leave(ctx) for _, ctx in done))
        await browser.close()
    return _burst_result(n, "browser", [t for t, _ in done], errors, used, kernels_while_open=alive_open)


def _cpu_by_process(server) -> dict[int, tuple[str, float]]:
    """CPU-seconds used so far by each browser, kernel and server process: pid -> (group, seconds)."""
    import psutil

    out = {}
    kernels = {k.pid for k in kernel_processes(server)}
    forks = {f.pid for f in fork_servers(server)}  # forking is the server's work
    for proc in psutil.process_iter(["name"]):
        try:
            group = ("server" if proc.pid == server.process.pid or proc.pid in forks else "kernels" if proc.pid in kernels
                     else "browsers" if "chrom" in (proc.info["name"] or "") else None)
            if group:
                t = proc.cpu_times()
                out[proc.pid] = (group, t.user + t.system)
        except psutil.Error:
            continue
    return out


async def _sample_cpu(server, totals: dict) -> None:
    """CPU-seconds per group used since sampling started: where a burst's time goes. Processes
    are followed one by one, so a kernel that ended with its tab still counts, and a pooled
    kernel counts only what it did during the burst."""
    start = _cpu_by_process(server)
    last: dict[int, tuple[str, float]] = {}
    while True:
        last.update(_cpu_by_process(server))
        totals.clear()
        for pid, (group, seconds) in last.items():
            totals[group] = totals.get(group, 0.0) + seconds - start.get(pid, (group, 0.0))[1]
        await asyncio.sleep(0.5)


def anonymous_loop(tmp: Path, requests: int, workers: int = 4, *extra: str) -> dict:
    """`requests` anonymous GETs of a module page (no browser, no JavaScript: their kernels are
    never connected), `workers` at a time, on a server with the default kernel budget: kernels
    and their memory sampled every second, and what is left once the connect timeout passed."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    server = start_server(tmp, *extra, *LOCAL_ROOM)
    url = urlsplit(f"{server.base_url}/voila/render/{FIVE.notebook}")
    statuses: list[int] = []
    samples: list[tuple[int, float]] = []
    todo = list(range(requests))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            try:
                conn.request("GET", url.path)
                statuses.append(conn.getresponse().status)  # and leave: the page's kernel is never connected
            except OSError:
                statuses.append(0)
            finally:
                conn.close()

    def sample():
        kernels = kernel_processes(server)
        mb = 0.0
        for k in kernels:
            try:
                mb += k.memory_full_info().pss / 1e6
            except Exception:  # noqa: BLE001 - a kernel that just stopped
                pass
        samples.append((len(kernels), mb))

    try:
        t0 = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            sample()
            time.sleep(1)
        seconds = time.monotonic() - t0
        for _ in range(45):  # the connect timeout (30 s) and a sweep
            sample()
            if samples[-1][0] == 0:
                break
            time.sleep(1)
        cap = re.search(r"At most (\d+) pages open", server.log())
    finally:
        stop_server(server.process)
    return dict(requests=requests, workers=workers, seconds=round(seconds, 1), cap=int(cap.group(1)) if cap else None,
                served=statuses.count(200), refused=statuses.count(503), failed=len(statuses) - statuses.count(200) - statuses.count(503),
                max_kernels=max(k for k, _ in samples), max_kernels_mb=round(max(m for _, m in samples)),
                kernels_left=samples[-1][0])


def closed_tabs(server, wait: float = 60.0) -> dict:
    """Kernels still running `wait` seconds after the last tabs closed (polling, stops at zero)."""
    t0 = time.monotonic()
    left = len(kernel_processes(server))
    while left and time.monotonic() - t0 < wait:
        time.sleep(1)
        left = len(kernel_processes(server))
    return dict(kernels_left=left, seconds_until_zero=round(time.monotonic() - t0, 1) if not left else None, waited_at_most=wait)


def summarise(res: Results) -> list[dict]:
    rows = []
    by_page: dict[str, list[Load]] = {}
    for load in res.loads:
        by_page.setdefault(load["page"], []).append(load)
    floor = by_page.get("floor")

    def med(loads, key):
        vals = [l[key] for l in loads if l[key] is not None]
        return statistics.median(vals) if vals else None

    for page, loads in by_page.items():
        secs = [l["seconds_to_widget"] for l in loads]
        row = dict(
            page=page, loads=len(loads), seconds=med(loads, "seconds_to_widget"),
            spread=(max(secs) - min(secs)) if len(secs) > 1 else 0.0,
            cpu_first=med(loads, "kernel_cpu_first_screen"), cpu_visit=med(loads, "kernel_cpu_visit"),
            pss_mb=med(loads, "kernel_pss_mb"), mb=med(loads, "bytes_received") / 1e6, plotly_mb=med(loads, "plotly_bytes") / 1e6,
        )
        if floor and page != "floor":
            for key, fkey in (("seconds", "seconds_to_widget"), ("cpu_first", "kernel_cpu_first_screen"), ("pss_mb", "kernel_pss_mb")):
                row[f"{key}_x_floor"] = row[key] / med(floor, fkey)
            row["mb_x_floor"] = med(loads, "bytes_received") / med(floor, "bytes_received")
        rows.append(row)
    return rows


def print_table(rows: list[dict], res: Results) -> None:
    def f(v, fmt="{:.2f}"):
        return "—" if v is None else fmt.format(v)

    print(f"\n{'page':<16}{'loads':>6}{'to widget s':>12}{'spread':>8}{'×floor':>8}{'CPU s':>8}{'×floor':>8}{'visit CPU':>10}{'PSS MB':>8}{'×floor':>8}{'MB recv':>9}{'×floor':>8}{'plotly MB':>10}")
    for r in rows:
        print(f"{r['page']:<16}{r['loads']:>6}{f(r['seconds']):>12}{f(r['spread']):>8}{f(r.get('seconds_x_floor')):>8}{f(r['cpu_first']):>8}"
              f"{f(r.get('cpu_first_x_floor')):>8}{f(r['cpu_visit']):>10}{f(r['pss_mb'], '{:.0f}'):>8}{f(r.get('pss_mb_x_floor')):>8}"
              f"{f(r['mb']):>9}{f(r.get('mb_x_floor')):>8}{f(r['plotly_mb']):>10}")
    for b in res.bursts:
        cpu = ", ".join(f"{k} {v}" for k, v in b.get("cpu_seconds", {}).items())
        print(f"burst of {b['n']} ({b['clients']} clients): {b['answered']} answered ({b.get('answers_stored')} answers stored), last after {f(b['seconds_until_last_answered'])} s, errors: {len(b['errors'])}; CPU-s: {cpu}")
    if res.journeys:
        j = {k: statistics.median(x[k] for x in res.journeys) for k in res.journeys[0]}
        print(f"a person's journey (medians of {len(res.journeys)}): home to the module's first widget {j['seconds_home_to_module']:.2f} s, "
              f"kernels held with the module open {j['kernels_held']:.0f} ({j['kernels_pss_mb']:.0f} MB PSS), "
              f"kernel CPU of typing 200 characters {j['kernel_cpu_typing_200_chars']:.2f} s")
    if res.screen:
        sc = res.screen
        print(f"an open room screen with {sc['people']} people answering over {sc['seconds']} s ({sc['answers_stored']} answers stored): "
              f"its kernel {sc['screen_kernel_cpu_per_minute']:.2f} CPU-s a minute, the server {sc['server_cpu_per_minute']:.2f} "
              f"(the participants' pages included); results shown: {sc['screen_shows_results']}")
    h = res.pool_hits
    if h:
        print(f"module page on a pool hit, to widget: {h['new_browser_median']:.2f} s in a new browser, {h['after_landing_median']:.2f} s "
              f"after the landing page, {h['from_home_median']:.2f} s from a person's home page "
              f"(medians of {len(h['new_browser'])}; {h['pool_hits']} of {h['pages_opened']} pages were pool hits)")
    ct = res.closed_tabs
    if ct:
        print(f"kernels left after tabs closed: {ct['kernels_left']} (zero after {ct['seconds_until_zero']} s)")
    s = res.store
    if s:
        print(f"store, {s['processes']} writers at once: {s['lost']} lost, {s['duplicated']} duplicated, {len(s['errors'])} errors, {s['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 load a page, a burst of 3, 20 writers (for CI)")
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--bursts", default="10,30", help="participants joining at once, comma-separated")
    ap.add_argument("--writers", type=int, default=200)
    ap.add_argument("--clients", default="protocol,protocol-spawn,pooled,browser",
                    help="who joins in a burst: 'protocol' (the page's requests and messages without a browser: "
                         "the server and kernels alone), 'protocol-spawn' (the same with --kernels spawn), "
                         "'pooled' (the same on a server keeping N kernels ready "
                         "for the module) and/or 'browser' (a Chromium page each, on this machine)")
    ap.add_argument("--preheat", type=int, default=0, help="run the kit with N preheated kernels per notebook")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.loads, args.bursts, args.writers = 1, "3", 20
    if chromium_path() is None:
        print("benchmarks: Chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    from importlib.metadata import version

    from playwright.sync_api import sync_playwright

    res = Results(machine=dict(
        date=time.strftime("%Y-%m-%d"), python=platform.python_version(), cpus=__import__("os").cpu_count(),
        **{pkg: version(pkg) for pkg in ("voila", "ipywidgets", "plotly", "pandas", "sqlalchemy")},
    ))
    tmp = Path(tempfile.mkdtemp(prefix="slkit-bench-"))
    (tmp / "kit").mkdir()
    (tmp / "floor").mkdir()
    (tmp / "kit-spawn").mkdir()
    kit = start_server(tmp / "kit", *(["--preheat", str(args.preheat)] if args.preheat else []), *LOCAL_ROOM)
    # The same kit with each page's kernel a new Python (--kernels spawn, stock Voila's way), beside
    # the default (forked from a warm parent on Linux: slkit/forkserver.py), in the same run.
    spawned = start_server(tmp / "kit-spawn", "--kernels", "spawn", *LOCAL_ROOM)
    floor = start_stock_voila(tmp / "floor")
    try:
        store = kit.store()
        session = store.create_session("Benchmark", threshold=3)
        session_nb = store.create_session("Måling", threshold=3, language="nb")
        # The follow-up (open, as on its day) and observers, pages a person opens after the room.
        import datetime as dt

        after = store.create_session("Six weeks on", threshold=3, modules=[FIVE.id], start_open=True,
                                     follow_up=(dt.date.today() + dt.timedelta(days=1)).isoformat())
        store.set_module_state(after.code, FOLLOW.id, is_open=True)
        observer_link_for = observer_links(store, after.code)(kit.base_url)
        session_spawned = spawned.store().create_session("Benchmark, spawned", threshold=3)
        specs = [
            PageSpec("floor", f"{floor.base_url}/voila/render/floor.ipynb", "button:has-text('Floor')", floor),
            PageSpec("landing", f"{kit.base_url}/", "button:has-text('Next')", kit),
            PageSpec("purpose_first", participant_link(kit.base_url, PURPOSE.notebook, session.code), "button:has-text('Join the session')", kit, purpose_first_visit),
            PageSpec("motivation_triad", participant_link(kit.base_url, TRIAD.notebook, session.code), "button:has-text('Join the session')", kit, motivation_triad_visit),
            PageSpec("social_team_swot", participant_link(kit.base_url, SWOT.notebook, session.code), "button:has-text('Join the session')", kit, swot_visit),
            PageSpec("five_practices", participant_link(kit.base_url, FIVE.notebook, session.code), "button:has-text('Join the session')", kit, five_practices_visit),
            PageSpec("landing_spawn", f"{spawned.base_url}/", "button:has-text('Next')", spawned),
            PageSpec("five_practices_spawn", participant_link(spawned.base_url, FIVE.notebook, session_spawned.code), "button:has-text('Join the session')", spawned, five_practices_visit),
            PageSpec("follow_up", participant_link(kit.base_url, FOLLOW.notebook, after.code), "button:has-text('Join the session')", kit),
            PageSpec("my_360", participant_link(kit.base_url, "my_360.ipynb", after.code), "button:has-text('Join the session')", kit),
            PageSpec("observer", observer_link_for, ".slk-rating button", kit, observer_visit),
            PageSpec("console", facilitator_link(kit.base_url, session.key, session.code), "button:has-text('Open the next module'), button:has-text('Every module is open')", kit),
            PageSpec("screen", screen_link(kit.base_url, session.code, session.screen_key), ".screen-code", kit),
            # The same pages in Norwegian (a session whose language is nb): the catalogs and the
            # Norwegian content must cost a first screen nothing beyond noise.
            PageSpec("landing_nb", f"{kit.base_url}/?lang=nb", "button:has-text('Neste')", kit),
            *[PageSpec(f"{fw.id}_nb", participant_link(kit.base_url, fw.notebook, session_nb.code), "button:has-text('Bli med i økten')", kit)
              for fw in (PURPOSE, TRIAD, SWOT, FIVE)],
        ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for i in range(args.loads):  # interleaved, so a slow moment hits every page alike
                for spec in specs:
                    res.loads.append(asdict(measure(browser, spec)))
                    print(f"  load {i + 1}/{args.loads} {spec.name}: {res.loads[-1]['seconds_to_widget']:.2f} s", flush=True)
                res.journeys.append(journey(browser, kit, session.code))
                print(f"  journey {i + 1}/{args.loads}: home to module {res.journeys[-1]['seconds_home_to_module']:.2f} s, "
                      f"{res.journeys[-1]['kernels_held']} kernel(s) held", flush=True)
            closed_tabs(kit, 30)
            res.screen = screen_minute(browser, kit, people=3 if args.quick else 30, seconds=20 if args.quick else 60)
            print(f"  an open room screen: {res.screen['screen_kernel_cpu_per_minute']:.2f} kernel CPU-s a minute", flush=True)
            browser.close()
        closed_tabs(kit, 30)  # start the bursts with no kernels left from the loads
        (tmp / "pool-hits").mkdir()
        res.pool_hits = pool_hits(tmp / "pool-hits", args.loads)
        print(f"  pool hits: {res.pool_hits['new_browser_median']:.2f} s new browser, {res.pool_hits['after_landing_median']:.2f} s after the landing page", flush=True)
        res.assets = {spec.name: spec.assets for spec in specs}
        five = next(spec for spec in specs if spec.name == "five_practices")
        for n in [int(x) for x in args.bursts.split(",") if x.strip()]:
            for clients in [c.strip() for c in args.clients.split(",") if c.strip()]:
                server = spawned if clients == "protocol-spawn" else kit
                burst_store = server.store()
                burst_session = burst_store.create_session(f"Burst of {n}", threshold=3)
                burst_url = participant_link(server.base_url, FIVE.notebook, burst_session.code)
                if clients == "pooled":
                    (tmp / f"pooled-{n}").mkdir()
                    burst = _pooled_burst(tmp / f"pooled-{n}", n, five.assets)
                else:
                    if clients in ("protocol", "protocol-spawn"):
                        burst = asyncio.run(_protocol_burst(burst_url, n, server, five.assets))
                        burst["clients"] = clients
                    else:
                        burst = asyncio.run(_burst(burst_url, n, kit))
                    burst["answers_stored"] = len(burst_store.answers(burst_session.code, FIVE.id))
                res.bursts.append(burst)
                print(f"  burst of {n} ({clients} clients): last answered after {burst['seconds_until_last_answered']}", flush=True)
                closed_tabs(server, 30)
        res.closed_tabs = closed_tabs(kit, 60)
        (tmp / "anonymous").mkdir()
        res.anonymous = anonymous_loop(tmp / "anonymous", 20 if args.quick else 200)
        a = res.anonymous
        print(f"  {a['requests']} anonymous page requests in {a['seconds']} s: at most {a['max_kernels']} kernels "
              f"({a['max_kernels_mb']} MB), {a['refused']} refused, {a['kernels_left']} left after the connect timeout", flush=True)
        res.store = concurrent_writers(f"sqlite:///{tmp / 'writers.sqlite3'}", args.writers)
        res.store["errors"] = res.store["errors"][:5]
    finally:
        stop_server(kit.process)
        stop_server(spawned.process)
        stop_server(floor.process)
    table = summarise(res)
    print_table(table, res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(dict(asdict(res), summary=table), indent=2))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
