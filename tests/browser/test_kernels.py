"""A closed tab's kernel stops; an open tab's kernel stays."""

from slkit.devtools import kernel_processes

from .conftest import wait_until


def test_closing_a_tab_stops_its_kernel(kit):
    before = {p.pid for p in kernel_processes(kit.server)}
    keep = kit.landing()
    close = kit.landing()
    mine = [p for p in kernel_processes(kit.server) if p.pid not in before]
    assert len(mine) == 2
    close.close(run_before_unload=True)
    assert wait_until(lambda: len([p for p in kernel_processes(kit.server) if p.pid not in before]) == 1), "the closed tab's kernel is still running"
    assert keep.locator(".slk").first.is_visible()
    keep.close(run_before_unload=True)
    assert wait_until(lambda: not [p for p in kernel_processes(kit.server) if p.pid not in before])


def test_a_page_that_fails_tells_the_participant_what_to_do_not_how_to_debug(tmp_path, context):
    import nbformat

    from slkit.devtools import start_server, stop_server

    workshops = tmp_path / "workshops"
    workshops.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('secret detail')")])
    nbformat.write(nb, workshops / "broken.ipynb")
    server = start_server(tmp_path, env={"SLKIT_WORKSHOPS_DIR": str(workshops)})
    try:
        pg = context.new_page()
        pg.goto(f"{server.base_url}/voila/render/broken.ipynb")
        message = pg.get_by_text("This page could not start")
        message.wait_for()
        text = pg.locator("body").inner_text()
        assert "Reload it to try again" in text and "secret detail" not in text and "show_tracebacks" not in text
    finally:
        stop_server(server.process)


def test_a_preheated_page_knows_its_session_and_its_participant(tmp_path, context):
    """A pooled kernel ran the notebook before anyone asked; the page's address (the session,
    the participant's token) reaches it only with the request."""
    from slkit.devtools import start_server, stop_server
    from slkit.sessions import participant_link

    server = start_server(tmp_path, "--preheat", "1", "--preheat-pages", "five_practices")
    try:
        assert "Keeping 1 kernel(s) ready for each of: 04_five_practices.ipynb" in server.log()
        assert wait_until(lambda: "Kernel pool of 04_five_practices.ipynb is filled" in server.log(), 90), server.log()
        store = server.store()
        session = store.create_session("Pooled <i>day</i>")
        ann = store.join(session.code, "Ann")
        pg = context.new_page()
        pg.goto(participant_link(server.base_url, "04_five_practices.ipynb", session.code, ann.token))
        pg.locator("nav .home-link").wait_for()  # her link brought her back: no join form
        assert pg.get_by_role("button", name="Join the session").count() == 0
        assert "p=" not in pg.url  # the token leaves the address (the browser remembers her instead)
        pg.locator(".slk-rating").first.get_by_role("radio", name="4", exact=True).click()
        pg.locator(".savebar", has_text="Saved").wait_for()
        assert "Using pre-heated kernel" in server.log()
        assert [(a["participant"], a["value"]) for a in store.answers(session.code, "five_practices")] == [(ann.id, 4)]
    finally:
        stop_server(server.process)


def test_code_sent_to_a_pages_kernel_is_ignored(kit, tmp_path):
    """Anyone can open a page and talk to its kernel over the websocket. Voila lets through only
    the widget messages a page needs: an execute_request runs nothing (a kernel_info_request,
    allowed, is answered: the channel itself works)."""
    import asyncio
    import json
    import re
    import urllib.request
    import uuid

    from tornado.websocket import websocket_connect

    with urllib.request.urlopen(f"{kit.server.base_url}/voila/render/04_five_practices.ipynb", timeout=60) as r:
        page = r.read().decode()
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page).group(1)
    marker = tmp_path / "ran.txt"

    def message(kind: str, content: dict) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "x", "session": "x", "version": "5.3", "date": ""}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})

    async def talk() -> list[str]:
        ws = await websocket_connect(f"{kit.server.base_url.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels")
        await ws.write_message(message("execute_request", {"code": f"open({str(marker)!r}, 'w').write('ran')", "silent": False,
                                                          "store_history": False, "user_expressions": {}, "allow_stdin": False}))
        await ws.write_message(message("kernel_info_request", {}))
        seen: list[str] = []
        deadline = asyncio.get_running_loop().time() + 8
        while asyncio.get_running_loop().time() < deadline:
            try:
                raw = await asyncio.wait_for(ws.read_message(), 1)
            except asyncio.TimeoutError:
                continue
            if raw is None:
                break
            seen.append(json.loads(raw)["header"]["msg_type"])
        ws.close()
        return seen

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        seen = pool.submit(lambda: asyncio.run(talk())).result()
    assert "kernel_info_reply" in seen
    assert "execute_reply" not in seen and "execute_input" not in seen
    assert not marker.exists()
