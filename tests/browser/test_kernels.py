"""A closed tab's kernel stops; an open tab's kernel stays."""

import time

from slkit.devtools import kernel_processes


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_closing_a_tab_stops_its_kernel(kit):
    before = {p.pid for p in kernel_processes(kit.server)}
    keep = kit.landing()
    close = kit.landing()
    mine = [p for p in kernel_processes(kit.server) if p.pid not in before]
    assert len(mine) == 2
    close.close(run_before_unload=True)
    assert _wait_for(lambda: len([p for p in kernel_processes(kit.server) if p.pid not in before]) == 1), "the closed tab's kernel is still running"
    assert keep.locator(".slk").first.is_visible()
    keep.close(run_before_unload=True)
    assert _wait_for(lambda: not [p for p in kernel_processes(kit.server) if p.pid not in before])
