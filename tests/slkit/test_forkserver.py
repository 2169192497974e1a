"""Kernels forked from a warm parent (slkit.forkserver), driven the way jupyter_server drives
them: real kernels through jupyter_client's kernel manager, the provisioner chosen by name."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time

import psutil
import pytest

from slkit import forkserver

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is for Linux")


@pytest.fixture
def fork_server(monkeypatch):
    server = forkserver.start()
    yield server
    forkserver.stop()


def run(coro):
    """A coroutine on a loop of its own thread: a test before this one in the same process (a
    browser test's Playwright) may have left this thread's loop running."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(300)


async def _kernel(env: dict | None = None, cwd: str | None = None):
    from jupyter_client.manager import start_new_async_kernel

    return await start_new_async_kernel(kernel_name="python3", env={**os.environ, **(env or {})},
                                        cwd=cwd, startup_timeout=60)


async def _run(kc, code: str, timeout: float = 30) -> tuple[str, dict]:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = await kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out).strip(), reply["content"]


async def _stop(km, kc):
    kc.stop_channels()
    await km.shutdown_kernel(now=True)


def test_two_kernels_forked_at_once_each_read_the_request_and_folder_they_were_given(fork_server, tmp_path):
    async def main():
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        (ka, ca), (kb, cb) = await asyncio.gather(
            _kernel({"QUERY_STRING": "session=AAAAAA", "HTTP_COOKIE": "slk_AAAAAA=ann"}, str(tmp_path / "a")),
            _kernel({"QUERY_STRING": "session=BBBBBB", "HTTP_COOKIE": "slk_BBBBBB=bob"}, str(tmp_path / "b")))
        try:
            code = "import os; print(os.environ['QUERY_STRING'], os.environ['HTTP_COOKIE'], os.getcwd(), os.getpid())"
            (a, _), (b, _) = await asyncio.gather(_run(ca, code), _run(cb, code))
            for km, said, who in ((ka, a, "A"), (kb, b, "B")):
                query, cookie, cwd, pid = said.split()
                assert type(km.provisioner).__name__ == "ForkProvisioner"
                assert query == f"session={who * 6}" and cookie.startswith(f"slk_{who * 6}=") and cwd == str(tmp_path / who.lower())
                proc = psutil.Process(int(pid))
                assert int(pid) == km.provisioner.pid and proc.name() == forkserver.KERNEL_NAME
                assert proc.ppid() == fork_server.process.pid  # forked, not started by us
                assert os.getpgid(proc.pid) == proc.pid  # a process group of its own, as a spawned kernel
            assert fork_server.forked == 2 and fork_server.spawned == 0
            # What ipywidgets does at import only inside a kernel happened in the forked one too:
            # a page asks for its widgets' state through the control target.
            targets, _ = await _run(ca, "from comm import get_comm_manager; print(sorted(get_comm_manager().targets))")
            assert "'jupyter.widget.control'" in targets and "'jupyter.widget'" in targets
            # A page's kernel has no debugger (building one copied 4 MB of shared pages a kernel).
            info = (await ca.kernel_info(reply=True))["content"]
            assert "debugger" not in info.get("supported_features", [])
            # A forked kernel shares what the fork server imported: far less of its own memory.
            uss = psutil.Process(ka.provisioner.pid).memory_full_info().uss / 2**20
            assert uss < 40, f"{uss:.0f} MB of its own"
        finally:
            await asyncio.gather(_stop(ka, ca), _stop(kb, cb))

    run(main())


def test_a_forked_kernel_is_interrupted_restarted_and_killed_as_a_spawned_one(fork_server):
    async def main():
        km, kc = await _kernel()
        try:
            running = asyncio.ensure_future(_run(kc, "import time; time.sleep(60)", timeout=90))
            await asyncio.sleep(1.0)
            await km.interrupt_kernel()
            _out, reply = await asyncio.wait_for(running, 20)
            assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
            assert (await _run(kc, "print(6 * 7)"))[0] == "42"  # interrupted, not ended

            first = km.provisioner.pid
            await km.restart_kernel(now=True)
            await kc.wait_for_ready(timeout=60)
            assert km.provisioner.pid != first
            # The old kernel is gone: killed, and reaped by the fork server (under load, a moment later).
            deadline = time.monotonic() + 15
            while psutil.pid_exists(first):
                assert time.monotonic() < deadline, f"the restarted kernel's old process is still there: {psutil.Process(first).status()}"
                await asyncio.sleep(0.1)
            assert psutil.Process(km.provisioner.pid).name() == forkserver.KERNEL_NAME  # forked again
            assert (await _run(kc, "print('back')"))[0] == "back"

            second = km.provisioner.pid
            assert await km.is_alive()
            os.kill(second, signal.SIGKILL)  # a kernel that dies: the manager sees it
            deadline = time.monotonic() + 10
            while await km.is_alive():
                assert time.monotonic() < deadline, "a dead forked kernel still counts as alive"
                await asyncio.sleep(0.1)
        finally:
            await _stop(km, kc)

    run(main())


def test_a_shut_down_forked_kernel_is_gone_and_runs_its_exit_handlers(fork_server, tmp_path):
    mark = tmp_path / "flushed"

    async def main():
        km, kc = await _kernel()
        pid = km.provisioner.pid
        await _run(kc, f"import atexit, pathlib; atexit.register(pathlib.Path({str(mark)!r}).write_text, 'saved')")
        kc.stop_channels()
        await km.shutdown_kernel()  # as a closed tab stops its kernel: asked, not killed
        return pid

    pid = run(main())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert mark.read_text() == "saved"  # a page's last saves run at exit (widgets/widget_text.py)


def test_without_its_fork_server_a_kernel_starts_the_ordinary_way_and_the_server_comes_back(fork_server, caplog):
    caplog.set_level(logging.WARNING, logger="slkit")
    fork_server.process.kill()
    fork_server.process.wait()

    async def main():
        km, kc = await _kernel()  # spawned: the page still opens
        try:
            proc = psutil.Process(km.provisioner.pid)
            assert "ipykernel" in " ".join(proc.cmdline()) and proc.ppid() == os.getpid()
            assert (await _run(kc, "print('spawned')"))[0] == "spawned"
        finally:
            await _stop(km, kc)
        deadline = time.monotonic() + 60
        while fork_server.process.poll() is not None or fork_server._restarting:
            assert time.monotonic() < deadline, "the fork server was not started again"
            await asyncio.sleep(0.2)
        km, kc = await _kernel()
        try:
            assert psutil.Process(km.provisioner.pid).name() == forkserver.KERNEL_NAME  # forked again
        finally:
            await _stop(km, kc)

    run(main())
    said = [r.getMessage() for r in caplog.records]
    assert sum("the fork server did not answer" in m for m in said) == 1, said
    assert any("runs again" in m for m in said), said
    assert fork_server.spawned == 1 and fork_server.forked == 1


def test_the_fork_server_forks_only_this_pythons_kernel_for_its_own_user(fork_server):
    with pytest.raises(forkserver.ForkUnavailable, match="not an ipykernel command"):
        fork_server.ask({"argv": ["/bin/sh", "-c", "touch /tmp/x"], "env": {}})
    with pytest.raises(forkserver.ForkUnavailable, match="not an ipykernel command"):
        fork_server.ask({"argv": ["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "x.json"], "env": {}})
    assert oct(os.stat(fork_server.folder).st_mode & 0o777) == "0o700"  # no one else reaches the socket
    assert fork_server.ask({"ping": 1})["pid"] == fork_server.process.pid


WARM_UP_CHECK = r"""
import atexit, json, os, sys, threading
from slkit import forkserver
forkserver._preload()
fds = sorted(os.listdir("/proc/self/fd"))
handlers = []  # the exit handlers registered from here on (atexit's own table cannot be read)
atexit.register = lambda func, *a, **k: handlers.append(func) or func
atexit.unregister = lambda func: handlers.remove(func) if func in handlers else None
hooks = (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook)
cold = forkserver._warm_up()
import ipykernel.debugger, ipykernel.ipkernel
from ipykernel.kernelapp import IPKernelApp
from IPython.core.interactiveshell import InteractiveShell
print(json.dumps(dict(
    cold=cold, threads=[t.name for t in threading.enumerate()], same_fds=sorted(os.listdir("/proc/self/fd")) == fds,
    exit_handlers=[f"{type(f.__self__).__name__}.{f.__name__}" for f in handlers if hasattr(f, "__self__")], same_hooks=hooks == (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook),
    singletons=[IPKernelApp.initialized(), InteractiveShell.initialized()], comm_manager=ipykernel.ipkernel._comm_manager is not None,
    debugger=ipykernel.debugger._is_debugpy_available, sys_of_ipkernel=ipykernel.ipkernel.sys is sys,
    history=os.path.exists(os.path.join(os.environ["IPYTHONDIR"], "profile_default", "history.sqlite")))))
"""


def test_the_kernel_built_to_warm_the_fork_server_leaves_nothing_behind(tmp_path):
    """The fork server builds one kernel before it forks any (so the children find its code
    already run) and takes it apart: no thread, file, hook, exit handler or singleton of it
    may reach a child, and the store it read is closed again."""
    import json
    import subprocess

    from slkit.store import Store

    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    Store(db).migrate()
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "SLKIT_DATABASE_URL": db, "TMPDIR": str(tmp_path / "tmp"), "IPYTHONDIR": str(tmp_path / "ipython")}
    out = subprocess.run([sys.executable, "-c", WARM_UP_CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == dict(cold=None, threads=["MainThread"], same_fds=True, exit_handlers=[], same_hooks=True,
                        singletons=[False, False], comm_manager=False, debugger=False, sys_of_ipkernel=True, history=False)
    assert list((tmp_path / "tmp").iterdir()) == []  # its connection file and sockets' folder are gone


def test_a_forked_kernel_uses_the_engine_the_fork_server_opened_on_the_store(tmp_path, monkeypatch):
    """The fork server reads the server's store once as a page does (the driver's first
    connection, the dialect learning its server, the statements compiled) and its kernels take
    that engine, with no connection of its own: a kernel reads and writes through it as through
    its own, and finds the session's read already compiled."""
    from slkit.store import Store

    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store(db)
    store.migrate()
    code = store.create_session("Shared engine").code
    monkeypatch.setenv("SLKIT_DATABASE_URL", db)
    forkserver.start()
    try:
        async def main():
            km, kc = await _kernel()
            try:
                said, reply = await _run(kc, "\n".join([
                    "import slkit.store as S",
                    "from sqlalchemy import event",
                    "s = S.Store()",
                    "hits = []",
                    "event.listen(s.engine, 'after_cursor_execute', lambda *a: a[2].startswith('SELECT') and hits.append(a[4].cache_hit.name))",
                    f"s.get_session({code!r})",
                    "print(hits)",
                    "print(s.engine is S._FORK_ENGINES[s.url.render_as_string(hide_password=False)], s.engine.dialect.server_version_info is not None,",
                    f"      s.get_session({code!r}).title.replace(' ', '_'), s.join({code!r}, 'Ann').display_name)",
                ]))
                assert reply["status"] == "ok", reply
                return said
            finally:
                await _stop(km, kc)

        assert run(main()) == "['CACHE_HIT']\nTrue True Shared_engine Ann"
    finally:
        forkserver.stop()
    assert store.participant_count(code) == 1
