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
