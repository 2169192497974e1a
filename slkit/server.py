"""How the workshop server is started: Voila over `workshops/`, configured for a room of people.

Every option lives in `ServeOptions`; `voila_argv()` turns it into Voila's configuration, and
`KitVoila` replaces Voila's file listing with the kit's landing page.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import socket
import sys
from pathlib import Path
from dataclasses import dataclass

from . import KitError
from .i18n import N_, _
from .network import choose_base
from .clients import redact
from .kernel_budget import FACILITATOR_PAGES, parse_networks
from .paths import DATA_DIR, DATABASE_URL_ENV, JUPYTER_DATA_DIR, WORKSHOPS_DIR, database_url

LANDING = "index.ipynb"
FACILITATOR = "facilitator.ipynb"
# Voila's lab template without its CDN links and with a still loading message
# (slkit/jupyter/voila/templates/slkit).
TEMPLATE = "slkit"


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8866
    database_url: str | None = None
    # A closed tab stops its kernel (see RenderHandler). Culling is the backstop for kernels
    # whose page vanished otherwise. Not much shorter: a kernel whose page has not connected
    # yet (a slow phone, a burst of joins) also counts as idle, and would be stopped under it.
    cull_idle_timeout: int = 120
    cull_interval: int = int(os.environ.get("SLKIT_CULL_INTERVAL") or 30)  # seconds between checks (shorter in tests)
    # Kernels started ahead of visitors for each page in `preheat_pages` (0: off): a room that
    # opens one module at once gets pages whose kernel has already started and imported the kit.
    preheat: int = 0
    # "landing" and module ids; empty: the landing page and every module (never the board).
    preheat_pages: tuple[str, ...] = ()
    public_url: str | None = None
    # The kernel budget (slkit/kernel_budget.py): None = what the free memory holds.
    max_kernels: int | None = None
    max_per_address: int = 10  # participant pages open at once per client address (kernel_budget)
    address_limit_exempt: str = ""  # addresses (comma-separated, CIDR allowed) not held to max_per_address
    connect_timeout: int = 30
    # Proxies whose X-Forwarded-For names the client (slkit.clients): this machine by default
    # (the kit's own HAProxy with --workers); a proxy elsewhere must be named.
    trust_proxy: str = "127.0.0.1,::1"
    behind_proxy: bool = False  # one of several workers behind a proxy (the launcher keeps the key and the state file)
    render_at_once: int = 0  # participant pages rendered at the same time (0: no limit)
    language: str | None = None  # the default language of pages and new sessions (en, nb); None: SLKIT_LANG or the locale
    # How pages' kernels start: "fork" from a warm parent (slkit.forkserver; Linux), or "spawn",
    # a new Python each (stock Voila's way).
    kernels: str = "fork" if sys.platform.startswith("linux") else "spawn"

    def budget(self):
        from .kernel_budget import KernelBudget, default_max_kernels

        pooled = self.preheat * len(preheat_notebooks(self.preheat_pages)) if self.preheat > 0 else 0
        total = self.max_kernels if self.max_kernels else default_max_kernels(pooled, forked=self.kernels == "fork")
        return KernelBudget(total=total, per_address=self.max_per_address, connect_timeout=self.connect_timeout,
                            exempt=parse_networks(self.address_limit_exempt))

    def base_url(self) -> str:
        """The address in every link and QR code: --public-url, else one the room can reach."""
        return self.public_url.rstrip("/") if self.public_url else choose_base(self.host, self.port)[0]

    def loopback_only(self) -> bool:
        """Only this machine can open the links (the server listens on loopback, or no network)."""
        return not self.public_url and choose_base(self.host, self.port)[1]


# A used pooled kernel is replaced this many seconds later. Voila's 1 s default starts the
# replacements in the middle of the burst of joins that used the pool: 30 joins on a pool of
# 30 took 127 s that way, 16 s with the replacements waiting 30 s.
PREHEAT_REFILL_DELAY = 30


def preheat_notebooks(pages: tuple[str, ...] | list[str]) -> list[str]:
    """The notebooks to keep kernels ready for: "landing" and module ids (default: all of them)."""
    from .content import load_frameworks

    modules = load_frameworks()
    names = {"landing": LANDING, **{m: fw.notebook for m, fw in modules.items()}}
    unknown = [p for p in pages if p not in names]
    if unknown:
        raise KitError(f"Cannot preheat {', '.join(unknown)}: choose from {', '.join(names)}.")
    return [names[p] for p in (pages or names)]


PAGE_ERROR = N_("This page could not start. Reload it to try again: answers already saved are kept. "
                "If it happens again, tell your facilitator.")


def asked_language(handler) -> str | None:
    """The language a request asks for: its `?lang=`, else the one chosen in the browser (cookie)."""
    from . import i18n

    return i18n.normalize(handler.get_query_argument("lang", None)) or i18n.normalize(handler.get_cookie(i18n.LANG_COOKIE))


def page_error(opts: ServeOptions) -> str:
    """What a page that failed to start says, in the server's language."""
    from . import i18n

    with i18n.use(opts.language or i18n.server_default()):
        return _(PAGE_ERROR)


def voila_argv(opts: ServeOptions) -> list[str]:
    argv = [
        str(WORKSHOPS_DIR),
        "--no-browser",
        f"--Voila.ip={opts.host}",
        f"--Voila.port={opts.port}",
        "--Voila.port_retries=0",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # What a participant reads if a page fails (the details go to the server's log).
        f"--VoilaExecutor.cell_error_instruction={page_error(opts)}",
        "--VoilaConfiguration.file_allowlist=.*\\.(png|jpg|svg)",
        # A page learns who is taking part from the browser's cookie for its session
        # (widgets/widget_join.py): Voila hands the Cookie header to the kernel as HTTP_COOKIE;
        # and its client's address (the server sets X-Slkit-Client: slkit.clients) as HTTP_X_SLKIT_CLIENT.
        "--VoilaConfiguration.http_header_envs=Cookie",
        "--VoilaConfiguration.http_header_envs=X-Slkit-Client",
        # And the languages the browser asks for (the landing page and the console's start page).
        "--VoilaConfiguration.http_header_envs=Accept-Language",
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        # Charts load plotly.js themselves when shown (widgets/widget_chart.py); plotly's
        # extension would add 4.8 MB to every page, chart or not.
        "--VoilaConfiguration.extension_denylist=jupyterlab-plotly",
        # Kernels talk to the server over local sockets: no TCP ports to race for when many
        # start at once (jupyter_client#487), and no "running over TCP without encryption"
        # warning from every kernel in the facilitator's terminal.
        "--KernelManager.transport=ipc",
    ]
    if opts.preheat > 0:
        pools = {"default": {"pool_size": 0}, **{nb: {"pool_size": opts.preheat} for nb in preheat_notebooks(opts.preheat_pages)}}
        argv += [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            f"--VoilaKernelManager.fill_delay={PREHEAT_REFILL_DELAY}",
        ]
    return argv


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise KitError(f"Port {port} on {host} is already in use (another workshop server?); choose another with --port.") from None
            if e.errno == errno.EADDRNOTAVAIL:
                raise KitError(f"This machine has no address {host}; use --host 127.0.0.1 or 0.0.0.0.") from None
            raise KitError(f"Cannot listen on {host}:{port}: {e.strerror}.") from None


def plotly_dir() -> str:
    """Where the installed plotly keeps plotly.min.js (served to pages that show a chart)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    return os.path.join(os.path.dirname(spec.origin), "package_data")


class _Recording:
    """The kernel manager as a page's handler sees it: each kernel it starts (or takes from a
    pool) is reported, so the kernel budget knows which client address it is for."""

    def __init__(self, km, started):
        self._km, self._started = km, started

    def __getattr__(self, name):
        return getattr(self._km, name)

    async def start_kernel(self, *args, **kwargs):
        from jupyter_core.utils import ensure_async

        kernel_id = await ensure_async(self._km.start_kernel(*args, **kwargs))
        self._started(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args, **kwargs):
        result = await self._km.get_rendered_notebook(*args, **kwargs)
        self._started(result[2])
        return result


class KeyCheck:
    """Checks a console's or room screen's key for the server (the reserve of kernels is theirs
    only with a valid key), off the event loop and within a time limit: a store that does not
    answer must not hold up every page and websocket of the server. A valid key is remembered a
    minute, a wrong one a few seconds."""

    TIMEOUT = 3.0

    def __init__(self, url: str | None):
        from concurrent.futures import ThreadPoolExecutor

        self.url = url
        self._store = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="slkit-keys")
        self._known: dict[tuple, tuple[bool, float]] = {}

    def _verify(self, page: str, code: str | None, key: str) -> bool:
        from .store import Store

        if self._store is None:
            self._store = Store(self.url, retry_seconds=2.0)
        try:
            if page == "screen.ipynb":
                return bool(code) and self._store.verify_screen(code, key)
            return self._store.verify_facilitator(code, key) if code else self._store.verify_server_key(key)
        except KitError:
            return False

    async def valid(self, page: str, code: str | None, key: str | None) -> bool:
        import hashlib
        import time

        if not key or len(key) > 200 or (code is not None and len(code) > 40):
            return False
        entry = (page, code, hashlib.sha256(key.encode()).hexdigest())
        known = self._known.get(entry)
        if known is not None and time.monotonic() < known[1]:
            return known[0]
        try:
            ok = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(self._pool, self._verify, page, code, key), self.TIMEOUT)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - not confirmed: no reserve
            return False
        if len(self._known) > 1000:
            self._known.clear()
        self._known[entry] = (ok, time.monotonic() + (60 if ok else 5))
        return ok


LAST_WORDS_SECONDS = 1.5  # a closed tab's kernel stops this long after its beacon
ZMQ_MAX_SOCKETS = 16384  # about 3,000 open pages on one worker: beyond what its memory holds
COOKIE_DAYS_MAX = 400  # what browsers keep a cookie at most


def make_app_class(budget=None, render_at_once: int = 0, trust_proxy: str = "127.0.0.1,::1"):
    """Voila with the file listing replaced by the landing page, closed tabs' kernels stopped,
    new pages held to the kernel budget (`slkit.kernel_budget`), client addresses from trusted
    proxies only (`slkit.clients`), and logs without credentials."""
    from jupyter_server.base.handlers import FileFindHandler
    from tornado import web
    from voila.app import Voila
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    from .clients import ClientFromProxy, redact_logs
    from .server_cache import CachedGzip, HashedFiles, share_compiled_templates

    share_compiled_templates()
    trusted = parse_networks(trust_proxy)
    FromProxy = type("FromTrustedProxy", (ClientFromProxy,), {"trusted": trusted})

    class RenderHandler(TornadoVoilaHandler):
        """Sets the _xsrf cookie with the page. A page sends it back in the shutdown beacon when
        its tab closes; without it Voila refuses the beacon and the kernel lives on (voila#1458).
        Tells the page's kernel its client's address (X-Slkit-Client), and holds new pages to
        the kernel budget."""

        async def prepare(self):
            await super().prepare()
            self.xsrf_token  # noqa: B018 - reading it sets the cookie
            # The kernel sees headers named in http_header_envs: this one is the server's word,
            # never the client's (whatever it sent is replaced).
            self.request.headers["X-Slkit-Client"] = self.request.remote_ip

        @property
        def kernel_manager(self):
            km = super().kernel_manager
            guard = self.settings.get("slkit_guard")
            if guard is None:
                return km

            def started(kernel_id):
                guard.started(kernel_id, self.request.remote_ip, rendering=True, facilitator=getattr(self, "_slkit_facilitator", False))
                self._slkit_kernels = [*getattr(self, "_slkit_kernels", []), kernel_id]

            return _Recording(km, started)

        async def _facilitator_key(self) -> bool:
            """The console or the room screen, opened with a key that opens it."""
            page = self.request.path.rsplit("/", 1)[-1]
            if page not in FACILITATOR_PAGES:
                return False
            keys = self.settings.get("slkit_keys")
            if keys is None:
                return False
            secret = self.get_query_argument("screen" if page == "screen.ipynb" else "key", None)
            return await keys.valid(page, self.get_query_argument("session", None), secret)

        async def get(self, path=None):
            guard = self.settings.get("slkit_guard")
            self._slkit_facilitator = await self._facilitator_key()
            reason = await guard.admit(self.request.remote_ip, facilitator=self._slkit_facilitator) if guard is not None else None
            if reason:
                from .kernel_budget import RETRY_SECONDS, full_page

                self.set_status(503)
                self.set_header("Retry-After", str(RETRY_SECONDS))
                self.set_header("Cache-Control", "no-store")
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(full_page(reason, asked_language(self)))  # the person's language, else the server's
                return
            gate = self.settings.get("slkit_render_gate")
            try:
                if gate is None or self._slkit_facilitator:  # the console and the room screen never wait
                    await super().get(path)
                else:
                    async with gate:
                        await super().get(path)
            finally:
                for kernel_id in getattr(self, "_slkit_kernels", []):
                    guard.delivered(kernel_id)

    class ShutdownAfterLastWords(VoilaShutdownKernelHandler):
        """A closed tab's beacon stops its kernel a moment later, not at once: what the page sent
        just before it left (the last words typed) reaches the kernel on another channel than
        the shutdown, and is handled and saved first."""

        @web.authenticated
        async def post(self, kernel_id):
            from jupyter_core.utils import ensure_async

            self.set_status(204)
            self.finish()
            guard = self.settings.get("slkit_guard")
            if guard is not None:
                guard.left(kernel_id)
            await asyncio.sleep(LAST_WORDS_SECONDS)
            try:
                await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
            except (KeyError, web.HTTPError):
                pass  # already gone (culled, or the server let it go)
            finally:
                if guard is not None:
                    guard.leaving.discard(kernel_id)  # gone, or (stopping failed) still there and counted

    class TemplateFiles(TemplateStaticFileHandler):
        """Voila's template files, with a plain error page: its 404 for a path such as
        /voila/templates/..%2f.. failed to render and answered 500 with a traceback in the log."""

        def parse_url_path(self, path):
            try:
                return super().parse_url_path(path)
            except (ValueError, AssertionError):  # not <template>/static/<file>
                raise web.HTTPError(404) from None

        @classmethod
        def get_absolute_path(cls, root, path):
            try:
                return super().get_absolute_path(root, path)
            except (ValueError, AssertionError):  # a path that climbs out of <template>/static
                raise web.HTTPError(404) from None

        def write_error(self, status_code, **kwargs):
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{status_code} {self._reason}\n")

    class LandingRedirect(web.RequestHandler):
        def get(self, *args):
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(f"{self.settings['base_url'].rstrip('/')}/voila/render/{LANDING}{query}")

    class GuidePage(web.RequestHandler):
        """The facilitator guide, rendered (slkit.guide); the privacy statement at /slkit/privacy
        for participants. Nothing in it is secret: no key needed."""

        def get(self, slug=""):
            from .guide import render

            root = self.settings["base_url"].rstrip("/")
            try:
                page = render(slug or "", base=f"{root}/slkit/guide", language=asked_language(self))
            except KeyError:
                raise web.HTTPError(404) from None
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page)

    class Health(web.RequestHandler):
        """For the proxy's health check: this worker answers (it touches no store: a store that
        is out of reach must not take every worker out of the proxy)."""

        def get(self):
            self.set_header("Cache-Control", "no-store")
            self.finish("ok\n")

    class Changes(web.RequestHandler):
        """A token that changes whenever anything is stored (slkit.changes): a page's timer wakes
        its kernel's live views only when it changed. Empty where there is none to give (a store
        without one, or one that does not answer within half a second): the page then asks its kernel
        every time, and the kernel says what is wrong. Read off the event loop."""

        async def get(self):
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            signal = self.settings.get("slkit_changes")
            token = None
            if signal is not None:
                try:
                    token = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(signal.pool, signal.token), 0.5)
                except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - no token: the pages ask their kernels
                    token = None
            self.finish(token or "")

    class PersonCookie(web.RequestHandler):
        """Keeps a person in this browser, in cookies no script can read (HttpOnly), sent only to
        the kit's pages (Path=…/voila/), Secure where the page came over HTTPS. A page's kernel
        cannot set a cookie itself: its page posts here what the kernel gave it (the resume token
        of someone who just joined or continued, or the marker of a browser that left).
        POST {"session": CODE, "resume": TOKEN or "" (forget), "left": MARKER, "days": N}, or
        {"observer": MARKER} (an observer's browser); the form token (_xsrf) is checked."""

        def post(self):
            import re

            from .sessions import normalize_code

            self.check_xsrf_cookie()
            token_shape = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
            root = self.settings["base_url"].rstrip("/")
            attrs = dict(path=f"{root}/voila/", httponly=True, samesite="Lax", secure=self.request.protocol == "https")
            try:
                body = json.loads(self.request.body or b"{}")
                observer = body.get("observer") if isinstance(body, dict) else None
                if observer is not None:
                    # An observer's browser (slkit.observers): the marker of the links it opened.
                    if not isinstance(observer, str) or not token_shape.match(observer):
                        raise ValueError
                    self.set_cookie("slk_observer", observer, expires_days=COOKIE_DAYS_MAX, **attrs)
                    self.set_header("Cache-Control", "no-store")
                    self.set_status(204)
                    self.finish()
                    return
                code = normalize_code(body.get("session"))
            except (ValueError, TypeError, KitError, AttributeError):
                raise web.HTTPError(400) from None
            days = body.get("days", 30)
            days = min(COOKIE_DAYS_MAX, max(1, int(days))) if isinstance(days, int) and not isinstance(days, bool) else 30
            if "resume" in body:
                resume = body["resume"]
                if resume:
                    if not isinstance(resume, str) or not token_shape.match(resume):
                        raise web.HTTPError(400)
                    self.set_cookie(f"slk_{code}", resume, expires_days=days, **attrs)
                else:
                    self.clear_cookie(f"slk_{code}", path=attrs["path"])
                    # and one a page set itself before the server kept it (Path=/); tornado keeps one
                    # cookie per name in a response, so this one is written out by hand.
                    self.add_header("Set-Cookie", f"slk_{code}=; Path=/; Max-Age=0; SameSite=Lax")
            left = body.get("left")
            if left:
                if not isinstance(left, str) or not token_shape.match(left):
                    raise web.HTTPError(400)
                self.set_cookie(f"slk_left_{code}", left, expires_days=COOKIE_DAYS_MAX, **attrs)
            self.set_header("Cache-Control", "no-store")
            self.set_status(204)
            self.finish()

    def log_request(handler) -> None:
        """One line per request, without credentials (slkit.clients.redact); a page that worked is
        no news for the facilitator's terminal (debug), a refusal or error is."""
        from tornado.log import access_log

        status = handler.get_status()
        level = logging.DEBUG if status < 400 else logging.INFO if status < 500 else logging.WARNING
        if access_log.isEnabledFor(level):
            access_log.log(level, "%d %s %.0f ms", status, redact(handler._request_summary()), 1000.0 * handler.request.request_time())

    class KitVoila(Voila):
        name = "slkit"

        def initialize(self, argv=None):
            super().initialize(argv)
            # The kit's own notebooks carry no signature; Voila runs them as they are. The
            # warning for every page would only alarm a facilitator watching the terminal.
            for name in ("", "ServerApp", "Voila", self.log.name):
                logging.getLogger(name).addFilter(_QuietFilter())
            self.log.addFilter(_QuietFilter())
            # Lines of other loggers (tornado's, jupyter_server's) pass through these handlers:
            # a logger's own filter does not see what its children send up.
            for handler in {*logging.getLogger().handlers, *self.log.handlers}:
                handler.addFilter(_QuietFilter())
            redact_logs(self.log)

        def init_handlers(self):
            swap = {TornadoVoilaHandler: RenderHandler, FileFindHandler: HashedFiles, TemplateStaticFileHandler: TemplateFiles,
                    VoilaShutdownKernelHandler: ShutdownAfterLastWords}
            handlers = [
                (h[0], swap.get(h[1], h[1]), *h[2:])
                for h in super().init_handlers()
                if h[1] not in (TornadoVoilaTreeHandler, VoilaContentsHandler)
            ]
            # Client addresses first (every handler sees the right one), then compression.
            self.app.transforms.insert(0, FromProxy)
            # Voila updates the settings after the application exists, so `compress_response`
            # there has no effect; the transform itself does. Pages and bundles shrink ~4x,
            # and each version of a bundle is compressed once (slkit/server_cache.py).
            self.app.add_transform(CachedGzip)
            self.app.settings["log_function"] = log_request
            redact_logs(self.log)
            # jupyter_server's error pages link its favicon; without a static path a 404 of any
            # of its handlers failed to render and logged a traceback instead.
            from jupyter_server import DEFAULT_STATIC_FILES_PATH

            self.app.settings.setdefault("static_path", DEFAULT_STATIC_FILES_PATH)
            url = os.environ.get(DATABASE_URL_ENV)
            self.app.settings["slkit_keys"] = KeyCheck(url)
            # Five zmq sockets per open page: ZeroMQ's default of 1,023 a context stopped a worker
            # at ~170 pages ("Too many open files"). Set before the first socket exists.
            import zmq

            self.kernel_manager.context.set(zmq.MAX_SOCKETS, ZMQ_MAX_SOCKETS)
            if budget is not None:
                from tornado.ioloop import PeriodicCallback

                from .kernel_budget import KernelGuard

                guard = self.app.settings["slkit_guard"] = KernelGuard(self.kernel_manager, budget)
                if render_at_once:
                    # Pages render a few at a time, first come first served: with a whole room at
                    # once, every page shared the CPU and all of them finished last.
                    self.app.settings["slkit_render_gate"] = asyncio.Semaphore(render_at_once)
                self._slkit_sweep = PeriodicCallback(guard.sweep, 5000)
                self._slkit_sweep.start()
            if url:
                from .changes import StoreChanges

                self.app.settings["slkit_changes"] = StoreChanges(url)
            root = self.server_url.rstrip("/")
            return [
                (rf"{root}/slkit/static/(plotly\.min\.js)", web.StaticFileHandler, {"path": plotly_dir()}),
                (rf"{root}/slkit/health", Health),
                (rf"{root}/slkit/changes", Changes),
                (rf"{root}/slkit/cookie", PersonCookie),
                (rf"{root}/slkit/guide/?([a-z]*)", GuidePage),
                (rf"{root}/slkit/(privacy)", GuidePage),
                (rf"{root}/?", LandingRedirect),
                (rf"{root}/voila/?", LandingRedirect),
                (rf"{root}/voila/tree(/.*)?", LandingRedirect),
            ] + handlers

    return KitVoila


class _QuietFilter(logging.Filter):
    """Drops log lines that are expected on a workshop server and say nothing to a facilitator:
    among them the three or four lines every page's kernel wrote (started, protocol, buffering,
    shut down): 260 lines in a half-day workshop, hiding what matters."""

    EXPECTED = ("is not trusted", "Kernel started: ", "Kernel shutdown: ", "Adapting from protocol version",
                "Starting buffering for ", "Culling kernels with idle durations", "websocket_ping_timeout (",
                "Connecting to kernel ", "buffered messages for ", "Restoring connection for ")

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to drop
            return True
        return not any(e in text for e in self.EXPECTED)


def use_kit_template() -> None:
    """Let Voila find the kit's template: Jupyter looks for templates on JUPYTER_PATH first."""
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if str(JUPYTER_DATA_DIR) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(JUPYTER_DATA_DIR), *filter(None, paths)])


STATE_FILE = "server.json"


def _key_file(store) -> Path:
    """The server key's private copy for this store (a facilitator may use more than one)."""
    import hashlib

    return DATA_DIR / f"server-key-{hashlib.sha256(str(store.url).encode()).hexdigest()[:12]}"


def server_key(store) -> str:
    """The server's key (in the facilitator link `slkit serve` prints): the same at every start,
    so links printed before a restart keep working. The store keeps only its hash; the key
    itself is kept for printing in a file readable by its owner only, next to the SQLite file."""
    try:
        key = _key_file(store).read_text().strip()
    except OSError:
        key = ""
    if key and store.verify_server_key(key):
        return key
    return rotate_server_key(store)


def rotate_server_key(store) -> str:
    """A new server key: every facilitator link made with the old one stops working."""
    from .sessions import new_secret

    key = new_secret()
    store.set_server_key(key)
    from .store import _private_file

    path = _key_file(store)
    try:
        _private_file(path)  # made readable by its owner only, as the SQLite file
        path.write_text(key)
    except OSError:
        pass  # the key still works for this run; the next start makes another
    return key


def write_state(opts: ServeOptions) -> None:
    """Where the running server is, for commands that print links (`slkit session new`, `demo`)."""
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        (DATA_DIR / STATE_FILE).write_text(json.dumps({"base_url": opts.base_url(), "port": opts.port, "pid": os.getpid()}))
    except OSError:
        pass  # links then fall back to --port/--public-url


def running_base_url() -> str | None:
    """The address of the workshop server running on this machine, if one is."""
    try:
        state = json.loads((DATA_DIR / STATE_FILE).read_text())
        os.kill(int(state["pid"]), 0)  # still running?
        return str(state["base_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def quiet_kernels() -> None:
    """Kernels of the kit keep no IPython history and run no personal IPython start-up files:
    a page has no prompt, and a hundred kernels starting at once all wrote the same history
    file ("database is locked" in the log, one SQLite write each)."""
    folder = DATA_DIR / "ipython"
    try:
        (folder / "profile_default").mkdir(parents=True, exist_ok=True)
        (folder / "profile_default" / "ipython_kernel_config.py").write_text("c.HistoryManager.enabled = False\n")
    except OSError:
        return
    os.environ["IPYTHONDIR"] = str(folder)


def raise_open_files_limit() -> None:
    """As many open files as the system lets this process have: each open page holds a kernel's
    five sockets and a websocket in the server (with 1,024, a worker failed near 170 pages)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this system: the default stays


def serve(opts: ServeOptions) -> None:
    """Start Voila in this process; returns when the server stops."""
    check_port_free(opts.host, opts.port)
    raise_open_files_limit()
    quiet_kernels()
    os.environ[DATABASE_URL_ENV] = database_url(opts.database_url)
    use_kit_template()
    # Every page builds its links and QR code from this address, whatever address the
    # facilitator opened the console at (http://127.0.0.1 on the laptop itself, say).
    os.environ["SLKIT_PUBLIC_URL"] = opts.base_url()
    os.environ["SLKIT_LOOPBACK_ONLY"] = "1" if opts.loopback_only() else ""
    if opts.language:  # every page's kernel and every new session starts in it
        os.environ["SLKIT_LANG"] = opts.language
    if not opts.behind_proxy:  # a worker: the launcher in front wrote the proxy's address
        write_state(opts)
    app = make_app_class(opts.budget(), render_at_once=opts.render_at_once, trust_proxy=opts.trust_proxy)()
    if opts.kernels == "fork":
        from . import forkserver

        try:
            forkserver.start()
        except forkserver.ForkUnavailable as e:
            logging.getLogger("slkit").warning("Kernels start the ordinary way: the fork server did not start (%s).", e)
    try:
        app.initialize(voila_argv(opts))
        app.start()
    finally:
        if opts.kernels == "fork":
            from . import forkserver

            forkserver.stop()
