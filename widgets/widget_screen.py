"""The room screen: what the projector shows, chosen on the facilitator's console.

Its link carries the session's *screen key*, never the facilitator key, and the page has no
control: the console decides what it shows (the session setting `screen`), and the screen
follows within two seconds. One thing at a time: the join view (QR code, session code, link),
one part of one module's team results (paged to fit the screen: `slkit.summaries.screen_pages`),
the countdown, or a pause; when a countdown has ended, the join view again, and "Thank you" once
the session has ended. Team results follow exactly the rules of
participants' pages: nothing before the threshold, nothing while the facilitator holds them
back, names only where their authors chose.

Example (in a notebook)::

    RoomScreen.from_page()      # ?session=CODE&screen=SCREEN_KEY
"""

from __future__ import annotations

import json

import ipywidgets as W

from slkit import KitError
from slkit import board as B
from slkit import summaries as S
from slkit.aggregate import counted_items, respondents, team_visible
from slkit.content import load_frameworks
from slkit.i18n import N_, _, ngettext
from slkit.sessions import join_link, qr_svg
from slkit.text import link_text

from . import page as P
from .widget_chart import parts_view
from .widget_live import LiveTicker
from .widget_timer import MODULE as TIMER_MODULE, timer_end, timer_markup, timer_over

SETTING = "screen"
VIEWS = ("join", "results", "countdown", "pause")
LOCKED = N_("This screen needs the room-screen link from the facilitator's console.")


def screen_state(settings: dict) -> tuple[str, str | None]:
    """What the console put on the screen: (view, module); the join view until it chose."""
    raw = settings.get(SETTING) or {}
    view = raw.get("view") if raw.get("view") in VIEWS else "join"
    return view, raw.get("module")


def screen_place(settings: dict) -> tuple[str | None, int]:
    """Which part of the module's results the screen shows, and which of its pages: (part id or
    None for the first, page from 0)."""
    raw = settings.get(SETTING) or {}
    page = raw.get("page")
    return (raw.get("part") if isinstance(raw.get("part"), str) else None), (page if isinstance(page, int) and page >= 0 else 0)


def join_view(title: str, code: str, link: str) -> str:
    return (
        f"<div class='screen-join'><div class='qr' role='img' aria-label='{P.esc(_('QR code of the join link'))}'>{qr_svg(link, 10)}</div>"
        f"<div class='screen-join-text'><h1>{P.esc(title)}</h1><p>{_('Scan the code, or open')}</p><p class='link'>{link_text(link)}</p>"
        f"<p>{_('Session code')}</p><p class='code screen-code' translate='no'>{P.esc(code)}</p></div></div>"
    )


def team_sections(store, code: str, framework, threshold: int, rows: list[dict], entries: list) -> tuple[int | None, list | None]:
    """A module's team results under the participants' rules, part by part: (how many took part,
    its sections), the sections None below the threshold. As on participants' pages: a shared
    board (the SWOT) shows as it is made; other modules count who answered
    (`aggregate.counted_items`) against the threshold."""
    if any(i.kind == "board" for i in framework.items) or entries:
        return B.respondent_counts(store, code).get(framework.id, 0), S.sections(framework, rows, entries, threshold)
    n = respondents(rows, counted_items(framework))
    if not team_visible(n, threshold):
        return n, None
    return n, S.sections(framework, rows, entries, threshold, before=S.before_rows(store, code, framework))


def place(found: list, part: str | None, page: int) -> tuple[int, int, list]:
    """Where the screen is among a module's sections: (index of the part, page clamped to its
    pages, that page's parts). An unknown part is the first."""
    index = next((i for i, s in enumerate(found) if s.id == part), 0)
    pages = S.screen_pages(found[index])
    page = min(page, len(pages) - 1)
    return index, page, pages[page]


def step(found: list, part: str | None, page: int, by: int) -> tuple[str, int]:
    """The place one page on (`by` 1) or back (-1): through a part's pages, then to the next or the
    previous part (its first page going on, its last going back); it stays at either end."""
    index, page, _parts = place(found, part, page)
    counts = [len(S.screen_pages(s)) for s in found]
    if by > 0:
        if page + 1 < counts[index]:
            return found[index].id, page + 1
        return (found[index + 1].id, 0) if index + 1 < len(found) else (found[index].id, page)
    if page > 0:
        return found[index].id, page - 1
    return (found[index - 1].id, counts[index - 1] - 1) if index > 0 else (found[index].id, 0)


class RoomScreen(W.VBox):
    def __init__(self, code: str | None, key: str | None, *, store_factory=P.store, **kwargs):
        self._store_factory = store_factory
        self.code = None
        self.body = W.VBox()
        self.body.add_class("slk-screen")
        self._shown: tuple | None = None
        self.ticker: LiveTicker | None = None
        read = P.start_language(code, store_factory=store_factory, personal=False)
        self.title = P.PageTitle(_("Room screen"))
        super().__init__([P.page(self.title, self.body, width="100%")], **kwargs)
        try:
            allowed = bool(code) and store_factory().verify_screen(code, key)
        except KitError as e:
            self.body.children = [W.HTML(P.message("error", str(e)))]
            return
        if not allowed:
            self.body.children = [P.block(f"<h1>{_('Room screen')}</h1><p>{_(LOCKED)}</p>")]
            return
        session = read or store_factory().get_session(code)
        self.code = session.code
        self.title.set(_("Room screen"), session.title)
        self.frameworks = load_frameworks()
        self.content = W.VBox()
        self.ticker = LiveTicker(self.refresh, minutes=600, gated=False)  # a screen stays up for a whole day
        self.ticker.add_class("slk-screen-ticker")
        self.body.children = [self.content, self.ticker]
        # Nothing on the screen takes the focus; the page itself can, so it can be scrolled by keyboard.
        P.run_js(self._script(), "var m=document.getElementById('rendered_cells');if(m){m.setAttribute('tabindex','0');"
                                 f"m.setAttribute('aria-label',{json.dumps(_('Room screen'))});}}")
        self.refresh()

    @classmethod
    def from_page(cls, **kwargs) -> "RoomScreen":
        q = P.query()
        return cls(q.get("session"), q.get("screen"), **kwargs)

    def refresh(self) -> None:
        """Follow the console: redraw only when what the screen should show changed."""
        store = self._store_factory()
        try:
            session = store.get_session(self.code)
            view, module = screen_state(session.settings)
            part, page = screen_place(session.settings)
            ended = bool(session.settings.get("ended_at"))
            fw = self.frameworks.get(module) if view == "results" else None
            if view == "results" and fw is None:
                view = "join"
            end = timer_end(session.settings)
            if view == "countdown" and (end is None or timer_over(end)):
                view = "join"  # a countdown that ended (or none): the join view, not an empty screen
            if ended and view in ("join", "countdown"):
                view = "ended"  # the session is over: thank the room
            if fw is not None:
                revealed = store.module_state(self.code, fw.id).results_revealed
                rows = store.answers(self.code, fw.id) if revealed else []
                entries = [e for e in B.board_entries(store, self.code, fw.id) if not e.hidden] if revealed else []
                key = (view, fw.id, part, page, revealed, session.threshold, len(rows), max((str(r["updated_at"]) for r in rows), default=""),
                       tuple((e.id, e.votes, e.merged_into) for e in entries))
            elif view == "countdown":
                key = (view, str(end), session.settings.get(TIMER_MODULE))
            else:
                key = (view, session.title)
        except KitError as e:
            self.content.children = [W.HTML(P.message("error", str(e)))]
            self._shown = None
            return
        if key == self._shown:
            return
        self._shown = key
        if view == "join":
            self.content.children = [P.block(join_view(session.title, session.code, join_link(P.base_url(), session.code)))]
        elif view == "ended":
            self.content.children = [P.block(f"<div class='screen-pause screen-ended'><h1>{_('Thank you')}</h1>"
                                             f"<p class='screen-sub'>{P.esc(session.title)}</p><p class='screen-sub'>"
                                             + _("The session has ended. Your answers are kept: your summary is on your page.") + "</p></div>")]
        elif view == "countdown":
            mod = self.frameworks.get(session.settings.get(TIMER_MODULE))
            what = f"<p class='screen-sub'>{P.esc(mod.title)}</p>" if mod else ""
            self.content.children = [P.block(f"<div class='screen-countdown'>{what}{timer_markup(end)}</div>")]
            self._count_down()
        elif view == "pause":
            self.content.children = [P.block(f"<div class='screen-pause'><h1>{P.esc(session.title)}</h1><p class='screen-sub'>{_('Look up: we talk together now.')}</p></div>")]
        else:
            module_title = f"<p class='screen-module'>{fw.order}. {P.esc(fw.title)}</p>"
            try:
                n, found = team_sections(store, self.code, fw, session.threshold, rows, entries) if revealed else (None, None)
            except KitError as e:
                self.content.children = [W.HTML(P.message("error", str(e)))]
                self._shown = None
                return
            if not revealed:
                self.content.children = [P.block(module_title + f"<h1 class='screen-title'>{P.esc(fw.title)}</h1>"
                                                 f"<p class='screen-sub held'>{_('The results are held back for now.')}</p>")]
            elif found is None:
                k = session.threshold
                self.content.children = [P.block(module_title + f"<h1 class='screen-title'>{P.esc(fw.title)}</h1><p class='screen-sub waiting'>" + ngettext(
                    "{n} of {k} answers so far: the team's results show once {k} person has answered.",
                    "{n} of {k} answers so far: the team's results show once {k} people have answered.", k).format(n=n, k=k) + "</p>")]
            else:
                index, page, parts = place(found, part, page)
                pages = len(S.screen_pages(found[index]))
                where = (" <span class='screen-page'>" + _("{page} of {pages}").format(page=page + 1, pages=pages) + "</span>") if pages > 1 else ""
                # One level below the part's title: headings inside the parts become h3.
                parts = [p.replace("<h4>", "<h3>").replace("</h4>", "</h3>") if isinstance(p, str) else p for p in parts]
                head = (module_title + f"<h1 class='screen-title' data-part='{found[index].id}' data-page='{page}'>"
                        f"{P.esc(found[index].title)}{where}</h1>")
                self.content.children = [P.block(head), parts_view(parts, screen=True)]

    def _count_down(self) -> None:
        from .widget_timer import _COUNTDOWN

        P.run_js(self._script(), _COUNTDOWN)

    def _script(self) -> W.Output:
        if not hasattr(self, "_out"):
            self._out = W.Output(layout=W.Layout(display="none"))
            self.body.children = [*self.body.children, self._out]
        return self._out
