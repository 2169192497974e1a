"""The facilitator's console for one session (the key's page; never on the projector).

What the room screen shows now, and buttons to change it; each module of the session's plan
with its state and, separately, the action that changes it (open or close; show or hold back
its results) and "open the next module"; a private preview of any module's results, hidden
ones included and marked so; the countdown; settings, SWOT moderation and exports; ending
and deleting the session. Laid out in tabs to fit a 1366x768 laptop; it updates itself every
two seconds while it is used.

Example::

    SessionView("K7M2QX")     # behind FacilitatorBoard's key check
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import ipywidgets as W

from slkit import KitError, events, i18n
from slkit import board as B
from slkit import summaries as S
from slkit.text import link_text
from slkit.aggregate import team_visible
from slkit.content import load_frameworks
from slkit.i18n import N_, NP_, _, ngettext, pgettext
from slkit.sessions import follow_up_link, join_link, planned, qr_svg, screen_link
from slkit.store import ModuleState

from . import page as P
from .widget_chart import parts_view
from .widget_download import DownloadLink
from .widget_live import LiveTicker
from .widget_moderation import AnswerModeration
from .widget_screen import SETTING as SCREEN, screen_state
from .widget_timer import MODULE as TIMER_MODULE, SETTING as TIMER, TimerBanner



def full_room_note(status: dict) -> str:
    """What the console says when the server turned pages away lately, and what to do ('' if none)."""
    refused = status.get("refused") or {}
    full, address = int(refused.get("full", 0)), int(refused.get("address", 0))
    out = []
    if full:
        out.append(ngettext("In the last ten minutes the server turned {n} page away: it was full ({cap} pages open at most).",
                            "In the last ten minutes the server turned {n} pages away: it was full ({cap} pages open at most).", full
                            ).format(n=full, cap=status.get("cap", "?")) + " "
                   + _("Ask people to close the workshop's tabs they no longer need; if this computer has memory to spare, "
                       "restart the server with a larger {option}.").format(option="<code>--max-kernels</code>"))
    if address:
        out.append(ngettext("{n} page was turned away because one device or network had {limit} pages open already.",
                            "{n} pages were turned away because one device or network had {limit} pages open already.", address
                            ).format(n=address, limit=status.get("per_address", "?")) + " "
                   + _("If the room reaches this server through one shared address (a server on the internet), "
                       "restart it with a larger {option}.").format(option="<code>--max-per-address</code>"))
    return "".join(f"<p class='msg-error full-room' role='status'>{t}</p>" for t in out)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The facilitator guide, rendered by the workshop server (slkit.guide); relative to /voila/render/.
GUIDE_LINK = "../../slkit/guide/"
SCREEN_VIEWS = [(N_("Join view"), "join"), (N_("Results"), "results"), (N_("Countdown"), "countdown"), (N_("Pause"), "pause")]
# The console's keys for the room screen: Page Down / Page Up (what a presenter's clicker sends),
# and the arrow keys where they move nothing else (not in a field, a list of choices or the tabs).
_PAGING_KEYS = (
    "(function(){if(window.slkPagingKeys)return;window.slkPagingKeys=true;"
    "document.addEventListener('keydown',function(e){if(e.defaultPrevented||e.altKey||e.ctrlKey||e.metaKey)return;"
    "var dir={PageDown:'next',PageUp:'prev',ArrowRight:'next',ArrowLeft:'prev'}[e.key];if(!dir)return;"
    "var t=e.target||document.body;var inField=t.closest&&t.closest('input,textarea,select,[contenteditable]');"
    "if(inField)return;"
    "if(/^Arrow/.test(e.key)&&t.closest&&t.closest('[role=radiogroup],[role=tablist],[role=radio],[role=tab],.widget-dropdown'))return;"
    "var b=document.querySelector('button.slk-screen-'+dir);if(!b||b.disabled||b.offsetParent===null)return;"
    "e.preventDefault();b.click();});})();"
)
STATES = {  # what a module is now, and the button that changes it
    "open": ((NP_("state", "Open"), N_("Close")), (NP_("state", "Closed"), N_("Open"))),
    "reveal": ((NP_("state", "Shown to participants"), N_("Hold back")), (NP_("state", "Held back"), N_("Show"))),
}


class SessionView(W.VBox):
    def __init__(self, code: str, *, key: str, store_factory=P.store, **kwargs):
        """`key`: the key this console was opened with (the session's or the server's); the room
        screen's link is derived from it (Store.screen_key)."""
        self.code, self._store_factory = code, store_factory
        store = store_factory()
        session = store.get_session(code)
        self.session_title = session.title
        everything = load_frameworks()
        self.plan = planned(session.settings, everything)
        self.frameworks = {m: everything[m] for m in self.plan}
        link = join_link(P.base_url(), code)
        self.screen_url = screen_link(P.base_url(), code, store.screen_key(code, key))
        self.stats = W.HTML()
        self.room = W.HTML()  # pages the server turned away lately, and what to do about it
        self.waiting = W.VBox()  # people who joined again from a browser that had left: count them in?
        self._waiting_ids: tuple = ()
        self.problem = W.HTML()  # a console action the store refused, until the next one works
        self.note = W.HTML()
        self.modules = W.VBox()
        self._rows: list | None = None
        self._controls: dict[tuple[str, str], tuple[W.HTML, W.Button]] = {}
        self._states: dict[str, ModuleState] = {}
        self.next_button = W.Button(description=_("Open the next module"), button_style="primary", layout=W.Layout(width="auto"))
        self.next_button.on_click(lambda _b: self.open_next())
        # The room screen: what it shows now, and the buttons that change it.
        options = [(f"{fw.order}. {fw.title}", m) for m, fw in self.frameworks.items()]
        self.screen_now = W.HTML()
        # (A radio group named by its tooltip: what the room screen shows.)
        self.screen_view = W.ToggleButtons(options=[(_(label), v) for label, v in SCREEN_VIEWS], value=None, style={"button_width": "auto"},
                                           tooltip=_("What the room screen shows"))
        self.screen_module = W.Dropdown(options=options, description=_("Results of"), style={"description_width": "initial"},
                                        layout=W.Layout(width="auto"))
        self.screen_view.observe(lambda ch: self.show_on_screen(ch["new"], self.screen_module.value) if ch["new"] else None, "value")
        self.screen_module.observe(lambda ch: self.show_on_screen("results", ch["new"]) if self.screen_view.value == "results" else None, "value")
        # The parts of the module on the screen, one at a time: a list, Previous / Next (also the
        # keyboard: Page Down / Page Up, as a presenter's clicker sends, or the arrow keys), and
        # where the screen is.
        self.screen_part = W.Dropdown(options=[], description=_("Part on the screen"), style={"description_width": "initial"},
                                      layout=W.Layout(width="auto", max_width="36em"))
        self.screen_part.observe(lambda ch: self.show_part(ch["new"], 0) if ch["new"] and not self._placing else None, "value")
        self.part_prev = W.Button(description=_("Previous"), icon="arrow-left", layout=W.Layout(width="auto"))
        self.part_next = W.Button(description=_("Next"), icon="arrow-right", button_style="primary", layout=W.Layout(width="auto"))
        self.part_prev.add_class("slk-screen-prev")
        self.part_next.add_class("slk-screen-next")
        self.part_prev.on_click(lambda _b: self.page_screen(-1))
        self.part_next.on_click(lambda _b: self.page_screen(1))
        self.part_where = W.HTML()
        self._placing = False
        self._settings: dict | None = None  # the session's settings as last read
        self._sections: tuple | None = None  # (key, the sections of the module on the screen)
        self.part_keys = W.Output(layout=W.Layout(display="none"))
        # A private preview of any module's results.
        self.results_module = W.ToggleButtons(options=options, value=None, tooltip=_("Module to preview"))
        self.results_module.add_class("slk-columns")
        self.results_module.observe(lambda _c: self.refresh_results(force=True), "value")
        self.results = W.VBox()
        self._results_key: tuple | None = None
        # Countdown.
        self.timer = TimerBanner(code, store_factory=store_factory)
        self.minutes = W.BoundedIntText(value=10, min=1, max=180, description=_("Minutes"), style={"description_width": "5em"}, layout=W.Layout(width="11em"))
        self.timer_for = W.Dropdown(options=options, description=_("For"), style={"description_width": "3em"}, layout=W.Layout(width="auto"))
        opened = [m for m in self.plan if store.module_states(code).get(m, ModuleState()).is_open]
        self.timer_for.value = opened[-1] if opened else self.plan[0]
        # The countdown is for the module opened last (the one the room is working on) unless the
        # facilitator picks another: opening a module moves it there (set_state).
        start, stop = W.Button(description=_("Start the countdown"), layout=W.Layout(width="auto")), W.Button(description=_("Stop the countdown"), layout=W.Layout(width="auto"))
        start.on_click(lambda _b: self.start_timer(int(self.minutes.value), self.timer_for.value))
        stop.on_click(lambda _b: self.stop_timer())
        # Settings.
        self.threshold = W.BoundedIntText(value=session.threshold, min=1, max=1000, description=_("Anonymity threshold"),
                                          style={"description_width": "16em"}, layout=W.Layout(width="24em"))
        self.budget = W.BoundedIntText(value=B.session_budget(session.settings), min=0, max=50, description=_("SWOT votes per quadrant"),
                                       style={"description_width": "16em"}, layout=W.Layout(width="24em"))
        # The session's language: pages opened from now on, the room screen, exports (a person's own choice stays theirs).
        self.language = W.Dropdown(options=i18n.choices(), value=session.language,
                                   description=_("Language"), style={"description_width": "16em"}, layout=W.Layout(width="32em"))
        self.follow_up = W.DatePicker(value=session.follow_up, description=_("Follow-up date"),
                                      style={"description_width": "16em"}, layout=W.Layout(width="32em"))
        self.follow_up_note = W.HTML()
        # Observers (a 360, slkit.observers): on unless switched off; the console sees counts only.
        from slkit import observers as O

        self.observers_on = W.Checkbox(value=O.enabled(session.settings), indent=False,
                                       description=_("Observers (360): people may invite others to rate them in the five practices"))
        self.observer_counts = W.HTML()
        if "five_practices" not in self.plan:
            self.observers_on.layout.display = self.observer_counts.layout.display = "none"
        save = W.Button(description=_("Save settings"))
        save.on_click(lambda _b: self.save_settings())
        self.moderation = AnswerModeration(self.frameworks, code, store_factory=store_factory)
        if not self.moderation.frameworks:
            self.moderation = None
        # Exports, made when asked for (a report carries plotly.js: a few MB).
        self.exports = W.VBox()
        make_report = W.Button(description=_("Report for the team (HTML)"), layout=W.Layout(width="auto"))
        make_xlsx = W.Button(description=_("All answers (Excel)"), layout=W.Layout(width="auto"))
        make_report.on_click(lambda _b: self.prepare_export("html"))
        make_xlsx.on_click(lambda _b: self.prepare_export("xlsx"))
        # Ending and deleting.
        self.end_button = W.Button(description=_("End the session"), layout=W.Layout(width="auto"))
        self.end_button.on_click(lambda _b: self.end())
        self.delete_button = W.Button(description=_("Delete the session…"), button_style="danger", layout=W.Layout(width="auto"))
        self.delete_button.on_click(lambda _b: self.ask_delete())
        self.confirm = W.VBox()
        self.ticker = LiveTicker(self.refresh, minutes=180, gated=False)  # also shows what is not stored (kernels open)
        loopback = ("<p class='msg-error'>" + _("Only this computer can open this link: the server listens on this machine only. "
                                                "Restart it with {host} (or {public}) for the room's phones.").format(
                        host="<code>--host 0.0.0.0</code>", public="<code>--public-url</code>") + "</p>"
                    if os.environ.get("SLKIT_LOOPBACK_ONLY") else "")
        header = P.block(
            f"<div class='console-top'><div class='qr' role='img' aria-label='{P.esc(_('QR code of the join link'))}'>{qr_svg(link, 4)}</div><div>"
            f"<h1>{P.esc(session.title)}</h1>"
            f"<p>{_('Session code')} <span class='code' translate='no'>{P.esc(code)}</span> · {_('join link')} <a href='{P.esc(link)}' target='_blank'>{link_text(link)}</a></p>"
            f"{loopback}"
            f"<p><a class='screen-link' href='{P.esc(self.screen_url)}' target='_blank' rel='noopener'>{_('Open the room screen')}</a> "
            + _("in a new window and put that window on the projector; this console stays on your laptop.") + " "
            f"<a class='guide-link' href='{GUIDE_LINK}?lang={i18n.current()}' target='_blank' rel='noopener'>{_('Guide')}</a>: "
            + _("agendas, module scripts, what to do when something goes wrong.") + "</p></div></div>"
        )
        from slkit.joincard import join_card_html

        card = DownloadLink(f"{code}-join-card.html",
                            lambda: join_card_html(session.title, code, link, session.language, store_factory().get_session(code).follow_up,
                                                   follow_up_link(P.base_url(), code)),
                            _("Join card to print (A4: QR code, link and code; cards for personal codes)"))
        self.paging = W.HBox([self.screen_part, self.part_prev, self.part_next, self.part_where],
                             layout=W.Layout(flex_flow="row wrap", align_items="center", display="none"))
        self.paging.add_class("slk-screen-paging")
        run = W.VBox([
            P.block(f"<h2>{_('On the room screen')}</h2>"), self.screen_now,
            W.HBox([self.screen_view, self.screen_module], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.paging, self.part_keys,
            P.block(f"<h2>{_('Modules')}</h2>"), self.modules, self.next_button,
            P.block(f"<h2>{_('Countdown')}</h2><p class='muted'>" + _("Participants in the chosen module see it from their next step or answer; "
                    "\u201cTime is up\u201d shows for a minute, then goes. Put it on the room screen with Countdown above.") + "</p>"), self.timer,
            W.HBox([self.minutes, self.timer_for, start, stop], layout=W.Layout(flex_flow="row wrap", align_items="center")),
        ])
        preview = W.VBox([P.block(f"<h2>{_('Preview')}</h2><p class='muted'>" + _("Only you see this preview: every module's team results once the threshold "
                                  "is reached, also those held back from participants' pages and the room screen.") + "</p>"),
                          self.results_module, self.results])
        settings = W.VBox([
            P.block(f"<h2>{_('Settings')}</h2>"), self.threshold, self.budget, self.language, self.follow_up, self.follow_up_note,
            self.observers_on, self.observer_counts, save, self.note,
            P.block(f"<h2>{_('Exports')}</h2>"), W.HBox([make_report, make_xlsx]), self.exports,
            P.block(f"<h2>{_('End or delete')}</h2><p class='muted'>" + _("Ending closes every module; answers are kept for the report. "
                    "Deleting removes the session with every answer in it, for good.") + "</p>"),
            W.HBox([self.end_button, self.delete_button]), self.confirm,
        ])
        pages = [run, preview] + ([W.VBox([P.block(f"<h2>{_('Moderation')}</h2><p class='muted'>" + _(
            "Hide a written answer to take it off the room screen, the team's pages, the themes and every export; its author "
            "still sees it, with a note. Show brings it back.") + "</p>"), self.moderation])] if self.moderation is not None else []) + [settings]
        self.tabs = W.Tab(children=pages, titles=[_("Run the room"), _("Preview results")]
                          + ([_("Moderation")] if self.moderation is not None else []) + [_("Settings and exports")])
        self.tabs.add_class("slk-tabs")
        super().__init__([header, card, self.problem, self.stats, self.room, self.waiting, self.tabs, self.ticker], **kwargs)
        self._follow_up_note()
        self.refresh()

    # ---- the room screen -------------------------------------------------------------------------
    def show_on_screen(self, view: str, module: str | None = None, part: str | None = None, page: int = 0) -> None:
        """Put the join view, a module's results (a part of them, a page of it), the countdown or
        the pause on the room screen."""
        state = {"view": view, "module": module if view == "results" else None}
        if view == "results":
            state.update(part=part, page=page)
        if self._attempt(_("Could not change the room screen."), lambda: self._store_factory().update_session(self.code, settings={SCREEN: state})):
            self._attempt(_("Could not read the session."), self._screen_label)

    def _screen_sections(self, module: str) -> list | None:
        """The sections of a module's results as the room screen shows them (None: nothing to page
        through yet: held back, or below the threshold). Read again only when its answers changed."""
        from .widget_screen import team_sections

        store = self._store_factory()
        fw = self.frameworks[module]
        session = store.get_session(self.code)
        if not self._is_on(module, "reveal"):
            return None
        version = store.answers_version(session, module)
        entries = [e for e in B.board_entries(store, self.code, module) if not e.hidden]
        key = (module, session.threshold, version, session.language, tuple((e.id, e.votes, e.merged_into, e.text) for e in entries))
        if self._sections is None or self._sections[0] != key:
            _n, found = team_sections(store, self.code, fw, session.threshold, store.answers(self.code, module), entries)
            self._sections = (key, found)
        return self._sections[1]

    def show_part(self, part: str, page: int = 0) -> None:
        """Put one part of the module on the screen (its page `page`) on the room screen."""
        view, module = screen_state(self._settings or {})
        if view == "results" and module:
            self.show_on_screen("results", module, part, page)

    def page_screen(self, by: int) -> None:
        """Next (1) or Previous (-1) on the room screen: page by page through a part, then part by part."""
        from .widget_screen import screen_place, step

        settings = self._settings or {}
        view, module = screen_state(settings)
        if view != "results" or module not in self.frameworks:
            return
        try:
            found = self._screen_sections(module)
        except KitError as e:
            self.problem.value = P.message("error", f"{_('Could not change the room screen.')} {e}")
            return
        if not found:
            return
        part, page = step(found, *screen_place(settings), by)
        self.show_on_screen("results", module, part, page)

    def _paging(self, settings: dict) -> None:
        """The console's list of the parts on the screen, and where the screen is."""
        from .widget_screen import place, screen_place

        view, module = screen_state(settings)
        found = self._screen_sections(module) if view == "results" and module in self.frameworks else None
        if not found:
            self.paging.layout.display = "none"
            return
        part, page = screen_place(settings)
        index, page, _parts = place(found, part, page)
        pages = len(S.screen_pages(found[index]))
        options = [(f"{n}. {s.title}", s.id) for n, s in enumerate(found, 1)]
        self._placing = True
        try:
            if list(self.screen_part.options) != options:
                self.screen_part.options = options
            if self.screen_part.value != found[index].id:
                self.screen_part.value = found[index].id
        finally:
            self._placing = False
        last = index == len(found) - 1 and page == pages - 1
        self.part_prev.disabled = index == 0 and page == 0
        self.part_next.disabled = last
        where = P.markup("<span class='screen-where' role='status'>" + _("Part {n} of {parts}").format(n=index + 1, parts=len(found))
                         + (" · " + _("page {page} of {pages}").format(page=page + 1, pages=pages) if pages > 1 else "") + "</span>")
        if self.part_where.value != where:
            self.part_where.value = where
        self.paging.layout.display = ""
        if not self.part_keys.outputs:
            P.run_js(self.part_keys, _PAGING_KEYS)

    def _screen_label(self, settings: dict | None = None) -> None:
        if settings is None:
            settings = self._store_factory().get_session(self.code).settings
            self._states = self._store_factory().module_states(self.code)
        self._settings = settings
        view, module = screen_state(settings)
        what = _(dict((v, k) for k, v in SCREEN_VIEWS)[view])
        if view == "results" and module in self.frameworks:
            fw = self.frameworks[module]
            revealed = self._is_on(module, "reveal")  # the states this refresh has just read
            what = (_("the results of {module}") if revealed else _("the results of {module} (held back: the screen says so and shows none)")
                    ).format(module=f"{fw.order}. {P.esc(fw.title)}")
        value = P.markup(f"<p class='screen-now'>{_('Now showing:')} <b>{what}</b></p>")
        if self.screen_now.value != value:
            self.screen_now.value = value
        self._paging(settings)

    # ---- one person, one count ----------------------------------------------------------------------
    def _show_waiting(self, people: list[dict]) -> None:
        """People who joined again from a browser that had left the session: their answers count
        once the facilitator counts them in (someone else on a shared device, say; or one person
        trying to be several)."""
        ids = tuple(p["id"] for p in people)
        if ids == self._waiting_ids:
            return
        self._waiting_ids = ids
        if not people:
            self.waiting.children = []
            return
        rows: list[W.Widget] = [P.block("<p class='msg-error waiting-count'>" + ngettext(
            "{n} person joined again from a browser that had left this session. Their answers do not count in the team's "
            "results until you count them in: do so if a different person is using that device.",
            "{n} people joined again from browsers that had left this session. Their answers do not count in the team's "
            "results until you count them in: do so for each who is a different person using that device.", len(people)
        ).format(n=len(people)) + "</p>")]
        for person in people:
            who = P.esc(person["name"]) if person["name"] else _("(no name given)")
            was = (" · " + _("the browser had left as {name}").format(name=P.esc(person["was"]))) if person["was"] else ""
            button = W.Button(description=_("Count them in"), layout=W.Layout(width="auto"),
                              tooltip=_("Count them in: {name}").format(name=person["name"] or _("(no name given)")))
            button.on_click(lambda _b, pid=person["id"]: self.count_in(pid))
            rows.append(W.HBox([W.HTML(P.markup(f"<span class='waiting-person'>{who}{was}</span>"), layout=W.Layout(flex="1 1 auto")), button],
                               layout=W.Layout(align_items="center", max_width="40em")))
        self.waiting.children = rows

    def count_in(self, participant_id: int) -> None:
        if self._attempt(_("Could not count them in."), lambda: self._store_factory().count_in(self.code, participant_id)):
            events.note("session %s: a person who joined again is counted in", self.code)
            self._waiting_ids = ()
            self.refresh()

    # ---- modules: open or closed, results shown or held back ------------------------------------
    def _control(self, module: str, what: str, on: bool) -> W.HBox:
        (on_state, on_action), (off_state, off_action) = STATES[what]
        pair = self._controls.get((module, what))
        if pair is None:
            label, button = W.HTML(layout=W.Layout(width="11em")), W.Button(layout=W.Layout(width="7.5em"))
            button.add_class("slk-named")  # named "Close: 1. Purpose first", not only "Close"
            button.on_click(lambda _b, m=module, w=what: self.set_state(m, w, not self._is_on(m, w)))
            pair = self._controls[(module, what)] = (label, button)
        label, button = pair
        title = self.frameworks[module].title
        state = pgettext("state", on_state if on else off_state)
        value = P.markup(f"<span class='state-{what} {'on' if on else 'off'}' data-module='{module}'>{state}</span>")
        if label.value != value:
            label.value = value
        button.description = _(on_action if on else off_action)
        button.tooltip = f"{button.description}: {title}"
        return W.HBox([label, button], layout=W.Layout(align_items="center"))

    def _is_on(self, module: str, what: str) -> bool:
        state = self._states.get(module, ModuleState())
        return state.is_open if what == "open" else state.results_revealed

    def _attempt(self, failed: str, action) -> bool:
        """Run a console action; if the store fails, say so (`failed`: "Could not …") at the top of
        the console (it changed nothing)."""
        try:
            action()
        except KitError as e:
            self.problem.value = P.message("error", f"{failed} {e}")
            return False
        if self.problem.value:
            self.problem.value = ""
        return True

    def set_state(self, module: str, what: str, on: bool) -> None:
        def change():
            store = self._store_factory()
            state = store.module_state(self.code, module)
            current = state.is_open if what == "open" else state.results_revealed
            if current != on:
                store.set_module_state(self.code, module, **({"is_open": on} if what == "open" else {"results_revealed": on}))
                events.note("session %s: %s %s", self.code, self.frameworks[module].title, {
                    ("open", True): "opened", ("open", False): "closed",
                    ("reveal", True): "results shown", ("reveal", False): "results held back"}[(what, on)])

        failed = {("open", True): _("Could not open {module}."), ("open", False): _("Could not close {module}."),
                  ("reveal", True): _("Could not show the results of {module}."),
                  ("reveal", False): _("Could not hold back the results of {module}.")}[(what, on)]
        if what == "open" and on:
            self.timer_for.value = module  # the countdown follows the room: the module opened last
        if self._attempt(failed.format(module=self.frameworks[module].title), change):
            self.refresh()

    def next_module(self) -> str | None:
        """The module after the last open one in the plan (the first, when none is open)."""
        opened = [i for i, m in enumerate(self.plan) if self._is_on(m, "open")]
        after = (opened[-1] + 1) if opened else 0
        return self.plan[after] if after < len(self.plan) else None

    def open_next(self) -> None:
        m = self.next_module()
        if m is not None:
            self.set_state(m, "open", True)

    def end(self) -> None:
        try:
            self._store_factory().end_session(self.code, self.plan)
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        self.confirm.children = [W.HTML(P.message("ok", _("The session has ended: every module is closed; answers are kept.")))]
        events.note("session %s ended", self.code)
        self.refresh()

    def ask_delete(self) -> None:
        yes = W.Button(description=_("Yes, delete it and every answer"), button_style="danger", layout=W.Layout(width="auto"))
        no = W.Button(description=_("No, keep it"), layout=W.Layout(width="auto"))
        yes.on_click(lambda _b: self.delete())
        no.on_click(lambda _b: setattr(self.confirm, "children", []))
        pending = self._store_factory().get_session(self.code).follow_up
        warning = (" " + _("Its follow-up is on {date}: people will come back to commitments that are then gone.").format(
            date=i18n.date(pending, "long")) if pending and pending >= dt.date.today() else "")
        self.confirm.children = [P.block("<p class='msg-error'>" + _("Delete session {code} with all its participants and answers? "
                                                                       "This cannot be undone.").format(code=P.esc(self.code)) + warning + "</p>"),
                                 W.HBox([yes, no])]

    def delete(self) -> None:
        try:
            self._store_factory().delete_session(self.code)
        except KitError as e:
            self.confirm.children = [W.HTML(P.message("error", str(e)))]
            return
        events.note("session %s deleted", self.code)
        self.ticker.pause()
        self.children = [P.block(f"<h1>{_('Session deleted')}</h1><p>" + _("Session {code} and every answer in it are gone.").format(code=P.esc(self.code)) + "</p>")]

    # ---- settings and the countdown ---------------------------------------------------------------
    def save_settings(self) -> None:
        store = self._store_factory()
        try:
            before = store.get_session(self.code).follow_up
            if self.follow_up.value != before:
                store.set_follow_up(self.code, self.follow_up.value)  # checked first: nothing is saved half-way
            store.update_session(self.code, threshold=int(self.threshold.value),
                                 settings={"vote_budget": int(self.budget.value), "language": self.language.value,
                                           "observers": bool(self.observers_on.value)})
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        self.note.value = P.message("ok", _("Settings saved."))
        self._follow_up_note()
        self.refresh_results(force=True)

    def _observer_counts(self) -> None:
        """How many invited observers and how many answered: counts only, never a person's 360."""
        from slkit import observers as O

        if "five_practices" not in self.plan:
            return
        try:
            people, answers = O.session_counts(self._store_factory(), self.code)
        except KitError:
            return
        value = P.markup("<p class='muted observer-counts'>" + P.esc(
            i18n.ngettext("{n} person invited observers", "{n} people invited observers", people).format(n=people) + "; "
            + i18n.ngettext("{n} observer answered", "{n} observers answered", answers).format(n=answers) + ". "
            + _("You see these counts only: each person's 360 is theirs alone.")) + "</p>")
        if self.observer_counts.value != value:
            self.observer_counts.value = value

    def _follow_up_note(self) -> None:
        """On the day of the follow-up, the team needs its link (it carries no one's identity)."""
        from slkit.followup import sentence
        from slkit.sessions import follow_up_link

        day = self._store_factory().get_session(self.code).follow_up
        value = (P.markup("<p class='muted follow-up-note'>" + P.esc(sentence(day)) + " " + _("On the day, open the follow-up module and send the "
                          "team this link (by e-mail or chat):") + f" <a href='{P.esc(follow_up_link(P.base_url(), self.code))}'>"
                          f"{P.esc(follow_up_link(P.base_url(), self.code))}</a></p>") if day else "")
        if self.follow_up_note.value != value:
            self.follow_up_note.value = value

    def start_timer(self, minutes: int, module: str | None = None) -> None:
        """A countdown for one module (by default the one opened last): a new one replaces the last."""
        module = module or self.timer_for.value or next(iter(self.frameworks))
        end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
        if self._attempt(_("Could not start the countdown."), lambda: self._store_factory().update_session(
                self.code, settings={TIMER: end.isoformat(), TIMER_MODULE: module})):
            self.timer.refresh()

    def stop_timer(self) -> None:
        if self._attempt(_("Could not stop the countdown."), lambda: self._store_factory().update_session(self.code, settings={TIMER: None})):
            self.timer.refresh()

    # ---- exports -------------------------------------------------------------------------------------
    def prepare_export(self, fmt: str) -> None:
        from slkit.report import export

        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = export(self._store_factory(), self.code, fmt, Path(tmp) / f"{self.code}.{fmt}")[0]
                data = path.read_bytes()
        except KitError as e:
            self.exports.children = [W.HTML(P.message("error", str(e)))]
            return
        name, label, mime = {
            "html": (f"{self.code}-report.html", _("Download the report"), "text/html;charset=utf-8"),
            "xlsx": (f"{self.code}-answers.xlsx", _("Download the workbook"), XLSX),
        }[fmt]
        self.exports.children = [DownloadLink(name, lambda: data, label, mime=mime)]

    # ---- what the ticker refreshes -----------------------------------------------------------------
    def refresh(self) -> None:
        store = self._store_factory()
        try:
            counts = B.respondent_counts(store, self.code)
            joined = store.participant_count(self.code)
            changed = store.module_states(self.code)
            settings = store.get_session(self.code).settings
        except KitError as e:
            self.stats.value = P.message("error", str(e))
            return
        self._states = states = {m: changed.get(m, ModuleState()) for m in self.frameworks}
        self._observer_counts()
        from slkit.kernel_budget import read_status

        server = read_status()
        load = (" <span class='kernels muted'>· " + _("{n} of at most {cap} pages open on the server").format(n=server['kernels'], cap=server['cap'])
                + "</span>" if server else "")
        stats = P.markup("<p class='joined'>" + ngettext("{n} participant joined.", "{n} participants joined.", joined).format(n=joined) + f"{load}</p>")
        if self.stats.value != stats:
            self.stats.value = stats
        room = P.markup(full_room_note(server)) if server and full_room_note(server) else ""
        if self.room.value != room:
            self.room.value = room
        try:
            self._show_waiting(store.waiting_to_count(self.code))
        except KitError:
            pass
        rows = [
            (m, P.markup(f"<span class='module' data-module='{m}'>{fw.order}. {P.esc(fw.title)}</span>"),
             P.markup(f"<span class='answered' data-module='{m}'>{_('{n} took part').format(n=counts.get(m, 0))}</span>"))
            for m, fw in self.frameworks.items()
        ]
        controls = {m: (self._control(m, "open", states[m].is_open), self._control(m, "reveal", states[m].results_revealed)) for m in self.frameworks}
        if self._rows != rows:
            self._rows = rows
            self.modules.children = [
                W.HBox([W.HTML(lv, layout=W.Layout(flex="1 1 14em")), W.HTML(cv, layout=W.Layout(width="8em")), *controls[m]],
                       layout=W.Layout(align_items="center", flex_flow="row wrap", border_bottom="1px solid #e4e7eb"))
                for m, lv, cv in rows
            ]
        nxt = self.next_module()
        self.next_button.description = (_("Open the next module: {module}").format(module=f"{self.frameworks[nxt].order}. {self.frameworks[nxt].title}")
                                        if nxt else _("Every module is open"))
        self.next_button.disabled = nxt is None
        self._screen_label(settings)
        if self.results_module.value is None:
            busiest = max(self.frameworks, key=lambda m: counts.get(m, 0))
            if counts.get(busiest):
                self.results_module.value = busiest  # observed: draws the results
        self.refresh_results(counts=counts)
        if self.moderation is not None:
            self.moderation.refresh()

    def refresh_results(self, force: bool = False, counts: dict[str, int] | None = None) -> None:
        """Redraw the chosen module's results when its answers or board changed."""
        module = self.results_module.value
        if module is None:
            self.results.children = [P.block(f"<p class='muted'>{_('Results appear here once people answer.')}</p>")]
            return
        fw = self.frameworks[module]
        store = self._store_factory()
        try:
            session = store.get_session(self.code)
            rows = store.answers(self.code, module)
            entries = [e for e in B.board_entries(store, self.code, module) if not e.hidden]
            n = (counts if counts is not None else B.respondent_counts(store, self.code)).get(module, 0)  # a tick has them already
        except KitError as e:
            self.results.children = [W.HTML(P.message("error", str(e)))]
            return
        revealed = self._is_on(module, "reveal")
        key = (module, n, session.threshold, revealed, len(rows), max((str(r["updated_at"]) for r in rows), default=""),
               tuple((e.id, e.votes, e.merged_into, e.text) for e in entries))
        if key == self._results_key and not force:
            return
        self._results_key = key
        if not team_visible(n, session.threshold):
            self.results.children = [P.block(
                "<p class='waiting'>" + ngettext("{n} of {threshold} so far: results show once {threshold} person has taken part.",
                                                 "{n} of {threshold} so far: results show once {threshold} people have taken part.",
                                                 session.threshold).format(n=n, threshold=session.threshold) + "</p>")]
            return
        held = ("<p class='msg-error held-note'>" + _("Held back: participants' pages and the room screen do not show these results. "
                                                      "Show them under Run the room when the group is ready.") + "</p>" if not revealed else "")
        took_part = ngettext("{n} person took part.", "{n} people took part.", n).format(n=n)
        self.results.children = [P.block(f"{held}<p class='muted'>{took_part}</p>"),
                                 parts_view(S.summary(fw, rows, entries, session.threshold, before=S.before_rows(store, self.code, fw)))]
