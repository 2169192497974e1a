"""The landing page and the board's gate in Chromium, against a real `slkit serve`."""

import re
import urllib.error
import urllib.request

import pytest

from slkit.content import get_framework
from slkit.widgets.widget_board import LOCKED


def _status(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        r = opener.open(url, timeout=30)
        return r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location", "")


def test_the_root_shows_the_landing_page_not_a_file_listing(kit):
    base = kit.server.base_url
    assert _status(base + "/") == (302, "/voila/render/index.ipynb")
    assert _status(base + "/voila/tree")[0] == 302
    assert _status(base + "/voila/api/contents/")[0] == 404
    pg = kit.landing()
    assert pg.url.endswith("/voila/render/index.ipynb")
    assert pg.get_by_text("Social Leadership Workshop").first.is_visible()
    for title in ["Purpose first", "The motivation triad", "SWOT of the social team", "The five practices of social leadership"]:
        assert pg.get_by_text(title, exact=False).first.is_visible()
    html = pg.content()
    assert "from slkit.widgets.widget_landing import" not in html  # sources stripped
    kit.screenshot(pg, "landing_laptop")


def test_a_participant_joins_with_a_typed_code_on_a_phone(kit):
    s = kit.server.store().create_session("Marketing <img src=x onerror=alert(1)> day")
    dialogs = []
    pg = kit.landing(width=390)
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.locator(".slk-input input").fill(s.code.lower())
    pg.get_by_role("button", name="Next").click()
    title = pg.get_by_role("heading", level=2, name=re.compile("^Join “"))
    title.wait_for()
    assert "Marketing <img src=x onerror=alert(1)> day" in title.inner_text()  # shown as text
    assert pg.locator(".slk img").count() == 0 and dialogs == []
    kit.screenshot(pg, "landing_phone_join_form")
    pg.get_by_label("Your name (optional)").fill("Nora")
    pg.get_by_role("button", name="Join the session").dblclick()  # a double click joins once
    pg.locator(".module-card").first.wait_for()
    assert kit.server.store().participant_count(s.code) == 1
    kit.screenshot(pg, "landing_phone_joined")


def test_a_wrong_code_gets_a_clear_message(kit):
    pg = kit.landing("ZZZZZZ", width=390)
    err = pg.locator(".msg-error")
    err.wait_for()
    assert "no session with the code ZZZZZZ" in err.inner_text()
    kit.screenshot(pg, "landing_phone_wrong_code")


@pytest.mark.parametrize("key", ["not-the-key-000000000000000", ""])
def test_the_board_without_the_right_key_shows_only_the_lock(kit, key):
    s = kit.server.store().create_session("Hidden title")
    pg = kit.open(f"{kit.server.base_url}/voila/render/facilitator.ipynb?session={s.code}&key={key}")
    pg.get_by_text(LOCKED).wait_for()
    text = pg.inner_text("body")
    assert "Hidden title" not in text and s.code not in text and (not key or key not in text)
    assert key not in kit.server.log() or not key


def test_the_facilitator_creates_a_session_from_the_server_link(kit):
    pg = kit.facilitator_opens_board()
    pg.get_by_placeholder("e.g. Marketing team, spring workshop").fill("Board-made session")
    pg.get_by_role("button", name="Create session").click()
    pg.locator(".msg-ok").wait_for()
    created = [s for s in kit.server.store().list_sessions() if s.title == "Board-made session"]
    assert len(created) == 1
    assert f"Session {created[0].code} created." in pg.locator(".msg-ok").inner_text()
    kit.screenshot(pg, "board_created_laptop")


def test_a_starting_page_says_so_and_links_nothing_from_the_internet(kit, context):
    pg = context.new_page()
    pg.set_viewport_size({"width": 390, "height": 844})
    # Hold the page's script back until the checks are done, so the page stays in its starting
    # state however fast its kernel is (a 2 s delay was not always enough with forked kernels).
    held = []
    pg.route("**/voila/static/voila.js", lambda route: held.append(route))
    pg.goto(kit.server.base_url + "/", wait_until="commit")
    loading = pg.locator("#loading")
    loading.wait_for()
    assert "Opening your workshop page" in loading.inner_text()
    # A still message: nothing on it is animated while a page waits.
    assert pg.evaluate("document.getAnimations().length") == 0
    external = pg.evaluate("""Array.from(document.querySelectorAll('link[href], script[src]'),
        e => e.href || e.src).filter(u => /^https?:/.test(u) && new URL(u).host !== location.host)""")
    assert external == []
    kit.screenshot(pg, "page_starting_phone", full=False)
    for _ in range(100):  # the script asked for: let it go
        if held:
            break
        pg.wait_for_timeout(100)
    for route in held:
        route.continue_()
    pg.locator(".slk").first.wait_for()  # then the page itself replaces the message
    assert not pg.locator("#loading").count()


def test_a_module_opened_from_the_landing_page_asks_for_no_script_again(kit, context):
    """The extensions' bundles carry their content's hash in their names: a browser that has
    shown one page keeps them, so the next page waits on no request for them."""
    code = kit.server.store().create_session("Cached bundles").code
    pg = context.new_page()
    cdp = context.new_cdp_session(pg)
    cdp.send("Network.enable")
    from_cache, asked = set(), []
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on("Network.responseReceived", lambda e: asked.append((e["requestId"], e["response"]["url"], e["response"]["status"])))
    kit.landing(code, page=pg)
    pg.wait_for_load_state("networkidle")
    first = [url for _, url, _ in asked if "/labextensions/" in url]
    assert first, "the landing page loads the widget extensions' bundles"
    asked.clear()
    kit.participant_joins(code, get_framework("purpose_first").notebook, page=pg)
    pg.get_by_role("button", name="Join the session").wait_for()
    again = [(url, status) for rid, url, status in asked if "/labextensions/" in url and rid not in from_cache]
    assert again == []
    hashed = next(url for url in first if "remoteEntry." in url)
    with urllib.request.urlopen(hashed, timeout=30) as r:
        assert "immutable" in r.headers["Cache-Control"]
    unhashed = hashed.split("/static/")[0] + "/package.json"
    with urllib.request.urlopen(unhashed, timeout=30) as r:
        assert r.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", [
    "/voila/templates/..%2f..%2fetc%2fpasswd", "/voila/templates/slkit/..%2f..%2f..%2fpyproject.toml",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2fpyproject.toml", "/voila/static/..%2f..%2fpyproject.toml",
    "/voila/files/..%2fpyproject.toml", "/slkit/static/..%2f..%2f__init__.py", "/voila/labextensions/..%2f..%2fetc",
    "/voila/render/..%2fpyproject.toml",
])
def test_a_path_that_climbs_out_of_a_static_route_is_refused_without_a_traceback(kit, path):
    before = len(kit.server.log())
    status, location = _status(kit.server.base_url + path)
    if status == 302:  # Voila sends a file it does not render to its file route, which refuses it
        status, _ = _status(kit.server.base_url + location)
    assert status in (403, 404)
    assert "Traceback" not in kit.server.log()[before:]
