"""The facilitator's board: guarded by the facilitator key; creates sessions and shows one.

Example (in a notebook)::

    from widgets.widget_board import FacilitatorBoard
    FacilitatorBoard.from_page()     # reads ?session=CODE&key=KEY from the address
"""

from __future__ import annotations

import logging

import ipywidgets as W

from slkit import KitError
from slkit.content import load_frameworks
from slkit.sessions import facilitator_link, join_link

from slkit import board as B

from . import page as P
from .widget_live import LiveTicker
from .widget_moderation import BoardModeration

log = logging.getLogger("slkit.board")

LOCKED = "This board needs the facilitator link."


class FacilitatorBoard(W.VBox):
    def __init__(self, code: str | None, key: str | None, store_factory=P.store, **kwargs):
        self._store_factory = store_factory
        self.key = key
        self.body = W.VBox()
        super().__init__([P.page(self.body, width="1200px")], **kwargs)
        try:
            store = store_factory()
            allowed = store.verify_facilitator(code, key) if code else store.verify_server_key(key)
        except KitError as e:  # e.g. the store is unreachable: say so, show nothing else
            self.body.children = [P.block("<h1>Facilitator board</h1>"), W.HTML(P.message("error", str(e)))]
            self.allowed = False
            return
        if not allowed:
            # Nothing about what exists, and the key is not echoed.
            log.warning("facilitator board refused: %s", "wrong or missing key" if key else "no key")
            self.body.children = [P.block(f"<h1>Facilitator board</h1><p>{LOCKED}</p>")]
            self.allowed = False
            return
        self.allowed = True
        if code:
            self.show_session(store.get_session(code).code)
        else:
            self.show_start()

    @classmethod
    def from_page(cls) -> "FacilitatorBoard":
        q = P.query()
        return cls(code=q.get("session"), key=q.get("key"))

    # ---- no session yet: create one -----------------------------------------------------
    def show_start(self) -> None:
        self.title_input = W.Text(placeholder="e.g. Marketing team, spring workshop", layout=W.Layout(width="auto"))
        self.threshold_input = W.BoundedIntText(value=3, min=1, max=1000, layout=W.Layout(width="6em"))
        self.create_button = W.Button(description="Create session", button_style="primary")
        self.create_button.add_class("slk-button")
        self.result = W.HTML()
        self.sessions = P.block(self._sessions_html())
        self.create_button.on_click(lambda _b: self.create())
        self.body.children = [
            P.block("<h1>Facilitator board</h1><h2>New session</h2><p>Title</p>"),
            self.title_input,
            P.block("<p>Team results show to participants once this many people have answered:</p>"),
            self.threshold_input,
            self.create_button,
            self.result,
            self.sessions,
        ]

    def create(self):
        try:
            s = self._store_factory().create_session(self.title_input.value, int(self.threshold_input.value))
        except KitError as e:
            self.result.value = P.message("error", str(e))
            return None
        base = P.base_url()
        board = facilitator_link(base, s.key, s.code)
        self.result.value = (
            P.message("ok", f"Session {s.code} created.")
            + P.markup(
                f"<p>Join link for participants: <a href='{P.esc(join_link(base, s.code))}'>{P.esc(join_link(base, s.code))}</a></p>"
                f"<p>Your board for this session (keep it private): <a href='{P.esc(board)}'>open the board</a></p>"
            )
        )
        self.sessions.value = P.markup(self._sessions_html())
        return s

    def _sessions_html(self) -> str:
        store = self._store_factory()
        sessions = store.list_sessions()[:20]
        if not sessions:
            return "<h2>Sessions</h2><p class='muted'>No sessions yet.</p>"
        rows = "".join(
            f"<tr><td class='code'>{P.esc(s.code)}</td><td>{P.esc(s.title)}</td><td>{s.created_at:%Y-%m-%d}</td>"
            f"<td><a href='{P.esc(facilitator_link(P.base_url(), self.key, s.code))}'>board</a></td></tr>"
            for s in sessions
        )
        return f"<h2>Sessions</h2><table><tr><th>Code</th><th>Title</th><th>Created</th><th></th></tr>{rows}</table>"

    # ---- one session ------------------------------------------------------------------------
    def show_session(self, code: str) -> None:
        self.code = code
        store = self._store_factory()
        session = store.get_session(code)
        link = join_link(P.base_url(), code)
        self.stats = W.HTML()
        self.note = W.HTML()
        self.modules = W.VBox()
        self._toggles: dict[str, W.ToggleButton] = {}
        self.threshold = W.BoundedIntText(value=session.threshold, min=1, max=1000, description="Anonymity threshold",
                                          style={"description_width": "12em"}, layout=W.Layout(width="20em"))
        self.budget = W.BoundedIntText(value=B.session_budget(session.settings), min=0, max=50, description="SWOT votes per quadrant",
                                       style={"description_width": "12em"}, layout=W.Layout(width="20em"))
        save = W.Button(description="Save settings")
        save.on_click(lambda _b: self.save_settings())
        swot = load_frameworks().get("social_team_swot")
        self.moderation = BoardModeration(swot, code, "swot_item", store_factory=self._store_factory) if swot else None
        self.ticker = LiveTicker(self.refresh, minutes=180)
        header = P.block(
            f"<h1>{P.esc(session.title)}</h1><div class='join'><div class='qr' role='img' aria-label='QR code of the join link'>{_qr_svg(link)}</div>"
            f"<div><p>Join at <a href='{P.esc(link)}'>{P.esc(link)}</a> with the code</p>"
            f"<p class='code bigcode'>{P.esc(code)}</p></div></div>"
        )
        children = [header, self.ticker, self.stats, self.modules, P.block("<h2>Settings</h2>"), self.threshold, self.budget, save, self.note]
        if self.moderation is not None:
            children += [P.block("<h2>SWOT board: moderation</h2><p class='muted'>Hide an item to take it off every board and export "
                                 "(its votes are kept); merge a duplicate into another item (its votes move over).</p>"), self.moderation]
        self.body.children = children
        self.refresh()

    def _toggle(self, module: str, is_open: bool) -> W.ToggleButton:
        t = self._toggles.get(module)
        if t is None:
            t = self._toggles[module] = W.ToggleButton(value=is_open, layout=W.Layout(width="9em"))
            t.observe(lambda ch, m=module: self.set_open(m, ch["new"]), "value")
        elif t.value != is_open:
            t.value = is_open
        t.description = "Open" if is_open else "Closed"
        t.icon = "unlock" if is_open else "lock"
        t.button_style = "success" if is_open else "danger"
        return t

    def set_open(self, module: str, is_open: bool) -> None:
        state = self._store_factory().module_state(self.code, module)
        if state.is_open != is_open:
            self._store_factory().set_module_state(self.code, module, is_open=is_open)
            log.info("session %s: module %s %s", self.code, module, "opened" if is_open else "closed")
        self.refresh()

    def save_settings(self) -> None:
        try:
            self._store_factory().update_session(self.code, threshold=int(self.threshold.value), settings={"vote_budget": int(self.budget.value)})
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        self.note.value = P.message("ok", "Settings saved.")

    def refresh(self) -> None:
        store = self._store_factory()
        try:
            counts = B.respondent_counts(store, self.code)
            joined = store.participant_count(self.code)
            states = {fw.id: store.module_state(self.code, fw.id) for fw in load_frameworks().values()}
        except KitError as e:
            self.stats.value = P.message("error", str(e))
            return
        stats = P.markup(f"<p class='joined'>{joined} participants joined.</p>")
        if self.stats.value != stats:
            self.stats.value = stats
        rows = [
            (fw.id, P.markup(f"<span class='module' data-module='{fw.id}'>{fw.order}. {P.esc(fw.title)}</span>"),
             P.markup(f"<span class='answered' data-module='{fw.id}'>{counts.get(fw.id, 0)} answered</span>"))
            for fw in load_frameworks().values()
        ]
        if getattr(self, "_rows", None) != rows:
            self._rows = rows
            self.modules.children = [
                W.HBox([W.HTML(lv, layout=W.Layout(flex="1 1 auto")), W.HTML(cv, layout=W.Layout(width="9em")), self._toggle(m, states[m].is_open)],
                       layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
                for m, lv, cv in rows
            ]
        else:
            for m, _l, _c in rows:
                self._toggle(m, states[m].is_open)
        if self.moderation is not None:
            self.moderation.refresh()


def _qr_svg(link: str) -> str:
    """The join link as a QR code, made here (no service), large enough to scan across a room."""
    import segno

    return segno.make(link, error="m").svg_inline(scale=7, border=2, dark="#123c5a")
