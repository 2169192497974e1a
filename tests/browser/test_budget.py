"""The kernel budget, against a real server: a cap on kernels with a clear page beyond it while
people already in keep working; kernels of pages that never connect stopped; a cap on pages
open per client address; the console showing the count and the cap."""

import urllib.error
import urllib.request

import pytest

from slkit.devtools import kernel_processes, start_server, stop_server
from slkit.network import room_addresses
from slkit.sessions import facilitator_link, participant_link

from .conftest import wait_until

MODULE = "04_five_practices.ipynb"


def get(url: str) -> tuple[int, str]:
    """A page fetched the way a script would: no JavaScript, so its kernel is never connected."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture
def capped(tmp_path):
    server = start_server(tmp_path, "--max-kernels", "3", "--connect-timeout", "20")  # a page under load can take 8 s to connect
    yield server
    stop_server(server.process)


def test_a_full_server_says_so_and_people_already_in_keep_working(capped, context, audit, kit):
    store = capped.store()
    session = store.create_session("Budget day", modules=["five_practices"], start_open=True)
    ann = context.new_page()
    ann.set_viewport_size({"width": 390, "height": 844})
    ann.goto(participant_link(capped.base_url, MODULE, session.code))
    ann.get_by_role("button", name="Join the session").click()
    ann.locator(".slk-rating").first.wait_for()
    url = f"{capped.base_url}/voila/render/{MODULE}?session={session.code}"
    assert [get(url)[0] for _ in range(2)] == [200, 200]  # two pages from a script: the cap of 3 is reached
    status, body = get(url)
    assert status == 503 and "The workshop is full right now" in body

    late = context.new_page()
    late.set_viewport_size({"width": 390, "height": 844})
    response = late.goto(url)
    assert response.status == 503 and response.headers["retry-after"] == "20"
    late.get_by_role("heading", name="The workshop is full right now").wait_for()
    audit(late, "workshop full")
    kit.screenshot(late, "workshop_full_phone", full=False)

    # Ann, already in, answers on: her page has its kernel.
    ann.locator(".slk-rating").first.get_by_role("radio", name="6", exact=True).click()
    ann.locator(".savebar", has_text="Saved").wait_for()
    assert [r["value"] for r in store.answers(session.code, "five_practices")] == [6]

    # The facilitator is never locked out by a full room: the console has kernels of its own.
    console = context.new_page()
    console.goto(facilitator_link(capped.base_url, session.key, session.code))
    console.locator(".console-top").wait_for()
    assert wait_until(lambda: "of at most 3 pages open on the server" in console.locator(".joined").inner_text(), 20)

    # The script's pages never connected: their kernels stop, and the late page gets in.
    assert wait_until(lambda: len(kernel_processes(capped)) == 2, 40), "the unconnected kernels are still running"
    # As the page says: try again in a moment (a stopped kernel leaves the server's count just
    # after its process is gone).
    assert wait_until(lambda: late.reload().status == 200, 20), "the late page never got in"
    late.locator(".slk-rating").first.wait_for()  # in (the browser remembers Ann: no second join)


def test_pages_open_are_capped_per_address(tmp_path):
    lan = next(iter(room_addresses()), None)
    if lan is None:  # a machine with loopback only (a sandbox): the rule itself is tested in tests/slkit/test_kernel_budget.py
        pytest.skip("this machine has no network address other than loopback")
    server = start_server(tmp_path, "--host", "0.0.0.0", "--max-per-address", "2", "--connect-timeout", "60")
    try:
        from_lan = f"http://{lan}:{server.base_url.rsplit(':', 1)[1]}/voila/render/{MODULE}"
        assert [get(from_lan)[0] for _ in range(2)] == [200, 200]
        status, body = get(from_lan)
        assert status == 503 and "Many pages are open from this device or network" in body
        assert get(f"{server.base_url}/voila/render/{MODULE}")[0] == 200  # another address (here: loopback) is not held
        assert len(kernel_processes(server)) == 3
    finally:
        stop_server(server.process)
