"""A real `slkit serve` whose pages' kernels are forked (the default on Linux): each page reads
its own request, culling and stopping reach the forked kernels, and a fork server that dies
costs no page."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import psutil
import pytest

from benchmarks.participant import Participant
from slkit.devtools import LOCAL_ROOM, fork_servers, is_kernel, kernel_processes, start_server, stop_server
from slkit.forkserver import KERNEL_NAME
from slkit.sessions import join_link

from .conftest import Kit, wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is for Linux")


def everything(server) -> list:
    """The server's fork server and every kernel, forked or spawned (by pid, to check later)."""
    return [p.pid for p in fork_servers(server)] + [p.pid for p in kernel_processes(server)]


def run(coro):
    """A coroutine of protocol clients, on a loop of its own (Playwright's runs in this thread)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(300)


def gone(pids) -> bool:
    def dead(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True
    return all(dead(p) for p in pids)


def test_two_people_opening_pages_at_once_each_get_their_own_from_forked_kernels(kit, browser):
    store = kit.server.store()
    people = []
    for title, name in (("Fork day A", "Ann"), ("Fork day B", "Bob")):
        s = store.create_session(title)
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        Kit(kit.server, ctx).join_session(s.code, name)
        people.append((ctx, s, title, name))
    try:
        pages = [ctx.new_page() for ctx, *_ in people]
        # Both at once: each navigation is sent before either page has rendered.
        for pg, (_ctx, s, *_rest) in zip(pages, people):
            pg.goto(join_link(kit.server.base_url, s.code), wait_until="commit")
        for pg, (_ctx, s, title, name) in zip(pages, people):
            pg.locator(".module-card").first.wait_for()
            text = " ".join(pg.locator(".slk").all_inner_texts())
            assert title in text and name in text and ({"Ann", "Bob"} - {name}).pop() not in text
        forked = [p for p in kernel_processes(kit.server) if p.name() == KERNEL_NAME]
        assert len(forked) >= 2 and len(forked) == len(kernel_processes(kit.server))  # every page's kernel is forked
        assert "fork server did not answer" not in kit.server.log()
    finally:
        for ctx, *_ in people:
            ctx.close()


def test_a_page_left_without_a_word_has_its_forked_kernel_culled(tmp_path):
    server = start_server(tmp_path, *LOCAL_ROOM, "--cull-idle-timeout", "3", env={"SLKIT_CULL_INTERVAL": "2"})
    try:
        async def leave_abruptly():
            p = Participant(server.base_url, server.base_url + "/voila/render/index.ipynb", [])
            kernel = await p.open_page()
            await asyncio.sleep(1)
            p.ws.close()  # a phone that went out of range: no beacon, no goodbye
            return kernel

        run(leave_abruptly())
        kernels = [p.pid for p in kernel_processes(server)]
        assert len(kernels) == 1 and psutil.Process(kernels[0]).name() == KERNEL_NAME
        assert wait_until(lambda: gone(kernels), 40), "the idle forked kernel was not culled"
    finally:
        stop_server(server.process)


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_a_server_stopped_or_killed_leaves_no_kernel_and_no_fork_server(tmp_path, how):
    server = start_server(tmp_path, *LOCAL_ROOM)
    try:
        async def open_two():
            crowd = [Participant(server.base_url, server.base_url + "/voila/render/index.ipynb", []) for _ in range(2)]
            await asyncio.gather(*(p.open_page() for p in crowd))
            return crowd

        crowd = run(open_two())
        pids = everything(server)
        assert len(fork_servers(server)) == 1 and len(pids) == 3, pids
        if how == "killed":
            os.kill(server.process.pid, signal.SIGKILL)  # the server alone: nothing gets to clean up
        else:
            os.kill(server.process.pid, signal.SIGINT)  # Ctrl+C, as the facilitator stops it
            os.kill(server.process.pid, signal.SIGINT)  # (Jupyter asks for a second one to be sure)
        server.process.wait(30)
        assert wait_until(lambda: gone(pids), 20), f"left behind: {[p for p in pids if not gone([p])]}"
        del crowd
    finally:
        stop_server(server.process)


def test_a_killed_fork_server_costs_no_page_and_comes_back(tmp_path, context):
    server = start_server(tmp_path, *LOCAL_ROOM)
    try:
        kit = Kit(server, context)
        store = server.store()
        s = store.create_session("Fork server down")
        first = kit.join_session(s.code, "Kari")
        before = [p.pid for p in kernel_processes(server)]
        (fork,) = fork_servers(server)
        fork.kill()
        assert wait_until(lambda: gone([fork.pid]), 10)
        # The page already open keeps its kernel; the next page opens all the same.
        assert not gone(before)
        second = kit.landing(s.code)
        second.locator(".module-card").first.wait_for()
        assert "Kari" in " ".join(second.locator(".slk").all_inner_texts())
        assert first.locator(".module-card").first.is_visible()
        assert wait_until(lambda: "fork server did not answer" in server.log(), 10)
        assert wait_until(lambda: "fork server runs again" in server.log(), 60), server.log()[-2000:]
        third = kit.landing(s.code)
        third.locator(".module-card").first.wait_for()
        newest = max(kernel_processes(server), key=lambda p: p.create_time())
        assert newest.name() == KERNEL_NAME and newest.ppid() == fork_servers(server)[0].pid  # forked again
        assert server.log().count("fork server did not answer") == 1  # said once, not per page
        assert all(is_kernel(psutil.Process(p)) for p in before if not gone([p]))
    finally:
        stop_server(server.process)
