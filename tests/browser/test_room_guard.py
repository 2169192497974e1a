"""One client must not take the room (a real server, a real Chromium, and clients that speak the
page's protocol as a browser does, each from an address of its own through a trusted proxy's
X-Forwarded-For):

- a client holding pages open until the cap: the facilitator's console and room screen, with
  their keys, still open; a console without a key takes nothing; another address gets in once
  pages that never joined give their kernels back, and is told clearly until then;
- wrong personal codes from one device slow that device down (the kernel knows its address);
- one person cannot make themselves several by leaving the browser and joining again: the team
  view stays closed, the console asks the facilitator to count the newcomer in;
- the browser keeps the person in a cookie no script can read.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request

import pytest

from benchmarks.participant import Participant
from slkit.devtools import kernel_processes, start_server, stop_server
from slkit.sessions import facilitator_link, join_link, screen_link

from .conftest import PAGE_TIMEOUT_MS, Kit, wait_until

MODULE = "04_five_practices.ipynb"


class Loop:
    """An event loop on a thread of its own, for clients that keep their pages open while the
    browser does other things."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 180):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def status_of(url: str, headers: dict | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=90) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture
def guarded(tmp_path):
    # A small server: six pages at most, three per address; a page that never joined gives its
    # kernel back after 30 s when the server is full (60 s by default).
    server = start_server(tmp_path, "--max-kernels", "6", "--max-per-address", "3", "--connect-timeout", "120",
                          env={"SLKIT_UNJOINED_GRACE": "30"})
    loop = Loop()
    yield server, loop
    loop.stop()
    stop_server(server.process)


def test_one_client_holding_pages_open_cannot_take_the_room(guarded, browser, audit):
    server, loop = guarded
    store = server.store()
    session = store.create_session("Guarded room", modules=["five_practices"], start_open=True)
    url = f"{server.base_url}/voila/render/{MODULE}?session={session.code}"

    def holder(address: str) -> Participant:
        return Participant(server.base_url, url, [], headers={"X-Forwarded-For": address})

    async def hold(address: str, n: int) -> list:
        out = []
        for _ in range(n):
            p = holder(address)
            try:
                await p.open_page()
            except Exception as e:  # noqa: BLE001 - a refusal is an answer here
                out.append(e)
                continue
            out.append(p)
        return out

    # One client, from one address: three pages open (kernel websocket connected, as a browser
    # keeps them), the fourth refused.
    first = loop.run(hold("10.66.0.1", 4))
    assert [type(x).__name__ for x in first] == ["Participant"] * 3 + ["HTTPClientError"]
    assert "503" in str(first[3])
    # The same client, rotating a forged header, gains nothing: from an untrusted peer it counts
    # for nothing (here the peer is this machine, a trusted proxy, so it shows what a proxy
    # passes on: another address). A second address fills the cap.
    second = loop.run(hold("10.66.0.2", 3))
    assert all(isinstance(x, Participant) for x in second)
    code, body = status_of(url, {"X-Forwarded-For": "10.66.0.3"})
    assert code == 503 and "The workshop is full right now" in body

    # The console without a key is a page like any other: the server is full, it gets none.
    code, body = status_of(f"{server.base_url}/voila/render/facilitator.ipynb?session={session.code}", {"X-Forwarded-For": "10.66.0.4"})
    assert code == 503
    assert len(kernel_processes(server)) == 6

    # The facilitator, with the key: the console and the room screen open all the same.
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, extra_http_headers={"X-Forwarded-For": "10.66.0.1"})
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        console = ctx.new_page()
        console.goto(facilitator_link(server.base_url, session.key, session.code))
        console.locator(".console-top").wait_for()
        screen = ctx.new_page()
        screen.goto(screen_link(server.base_url, session.code, session.screen_key))
        screen.locator(".screen-code").wait_for()
        assert len(kernel_processes(server)) == 8
        # The room is full, and the console says so, with what to do.
        assert wait_until(lambda: console.locator(".full-room").count() > 0, 30), "the console does not say the room is full"
        assert "--max-kernels" in console.locator(".full-room").first.inner_text()
        audit(console, "console with a full room")

        # A participant from another address: told clearly while the server is full, then in,
        # once a page that never joined has had its grace time.
        phone = browser.new_context(viewport={"width": 390, "height": 844}, extra_http_headers={"X-Forwarded-For": "10.66.0.9"})
        phone.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            ann = phone.new_page()
            assert wait_until(lambda: ann.goto(join_link(server.base_url, session.code)).status == 200, 90), "the participant never got in"
            ann.get_by_role("button", name="Join the session", exact=True).click()
            ann.locator(".module-card").first.wait_for()
            # Her browser keeps her in a cookie no script can read, sent to the kit's pages only.
            cookies = {c["name"]: c for c in phone.cookies()}
            mine = cookies[f"slk_{session.code}"]
            assert mine["httpOnly"] and mine["path"].endswith("/voila/") and mine["sameSite"] == "Lax"
            assert f"slk_{session.code}" not in ann.evaluate("document.cookie")
            ann.reload()
            ann.locator(".module-card").first.wait_for()  # still her after a reload: no second join
            assert ann.get_by_role("button", name="Join the session").count() == 0

            # Wrong personal codes from her device slow it down (the kernel knows her address).
            guess = phone.new_page()
            guess.goto(join_link(server.base_url, session.code))
            # (this browser knows her: leave it first, as someone else picking up the phone would)
            guess.get_by_role("button", name="Not you? Leave this browser").click()
            guess.get_by_role("button", name="Join the session", exact=True).wait_for()
            field = guess.get_by_placeholder("ABCD-EFGH")
            for n in range(6):
                field.fill(f"AAAA-AAA{'ABCDEFGH'[n]}")
                guess.get_by_role("button", name="Continue", exact=True).click()
                guess.wait_for_timeout(400)
            guess.get_by_text("Too many wrong personal codes were tried from this device").wait_for()
            Kit.screenshot(guess, "guard_code_slowdown_phone", full=False)
        finally:
            phone.close()
    finally:
        ctx.close()
        for p in first + second:
            if isinstance(p, Participant):
                loop.run(p.leave(p.kernel_id))


def test_leaving_and_joining_again_does_not_open_the_team_view(kit, context, browser, audit):
    """The attack that opened a team view with one real other person in it: join, leave this
    browser, join again, until the page says "3 people". Now the newcomer is not counted until
    the facilitator counts them in, and the console says so."""
    store = kit.server.store()
    s = store.create_session("One person, one count", threshold=3, modules=["five_practices"], start_open=True)
    victim = store.join(s.code, "Victim")
    store.save_answers(victim, "five_practices", {"mw_voice_purpose": 9})

    me = kit.join_session(s.code, "Me", width=390)
    kit.open_module(me, "five_practices")
    me.locator(".slk-rating").first.get_by_role("radio", name="1", exact=True).click()
    me.locator(".savebar", has_text="Saved").wait_for()
    for again in ("Me again", "Me a third time"):
        kit.go_home(me)
        me.get_by_role("button", name="Not you? Leave this browser").click()
        me.get_by_role("button", name="Join the session", exact=True).wait_for()
        me.get_by_label("Your name (optional)").fill(again)
        me.get_by_role("button", name="Join the session", exact=True).click()
        me.locator(".module-card").first.wait_for()
        kit.open_module(me, "five_practices")
        me.locator(".slk-rating").first.get_by_role("radio", name="1", exact=True).click()
        me.locator(".savebar", has_text="Saved").wait_for()
    kit.next_until(me, "The team")
    waiting = me.locator(".waiting")
    waiting.wait_for()
    assert "2 of 3 answers so far" in waiting.inner_text()  # the victim and the first "me": two people
    assert me.locator(".slk-chart").count() == 0

    console = kit.facilitator_opens_board(s.code, s.key, width=1366)
    notice = console.locator(".waiting-count")
    notice.wait_for()
    assert "2 people joined again from browsers that had left this session" in notice.inner_text()
    audit(console, "console asking to count people in")
    assert store.participant_count(s.code) == 2
