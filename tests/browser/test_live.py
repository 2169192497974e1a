"""A room sitting on its team view: a page wakes its kernel only when something was stored.

The page's timer asks the server for the store's change token every 2 s (`/slkit/changes`) and
clicks its live view's tick only when the token moved: while nobody answers, the kernel hears
nothing; when someone answers, the person sees the new figures within a few seconds."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from slkit.content import get_framework

FW = get_framework("motivation_triad")


def _answer(store, code: str, name: str, value: int) -> None:
    p = store.join(code, name)
    store.save_answers(p, FW.id, {i.id: value for i in FW.items if i.kind == "rating"})


def test_a_team_view_wakes_its_kernel_only_when_someone_answered(kit):
    store = kit.server.store()
    s = store.create_session("Live room", threshold=3)
    for n, name in enumerate(("Ada", "Bo", "Cy")):
        _answer(store, s.code, name, 3 + n)

    clicks, asks = [], []
    pg = kit.context.new_page()

    def frames(ws):
        def sent(payload):
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            if '"event":"click"' in text:
                clicks.append(time.monotonic())
        ws.on("framesent", sent)

    pg.on("websocket", frames)
    pg.on("request", lambda r: asks.append(time.monotonic()) if r.url.endswith("/slkit/changes") else None)
    kit.join_and_open(s.code, FW.id, page=pg, width=390)
    kit.next_until(pg, "The team")
    status = pg.locator(".slk-team-panel .muted, .muted", has_text="people answered").first
    expect(status).to_have_text("3 people answered.", timeout=15_000)

    # Nobody answers for 12 s: the page asks the server, its kernel hears no tick.
    pg.wait_for_timeout(2500)  # the first look after the step appeared
    quiet_from = time.monotonic()
    pg.wait_for_timeout(12_000)
    assert len([t for t in asks if t > quiet_from]) >= 4, "the page's timer asks the server every 2 s"
    assert [t for t in clicks if t > quiet_from] == [], "a tick reached the kernel though nothing was stored"

    # Someone answers: within a few seconds the page wakes its kernel and shows the new count.
    answered = time.monotonic()
    _answer(store, s.code, "Di", 7)
    expect(status).to_have_text("4 people answered.", timeout=8_000)
    assert [t for t in clicks if t > answered], "the new figures came without a tick"
