"""Work the workshop server does once instead of once per participant.

A participant's page costs the server's one event loop about a CPU-second on a small machine;
in a burst of joins that loop is the bottleneck. Three parts of it repeated the same work
for every page:

- `CompiledTemplates`: Voila makes a new Jinja environment for every page, so it compiled the
  page template and everything it includes (some 20 files) again for each participant. The
  compiled code is now kept in memory; a template whose source changes is compiled again.
- `CachedGzip`: tornado's gzip transform compressed Voila's JavaScript bundles again for every
  browser. A static file's compressed bytes are now kept, keyed by its path and version.
- `HashedFiles`: Voila serves the JupyterLab extensions' files with `no-cache`, so
  each page asked for all of them again (17 requests on a module page after the landing page).
  A file whose name carries its content's hash never changes; the browser now keeps it.
"""

from __future__ import annotations

import re

import jinja2
from jupyter_server.base.handlers import FileFindHandler
from tornado import web

STATIC_PARTS = ("/static/", "/labextensions/")
HASHED_NAME = re.compile(r"\.[0-9a-f]{16,}\.(js|css)$")  # webpack's [contenthash]: 883.369fbd92285483263252.js
KEEP = "public, max-age=31536000, immutable"


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory, shared by every page's template environment.

    Jinja checks each entry against the template's source before using it."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


def share_compiled_templates() -> None:
    """Give every Voila page's template environment the shared cache (in the server process)."""
    from voila.exporter import VoilaExporter

    if getattr(VoilaExporter, "_slkit_templates", False):
        return
    create = VoilaExporter._create_environment

    def _create_environment(self):
        env = create(self)
        env.bytecode_cache = TEMPLATES
        return env

    VoilaExporter._create_environment = _create_environment
    VoilaExporter._slkit_templates = True


class CachedGzip(web.GZipContentEncoding):
    """Tornado's gzip transform that compresses each version of a static file once.

    A response is cached when it is a 200 for a path under a static folder and carries a
    version (Etag or Last-Modified); any other response is compressed as tornado does."""

    _compressed: dict[tuple, bytes] = {}

    def __init__(self, request):
        super().__init__(request)
        self._path = request.path if request.method == "GET" else None
        self._key: tuple | None = None
        self._hit = False
        self._parts: list[bytes] = []

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        version = headers.get("Etag") or headers.get("Last-Modified")
        if (self._gzipping and status_code == 200 and version and self._path
                and any(p in self._path for p in STATIC_PARTS) and "Content-Encoding" not in headers):
            self._key = (self._path, version, headers.get("Content-Length"))
            cached = self._compressed.get(self._key)
            if cached is not None:
                self._hit = True
                headers["Vary"] = (headers["Vary"] + ", Accept-Encoding") if "Vary" in headers else "Accept-Encoding"
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(cached))
                return status_code, headers, cached
        if not self._gzipping:
            self._key = None
        # tornado compresses the first chunk through transform_chunk, which keeps it
        return super().transform_first_chunk(status_code, headers, chunk, finishing)

    def transform_chunk(self, chunk, finishing):
        if self._hit:
            return b""
        return self._keep(super().transform_chunk(chunk, finishing), finishing)

    def _keep(self, out: bytes, finishing: bool) -> bytes:
        if self._key is not None and self._gzipping:
            self._parts.append(out)
            if finishing:
                self._compressed[self._key] = b"".join(self._parts)
                self._parts = []
        return out


class HashedFiles(FileFindHandler):
    """jupyter_server's handler for the extensions' files (Voila uses it with `no-cache` for
    all of them), telling browsers to keep a file whose name carries its content's hash."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED_NAME.search(self.request.path):
            self.set_header("Cache-Control", KEEP)
