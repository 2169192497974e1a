"""Work the server does once, not per participant: compiled templates and compressed bundles."""

import gzip

import jinja2
import pytest
from tornado import web
from tornado.testing import AsyncHTTPTestCase

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


class CachedGzipTest(AsyncHTTPTestCase):
    def get_app(self):
        import tempfile
        from pathlib import Path

        self.dir = Path(tempfile.mkdtemp())
        (self.dir / "bundle.js").write_bytes(BUNDLE)
        app = web.Application([
            (r"/static/(.*)", web.StaticFileHandler, {"path": str(self.dir)}),
            (r"/page", PageHandler),
        ])
        app.add_transform(CachedGzip)
        return app

    def setUp(self):
        CachedGzip._compressed.clear()
        super().setUp()

    def fetch_gz(self, path, **kw):
        return self.fetch(path, headers={"Accept-Encoding": "gzip"}, decompress_response=False, **kw)

    def test_a_static_file_is_compressed_once_and_served_whole_every_time(self):
        bodies = [self.fetch_gz("/static/bundle.js") for _ in range(3)]
        for r in bodies:
            assert r.code == 200 and r.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(r.body) == BUNDLE
        assert len(CachedGzip._compressed) == 1
        assert bodies[1].body == bodies[2].body == bodies[0].body
        assert int(bodies[2].headers["Content-Length"]) == len(bodies[2].body)
        assert "Accept-Encoding" in bodies[2].headers["Vary"]

    def test_a_changed_file_is_compressed_again(self):
        self.fetch_gz("/static/bundle.js")
        new = b"var changed = true;\n" * 3000
        (self.dir / "bundle.js").write_bytes(new)
        import os
        import time

        later = time.time() + 5
        os.utime(self.dir / "bundle.js", (later, later))
        r = self.fetch_gz("/static/bundle.js")
        assert gzip.decompress(r.body) == new
        assert len(CachedGzip._compressed) == 2

    def test_without_gzip_the_file_is_sent_plain(self):
        self.fetch_gz("/static/bundle.js")
        r = self.fetch("/static/bundle.js", decompress_response=False)
        assert "Content-Encoding" not in r.headers and r.body == BUNDLE

    def test_pages_are_compressed_but_never_kept(self):
        for who in ["Ann", "Bo"]:
            r = self.fetch_gz(f"/page?who={who}")
            assert gzip.decompress(r.body).decode().startswith(f"<p>{who}</p>")
        assert CachedGzip._compressed == {}


class PageHandler(web.RequestHandler):
    def get(self):
        self.write(f"<p>{self.get_argument('who')}</p>" + "x" * 2000)


@pytest.fixture(autouse=True)
def _empty_gzip_cache():
    yield
    CachedGzip._compressed.clear()
