"""Kernels forked from a warm parent: a participant's page costs a fork, not a new Python.

Every page's kernel is a whole Python that starts, then imports ipykernel, zmq, SQLAlchemy and
the kit's widgets: 60–70 MB and most of a CPU-second each, the same work in every process. The
fork server does that work once. It is a small process that `slkit serve` starts (one per
worker): it imports what every page's kernel needs, builds one kernel and takes it apart again
and does what every page does first (Babel's data, the store's first read), so the children
find that code already run (`_warm_up`); it then freezes those objects out of the garbage
collector (`gc.freeze()`, so the children's collections never walk them) and waits on a Unix
socket in a private folder. Asked for a kernel, it forks; the child takes the environment and
working folder the server passes for that kernel (the page's QUERY_STRING, cookie and the rest,
exactly as a spawned kernel gets them), becomes its own process group and runs the kernel with
the connection file the server wrote.

A child shares the fork server's memory until it writes to it, and in Python 3.11 reading an
object writes its reference count: what a forked kernel holds of its own is mostly copies of
the shared pages its code touched (benchmarks/README.md has the figures).

`ForkProvisioner` is the server's side: a jupyter_client kernel provisioner (registered as
`slkit-fork`) that asks the fork server for a kernel instead of starting a process, and keeps
the whole contract (poll, wait, interrupt, kill, terminate) for a process that is not its own
child. When the fork server is missing, dead or refuses, the kernel starts the ordinary way,
the log says so once, and the fork server is started again.

No thread, zmq context, socket or event loop is left when it forks: the kernel built to warm it
has them all closed first (and a thread still running stops the fork server). A forked kernel
ends when the server it serves ends (it watches the server's process), not when the fork
server does: a fork server that dies and is restarted leaves every page running.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger("slkit")

SERVER_ENV = "SLKIT_SERVER_PID"  # the server a forked kernel serves: it ends when that process ends
KERNEL_NAME = "slkit-kernel"  # a forked kernel's process name (ps, psutil's name())
PROVISIONER = "slkit-fork"
REQUEST_TIMEOUT = 10.0
# A forked kernel's options: no parent poller (the watcher below) and no terminal banner; and
# every message copied as it is sent, never handed to ZeroMQ's zero-copy path, which starts a
# thread and a ZeroMQ context of its own in each kernel (0.6 MB) for messages over 64 kB.
KERNEL_OPTIONS = ("--IPKernelApp.parent_handle=1", f"--Session.copy_threshold={2**26}")
MAX_REQUEST = 4 * 2**20

# What every page's kernel imports: the kernel itself, the store and every page of the kit
# (slkit.widgets, all of its modules: see _preload).
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm", "ipykernel.debugger",
    "IPython", "pdb", "pydoc", "timeit", "faulthandler", "gzip", "xmlrpc.client", "xml.dom.minidom",
    "ipywidgets", "comm", "sqlalchemy", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "alembic.runtime.migration", "alembic.script", "alembic.command", "mako.template", "psutil",
    "slkit.store", "slkit.migrations", "slkit.kernel_budget", "IPython.core.logger", "ctypes.util", "zmq.utils.garbage",
    "babel.core", "babel.dates", "babel.numbers", "babel.lists", "babel.localtime", "sqlite3", "psycopg", "psycopg.pq",
)


# ---------------------------------------------------------------------------------------------
# The fork server (its own process: python -m slkit.forkserver SOCKET SERVER_PID)


def _preload() -> list[str]:
    import importlib

    import pkgutil

    import slkit.widgets

    failed = []
    pages = [f"slkit.widgets.{m.name}" for m in pkgutil.iter_modules(slkit.widgets.__path__)]
    for name in (*PRELOAD, *pages):
        try:
            importlib.import_module(name)
        except Exception as e:  # noqa: BLE001 - a page imports it itself then; say which
            failed.append(f"{name} ({type(e).__name__}: {e})")
    try:
        from .content import load_frameworks

        for lang in ("en", "nb"):
            load_frameworks(language=lang)
    except Exception as e:  # noqa: BLE001
        failed.append(f"content ({e})")
    return failed


def _warm_up() -> str | None:
    """Build one kernel here and take it apart again, before any is forked; None if done,
    else why not (the children then build theirs from cold, as before).

    The first kernel a Python builds runs code nothing has run yet, and in Python 3.11 running
    code writes to it: the interpreter rewrites a function's bytecode as it learns it, and
    IPython, traitlets and the kernel fill class-level caches. Done in every child, that wrote
    to pages each child shares with this process, and so copied them: a forked kernel held
    21 MB of its own once built, 17 MB with this (13 MB without the debugger: _page_kernel).

    Nothing of this kernel is left: its sockets, threads and context are closed, its
    singletons, exit handlers, comm manager and hooks undone, and the fork server checks that
    no thread remains."""
    import atexit
    import shutil
    import tempfile
    import types

    folder = tempfile.mkdtemp(prefix="slkit-warm-")
    registered: list = []
    register = atexit.register

    def record(func, *args, **kwargs):  # the kernel's objects' handlers, not those of modules it imports
        owner = getattr(func, "__self__", None)
        if owner is not None and not isinstance(owner, (type, types.ModuleType)):
            registered.append(func)
        return register(func, *args, **kwargs)

    app = None
    try:
        from ipykernel.kernelapp import IPKernelApp
        from jupyter_client.connect import write_connection_file

        fname, _info = write_connection_file(os.path.join(folder, "kernel.json"), transport="ipc", ip=os.path.join(folder, "k"))
        atexit.register = record
        app = IPKernelApp.instance()
        with _page_kernel():
            # No thread may outlive it (none would survive the fork): output stays on its file
            # descriptors (capturing them takes a thread) and no history is kept (its writer is one).
            app.initialize(["-f", fname, *KERNEL_OPTIONS, "--IPKernelApp.capture_fd_output=False", "--HistoryManager.enabled=False"])
        _as_if_imported_in_the_kernel()
        _warm_kit()
        return None
    except Exception as e:  # noqa: BLE001 - a kernel that cannot be built here is built in each child
        return f"{type(e).__name__}: {e}"
    finally:
        atexit.register = register
        if app is not None:
            try:
                app.close()
            except Exception:  # noqa: BLE001
                pass
            for cls in {type(app), type(getattr(app, "kernel", None)), type(getattr(app, "shell", None))}:
                if hasattr(cls, "clear_instance"):
                    cls.clear_instance()
        for func in registered:
            atexit.unregister(func)
        import ipykernel.ipkernel

        if hasattr(ipykernel.ipkernel, "_comm_manager"):
            ipykernel.ipkernel._comm_manager = None
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        sys.displayhook, sys.excepthook = sys.__displayhook__, sys.__excepthook__
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        shutil.rmtree(folder, ignore_errors=True)
        deadline = time.monotonic() + 5
        while threading.active_count() > 1 and time.monotonic() < deadline:
            time.sleep(0.02)


def _warm_kit() -> None:
    """What the pages do first, done here once: write numbers, dates and lists in each language
    (Babel loads its data for it: 4 MB a kernel on the team's results otherwise), and read the
    server's store as a page does, for the newest session if there is one. The pages' kernels
    then take this engine (slkit.store._FORK_ENGINES): its dialect already knows the server,
    and the statements read here are already compiled in it (the session's read alone saved
    each kernel 1.2 MB). Reads only, each tried once; a store that does not answer now is no
    reason to stop: the pages say so."""
    import datetime

    import sqlalchemy as sa

    from . import KitError, i18n
    from . import store as store_module
    from .paths import DATABASE_URL_ENV

    for lang in i18n.LANGUAGES:
        with i18n.use(lang):
            i18n.number(3.5), i18n.number(2, 0), i18n.date(datetime.date(2026, 1, 2)), i18n.join_list(["a", "b"])
    if not os.environ.get(DATABASE_URL_ENV):
        return
    try:
        store = store_module.Store(retry_seconds=0, time_limit=False)  # no thread here: none would survive the fork
    except KitError:
        return
    try:
        newest = store.read(lambda c: c.execute(sa.select(store_module.sessions_t.c.code).order_by(
            store_module.sessions_t.c.id.desc()).limit(1)).scalar_one_or_none())
        for read in (store.get_session, store.module_states, store.participant_count, store.answers):
            try:
                read(newest or "ZZZZZZ")
            except KitError:
                pass  # no session yet: its read is compiled all the same
    except Exception:  # noqa: BLE001
        pass
    finally:
        store.keep_engine_for_forks()  # no connection reaches a child: each opens its own


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _receive(conn: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("request too large")
    return json.loads(data or b"{}")


def kernel_args(argv: list[str]) -> list[str] | None:
    """The kernel's own arguments in a kernelspec's command, if it runs this Python's ipykernel
    (`python -m ipykernel_launcher -f FILE`); None for anything else (that kernel is spawned).

    >>> kernel_args([sys.executable, "-m", "ipykernel_launcher", "-f", "/run/k.json"])
    ['-f', '/run/k.json']
    >>> kernel_args(["/usr/bin/R", "--slave"]) is None
    True
    """
    if len(argv) < 3 or argv[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    try:
        same = os.path.samefile(argv[0], sys.executable) or os.path.realpath(argv[0]) == os.path.realpath(sys.executable)
    except OSError:
        same = False
    return list(argv[3:]) if same else None


def _child(request: dict, listener: socket.socket, conn: socket.socket) -> None:
    """In the forked child: become the page's kernel. Never returns."""
    code = 1
    try:
        listener.close()
        conn.close()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        import gc

        gc.enable()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        env = dict(request["env"])
        env.pop("JPY_PARENT_PID", None)  # not ipykernel's parent poller: the watcher below
        os.environ.clear()
        os.environ.update(env)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        try:
            Path("/proc/self/comm").write_text(KERNEL_NAME)
        except OSError:
            pass
        _watch_server(int(env.get(SERVER_ENV) or 0))
        args = kernel_args(request["argv"]) or []
        sys.argv = [request["argv"][0], *args]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        with _page_kernel():
            app.initialize([*args, *KERNEL_OPTIONS])
        _as_if_imported_in_the_kernel()
        app.start()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:  # noqa: BLE001 - the kernel failed: say why where a spawned one would
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()  # as a Python that ends does: the pages' last saves among them
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


@contextlib.contextmanager
def _page_kernel():
    """A kernel as a page needs it, built: without the debugger (a page's kernel is never
    debugged), so ipykernel is shown a module table without modules while it builds one.

    Building a kernel, ipykernel lists the file of every module loaded (over a thousand here)
    for the debugger; reading each module's `__file__` writes to its reference count, and in a
    forked kernel that copies the page it lives on: 4 MB of each kernel's own memory, for a
    debugger a page never starts."""
    import types

    import ipykernel.debugger
    import ipykernel.ipkernel

    class KernelSys(types.ModuleType):
        modules: dict = {}

        def __getattr__(self, name):
            return getattr(sys, name)

    ipykernel.debugger._is_debugpy_available = False
    real = ipykernel.ipkernel.sys
    ipykernel.ipkernel.sys = KernelSys("sys")
    try:
        yield
    finally:
        ipykernel.ipkernel.sys = real


def _as_if_imported_in_the_kernel() -> None:
    """What preloaded modules do at import only when a kernel is running, done now that one is:
    ipywidgets registers its comm targets (without "jupyter.widget.control" a page cannot ask
    for its widgets' state)."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets._handle_ipython()


def _watch_server(pid: int) -> None:
    """End this kernel when the server it serves ends (as a spawned kernel ends with its parent)."""
    if pid <= 0:
        return

    def watch():
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            import select

            select.select([fd], [], [])  # readable once the process has ended
        else:
            while _alive(pid):
                time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="slkit-server-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_fork_server(path: str, server_pid: int) -> None:
    """The fork server's loop: preload, freeze, then fork a kernel per request until the server
    that started it ends."""
    import gc
    import select

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is the server's to handle
    # No collection while preloading: objects freed by one would leave holes in the shared pages
    # that the children's own allocations then fill, copying those pages (the gc module's advice).
    gc.disable()
    # The debugger's note that Python's modules are frozen (four lines in the facilitator's
    # terminal at start) says nothing to anyone here: a page's kernel is never debugged.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    failed = _preload()
    if failed:
        print(f"slkit fork server: could not preload {', '.join(failed)}", file=sys.stderr, flush=True)
    cold = _warm_up()
    if cold:
        print(f"slkit fork server: kernels start cold ({cold})", file=sys.stderr, flush=True)
    gc.freeze()
    if threading.active_count() != 1:  # a thread would not survive the fork: kernels would hang
        names = ", ".join(t.name for t in threading.enumerate() if t is not threading.main_thread())
        print(f"slkit fork server: a preloaded module started a thread ({names}); not forking", file=sys.stderr, flush=True)
        sys.exit(3)
    children: set[int] = set()

    def stop(*_):
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    uid = os.getuid()
    while True:
        ready, _, _ = select.select([listener], [], [], 0.5)
        while children:  # reap the kernels that ended
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid == 0:
                break
            children.discard(pid)
        if os.getppid() != server_pid or not _alive(server_pid):
            stop()  # the server is gone: so are we (its kernels end on their own)
        if not ready:
            continue
        conn, _ = listener.accept()
        try:
            conn.settimeout(REQUEST_TIMEOUT)
            peer = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            if int.from_bytes(peer[4:8], sys.byteorder) != uid:
                _send(conn, {"error": "not the server's user"})
                continue
            request = _receive(conn)
            if request.get("ping"):
                _send(conn, {"pid": os.getpid(), "kernels": len(children)})
                continue
            if kernel_args(request.get("argv") or []) is None or not isinstance(request.get("env"), dict):
                _send(conn, {"error": "not an ipykernel command of this Python"})
                continue
            pid = os.fork()
            if pid == 0:
                _child(request, listener, conn)
            children.add(pid)
            _send(conn, {"pid": pid})
        except (OSError, ValueError) as e:
            try:
                _send(conn, {"error": str(e)})
            except OSError:
                pass
        finally:
            conn.close()


# ---------------------------------------------------------------------------------------------
# The server's side


class ForkUnavailable(Exception):
    pass


class ForkServer:
    """The fork server of this server process: started, asked, restarted."""

    START_TIMEOUT = 60.0

    def __init__(self, folder: Path | None = None):
        import tempfile

        self.folder = Path(folder or tempfile.mkdtemp(prefix="slkit-fork-"))
        self.folder.chmod(0o700)
        self.path = str(self.folder / "fork.sock")
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._restarting = False
        self._warned = False
        self.forked = 0
        self.spawned = 0

    def start(self, wait: bool = True) -> None:
        env = dict(os.environ)
        env.pop("JUPYTER_DEFAULT_PROVISIONER_NAME", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "slkit.forkserver", self.path, str(os.getpid())],
            stdin=subprocess.DEVNULL, env=env, close_fds=True,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.START_TIMEOUT)
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise ForkUnavailable(f"the fork server ended (exit code {self.process.returncode})")
            try:
                self.ask({"ping": 1}, timeout=2.0)
                return
            except ForkUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def ask(self, request: dict, timeout: float = REQUEST_TIMEOUT) -> dict:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(self.path)
                _send(s, request)
                answer = _receive(s)
        except (OSError, ValueError) as e:
            raise ForkUnavailable(f"{type(e).__name__}: {e}") from None
        if "error" in answer:
            raise ForkUnavailable(str(answer["error"]))
        return answer

    def fork(self, argv: list[str], env: dict, cwd: str | None) -> int:
        return int(self.ask({"argv": argv, "env": {**env, SERVER_ENV: str(os.getpid())}, "cwd": str(cwd) if cwd else None})["pid"])

    def unavailable(self, why: str) -> None:
        """A fork failed: say so once, and start a new fork server unless this one still runs."""
        if not self._warned:
            self._warned = True
            log.warning("Pages' kernels start the ordinary way (slower, more memory): the fork server did not answer (%s).", why)
        with self._lock:
            if self._restarting or (self.process is not None and self.process.poll() is None):
                return
            self._restarting = True
        threading.Thread(target=self._restart, name="slkit-fork-restart", daemon=True).start()

    def _restart(self) -> None:
        try:
            self.start(wait=True)
            self._warned = False
            log.warning("The fork server runs again: new pages' kernels are forked.")
        except ForkUnavailable as e:
            log.warning("The fork server could not be started again (%s); kernels keep starting the ordinary way.", e)
        finally:
            self._restarting = False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            os.unlink(self.path)
            self.folder.rmdir()
        except OSError:
            pass


_SERVER: ForkServer | None = None


def start() -> ForkServer:
    """Start this server's fork server and make it the kernels' provisioner (slkit serve)."""
    global _SERVER
    _SERVER = ForkServer()
    _SERVER.start(wait=True)
    _default_provisioner(PROVISIONER)
    return _SERVER


def stop() -> None:
    global _SERVER
    if _SERVER is not None:
        _SERVER.stop()
        _SERVER = None
        _default_provisioner(None)


def _default_provisioner(name: str | None) -> None:
    """The provisioner of kernels whose kernelspec names none: jupyter_client reads it from the
    environment when its factory is first made, and from the factory after."""
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    if name:
        os.environ[KernelProvisionerFactory.default_provisioner_name_env] = name
    else:
        os.environ.pop(KernelProvisionerFactory.default_provisioner_name_env, None)
    if KernelProvisionerFactory.initialized():
        KernelProvisionerFactory.instance().default_provisioner_name = name or "local-provisioner"


def current() -> ForkServer | None:
    return _SERVER


class Forked:
    """A forked kernel as the provisioner sees it: what it uses of subprocess.Popen, for a
    process that is the fork server's child, not ours (psutil knows it by its start time, so a
    reused pid is never taken for it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        import psutil

        self.pid = pid
        self.returncode: int | None = None
        try:
            self._proc = psutil.Process(pid)
        except psutil.NoSuchProcess:
            self._proc = None
            self.returncode = 0

    def poll(self) -> int | None:
        import psutil

        if self.returncode is None:
            try:
                running = self._proc.is_running() and self._proc.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                running = False
            if not running:
                self.returncode = 0  # its exit status is its parent's (the fork server) to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launches a page's kernel by asking this server's fork server (see the module's text);
        the ordinary way when there is none or it does not answer."""

        async def launch_kernel(self, cmd, **kwargs):
            import asyncio
            import pathlib

            server = current()
            if server is not None and kernel_args(cmd) is not None:
                env = kwargs.get("env") or dict(os.environ)
                cwd = kwargs.get("cwd")
                try:
                    pid = await asyncio.get_running_loop().run_in_executor(None, server.fork, list(cmd), dict(env), cwd)
                except ForkUnavailable as e:
                    server.unavailable(str(e))
                else:
                    server.forked += 1
                    self.process = Forked(pid)
                    self.pid = self.pgid = pid  # its own process group (setsid in the child)
                    self.cwd = cwd or pathlib.Path.cwd()
                    return self.connection_info
            if server is not None:
                server.spawned += 1
            return await super().launch_kernel(cmd, **kwargs)

        async def send_signal(self, signum: int) -> None:
            if isinstance(self.process, Forked):
                if self.process.poll() is None:  # never a group whose leader is gone (its id may be reused)
                    try:
                        os.killpg(self.pgid, signum)
                    except ProcessLookupError:
                        pass
                return
            await super().send_signal(signum)

    return ForkProvisioner


def __getattr__(name):  # the entry point loads slkit.forkserver:ForkProvisioner (jupyter_client imported only then)
    if name == "ForkProvisioner":
        cls = _provisioner_class()
        globals()["ForkProvisioner"] = cls
        return cls
    raise AttributeError(name)


if __name__ == "__main__":
    run_fork_server(sys.argv[1], int(sys.argv[2]))
