"""`slkit doctor`: the check a facilitator runs on the laptop the day before a workshop.

Each line says OK, or what to fix: Python and the packages the kit runs on, the store (reached,
schema up to date), a module page run in a kernel as a participant's page would be, the network
addresses a room could use, and the memory free for participants' pages.

Example::

    checks = run_checks(participants=30)
    all(c.ok for c in checks)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from . import KitError, __version__

# Measured per participant's page (benchmarks/README.md): a kernel's PSS, rounded up; a kernel
# forked from the warm parent (slkit serve --kernels fork, Linux) or a new Python each (spawn).
MB_PER_PARTICIPANT = {"fork": 30, "spawn": 72}  # 29.8 and 71.1 MB measured in a room of 100 on the team view (2026-12-07)
PACKAGES = ("voila", "ipywidgets", "ipykernel", "jupyterlab", "plotly", "pandas", "sqlalchemy", "alembic")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what to do


def _python() -> Check:
    v = sys.version_info
    ok = v >= (3, 11)
    return Check("Python", ok, f"{v.major}.{v.minor}.{v.micro}" + ("" if ok else ": the kit needs Python 3.11 or newer"))


def _packages() -> Check:
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check("Packages", False, f"missing: {', '.join(missing)}; reinstall the kit (pip install slkit, or make serve)")
    return Check("Packages", True, f"slkit {__version__}, " + ", ".join(found))


def _store(url: str | None) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from .migrations import config
    from .store import Store

    try:
        store = Store(url)
        store.migrate()
        with store.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(config()).get_current_head()
        where = store.describe()
        store.dispose()
    except KitError as e:
        return Check("Store", False, f"{e} Check --database-url or SLKIT_DATABASE_URL.")
    if current != head:
        return Check("Store", False, f"{where}: schema {current}, expected {head}; run slkit serve once to upgrade it")
    return Check("Store", True, f"{where}, schema {current}")


def kernels_mode() -> str:
    from .server import ServeOptions

    return ServeOptions.kernels


def _page_renders(mode: str) -> list[Check]:
    """Run a module's notebook in a kernel started as `slkit serve` starts a participant's
    (forked from a warm parent, or a new Python), working alone so nothing is written to the
    store; and say how kernels start here."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from . import forkserver
    from .content import get_framework
    from .paths import WORKSHOPS_DIR

    nb_path = WORKSHOPS_DIR / get_framework("five_practices").notebook
    server, problem = None, None
    if mode == "fork":
        try:
            server = forkserver.start()
        except forkserver.ForkUnavailable as e:
            problem = str(e)
    sockets = tempfile.mkdtemp(prefix="slkit-doctor-")
    try:
        nb = nbformat.read(nb_path, as_version=4)
        # As the server's kernels: local sockets (in a folder of this run's own), no TCP.
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel-ipc"))
        NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(WORKSHOPS_DIR)}}).execute()
    except Exception as e:  # noqa: BLE001 - any failure is what this line reports
        first = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        return [Check("Module page", False, f"{nb_path.name} did not run in a kernel: {first[:200]}")]
    finally:
        forked = server is not None and server.forked > 0
        forkserver.stop()
        shutil.rmtree(sockets, ignore_errors=True)
    widgets = sum(1 for c in nb.cells for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    if not widgets:
        return [Check("Module page", False, f"{nb_path.name} ran but showed nothing")]
    page = Check("Module page", True, f"{nb_path.name} runs in a kernel and shows its page")
    if mode == "spawn":
        return [page, Check("Kernels", True, "a new Python for each page (slkit serve --kernels spawn)")]
    if forked:
        return [page, Check("Kernels", True, "forked from a warm parent process (slkit serve's default here): the module page's kernel was forked")]
    return [page, Check("Kernels", False, f"the fork server did not work ({problem or 'the kernel was not forked'}): pages' kernels "
                                          "would start the ordinary way, slower and with more memory; say --kernels spawn to choose that")]


def _network(port: int) -> Check:
    from .network import room_addresses

    addresses = room_addresses()
    if not addresses:
        return Check("Network", False, "no address but this machine's own: join the room's Wi-Fi; participants cannot reach a server on 127.0.0.1")
    return Check("Network", True, "participants can reach " + ", ".join(f"http://{a}:{port}/" for a in addresses)
                 + f" (start with: slkit serve --host 0.0.0.0 --port {port})")


def _memory(participants: int, mode: str) -> Check:
    import psutil

    each = MB_PER_PARTICIPANT[mode]
    free_mb = psutil.virtual_memory().available / 1e6
    fits = int(free_mb // each)
    detail = f"{free_mb / 1000:.1f} GB free: room for about {fits} participants' pages at once ({each} MB each)"
    if fits < participants:
        return Check("Memory", False, f"{detail}, fewer than {participants}; close other programs or run several workers (deploy/)")
    return Check("Memory", True, detail)


def run_checks(*, database_url: str | None = None, participants: int = 30, port: int = 8866, render: bool = True) -> list[Check]:
    mode = kernels_mode()
    checks = [_python(), _packages(), _store(database_url)]
    if render:
        checks += _page_renders(mode)
    return checks + [_network(port), _memory(participants, mode)]


def report(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'OK ' if c.ok else 'FIX'}  {c.name:<{width}}  {c.detail}" for c in checks]
    bad = sum(not c.ok for c in checks)
    lines.append("All set." if not bad else f"{bad} thing(s) to fix before the workshop.")
    return "\n".join(lines)
