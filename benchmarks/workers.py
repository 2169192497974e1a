"""A room through HAProxy to 1 and to 2 workers, in one run: what capacity planning needs.

    python -m benchmarks.workers --people 100 --workers 1,2

For each number of workers: `slkit serve --workers N` on one PostgreSQL (a fresh schema), then
PEOPLE protocol participants (benchmarks/participant.py: the page's requests and kernel
messages, no browser) open the five practices through the proxy at once, join and give one
rating. Recorded: how many answered and when, errors, answers stored (one per person), kernel
memory (PSS) per participant (once all have joined, and again once all sit on the team's
results), CPU-seconds per join (workers, kernels and proxy), and what the
room costs while everyone sits on their open page for a while (per cent of one core). It judges
nothing; `deploy/README.md` turns the figures into a capacity table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import sqlalchemy as sa

from benchmarks.participant import Participant
from slkit.devtools import LOCAL_ROOM, free_port_run, is_kernel, start_server, stop_server
from slkit.store import Store, answers_t
from slkit.workers import COOKIE, proxy_uses

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _processes(launcher_pid: int) -> dict[str, list[psutil.Process]]:
    """This launcher's workers, their kernels and its HAProxy (its children, each in a session
    of its own): nothing else on the machine counts."""
    groups: dict[str, list[psutil.Process]] = {"workers": [], "kernels": [], "proxy": [], "forks": []}
    for proc in psutil.Process(launcher_pid).children():
        try:
            cmd, name = proc.cmdline(), proc.name()
        except psutil.Error:
            continue
        if "serve" in cmd and "--worker" in cmd:
            groups["workers"].append(proc)
        elif name == "haproxy":
            groups["proxy"].append(proc)
    for w in groups["workers"]:
        try:
            below = w.children(recursive=True)
            groups["kernels"] += [k for k in below if is_kernel(k)]
            groups["forks"] += [k for k in w.children() if "slkit.forkserver" in " ".join(k.cmdline())]
        except psutil.Error:
            pass
    return groups


def _cpu(groups) -> float:
    total = 0.0
    for procs in groups.values():
        for p in procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
    return total


def _pss_mb(procs) -> list[float]:
    out = []
    for p in procs:
        try:
            out.append(p.memory_full_info().pss / 2**20)
        except psutil.Error:
            pass
    return out


def _wait_for_pool(launcher_pid: int, kernels: int, most: float = 900) -> dict:
    """Kernels kept ready: wait until the workers hold `kernels` of them and the machine is
    quiet again (a pool still filling would share the CPU with the room)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < most:
        groups = _processes(launcher_pid)
        if len(groups["kernels"]) >= kernels:
            before = _cpu(groups)
            time.sleep(3)
            if (_cpu(_processes(launcher_pid)) - before) / 3 < 0.15:
                break
        else:
            time.sleep(2)
    return dict(pool_kernels=len(_processes(launcher_pid)["kernels"]), pool_seconds=round(time.monotonic() - t0))


@contextlib.contextmanager
def _room(tmp: Path, database_url: str, workers: int, extra: list[str], kernels_mode: str):
    """`slkit serve --workers N` behind its HAProxy, once every worker answers; stopped after."""
    port = free_port_run(workers + 1)
    server = start_server(tmp, "--workers", str(workers), "--database-url", database_url, "--kernels", kernels_mode, *extra,
                          *LOCAL_ROOM, port=port)
    try:
        names = {f"w{i}" for i in range(1, workers + 1)}
        _wait(lambda: all(_healthy(f"http://127.0.0.1:{port + i}/slkit/health") for i in range(1, workers + 1)), 120)
        _wait(lambda: proxy_uses(server.base_url, names), 60)
        yield server, names
    finally:
        stop_server(server.process)


def first_screens(tmp: Path, database_url: str, people: int, extra: list[str], kernels_mode: str) -> dict:
    """PEOPLE pages of the five practices opened at once on one worker and left on their first
    screen (the join form): what each page's kernel holds before anyone joins."""
    with _room(tmp, database_url, 1, extra, kernels_mode) as (server, _names):
        session = Store(database_url).create_session(f"{people} first screens", threshold=3)
        url = f"{server.base_url}/voila/render/04_five_practices.ipynb?session={session.code}"
        crowd = [Participant(server.base_url, url, [], timeout=300) for _ in range(people)]

        async def scenario():
            shown = await asyncio.gather(*(p.first_screen() for p in crowd), return_exceptions=True)
            await asyncio.sleep(5)  # the last pages' messages settle
            pss = _pss_mb(_processes(server.process.pid)["kernels"])
            await asyncio.gather(*(p.leave(p.kernel_id) for p in crowd if p.kernel_id), return_exceptions=True)
            return shown, pss

        shown, pss = asyncio.run(scenario())
        return dict(kernels_mode=kernels_mode, people=people, first_screens=sum(1 for x in shown if x is None),
                    errors=sorted({f"{type(x).__name__}: {str(x)[:100]}" for x in shown if isinstance(x, BaseException)})[:3],
                    kernels=len(pss), kernel_pss_mb_mean_first_screen=round(statistics.mean(pss), 1) if pss else None)


def one_setup(tmp: Path, database_url: str, workers: int, people: int, idle_seconds: float, extra: list[str], preheat: int = 0,
              kernels_mode: str = "fork") -> dict:
    with _room(tmp, database_url, workers, extra, kernels_mode) as (server, names):
        pool = _wait_for_pool(server.process.pid, preheat * workers) if preheat else None
        store = Store(database_url)
        session = store.create_session(f"{people} people, {workers} worker(s)", threshold=3)
        url = f"{server.base_url}/voila/render/04_five_practices.ipynb?session={session.code}"
        before = _processes(server.process.pid)
        cpu0 = _cpu(before)
        crowd = [Participant(server.base_url, url, [], timeout=300) for _ in range(people)]

        async def scenario():
            t0 = time.perf_counter()

            async def one(p):
                await p.join_and_rate(leave=False)
                return time.perf_counter() - t0

            done = await asyncio.gather(*(one(p) for p in crowd), return_exceptions=True)
            groups = _processes(server.process.pid)
            measured = dict(done=done, cpu_burst=_cpu(groups) - cpu0, kernel_pss=_pss_mb(groups["kernels"]),
                            worker_pss=_pss_mb(groups["workers"]), proxy_pss=_pss_mb(groups["proxy"]), fork_pss=_pss_mb(groups["forks"]))
            # Everyone goes on to the team's results and sits there, the live view asking for
            # fresh results every 2 s as a browser does: what the server, kernels and proxy use.
            on_team_view = await asyncio.gather(*(p.next_until_live() for p in crowd if p.ws is not None), return_exceptions=True)
            measured["on_team_view"] = sum(1 for x in on_team_view if x is True)
            measured["team_view_errors"] = sorted({f"{type(x).__name__}: {str(x)[:100]}" for x in on_team_view if isinstance(x, BaseException)})[:3]
            await asyncio.sleep(10)  # the last steps' saves and first refreshes settle
            measured["kernel_pss_team_view"] = _pss_mb(_processes(server.process.pid)["kernels"])
            idle0 = {name: _cpu({name: procs}) for name, procs in groups.items()}
            sat = await asyncio.gather(*(p.sit(idle_seconds) for p in crowd if p.ws is not None), return_exceptions=True)
            idle = {name: _cpu({name: procs}) - idle0[name] for name, procs in groups.items()}
            measured.update(idle=sum(idle.values()), idle_by=idle, ticks=sum(t for t in sat if isinstance(t, int)))
            await asyncio.gather(*(p.leave(p.kernel_id) for p in crowd if p.kernel_id), return_exceptions=True)
            return measured

        m = asyncio.run(scenario())
        done, cpu_burst, kernel_pss, idle, ticks = m["done"], m["cpu_burst"], m["kernel_pss"], m["idle"], m["ticks"]
        on_team_view = m["on_team_view"]
        times = [t for t in done if isinstance(t, float)]
        errors = [f"{type(e).__name__}: {str(e)[:120]}" for e in done if isinstance(e, BaseException)]
        stored = store.read(lambda c: c.execute(sa.select(sa.func.count()).select_from(answers_t).where(
            answers_t.c.item == "mw_voice_purpose")).scalar_one())
        spread = {n: sum(1 for p in crowd if p.cookies.get(COOKIE) == n) for n in sorted(names)}
        store.dispose()
        return dict(
            workers=workers, people=people, answered=len(times), errors=errors[:5], answers_stored=stored,
            per_worker=spread,
            median_seconds=round(statistics.median(times), 1) if times else None,
            seconds_until_last_answered=round(max(times), 1) if times else None,
            kernel_pss_mb_mean=round(statistics.mean(kernel_pss), 1) if kernel_pss else None, kernels=len(kernel_pss),
            kernel_pss_mb_total=round(sum(kernel_pss)) if kernel_pss else None, kernels_mode=kernels_mode,
            kernel_pss_mb_mean_on_team_view=round(statistics.mean(m["kernel_pss_team_view"]), 1) if m["kernel_pss_team_view"] else None,
            worker_pss_mb=[round(x) for x in m["worker_pss"]], proxy_pss_mb=round(sum(m["proxy_pss"]), 1),
            fork_server_pss_mb=[round(x) for x in m["fork_pss"]],
            cpu_seconds_per_join=round(cpu_burst / max(1, len(times)), 2),
            idle_room_percent_of_one_core=round(100 * idle / idle_seconds, 1), live_ticks_sent=ticks,
            idle_percent_by={k: round(100 * v / idle_seconds, 1) for k, v in m["idle_by"].items()},
            people_on_the_team_view=on_team_view, team_view_errors=m["team_view_errors"], **(pool or {}),
        )


def fresh_schema(base: str) -> str:
    schema = f"slkit_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.workers", description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100)
    ap.add_argument("--workers", default="1,2", help="numbers of workers to compare, comma-separated")
    ap.add_argument("--idle-seconds", type=float, default=30.0)
    ap.add_argument("--database-url", default=os.environ.get("SLKIT_TEST_POSTGRES_URL", DEFAULT_PG),
                    help="a PostgreSQL server; each setup gets a fresh schema in it")
    ap.add_argument("--preheat", type=int, default=0, help="kernels kept ready per worker for the five practices")
    ap.add_argument("--max-kernels", type=int, default=0, help="slkit serve --max-kernels (default: what the free memory holds)")
    ap.add_argument("--kernels", default="fork,spawn", help="how kernels start (slkit serve --kernels), comma-separated to compare")
    ap.add_argument("--first-screen", action="store_true",
                    help="instead: PEOPLE pages opened at once on one worker and left on the join form; each kernel's memory then")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "workers.json")
    args = ap.parse_args(argv)
    extra = ["--preheat", str(args.preheat), "--preheat-pages", "five_practices"] if args.preheat else []
    if args.max_kernels:
        extra += ["--max-kernels", str(args.max_kernels)]
    results = dict(machine=dict(date=time.strftime("%Y-%m-%d"), cpus=os.cpu_count(),
                                memory_gb=round(psutil.virtual_memory().total / 2**30, 1)), runs=[])
    for mode in [m.strip() for m in args.kernels.split(",") if m.strip()]:
        if args.first_screen:
            run = first_screens(Path(tempfile.mkdtemp(prefix="slkit-bench-first-")), fresh_schema(args.database_url), args.people, extra, mode)
            results["runs"].append(run)
            print(json.dumps(run), flush=True)
            continue
        for n in [int(x) for x in args.workers.split(",") if x.strip()]:
            tmp = Path(tempfile.mkdtemp(prefix=f"slkit-bench-workers-{n}-"))
            run = one_setup(tmp, fresh_schema(args.database_url), n, args.people, args.idle_seconds, extra, args.preheat, mode)
            results["runs"].append(run)
            print(json.dumps(run), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
