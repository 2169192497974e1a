"""A real workshop server and Chromium, started from Python: for the browser tests and the benchmarks.

    server = start_server(Path("/tmp/x"))     # `slkit serve` on a free port with its own SQLite store
    kernel_processes(server)                  # the participants' kernels it runs now
    stop_server(server.process)
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

from .paths import KIT_ROOT
from .store import Store

FIVE_PRACTICES_FIRST_ITEMS = ["mw_voice_purpose", "mw_voice_medium", "mw_voice_learn", "mw_example_goals", "mw_example_open", "mw_example_present"]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# A room simulated on one machine: every participant comes from this machine's address, which
# the per-device page limit (slkit serve --max-per-address) would otherwise hold to a few pages.
LOCAL_ROOM = ("--address-limit-exempt", "127.0.0.1,::1")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SLKIT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_run(count: int) -> int:
    """A port P such that P…P+count-1 are all free (a proxy and its workers)."""
    for _ in range(50):
        port = free_port()
        if port + count < 65536 and all(_free(p) for p in range(port, port + count)):
            return port
    raise RuntimeError(f"no {count} free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


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


def start_server(tmp_dir: Path, *extra: str, env: dict | None = None, port: int | None = None) -> KitServer:
    """`slkit serve` on a free port (or `port`, e.g. to restart a server where its pages expect it)."""
    port = port or free_port()
    db = f"sqlite:///{tmp_dir / 'kit.sqlite3'}"
    log_path = tmp_dir / "serve.log"
    before = log_path.stat().st_size if log_path.exists() else 0  # a restart reads only its own lines
    log = open(log_path, "a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "slkit", "serve", "--port", str(port), "--database-url", db, *extra],
        cwd=KIT_ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "SLKIT_DATA_DIR": str(tmp_dir), **(env or {})},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    key = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"slkit serve exited with {proc.returncode}:\n{log_path.read_text()}")
        text = log_path.read_bytes()[before:].decode(errors="replace")
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


def kernel_processes(server: KitServer) -> list:
    """The kernel processes the server runs now (psutil.Process objects)."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [child for child in children if is_kernel(child)]


def fork_servers(server: KitServer) -> list:
    """The server's fork server (slkit.forkserver), if its kernels are forked."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children()
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            if "slkit.forkserver" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.Error:
            pass
    return out


def is_kernel(proc) -> bool:
    """A page's kernel: spawned (`python -m ipykernel_launcher …`) or forked (slkit.forkserver)."""
    import psutil

    from .forkserver import KERNEL_NAME

    try:
        return proc.name() == KERNEL_NAME or "ipykernel" in " ".join(proc.cmdline())
    except psutil.Error:
        return False


def kernel_id_of(proc) -> str | None:
    """The kernel id of a kernel process: from its command line (spawned) or, for a forked one,
    its sockets (kernel-ID-ipc-N, next to its connection file)."""
    import psutil

    try:
        texts = [*proc.cmdline(), *(c.laddr for c in proc.net_connections(kind="unix") if isinstance(c.laddr, str))]
    except psutil.Error:
        return None
    for text in texts:
        m = re.search(r"kernel-([0-9a-f-]{36})", text)
        if m:
            return m.group(1)
    return None


def _writer(url, code, index, items, barrier, errors):
    import traceback

    try:
        store = Store(url, retry_seconds=60)
        barrier.wait(timeout=120)
        p = store.join(code)
        for n, item in enumerate(items):
            store.save_answers(p, "five_practices", {item: 1 + (index + n) % 10})
            store.save_answers(p, "five_practices", {item: 1 + (index + n) % 10})  # a double click
        again = store.resume(code, personal_code=p.personal_code)  # a second device
        store.save_answers(again, "five_practices", {items[0]: 10})
        store.dispose()
    except BaseException:  # noqa: BLE001 - every error must reach the caller
        errors.put(f"writer {index}: {traceback.format_exc()}")


def concurrent_writers(url: str, processes: int, items: list[str] = FIVE_PRACTICES_FIRST_ITEMS) -> dict:
    """`processes` separate processes join one session and save answers at the same moment.

    Each saves every item twice (a double click), then changes the first from another
    "device". Returns what was expected and found, the errors raised, and the time taken.
    """
    import multiprocessing as mp

    store = Store(url)
    store.migrate()
    code = store.create_session("Crowd").code
    ctx = mp.get_context("fork")
    barrier, errors = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, code, i, items, barrier, errors)) for i in range(processes)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    seconds = time.monotonic() - t0
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    rows = store.answers(code, "five_practices")
    found: dict = {}
    for r in rows:
        found.setdefault(r["participant"], {})[r["item"]] = r["value"]
    expected = sorted(1 + (i + n) % 10 for i in range(processes) for n in range(1, len(items)))
    got = sorted(v for a in found.values() for k, v in a.items() if k != items[0])
    result = dict(
        processes=processes, seconds=seconds, errors=problems, exit_codes=[p.exitcode for p in procs],
        participants=store.participant_count(code), rows=len(rows), expected_rows=processes * len(items),
        values_match=got == expected, changed_on_second_device=all(a.get(items[0]) == 10 for a in found.values()),
    )
    result["lost"] = max(0, result["expected_rows"] - len(rows))
    result["duplicated"] = max(0, len(rows) - len({(r["participant"], r["item"]) for r in rows}))
    store.dispose()
    return result
