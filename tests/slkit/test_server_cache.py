"""Work the server does once, not per participant: compiled templates and compressed bundles."""

import asyncio
import gzip
import os
import threading
import time
import urllib.request

import jinja2
import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from slkit.server_cache import CachedGzip, CompiledTemplates


def _compiles(monkeypatch) -> list[str]:
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *a, **k):
        seen.append(name)
        return compile_(self, source, name, filename, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def test_a_new_environment_reuses_what_an_earlier_one_compiled(tmp_path, monkeypatch):
    (tmp_path / "base.html").write_text("<b>{% block body %}{% endblock %}</b>")
    (tmp_path / "page.html").write_text("{% extends 'base.html' %}{% block body %}{{ who }}{% endblock %}")
    cache = CompiledTemplates()
    seen = _compiles(monkeypatch)

    def render(who):  # Voila makes a new environment for every page
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("page.html").render(who=who)

    assert render("Ann") == "<b>Ann</b>"
    assert sorted(seen) == ["base.html", "page.html"]
    assert render("Bo") == "<b>Bo</b>"
    assert len(seen) == 2  # nothing compiled again

    (tmp_path / "page.html").write_text("{% extends 'base.html' %}{% block body %}Hi {{ who }}{% endblock %}")
    assert render("Cy") == "<b>Hi Cy</b>"  # a changed template is compiled again
    assert seen[2:] == ["page.html"]


def test_the_server_compiles_the_page_templates_once(monkeypatch):
    from voila.exporter import VoilaExporter

    from slkit.server_cache import TEMPLATES, share_compiled_templates

    share_compiled_templates()
    share_compiled_templates()  # twice is harmless
    assert VoilaExporter(None).environment.bytecode_cache is TEMPLATES


BUNDLE = ("function f(){return 1}\n" * 4000).encode()


class PageHandler(web.RequestHandler):
    def get(self):
        self.write(f"<p>{self.get_argument('who')}</p>" + "x" * 2000)


@pytest.fixture
def static_server(tmp_path):
    """A tornado app with the transform, on its own loop in a thread (a browser test's
    Playwright may hold this thread's loop)."""
    (tmp_path / "bundle.js").write_bytes(BUNDLE)
    sock, port = bind_unused_port()
    ready, box = threading.Event(), {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = web.Application([(r"/static/(.*)", web.StaticFileHandler, {"path": str(tmp_path)}), (r"/page", PageHandler)])
        app.add_transform(CachedGzip)
        server = HTTPServer(app)
        server.add_sockets([sock])
        box["loop"] = loop
        ready.set()
        loop.run_forever()
        server.stop()

    CachedGzip._compressed.clear()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield f"http://127.0.0.1:{port}", tmp_path
    box["loop"].call_soon_threadsafe(box["loop"].stop)
    thread.join(10)
    CachedGzip._compressed.clear()


def get(url: str, gzip_ok: bool = True):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers, r.read()


def test_a_static_file_is_compressed_once_and_served_whole_every_time(static_server):
    base, _ = static_server
    replies = [get(base + "/static/bundle.js") for _ in range(3)]
    for headers, body in replies:
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == BUNDLE
    assert len(CachedGzip._compressed) == 1
    assert replies[0][1] == replies[1][1] == replies[2][1]
    headers, body = replies[2]
    assert int(headers["Content-Length"]) == len(body)
    assert "Accept-Encoding" in headers["Vary"]


def test_a_changed_file_is_compressed_again(static_server):
    base, folder = static_server
    get(base + "/static/bundle.js")
    new = b"var changed = true;\n" * 3000
    (folder / "bundle.js").write_bytes(new)
    later = time.time() + 5
    os.utime(folder / "bundle.js", (later, later))
    assert gzip.decompress(get(base + "/static/bundle.js")[1]) == new
    assert len(CachedGzip._compressed) == 2


def test_without_gzip_the_file_is_sent_plain(static_server):
    base, _ = static_server
    get(base + "/static/bundle.js")
    headers, body = get(base + "/static/bundle.js", gzip_ok=False)
    assert "Content-Encoding" not in headers and body == BUNDLE


def test_pages_are_compressed_but_never_kept(static_server):
    base, _ = static_server
    for who in ["Ann", "Bo"]:
        assert gzip.decompress(get(f"{base}/page?who={who}")[1]).decode().startswith(f"<p>{who}</p>")
    assert CachedGzip._compressed == {}
