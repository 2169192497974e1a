"""One session on the facilitator's board: join link and QR code, live counts, modules opened
and closed, team results shown or held back, live results per module, a countdown, settings,
SWOT moderation and the exports. Clear on a projector; updates itself every two seconds.

Example::

    SessionView("K7M2QX")     # behind FacilitatorBoard's key check
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

import ipywidgets as W

from slkit import KitError
from slkit import board as B
from slkit import summaries as S
from slkit.aggregate import team_visible
from slkit.content import load_frameworks
from slkit.sessions import join_link
from slkit.store import ModuleState

from . import page as P
from .widget_chart import parts_view
from .widget_download import DownloadLink
from .widget_live import LiveTicker
from .widget_moderation import BoardModeration
from .widget_timer import MODULE as TIMER_MODULE, SETTING as TIMER, TimerBanner

log = logging.getLogger("slkit.board")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _qr_svg(link: str) -> str:
    """The join link as a QR code, made here (no service), large enough to scan across a room."""
    import segno

    return segno.make(link, error="m").svg_inline(scale=7, border=2, dark="#123c5a")


class SessionView(W.VBox):
    def __init__(self, code: str, *, store_factory=P.store, **kwargs):
        self.code, self._store_factory = code, store_factory
        store = store_factory()
        session = store.get_session(code)
        self.frameworks = load_frameworks()
        link = join_link(P.base_url(), code)
        self.stats = W.HTML()
        self.note = W.HTML()
        self.modules = W.VBox()
        self._toggles: dict[tuple[str, str], W.ToggleButton] = {}
        self._rows: list | None = None
        # Live results of the module chosen here.
        self.results_module = W.ToggleButtons(options=[(f"{fw.order}. {fw.title}", m) for m, fw in self.frameworks.items()], value=None)
        self.results_module.add_class("slk-columns")
        self.results_module.observe(lambda _c: self.refresh_results(force=True), "value")
        # The countdown is for the module on screen unless the facilitator picks another.
        self.results_module.observe(lambda ch: setattr(self.timer_for, "value", ch["new"]) if ch["new"] else None, "value")
        self.results = W.VBox()
        self._results_key: tuple | None = None
        # Countdown.
        self.timer = TimerBanner(code, store_factory=store_factory)
        self.minutes = W.BoundedIntText(value=10, min=1, max=180, description="Minutes", style={"description_width": "5em"}, layout=W.Layout(width="11em"))
        self.timer_for = W.Dropdown(options=[(f"{fw.order}. {fw.title}", m) for m, fw in self.frameworks.items()],
                                    description="For", style={"description_width": "3em"}, layout=W.Layout(width="auto"))
        start, stop = W.Button(description="Start timer"), W.Button(description="Stop timer")
        start.on_click(lambda _b: self.start_timer(int(self.minutes.value), self.timer_for.value))
        stop.on_click(lambda _b: self.stop_timer())
        # Settings.
        self.threshold = W.BoundedIntText(value=session.threshold, min=1, max=1000, description="Anonymity threshold",
                                          style={"description_width": "14em"}, layout=W.Layout(width="22em"))
        self.budget = W.BoundedIntText(value=B.session_budget(session.settings), min=0, max=50, description="SWOT votes per quadrant",
                                       style={"description_width": "14em"}, layout=W.Layout(width="22em"))
        save = W.Button(description="Save settings")
        save.on_click(lambda _b: self.save_settings())
        swot = self.frameworks.get("social_team_swot")
        self.moderation = BoardModeration(swot, code, "swot_item", store_factory=store_factory) if swot else None
        # Exports, made when asked for (a report carries plotly.js: a few MB).
        self.exports = W.VBox()
        make_report = W.Button(description="Report for the team (HTML)", layout=W.Layout(width="auto"))
        make_xlsx = W.Button(description="All answers (Excel)", layout=W.Layout(width="auto"))
        make_report.on_click(lambda _b: self.prepare_export("html"))
        make_xlsx.on_click(lambda _b: self.prepare_export("xlsx"))
        self.ticker = LiveTicker(self.refresh, minutes=180)
        header = P.block(
            f"<h1>{P.esc(session.title)}</h1><div class='join'><div class='qr' role='img' aria-label='QR code of the join link'>{_qr_svg(link)}</div>"
            f"<div><p>Join at <a href='{P.esc(link)}'>{P.esc(link)}</a> with the code</p>"
            f"<p class='code bigcode'>{P.esc(code)}</p></div></div>"
        )
        children = [
            header, self.ticker, self.stats, self.modules,
            P.block("<h2>Live results</h2>"), self.results_module, self.results,
            P.block("<h2>Countdown</h2><p class='muted'>Participants in the chosen module see it from their next step or answer; "
                    "\u201cTime is up\u201d shows for a minute, then goes.</p>"), self.timer,
            W.HBox([self.minutes, self.timer_for, start, stop], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            P.block("<h2>Settings</h2>"), self.threshold, self.budget, save, self.note,
        ]
        if self.moderation is not None:
            children += [P.block("<h2>SWOT board: moderation</h2><p class='muted'>Hide an item to take it off every board and export "
                                 "(its votes are kept); merge a duplicate into another item (its votes move over).</p>"), self.moderation]
        children += [P.block("<h2>Exports</h2>"), W.HBox([make_report, make_xlsx]), self.exports]
        super().__init__(children, **kwargs)
        self.refresh()

    # ---- modules: open or closed, results shown or held back ------------------------------------
    def _toggle(self, module: str, what: str, on: bool) -> W.ToggleButton:
        labels = {"open": ("Open", "Closed", "unlock", "lock"), "reveal": ("Results shown", "Results hidden", "eye", "eye-slash")}[what]
        t = self._toggles.get((module, what))
        if t is None:
            t = self._toggles[(module, what)] = W.ToggleButton(value=on, layout=W.Layout(width="11em"))
            t.observe(lambda ch, m=module, w=what: self.set_state(m, w, ch["new"]), "value")
        elif t.value != on:
            t.value = on
        t.description = labels[0] if on else labels[1]
        t.icon = labels[2] if on else labels[3]
        t.button_style = "success" if on else ("danger" if what == "open" else "warning")
        return t

    def set_state(self, module: str, what: str, on: bool) -> None:
        store = self._store_factory()
        state = store.module_state(self.code, module)
        current = state.is_open if what == "open" else state.results_revealed
        if current != on:
            store.set_module_state(self.code, module, **({"is_open": on} if what == "open" else {"results_revealed": on}))
            log.info("session %s: module %s %s", self.code, module, {("open", True): "opened", ("open", False): "closed",
                                                                      ("reveal", True): "results shown", ("reveal", False): "results hidden"}[(what, on)])
        self.refresh()

    # ---- settings and the countdown ---------------------------------------------------------------
    def save_settings(self) -> None:
        try:
            self._store_factory().update_session(self.code, threshold=int(self.threshold.value), settings={"vote_budget": int(self.budget.value)})
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        self.note.value = P.message("ok", "Settings saved.")
        self.refresh_results(force=True)

    def start_timer(self, minutes: int, module: str | None = None) -> None:
        """A countdown for one module (by default the one whose results are shown here): a new one replaces the last."""
        module = module or self.results_module.value or next(iter(self.frameworks))
        end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
        self._store_factory().update_session(self.code, settings={TIMER: end.isoformat(), TIMER_MODULE: module})
        self.timer.refresh()

    def stop_timer(self) -> None:
        self._store_factory().update_session(self.code, settings={TIMER: None})
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
            "html": (f"{self.code}-report.html", "Download the report", "text/html;charset=utf-8"),
            "xlsx": (f"{self.code}-answers.xlsx", "Download the workbook", XLSX),
        }[fmt]
        self.exports.children = [DownloadLink(name, lambda: data, label, mime=mime)]

    # ---- what the ticker refreshes -----------------------------------------------------------------
    def refresh(self) -> None:
        store = self._store_factory()
        try:
            counts = B.respondent_counts(store, self.code)
            joined = store.participant_count(self.code)
            changed = store.module_states(self.code)
            states = {m: changed.get(m, ModuleState()) for m in self.frameworks}
        except KitError as e:
            self.stats.value = P.message("error", str(e))
            return
        stats = P.markup(f"<p class='joined'>{joined} participants joined.</p>")
        if self.stats.value != stats:
            self.stats.value = stats
        rows = [
            (m, P.markup(f"<span class='module' data-module='{m}'>{fw.order}. {P.esc(fw.title)}</span>"),
             P.markup(f"<span class='answered' data-module='{m}'>{counts.get(m, 0)} took part</span>"))
            for m, fw in self.frameworks.items()
        ]
        if self._rows != rows:
            self._rows = rows
            self.modules.children = [
                W.HBox([W.HTML(lv, layout=W.Layout(flex="1 1 auto")), W.HTML(cv, layout=W.Layout(width="9em")),
                        self._toggle(m, "open", states[m].is_open), self._toggle(m, "reveal", states[m].results_revealed)],
                       layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
                for m, lv, cv in rows
            ]
        else:
            for m in self.frameworks:
                self._toggle(m, "open", states[m].is_open)
                self._toggle(m, "reveal", states[m].results_revealed)
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
            self.results.children = [P.block("<p class='muted'>Results appear here once people answer.</p>")]
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
        key = (module, n, session.threshold, len(rows), max((str(r["updated_at"]) for r in rows), default=""),
               tuple((e.id, e.votes, e.merged_into, e.text) for e in entries))
        if key == self._results_key and not force:
            return
        self._results_key = key
        if not team_visible(n, session.threshold):
            self.results.children = [P.block(
                f"<p class='waiting'>{n} of {session.threshold} so far: results show once {session.threshold} people have taken part.</p>")]
            return
        self.results.children = [P.block(f"<p class='muted'>{n} people took part.</p>"), parts_view(S.summary(fw, rows, entries))]
