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
        assert _wait_for(lambda: "Kernel pool of 04_five_practices.ipynb is filled" in server.log(), 90), server.log()
        store = server.store()
        session = store.create_session("Pooled <i>day</i>")
        ann = store.join(session.code, "Ann")
        pg = context.new_page()
        pg.goto(participant_link(server.base_url, "04_five_practices.ipynb", session.code, ann.token))
        pg.locator("nav .home-link").wait_for()  # her link brought her back: no join form
        assert pg.get_by_role("button", name="Join the session").count() == 0
        assert "p=" not in pg.url  # the token leaves the address (the browser remembers her instead)
        pg.locator(".slk-rating").first.get_by_role("button", name="4", exact=True).click()
        pg.locator(".savebar", has_text="Saved").wait_for()
        assert "Using pre-heated kernel" in server.log()
        assert [(a["participant"], a["value"]) for a in store.answers(session.code, "five_practices")] == [(ann.id, 4)]
    finally:
        stop_server(server.process)
