"""What a page knows about itself: its query string, its address, the store, and the kit's look.

In Voila the query string reaches the kernel as QUERY_STRING (or, in a preheated kernel, once
the request arrives); in JupyterLab there is none, and a page runs as self-study.
"""

from __future__ import annotations

import functools
import json
import os
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import ipywidgets as W
from ipywidgets.widgets.widget_string import HTMLStyle

from slkit import KitError, i18n
from slkit.i18n import _
from slkit.store import SessionInfo, Store
from slkit.style import KIT_CSS
from slkit.text import esc  # noqa: F401 - the pages' escape, P.esc


@functools.lru_cache(maxsize=1)
def request_env() -> dict[str, str]:
    """What the page's request told the kernel: the query string and the headers the server
    passes on (`Cookie`, as HTTP_COOKIE). A preheated kernel waits here, once, for its request."""
    if os.environ.get("VOILA_PREHEAT") == "True":  # pragma: no cover - needs a preheated Voila
        from voila.utils import wait_for_request

        wait_for_request()
    return {k: os.environ.get(k, "") for k in ("QUERY_STRING", "HTTP_COOKIE", "VOILA_REQUEST_URL", "HTTP_X_SLKIT_CLIENT",
                                               "HTTP_ACCEPT_LANGUAGE")}


def query() -> dict[str, str]:
    """The page's query parameters, first value of each."""
    raw = request_env()["QUERY_STRING"]
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=False).items() if v}


def client_address() -> str | None:
    """The address the page's request came from, as the server saw it (behind a trusted proxy:
    the client's), for the slowdown of wrong personal codes. None outside a workshop server."""
    return request_env().get("HTTP_X_SLKIT_CLIENT") or None


def cookies() -> dict[str, str]:
    """The cookies the browser sent with the page."""
    jar = SimpleCookie()
    try:
        jar.load(request_env()["HTTP_COOKIE"])
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def run_js(out: W.Output, js: str) -> None:
    """Run a small script in the page (Voila only: in JupyterLab the page's own scripts would act on
    JupyterLab; what both need is in the kit's accessibility script, a11y.js)."""
    if not in_voila():
        return
    from IPython.display import Javascript

    out.outputs = ()
    out.append_display_data(Javascript(js))


# After joining with the form (the form is gone): the focus goes to the heading of what came
# instead (the home page's title, or a module's step), once it is drawn, so a keyboard or
# screen-reader user goes on from there, not from the page's start.
FOCUS_ARRIVAL_JS = (
    "(function(){var n=0;(function look(){var h=document.querySelector('h1.slk-arrive, .slk-step-title h2');"
    "if(!h){if(++n<40)setTimeout(look,100);return;}"
    "h.setAttribute('tabindex','-1');h.scrollIntoView({block:'start'});h.focus({preventScroll:true});})();})();"
)

LANG_COOKIE = i18n.LANG_COOKIE
LANG_COOKIE_DAYS = 365


def chosen_language() -> str | None:
    """The language this page's link asks for (`?lang=nb`), if it names one the kit has."""
    return i18n.normalize(query().get("lang"))


def start_language(code: str | None = None, *, store_factory=None, personal: bool = True) -> SessionInfo | None:
    """Set the page's language, before anything on it is written: the link's `?lang=`, else
    what the person chose in this browser (`personal` pages only: not the room screen or the
    console, which speak the session's language), else the session's language, else the
    server's if `slkit serve --lang` chose one, else the browser's (Accept-Language: the landing
    page and the console's start page), else the computer's (self-study: SLKIT_LANG or its locale).
    Returns the session if it had to read it (for the join panel: no second read), else None."""
    lang = chosen_language() or (i18n.normalize(cookies().get(LANG_COOKIE)) if personal else None)
    session = None
    if lang is None and code:
        try:
            session = (store_factory or store)().get_session(code)
            lang = session.language
        except KitError:
            pass  # the page says what is wrong with the code, in the default language
    if lang is None:
        lang = i18n.chosen_by_server() or i18n.from_accept_language(request_env().get("HTTP_ACCEPT_LANGUAGE"))
    i18n.set_language(lang)
    return session


def language_links(params: dict | None = None) -> str:
    """The language switch: a link per language to this page with `?lang=` (the person's choice
    is kept in this browser and with the person), the current one marked."""
    links = []
    for code, name in i18n.LANGUAGES.items():
        href = "?" + urlencode({**(params or {}), "lang": code})
        current = " aria-current='true' class='current'" if code == i18n.current() else ""
        links.append(f"<a href='{esc(href)}' lang='{code}' hreflang='{code}'{current}>{esc(name)}</a>")
    return f"<nav class='slk-languages' aria-label='{esc(_('Language'))}'>{' · '.join(links)}</nav>"


def remember_language_js(lang: str) -> str:
    return (f"document.cookie={json.dumps(f'{LANG_COOKIE}={lang}; Max-Age={LANG_COOKIE_DAYS * 86400}; Path=/; SameSite=Lax')};"
            "var u=new URL(window.location.href);if(u.searchParams.has('lang')){u.searchParams.delete('lang');"
            "window.history.replaceState(null,'',u.toString());}")


class PageTitle(W.Output):
    """The browser tab's title, which is also the first thing a screen reader says of a page:
    it names the page and its session, then the kit ("Purpose first · Team day · Social
    Leadership Workshop"), not the notebook's file name. It also sets the page's language
    (`<html lang>`), and keeps a language chosen by the link (`?lang=`) in this browser.

    Example::

        title = PageTitle("Your modules")
        title.set("Your modules", session.title)
    """

    def __init__(self, *parts: str | None):
        super().__init__(layout=W.Layout(display="none"))
        self.text = ""
        self.set(*parts)

    def set(self, *parts: str | None) -> None:
        text = " · ".join([p for p in parts if p] + [_("Social Leadership Workshop")])
        if text != self.text:
            self.text = text
            lang = i18n.current()
            remember = remember_language_js(lang) if chosen_language() == lang else ""
            run_js(self, f"document.title = {json.dumps(text)};document.documentElement.lang = {json.dumps(lang)};{remember}")


SETTLE = 0.3  # seconds for a page's held-back updates to arrive before a click acts on them


def after_updates(fn) -> None:
    """Run `fn` a moment later where a kernel runs: a page sends a click (or Enter) at once but
    holds back a state update (the last characters typed) until its earlier one is answered, so
    acting at once could use half a text. Without a kernel (components driven from Python), at once."""
    from IPython import get_ipython

    if getattr(get_ipython(), "kernel", None) is None:
        fn()
        return
    import asyncio

    asyncio.get_running_loop().call_later(SETTLE, fn)


def on_enter(field: W.Text, fn) -> None:
    """Enter in a one-line field does `fn` (after the field's last characters arrived).
    ipywidgets 8 calls `on_submit` deprecated in favour of `continuous_update=False`, which
    would send the text only when the field is left; the page's own Enter event is what is meant."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        field.on_submit(lambda _w: after_updates(fn))


def in_voila() -> bool:
    return "VOILA_REQUEST_URL" in os.environ or os.environ.get("VOILA_PREHEAT") == "True"


def base_url() -> str:
    """The address people use to reach this server ('' in self-study: links stay relative)."""
    if os.environ.get("SLKIT_PUBLIC_URL"):
        return os.environ["SLKIT_PUBLIC_URL"].rstrip("/")
    request = os.environ.get("VOILA_REQUEST_URL")
    if request:
        parts = urlsplit(request)
        return f"{parts.scheme}://{parts.netloc}"
    return ""


@functools.lru_cache(maxsize=1)
def store() -> Store:
    """This kernel's store handle (the URL comes from SLKIT_DATABASE_URL, set by `slkit serve`).

    `slkit serve` brings the schema up to date before any page opens; in self-study (JupyterLab)
    nobody did, so the page does it.
    """
    s = Store()
    if not in_voila():
        s.migrate()
    return s


STYLE = f"<style>{KIT_CSS}</style>"


@functools.lru_cache(maxsize=1)
def _block_parts() -> tuple[W.Layout, HTMLStyle]:
    return W.Layout(), HTMLStyle()


def block(body: str, *, cls: str = "") -> W.HTML:
    """An HTML block in the kit's look. `body` must already be escaped where it holds typed text.

    Blocks share one layout and one style (never changed), so a block costs the page one
    widget, not three.
    """
    layout, style = _block_parts()
    return W.HTML(markup(body, cls=cls), layout=layout, style=style)


def markup(body: str, *, cls: str = "") -> str:
    """The markup of a block, for a widget that already exists (making a block to read its value
    would send the page a widget that nobody shows)."""
    return f'<div class="slk {cls}">{body}</div>'



def message(kind: str, text: str) -> str:
    """An error or confirmation line; `text` is escaped here."""
    return f'<div class="slk"><p class="msg-{kind}" role="{"alert" if kind == "error" else "status"}">{esc(text)}</p></div>'


def page(*children: W.Widget, width: str = "760px") -> W.VBox:
    """The frame of every page: the kit's style, then the content in a readable column
    (wider for the facilitator's board, which is shown on a projector).

    Its classes tell the kit's accessibility script (a11y.js) that this is one of the kit's pages and
    which language it is written in: in JupyterLab the notebook around it is JupyterLab's."""
    frame = W.VBox([W.HTML(STYLE), *children], layout=W.Layout(max_width=width, padding="0 12px"))
    frame.add_class("slk-page")
    frame.add_class(f"slk-lang-{i18n.current()}")
    return frame
