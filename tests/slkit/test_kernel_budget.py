"""The kernel budget's rules, on a stand-in kernel manager (the server test is tests/browser/test_budget.py)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import json

from slkit.kernel_budget import KernelBudget, KernelGuard, full_page, joined_mark, parse_networks


class Kernels:
    def __init__(self):
        self.ids: list[str] = []
        self._kernel_connections: dict[str, int] = {}
        self.stopped: list[str] = []

    def list_kernel_ids(self):
        return list(self.ids)

    def __contains__(self, kernel_id):
        return kernel_id in self.ids

    def start(self, guard, address):
        kid = f"k{len(self.ids) + len(self.stopped)}"
        self.ids.append(kid)
        self._kernel_connections[kid] = 0
        guard.started(kid, address)
        return kid

    async def shutdown_kernel(self, kernel_id, now=False):
        self.ids.remove(kernel_id)
        self.stopped.append(kernel_id)


def sweep(guard):
    """Run one sweep on its own loop in a thread: in the full suite a browser test's
    Playwright holds this thread's running loop, and asyncio.run refuses to nest."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, guard.sweep()).result()


def admit(guard, address, **kw):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, guard.admit(address, **kw)).result()


def test_the_cap_the_address_rule_and_the_reserve(tmp_path, monkeypatch):
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=4, per_address=2, connect_timeout=30), folder=tmp_path)
    for _ in range(2):
        assert admit(guard, "192.0.2.9") is None
        km.start(guard, "192.0.2.9")
    assert admit(guard, "192.0.2.9") == "address"  # two pages open from there
    assert admit(guard, "192.0.2.10") is None
    km._kernel_connections["k0"] = 1  # the first page connected: it still counts, for as long as it is open
    sweep(guard)
    assert admit(guard, "192.0.2.9") == "address"
    km.ids.remove("k0")  # its tab closed: the kernel is gone
    sweep(guard)
    assert admit(guard, "192.0.2.9") is None
    km.start(guard, "192.0.2.10")
    km.start(guard, "127.0.0.1")
    km.start(guard, "127.0.0.1")
    assert admit(guard, "192.0.2.11") == "full"  # four kernels: the cap
    assert admit(guard, "192.0.2.11", facilitator=True) is None  # the console's reserve, its key checked
    assert admit(guard, "127.0.0.1") == "address"  # loopback counts like any other address
    assert (tmp_path / "kernels.json").exists()
    status = json.loads((tmp_path / "kernels.json").read_text())
    assert status["refused"] == {"full": 1, "address": 3} and status["cap"] == 4 and status["per_address"] == 2


def test_an_exempt_address_and_ipv6_networks(tmp_path, monkeypatch):
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=20, per_address=2, exempt=parse_networks("127.0.0.1")), folder=tmp_path)
    for _ in range(5):
        km.start(guard, "127.0.0.1")
    assert admit(guard, "127.0.0.1") is None  # the facilitator's own machine, by configuration
    km.start(guard, "2001:db8:1:2::10")
    km.start(guard, "2001:db8:1:2::11")  # another address of the same device's network
    assert admit(guard, "2001:db8:1:2:ffff::1") == "address"
    assert admit(guard, "2001:db8:1:3::1") is None


def test_a_full_server_takes_back_a_page_that_never_joined_before_refusing(tmp_path, monkeypatch):
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    clock = [1000.0]
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=3, per_address=10), clock=lambda: clock[0], folder=tmp_path)
    idle = km.start(guard, "192.0.2.1")  # a page that never joined
    joined = km.start(guard, "192.0.2.2")
    joined_mark(joined, tmp_path).parent.mkdir(parents=True, exist_ok=True)
    joined_mark(joined, tmp_path).touch()
    km.start(guard, "192.0.2.3")
    clock[0] += 30
    assert admit(guard, "192.0.2.4") == "full"  # the idle page is still young: nobody is taken out
    clock[0] += 40
    assert admit(guard, "192.0.2.4") is None  # now it gives its kernel back
    assert km.stopped == [idle] and joined in km.ids


def test_a_full_server_takes_back_as_many_idle_pages_as_a_new_page_needs(tmp_path, monkeypatch):
    """The console's kernels count too: with the room full and the console open, a page can need
    two idle pages' kernels. Taking one and turning the page away all the same gives it back for
    nothing."""
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    clock = [1000.0]
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=3, per_address=10), clock=lambda: clock[0], folder=tmp_path)
    idle = [km.start(guard, f"192.0.2.{n}") for n in range(3)]
    clock[0] += 100
    for _ in range(2):  # the console and the room screen, their key checked: the reserve
        assert admit(guard, "192.0.2.50", facilitator=True) is None
        kid = f"f{len(km.ids)}"
        km.ids.append(kid)
        guard.started(kid, "192.0.2.50", facilitator=True)
    assert admit(guard, "192.0.2.9") is None
    assert km.stopped == idle  # five kernels for a cap of three: all three idle pages gave theirs back


def test_a_page_that_left_does_not_hold_its_place_while_its_kernel_stops(tmp_path, monkeypatch):
    """A tab's beacon stops its kernel a moment later (its last words are saved first). A page
    reloading on a full server ("Not you?", a language change) is not turned away by its own old
    page in the meantime, by the cap or by the address rule."""
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=2, per_address=1), folder=tmp_path)
    km.start(guard, "192.0.2.1")
    mine = km.start(guard, "192.0.2.2")
    assert admit(guard, "192.0.2.2") == "address"
    guard.left(mine)  # the beacon came; the kernel is still there for a moment
    assert admit(guard, "192.0.2.2") is None
    km.start(guard, "192.0.2.2")
    assert admit(guard, "192.0.2.3") == "full"  # the new page counts
    km.ids.remove(mine)
    sweep(guard)
    assert guard.leaving == set()


def test_pages_that_never_connect_are_stopped_after_the_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    clock = [1000.0]
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=10, per_address=10, connect_timeout=30), clock=lambda: clock[0], folder=tmp_path)
    a, b = km.start(guard, "192.0.2.9"), km.start(guard, "192.0.2.9")
    km._kernel_connections[a] = 1
    clock[0] += 29
    sweep(guard)
    assert km.stopped == []
    clock[0] += 2
    sweep(guard)
    assert km.stopped == [b] and km.ids == [a]  # the connected page keeps its kernel


def test_the_full_page_says_what_to_do_and_does_not_reload_itself():
    page = full_page("full")
    assert "The workshop is full right now" in page and "Answers you already gave are saved." in page
    assert "http-equiv" not in page and "<main>" in page and "lang='en'" in page
    assert "Many pages are open from this device or network" in full_page("address")


def test_the_time_to_connect_counts_from_when_the_page_reached_its_browser(tmp_path, monkeypatch):
    """Under load a page can take longer to render than the timeout: its kernel is not stopped
    while the page is on its way, only when the browser has had the page that long."""
    monkeypatch.setattr("slkit.kernel_budget.DATA_DIR", tmp_path)
    clock = [1000.0]
    km = Kernels()
    guard = KernelGuard(km, KernelBudget(total=10, per_address=10, connect_timeout=30), clock=lambda: clock[0], folder=tmp_path)
    slow = km.start(guard, "192.0.2.9")
    guard.started(slow, "192.0.2.9", rendering=True)  # as the page handler reports it
    clock[0] += 45  # rendering took 45 s
    sweep(guard)
    assert km.stopped == []
    guard.delivered(slow)
    clock[0] += 20
    sweep(guard)
    assert km.stopped == []
    clock[0] += 11
    sweep(guard)
    assert km.stopped == [slow]
