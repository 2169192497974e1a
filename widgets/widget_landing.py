"""The way in, and a participant's home for a session.

Without a session the page asks for the code the facilitator shows. With one (the QR code
and the join link carry it), a person joins once, then sees their *home*: their personal
code, the session's modules with which are open and how far they got in each, and a link
into each that continues as the same person. Without any session, the modules also open for
one person working alone.

Example (in a notebook)::

    from slkit.widgets.widget_landing import Landing
    Landing.from_page()          # reads ?session=CODE from the address, if any
"""

from __future__ import annotations

import ipywidgets as W

from slkit import KitError
from slkit.i18n import _
from slkit.store import ModuleState, Participant

from . import page as P
from .widget_download import handout_link
from .widget_join import JoinPanel, code_box, home_link, module_link, session_modules
from .widget_live import LiveTicker

def title_block() -> str:
    return (f"<h1>{_('Social Leadership Workshop')}</h1>"
            f"<p class='muted'>{_('Leading with social media: short, hands-on modules for a team.')}</p>")


class SessionHome(W.VBox):
    """One participant's home for a session: who they are, and each module with its state."""

    def __init__(self, join: JoinPanel, *, just_joined: bool = False, store_factory=P.store, **kwargs):
        self.join, self._store_factory = join, store_factory
        p: Participant = join.participant
        self.code = p.session_code
        hello = _("Hello, {name}.").format(name=P.esc(p.display_name)) if p.display_name else _("Welcome.")
        note = ("<p class='msg-ok' role='status'>" + _("You have joined. Note your personal code: with it you continue on another "
                "device. This browser remembers you for this session.") + "</p>" if just_joined else "")
        self.header = P.block(
            P.language_links({"session": self.code})
            + f"<h1 class='slk-arrive'>{P.esc(join.session.title)}</h1><p>{hello} "
            + _("This is your page for the session: open the module your facilitator names.") + "</p>" + note
        )
        # The personal code is shown once (the store keeps only its hash): when joining, or when
        # continuing with it. A browser that remembers the person can ask for a new one.
        self.personal = W.HTML()
        self.new_code_button = W.Button(description=_("Show me a new personal code"), layout=W.Layout(width="auto"))
        self.new_code_button.add_class("slk-leave")
        self.new_code_button.on_click(lambda _b: self.new_personal_code())
        self._show_personal(p.personal_code)
        self.modules = W.HTML()
        from .widget_followup import FollowUpDate

        def answers():
            store = store_factory()
            return store.answers_of(p, "five_practices"), store.answers_of(p, "social_team_swot")

        self.follow_up = FollowUpDate(self.code, answers, store_factory=store_factory)
        self.keep = handout_link(store_factory, p)
        self._progress: dict | None = None
        self.ticker = LiveTicker(self.refresh)
        self.leave_button = W.Button(description=_("Not you? Leave this browser"), layout=W.Layout(width="auto"))
        self.leave_button.add_class("slk-leave")
        self.leave_button.on_click(lambda _b: join.leave())
        super().__init__([self.header, self.personal, self.new_code_button, self.modules, self.follow_up,
                          P.block(f"<h2>{_('To keep')}</h2>"), self.keep, self.ticker, self.leave_button], **kwargs)
        self.refresh()

    def _show_personal(self, personal_code: str | None) -> None:
        if personal_code:
            self.personal.value = P.markup(f"<p class='who'>{_('Your personal code:')} {code_box(personal_code)}</p>"
                                           f"<p class='muted'>{_('Write it down: it is shown only now.')}</p>")
            self.new_code_button.layout.display = "none"
        else:
            self.personal.value = P.markup("<p class='who muted'>" + _(
                "Your personal code was shown when you joined: with it you continue on another device. "
                "Lost it? Get a new one (the old one stops working).") + "</p>")
            self.new_code_button.layout.display = ""

    def new_personal_code(self) -> None:
        try:
            p = self._store_factory().new_personal_code(self.join.participant)
        except KitError as e:
            self.personal.value = P.message("error", str(e))
            return
        self.join.participant = p
        self._show_personal(p.personal_code)

    def refresh(self) -> None:
        try:
            store = self._store_factory()
            states = store.module_states(self.code)
            progress = store.progress_of(self.join.participant)
            ended = bool(store.get_session(self.code).settings.get("ended_at"))
        except KitError as e:
            self.modules.value = P.message("error", str(e))
            return
        if progress != self._progress:  # the handout follows what the person did (on another device too)
            if self._progress is not None:
                self.keep.refresh()
            self._progress = progress
        cards = []
        for fw in session_modules(self.join.session.settings):
            m = fw.id
            state = states.get(m, ModuleState())
            mine = progress.get(m)
            where = (f"<span class='state done'>✓ {_('Done')}</span>" if mine and mine.done
                     else "<span class='state started'>" + _("In progress: step {n} of {total}").format(n=mine.step + 1, total=mine.steps) + "</span>"
                     if mine else f"<span class='state new'>{_('Not started')}</span>")
            body = f"<b>{fw.order}. {P.esc(fw.title)}</b><br><span class='muted'>{P.esc(fw.summary)}</span><br>"
            if not state.is_open and mine is None:
                # Not open yet: nothing to do there until the facilitator opens it (this page follows).
                cards.append(f'<div class="card module-card waiting-module" data-module="{m}">{body}'
                             f"<span class='state closed'>{_('Not open yet: your facilitator opens it when the room gets there')}</span></div>")
                continue
            opened = "" if state.is_open else f" <span class='state closed'>· {_('Closed by the facilitator')}</span>"
            cards.append(f'<a class="card module-card" data-module="{m}" href="{P.esc(module_link(fw.notebook, self.code))}">{body}{where}{opened}</a>')
        cards += self._observer_card(store)
        over = ("<p class='msg-ok session-ended' role='status'>" + _("The session has ended. Thank you for taking part: your answers "
                "are kept, and your summary is below, to keep.") + "</p>" if ended else "")
        value = P.markup(over + f"<h2>{_('Modules')}</h2>" + "".join(cards))
        if self.modules.value != value:
            self.modules.value = value


    def _observer_card(self, store) -> list[str]:
        """The way to one's observers (a 360), where the session has the five practices and observers are on."""
        from slkit import observers as O
        from slkit.content import load_frameworks
        from slkit.sessions import planned

        settings = self.join.session.settings
        if not O.enabled(settings) or "five_practices" not in planned(settings, load_frameworks()):
            return []
        try:
            rnd = O.status(store, self.join.participant)
        except KitError:
            return []
        where = (f"<span class='state done'>✓ {_('Closed: your 360 is ready')}</span>" if rnd.closed
                 else "<span class='state started'>" + _("{n} of {total} answered").format(
                     n=rnd.answered, total=sum(g.invited for g in rnd.groups)) + "</span>" if rnd.id is not None
                 else f"<span class='state new'>{_('After the five practices')}</span>")
        body = (f"<b>{P.esc(_('How others see you (360)'))}</b><br><span class='muted'>"
                + P.esc(_("Ask your manager, peers and others to rate the same thirty behaviours; only you see the result."))
                + "</span><br>")
        return [f'<a class="card module-card observers-card" href="{P.esc(module_link("my_360.ipynb", self.code))}">{body}{where}</a>']


class Landing(W.VBox):
    """Session-code entry; then joining; then the participant's home."""

    def __init__(self, code: str | None = None, token: str | None = None, personal_code: str | None = None,
                 store_factory=P.store, **kwargs):
        self._store_factory = store_factory
        session = P.start_language(code, store_factory=store_factory)
        self.join: JoinPanel | None = None
        self.home: SessionHome | None = None
        self.body = W.VBox()
        self.status = W.HTML()
        self.title = P.PageTitle()
        super().__init__([P.page(self.title, self.status, self.body)], **kwargs)
        if code:
            self.open_session(code, token, personal_code, session=session)
        else:
            self.show_code_entry()

    @classmethod
    def from_page(cls) -> "Landing":
        q = P.query()
        return cls(q.get("session"), q.get("p"), q.get("pc"))

    def show_code_entry(self) -> None:
        self.code_input = W.Text(placeholder=_("e.g. K7M2QX"), continuous_update=False, layout=W.Layout(width="12em"))
        self.code_input.add_class("slk-input")
        self.join_button = W.Button(description=_("Next"), button_style="primary", layout=W.Layout(margin="0 0 0 8px"))
        self.join_button.add_class("slk-button")
        self.join_button.on_click(lambda _b: self.enter(self.code_input.value))
        self.code_input.observe(lambda ch: self.enter(ch["new"]) if ch["new"] else None, "value")
        cards = "".join(
            f'<a class="card" href="{P.esc(fw.notebook)}"><b>{fw.order}. {P.esc(fw.title)}</b><br>'
            f"<span class='muted'>{P.esc(fw.summary)}</span></a>"
            for fw in session_modules()
        )
        known = self.known_sessions()
        yours = ("<div class='your-sessions'><h2>" + _("Your sessions") + "</h2><p class='muted'>"
                 + _("This browser remembers you in these sessions:") + "</p><ul>"
                 + "".join(f"<li><a href='{P.esc(home_link(s.code))}'><b>{P.esc(s.title)}</b></a> <span class='muted'>"
                           + (_("as {name}").format(name=P.esc(p.display_name)) + " · " if p.display_name else "")
                           + _("session {code}").format(code=P.esc(s.code)) + "</span></li>" for s, p in known)
                 + "</ul></div>") if known else ""
        self.body.children = [
            P.block(P.language_links() + title_block() + yours
                    + f"<h2>{_('Join a session')}</h2><p class='item-text'>{_('Type the code your facilitator shows you.')}</p>"),
            W.HBox([self.code_input, self.join_button], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            P.block((f"<h2>{_('Trying it on your own?')}</h2><p class='muted'>"
                     + _("Open a module without a code to try it: it runs just for you, and your answers are not kept.") + "</p>"
                     if P.in_voila() else
                     f"<h2>{_('Working on your own?')}</h2><p class='muted'>"
                     + _("Open a module's notebook and run it: your answers are saved on this computer.") + "</p>") + cards),
        ]

    def known_sessions(self, most: int = 5) -> list:
        """The sessions this browser is remembered in (its person cookies), newest first, with the
        person in each: coming back through the server's address finds them again."""
        found = []
        for name, token in P.cookies().items():
            code = name[len("slk_"):] if name.startswith("slk_") else ""
            if not (code.isalnum() and code.isupper() and 4 <= len(code) <= 12) or not token:
                continue  # slk_lang, slk_left_…, slk_observer…: not a person
            try:
                store = self._store_factory()
                found.append((store.get_session(code), store.resume(code, token=token)))
            except KitError:
                continue  # a session deleted since, or a browser that left it
        found.sort(key=lambda sp: sp[0].created_at, reverse=True)
        return found[:most]

    def enter(self, raw: str) -> bool:
        """A typed session code: on to joining it (or a clear message)."""
        if self.join is not None:
            return True
        try:
            self._store_factory().get_session(raw)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            return False
        self.status.value = ""
        self.open_session(raw)
        return True

    def open_session(self, code: str, token: str | None = None, personal_code: str | None = None, *, session=None) -> None:
        self.join = JoinPanel(code, token, personal_code, on_ready=self._on_ready, store_factory=self._store_factory, session=session)
        self.body.children = [P.block(title_block()), self.join]
        self.title.set(_("Join"), self.join.session.title if self.join.session else None)
        if self.join.participant is not None:  # remembered: known while the panel was being built
            self._on_ready(self.join.participant)

    def _on_ready(self, participant, just_joined: bool = False) -> None:
        if participant is None or self.join is None:
            return
        self.home = SessionHome(self.join, just_joined=just_joined, store_factory=self._store_factory)
        self.body.children = [self.join, self.home]
        self.title.set(_("Your modules"), self.join.session.title)
