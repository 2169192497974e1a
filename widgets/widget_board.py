"""The facilitator's board: guarded by the facilitator key; creates sessions and shows one.

Example (in a notebook)::

    from slkit.widgets.widget_board import FacilitatorBoard
    FacilitatorBoard.from_page()     # reads ?session=CODE&key=KEY from the address
"""

from __future__ import annotations

import logging

import ipywidgets as W

from slkit import KitError, events, i18n
from slkit.i18n import N_, _
from slkit.content import load_frameworks
from slkit.sessions import facilitator_link, join_link

from . import page as P
from .widget_session import SessionView

log = logging.getLogger("slkit.board")

LOCKED = N_("This board needs the facilitator link.")




class FacilitatorBoard(W.VBox):
    def __init__(self, code: str | None, key: str | None, store_factory=P.store, **kwargs):
        self._store_factory = store_factory
        self.key = key
        self.body = W.VBox()
        P.start_language(code, store_factory=store_factory, personal=False)
        self.title = P.PageTitle(_("Facilitator console"))
        super().__init__([P.page(self.title, self.body, width="1200px")], **kwargs)
        try:
            store = store_factory()
            allowed = store.verify_facilitator(code, key) if code else store.verify_server_key(key)
        except KitError as e:  # e.g. the store is unreachable: say so, show nothing else
            self.body.children = [P.block(f"<h1>{_('Facilitator console')}</h1>"), W.HTML(P.message("error", str(e)))]
            self.allowed = False
            return
        if not allowed:
            # The key is not echoed. A session that is not there (deleted, say, and this console
            # reloaded) is said: the join page tells anyone as much.
            log.warning("facilitator board refused: %s", "wrong or missing key" if key else "no key")
            why = _(LOCKED)
            if code and key:
                try:
                    store.get_session(code)
                except KitError:
                    why = _("There is no session {code} on this server: it may have been deleted. The console's start page "
                            "(the facilitator link slkit serve printed) lists the sessions there are.").format(code=P.esc(str(code).upper()[:12]))
            self.body.children = [P.block(f"<h1>{_('Facilitator console')}</h1><p>{why}</p>")]
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
        self.title_input = W.Text(placeholder=_("e.g. Marketing team, spring workshop"), layout=W.Layout(width="auto"))
        self.threshold_input = W.BoundedIntText(value=3, min=1, max=1000, layout=W.Layout(width="6em"))
        frameworks = load_frameworks()
        self.module_boxes = {m: W.Checkbox(value=True, description=f"{fw.order}. {fw.title}", indent=False, layout=W.Layout(width="auto"))
                             for m, fw in frameworks.items()}
        # The day the team comes back to its commitments: six weeks on unless the facilitator picks another.
        from slkit.store import suggested_follow_up

        self.follow_up_input = W.DatePicker(value=suggested_follow_up(), description=_("Follow-up date"),
                                            style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.start_open = W.Checkbox(value=False, description=_("Open every module now, results shown (otherwise you open each when the room gets there)"),
                                     indent=False, layout=W.Layout(width="auto"))
        # The language participants see unless they choose another on their page.
        self.language_input = W.Dropdown(options=i18n.choices(), value=i18n.server_default(),
                                         layout=W.Layout(width="16em"))
        self.create_button = W.Button(description=_("Create session"), button_style="primary")
        self.create_button.add_class("slk-button")
        self.result = W.HTML()
        self.sessions = P.block(self._sessions_html())
        self.create_button.on_click(lambda _b: self.create())
        self.body.children = [
            P.block(f"<h1>{_('Facilitator console')}</h1><h2>{_('New session')}</h2><p class='item-text'>{_('Title')}</p>"),
            self.title_input,
            P.block(f"<p class='item-text'>{_('Team results show to participants once this many people have answered:')}</p>"),
            self.threshold_input,
            P.block("<p class='item-text'>" + _("Language of the session's pages, exports and handouts (each participant can switch on their page):") + "</p>"),
            self.language_input,
            P.block("<p>" + _("The modules of this session, in the order of the workshop (another order: {command}):").format(
                command="<code>slkit session new --modules</code>") + "</p>"),
            *self.module_boxes.values(),
            P.block("<p>" + _("The follow-up: the day the team comes back to its commitments (with the follow-up module ticked above; "
                              "empty: none yet, you can set it later under Settings):") + "</p>"),
            self.follow_up_input,
            self.start_open,
            self.create_button,
            self.result,
            self.sessions,
        ]

    def create(self):
        """Create the session once: a second click (or a double click) while it is made does nothing."""
        if getattr(self, "created", None) is not None and self.created[0] == self.title_input.value:
            return self.created[1]
        modules = [m for m, box in self.module_boxes.items() if box.value]
        follow_up = self.follow_up_input.value if "follow_up" in modules else None
        if follow_up is None and "follow_up" in modules and len(modules) > 1:
            modules.remove("follow_up")  # no date: the follow-up joins the plan once one is set
        try:
            s = self._store_factory().create_session(self.title_input.value, int(self.threshold_input.value),
                                                     modules=modules, start_open=self.start_open.value, language=self.language_input.value,
                                                     follow_up=follow_up)
        except KitError as e:
            self.result.value = P.message("error", str(e))
            return None
        self.created = (self.title_input.value, s)
        events.note("session %s created", s.code)
        base = P.base_url()
        board = facilitator_link(base, s.key, s.code)
        self.result.value = (
            P.message("ok", _("Session {code} created.").format(code=s.code))
            + P.markup(
                f"<p>{_('Join link for participants:')} <a href='{P.esc(join_link(base, s.code))}'>{P.esc(join_link(base, s.code))}</a></p>"
                f"<p>{_('Your console for this session (keep it private, off the projector):')} <a href='{P.esc(board)}'>{_('open the console')}</a></p>"
            )
        )
        self.sessions.value = P.markup(self._sessions_html())
        return s

    def _sessions_html(self) -> str:
        store = self._store_factory()
        sessions = store.list_sessions()[:20]
        if not sessions:
            return f"<h2>{_('Sessions')}</h2><p class='muted'>{_('No sessions yet.')}</p>"
        rows = "".join(
            f"<tr><td class='code'>{P.esc(s.code)}</td><td>{P.esc(s.title)}</td><td>{s.created_at:%Y-%m-%d}</td>"
            f"<td lang='{s.language}'>{P.esc(i18n.LANGUAGES[s.language])}</td>"
            f"<td><a href='{P.esc(facilitator_link(P.base_url(), self.key, s.code))}'>{_('console')}</a></td></tr>"
            for s in sessions
        )
        head = "".join(f"<th>{h}</th>" for h in (_("Code"), _("Title"), _("Created"), _("Language"), _("Console")))
        return f"<h2>{_('Sessions')}</h2><table><tr>{head}</tr>{rows}</table>"

    # ---- one session ------------------------------------------------------------------------
    def show_session(self, code: str) -> None:
        self.code = code
        self.session = SessionView(code, key=self.key, store_factory=self._store_factory)
        self.body.children = [self.session]
        self.title.set(_("Facilitator console"), self.session.session_title)
