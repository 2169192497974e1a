"""A participant without a browser: the requests and kernel messages a participant's page
makes, so that a burst measures the server and the kernels alone.

In a room every participant brings their own phone; on this machine 30 Chromium pages would
share the server's two cores. This client does what the page does, in the same order:

1. GET the page (the server starts a kernel and runs the notebook while it answers);
2. GET the static files a real Chromium fetched for that page (recorded in the same run);
3. open the kernel's websocket and ask for every widget's state, as ipywidgets' manager does;
4. click "Join the session" (a new person), then the 5 of the first rating (the same messages a click sends);
5. wait until the page says "Saved.";
6. leave like a closed tab: the shutdown beacon, then the websocket closes.

Example::

    seconds = asyncio.run(Participant(base_url, page_url, assets).join_and_rate())
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

AsyncHTTPClient.configure(None, max_clients=1000)  # each participant is its own browser

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')
# The page's script that asks the server to remember the person (widgets/widget_join.py,
# person_cookie_js): its body, a JSON string inside the script.
REMEMBER = re.compile(r"""/slkit/cookie',\{.*?body:("(?:[^"\\]|\\.)*")\}""")
PARALLEL_FETCHES = 6  # what a browser opens to one host


class Participant:
    def __init__(self, base_url: str, page_url: str, assets: list[str], timeout: float = 300.0, headers: dict | None = None):
        self.base_url, self.page_url, self.assets, self.timeout = base_url.rstrip("/"), page_url, assets, timeout
        self.http = AsyncHTTPClient()
        self.cookies: dict[str, str] = {}
        self.session = uuid.uuid4().hex
        self.states: dict[str, dict] = {}  # widget model id -> state, as the page knows it
        self.ws = None
        self.kernel_id: str | None = None
        self.seen: dict[str, str] = {}  # gated tick -> the change token it was last clicked at
        self.rounds = 0  # of the page's timer
        self.extra_headers = dict(headers or {})  # e.g. a proxy's X-Forwarded-For, in tests

    async def _get(self, url: str) -> bytes:
        r = await self.http.fetch(HTTPRequest(url, headers=self._headers(), decompress_response=True,
                                              request_timeout=self.timeout, follow_redirects=True))
        self._keep_cookies(r)
        return r.body

    def _headers(self) -> dict[str, str]:
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        return {**self.extra_headers, **cookie}

    def _keep_cookies(self, response) -> None:
        for c in response.headers.get_list("Set-Cookie"):
            name, _, rest = c.partition("=")
            value = rest.split(";")[0]
            if "max-age=0" in c.lower() or "expires=thu, 01 jan 1970" in c.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value

    async def _fetch_assets(self) -> None:
        gate = asyncio.Semaphore(PARALLEL_FETCHES)

        async def one(path):
            async with gate:
                await self._get(self.base_url + path)

        await asyncio.gather(*(one(p) for p in self.assets))

    def _message(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> str:
        header = dict(msg_id=uuid.uuid4().hex, username="participant", session=self.session, msg_type=msg_type,
                      version="5.3", date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        return json.dumps(dict(header=header, parent_header={}, metadata=metadata or {}, content=content, channel=channel, buffers=[]))

    async def _send_comm(self, comm_id: str, data: dict) -> None:
        await self.ws.write_message(self._message("comm_msg", dict(comm_id=comm_id, data=data)))

    def _take(self, msg: dict) -> None:
        """Keep the widget states up to date from what the kernel sends."""
        kind, content = msg["header"]["msg_type"], msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.states[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") == "update" and content["comm_id"] in self.states:
                self.states[content["comm_id"]].update(data.get("state", {}))
            elif data.get("method") == "update_states":
                for model_id, model in data["states"].items():
                    self.states[model_id] = dict(model["state"])

    async def _until(self, found, what: str):
        """Read messages until `found(states)` gives something."""
        deadline = time.monotonic() + self.timeout
        while (hit := found()) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {what} within {self.timeout:.0f} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError(f"the kernel's websocket closed before {what}")
            if isinstance(raw, str):
                self._take(json.loads(raw))
        return hit

    def _widget(self, model: str, test) -> str | None:
        for model_id, state in self.states.items():
            if state.get("_model_name") == model and test(state):
                return model_id
        return None

    async def open_page(self, url: str | None = None) -> str:
        """What a page load does: the page, its files, its kernel's websocket, every widget's
        state. Returns the kernel id (the page is open until `leave`)."""
        self.states = {}
        html = (await self._get(url or self.page_url)).decode()
        kernel = KERNEL_ID.search(html)
        if not kernel:
            raise RuntimeError("the page holds no kernel id")
        self.kernel_id = kernel.group(1)
        await self._fetch_assets()
        await self._get(f"{self.base_url}/api/kernels/{self.kernel_id}")
        ws_url = urlsplit(self.base_url)._replace(scheme="ws").geturl() + f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers=self._headers(), request_timeout=self.timeout),
                                          max_message_size=64 * 1024 * 1024)
        control = uuid.uuid4().hex
        await self.ws.write_message(self._message("kernel_info_request", {}))
        await self.ws.write_message(self._message(
            "comm_open", dict(comm_id=control, target_name="jupyter.widget.control", data={}), metadata={"version": "1.0.0"}))
        await self._send_comm(control, {"method": "request_states"})
        return self.kernel_id

    def scales(self) -> list[str]:
        """The page's rating scales, in the order of its questions."""
        return [m for m, s in self.states.items() if s.get("_model_name") == "ToggleButtonsModel" and "slk-scale" in s.get("_dom_classes", ())]

    async def rate(self, position: int, label: str) -> None:
        """Choose `label` on the page's rating scale number `position` (0: the first); wait for 'Saved.'."""
        await self._until(lambda: True if len(self.scales()) > position else None, "rating scale")
        scale = self.scales()[position]
        index = self.states[scale]["_options_labels"].index(label)
        for model_id, state in self.states.items():  # an earlier "Saved." must not count for this answer
            if state.get("_model_name") == "HTMLModel" and "Saved." in state.get("value", ""):
                state["value"] = ""
        await self._send_comm(scale, {"method": "update", "state": {"index": index}, "buffer_paths": []})
        await self._until(lambda: self._widget("HTMLModel", lambda s: "Saved." in s.get("value", "")), "'Saved.'")

    def chosen(self, position: int) -> str | None:
        """The label chosen on rating scale number `position`, as the page shows it."""
        state = self.states[self.scales()[position]]
        return None if state.get("index") is None else state["_options_labels"][state["index"]]

    async def remember(self) -> None:
        """What the page's script does to remember the person (a browser runs it): post what the
        kernel gave it to the server, which sets the cookie."""
        for state in self.states.values():
            for output in state.get("outputs", ()) or ():
                found = REMEMBER.search(str(output.get("data", {}).get("application/javascript", "")))
                if found:
                    body = json.loads(found.group(1))
                    r = await self.http.fetch(HTTPRequest(
                        f"{self.base_url}/slkit/cookie", method="POST", body=body, request_timeout=self.timeout,
                        headers={**self._headers(), "Content-Type": "application/json", "X-XSRFToken": self.cookies.get("_xsrf", "")}))
                    self._keep_cookies(r)

    async def _join_button(self) -> str:
        return await self._until(lambda: self._widget("ButtonModel", lambda s: s.get("description") == "Join the session"), "join button")

    async def first_screen(self) -> None:
        """Open the page and wait for its first screen (the join form)."""
        await self.open_page()
        await self._join_button()

    async def join(self) -> None:
        """On an open page: click 'Join the session', wait for the module's first step."""
        start = await self._join_button()
        await self._send_comm(start, {"method": "custom", "content": {"event": "click"}})
        await self._until(lambda: self.scales() or None, "rating scale")
        await self.remember()

    async def join_and_rate(self, *, leave: bool = True) -> float:
        """Open the page, start, give the first behaviour a 5; seconds until the page said Saved."""
        t0 = time.perf_counter()
        await self.open_page()
        try:
            await self.join()
            await self.rate(0, "5")
            await self.remember()
            return time.perf_counter() - t0
        finally:
            if leave:
                await self.leave(self.kernel_id)

    def live_ticks(self) -> list[str]:
        return [m for m, st in self.states.items() if st.get("_model_name") == "ButtonModel"
                and "slk-tick" in st.get("_dom_classes", ()) and "slk-live" in st.get("_dom_classes", ())]

    async def _drain(self, seconds: float) -> None:
        """Take in what the kernel sends for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), left)
            except asyncio.TimeoutError:
                return
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            if isinstance(raw, str):
                self._take(json.loads(raw))

    def step_title(self) -> str | None:
        found = self._widget("HTMLModel", lambda s: "slk-step-title" in s.get("value", "") or "slk-step-title" in s.get("_dom_classes", ()))
        return self.states[found].get("value") if found else None

    async def next_until_live(self, most: int = 12, settle: float = 120.0) -> bool:
        """Click Next step by step until the page shows a live view (the team's results); after
        each click, wait for the next step to arrive (under load that takes a while: a click sent
        before it did would skip a step)."""
        for _ in range(most):
            if self.live_ticks():
                break
            nxt = self._widget("ButtonModel", lambda s: s.get("description") == "Next" and not s.get("disabled"))
            if nxt is None:
                return False
            before = self.step_title()
            await self._send_comm(nxt, {"method": "custom", "content": {"event": "click"}})
            deadline = time.monotonic() + settle
            while self.step_title() == before and time.monotonic() < deadline:
                await self._drain(0.3)
            await self._drain(0.3)  # the step's own widgets
        if self.live_ticks():
            await self.timer_round()  # the page's timer wakes a view that has just appeared
            return True
        return False

    async def timer_round(self) -> int:
        """One round of the page's timer (widgets/widget_live.py): click each live ticker's hidden
        tick, a gated one only when the server's change token moved since it was last clicked
        (or every ALWAYS_EVERY rounds). Returns the ticks sent."""
        from slkit.widgets.widget_live import ALWAYS_EVERY

        self.rounds += 1
        ticks, sent, token = self.live_ticks(), 0, ""
        gated = [m for m in ticks if "slk-gated" in self.states[m].get("_dom_classes", ())]
        if gated:
            token = (await self._get(f"{self.base_url}/slkit/changes")).decode()
        for model_id in ticks:
            if model_id in gated:
                if token and self.rounds % ALWAYS_EVERY and self.seen.get(model_id) == token:
                    continue
                self.seen[model_id] = token
            await self._send_comm(model_id, {"method": "custom", "content": {"event": "click"}})
            sent += 1
        return sent

    async def sit(self, seconds: float, period: float = 2.0) -> int:
        """Stay on the page as a browser does: a timer round every `period` seconds, so live views
        refresh from the store when something was stored. Returns the ticks sent."""
        sent = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            round_start = time.monotonic()
            sent += await self.timer_round()
            await self._drain(max(0.05, min(period - (time.monotonic() - round_start), deadline - time.monotonic())))
        return sent

    async def leave(self, kernel_id: str) -> None:
        """What a closed tab does: the page's shutdown beacon, then the socket goes."""
        xsrf = self.cookies.get("_xsrf", "")
        try:
            await self.http.fetch(HTTPRequest(f"{self.base_url}/voila/api/shutdown/{kernel_id}", method="POST",
                                              headers={**self._headers(), "X-XSRFToken": xsrf}, body="",
                                              request_timeout=30))
        except Exception:  # noqa: BLE001 - a beacon is fire-and-forget in the browser too
            pass
        if self.ws is not None:
            self.ws.close()
