"""Who is taking part: join a session once, and be the same person on every page of it.

A person joins once (optional name, whether to show it with what they write) and gets a
personal code. The browser remembers them for that session in a cookie (`slk_<CODE>`, a
random resume token, kept 30 days or until 30 days after the session's follow-up; set by the
server as HttpOnly, sent only to the kit's pages), so every later page of the session, a
reload, the QR code scanned again or a module link from the chat, continues as the same
participant without a second join. Another device continues with the personal code (and is
remembered too). "Not you?" forgets the person in this browser, which keeps a marker
(`slk_left_<CODE>`): someone joining again from it is not counted until the facilitator counts
them in (one person, one count). Without a session (JupyterLab), the page is for one
person working alone, and their answers go to their own store on this computer (slkit.selfstudy).

Example::

    join = JoinPanel(code="K7M2QX", on_ready=lambda participant, just_joined: ...)
"""

from __future__ import annotations

import json
from urllib.parse import urlencode
from typing import Callable

import ipywidgets as W

from slkit import KitError, events
from slkit.content import load_frameworks
from slkit import i18n
from slkit.i18n import _
from slkit.paths import WORKSHOPS_DIR
from slkit.sessions import format_personal_code, planned
from slkit.store import Participant, SessionInfo

from . import page as P

COOKIE_DAYS = 30
# The privacy statement (facilitator_guide/privacy.md), served by the workshop server.
PRIVACY_LINK = "../../slkit/privacy"
def join_note() -> str:
    return _("Your ratings and choices are only ever shown as team totals, once enough people have answered. "
             "What you write (purposes, reasons, proposals, commitments) is shown to the team word for word: "
             "without your name, unless you tick the box below.")


def session_modules(settings: dict | None = None) -> list:
    """The modules a session uses, in its order (every module without a session), that have a page."""
    everything = load_frameworks()
    return [everything[m] for m in planned(settings or {}, everything) if (WORKSHOPS_DIR / everything[m].notebook).exists()]


def cookie_name(code: str) -> str:
    return f"slk_{code}"


def left_cookie_name(code: str) -> str:
    return f"slk_left_{code}"


def home_link(code: str) -> str:
    """The session's home page, relative to any page of the kit (they share one folder)."""
    return module_link("index.ipynb", code)


def module_link(notebook: str, code: str) -> str:
    """A page of the session, relative: it carries the session, never who the person is."""
    return f"{notebook}?{urlencode({'session': code})}"


def cookie_days(settings: dict | None = None) -> int:
    """How long a browser remembers a person: 30 days, or until 30 days after the session's
    follow-up date when that is later (they come back to it in the same browser)."""
    import datetime as dt

    days = COOKIE_DAYS
    follow_up = (settings or {}).get("follow_up")
    if follow_up:
        try:
            days = max(days, (dt.date.fromisoformat(str(follow_up)) - dt.date.today()).days + COOKIE_DAYS)
        except ValueError:
            pass
    return days


def person_cookie_js(code: str, *, token: str | None = None, left: str | None = None, days: int = COOKIE_DAYS, then: str = "") -> str:
    """Keep (token) or forget (None) the person in this browser, and keep a left-marker if given:
    the page posts them to the server, which sets them as cookies no script can read
    (slkit.server.PersonCookie); `then` runs once that is done. Any token or personal code in the
    address is taken out of it at once."""
    body = {"session": code, "resume": token or "", "days": int(days)}
    if left:
        body["left"] = left
    return (
        "(function(){var u=new URL(window.location.href);if(u.searchParams.has('p')||u.searchParams.has('pc')){"
        "u.searchParams.delete('p');u.searchParams.delete('pc');window.history.replaceState(null,'',u.toString());}"
        "var x=(document.cookie.match(/(?:^|; )_xsrf=([^;]*)/)||[])[1]||'';"
        "var base=window.location.pathname.split('/voila/')[0];"
        f"fetch(base+'/slkit/cookie',{{method:'POST',credentials:'same-origin',headers:{{'Content-Type':'application/json',"
        f"'X-XSRFToken':decodeURIComponent(x)}},body:{json.dumps(json.dumps(body))}}})"
        f".catch(function(){{}}).then(function(){{{then}}});}})();"
    )


def code_box(personal_code: str) -> str:
    """The personal code, whole on one line, with a copy button (works where the page may use the clipboard)."""
    code = format_personal_code(personal_code)
    return (
        f"<span class='code personal-code' translate='no'>{code}</span> "
        f"<button type='button' class='copy-code' aria-label='{P.esc(_('Copy the personal code {code}').format(code=code))}' "
        f"onclick=\"(function(b){{var t='{code}';var done=function(){{b.textContent={P.esc(json.dumps(_('Copied')))};}};"
        "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t).then(done);}"
        "else{var a=document.createElement('textarea');a.value=t;document.body.appendChild(a);a.select();"
        f"try{{document.execCommand('copy');done();}}catch(e){{}}a.remove();}}}})(this)\">{P.esc(_('Copy'))}</button>"
    )


class JoinPanel(W.VBox):
    """Joining and coming back. `on_ready(participant, just_joined)` is called once the page
    knows who is here; working alone, with `own_store` (the person's own store's factory), or
    with participant None when not even that could be opened."""

    def __init__(self, code: str | None, token: str | None = None, personal_code: str | None = None, *,
                 on_ready: Callable[..., None], store_factory=P.store, session: SessionInfo | None = None, **kwargs):
        self._store_factory = store_factory
        self._on_ready = on_ready
        self.session: SessionInfo | None = None
        self.participant: Participant | None = None
        self.status = W.HTML()
        self.form = W.VBox()
        self.script = W.Output(layout=W.Layout(display="none"))
        super().__init__([self.status, self.form, self.script], **kwargs)
        self.self_study = False
        self.store_factory = store_factory  # the store this person's answers go to
        if not code:
            self._alone()
            return
        try:
            # (`session`: already read for this code by the page, to choose its language)
            self.session = session if session is not None else store_factory().get_session(code)
        except KitError as e:
            self.status.value = P.message("error", str(e)) + P.markup(f"<p><a href='index.ipynb'>{_('Back to the start page')}</a></p>")
            return
        # The browser's own memory first; a token or personal code in an old link still works.
        remembered = P.cookies().get(cookie_name(self.session.code))
        for kind, value in (("token", remembered), ("token", token), ("personal_code", personal_code)):
            if not value:
                continue
            try:
                p = store_factory().resume(self.session.code, **{kind: value}, client=P.client_address())
            except KitError as e:
                if value is not remembered:  # a forgotten browser just joins again; a bad link says why
                    self.status.value = P.message("error", str(e))
                continue
            self._ready(p, just_joined=False)
            return
        self.show_form()

    def _alone(self) -> None:
        """Working on one's own: answers go to the person's own store on this computer. A page
        served by a workshop server without a session keeps nothing: the server's own store is
        not one person's, and people trying a module there must not share one."""
        from slkit import selfstudy

        if P.in_voila():
            self.status.value = P.markup("<p class='muted'>" + _(
                "You are trying this module on its own: your answers stay on this page and are not kept. "
                "To take part in a workshop, open the link your facilitator gives you; to work through the modules "
                "on your own and keep your answers, install the kit on your computer and run {command}.").format(
                command="<code>slkit lab</code>") + f" <a class='start-link' href='index.ipynb'>{_('Back to the start page')}</a></p>")
            self._on_ready(None, just_joined=False)
            return
        try:
            store = selfstudy.open_store()
            p = selfstudy.myself(store)
        except (KitError, OSError) as e:
            self.status.value = P.message("error", _("Your answers cannot be saved on this computer ({reason}). "
                                                     "They stay on this page until it closes.").format(reason=e))
            self._on_ready(None, just_joined=False)
            return
        self.self_study, self.participant = True, p
        self.store_factory = lambda: store
        self.status.value = P.markup("<p class='muted self-study'>" + _(
            "You are working on your own. Your answers are saved on this computer, in {path}, and are here "
            "again when you come back. To take part in a live workshop, open the link your facilitator gives you.").format(
            path=f"<code>{P.esc(str(selfstudy.store_path()))}</code>") + "</p>")
        self._on_ready(p, just_joined=False, own_store=self.store_factory)

    @classmethod
    def for_page(cls, **kwargs) -> "JoinPanel":
        q = P.query()
        return cls(q.get("session"), q.get("p"), q.get("pc"), **kwargs)

    @property
    def code(self) -> str | None:
        return self.session.code if self.session else None

    def show_form(self) -> None:
        # Sent when the person leaves the field, not per keystroke: ipywidgets holds back a state
        # update while an earlier one is unanswered, but sends a click at once, so a fast
        # "type, Tab, Enter" could join with half a name.
        self.name_input = W.Text(continuous_update=False,
                                 layout=W.Layout(width="auto", max_width="24em"))
        self.name_input.add_class("slk-input")
        self.show_name = W.Checkbox(value=False, description=_("Show my name with what I write"), indent=False, layout=W.Layout(width="auto"))
        self.start_button = W.Button(description=_("Join the session"), button_style="primary")
        self.start_button.add_class("slk-button")
        self.start_button.on_click(lambda _b: self._start_soon())
        self.code_input = W.Text(placeholder="ABCD-EFGH", layout=W.Layout(width="10em"))
        self.code_input.add_class("slk-input")
        self.resume_button = W.Button(description=_("Continue"))
        self.resume_button.add_class("slk-button")
        self.resume_button.on_click(lambda _b: self.resume())
        self.form.children = [
            P.block(P.language_links({"session": self.session.code})
                    + f"<h2>{_('Join “{title}”').format(title=P.esc(self.session.title))}</h2>"
                    f"<p class='muted'>{_('Session {code}').format(code=P.esc(self.session.code))}</p>"
                    f"<p>{P.esc(join_note())} <a href='{PRIVACY_LINK}?lang={i18n.current()}' target='_blank' rel='noopener'>{_('How your answers are kept')}</a></p>"
                    f"<p class='item-text'>{_('Your name (optional)')}</p>"),
            self.name_input,
            self.show_name,
            self.start_button,
            P.block(f"<h3>{_('Joined already, on this or another device?')}</h3>"
                    f"<p class='muted item-text'>{_('Enter your personal code to continue where you left off.')}</p>"),
            W.HBox([self.code_input, self.resume_button], layout=W.Layout(align_items="center", flex_flow="row wrap")),
        ]

    def _start_soon(self) -> None:
        """A click joins a moment later, once the page's held-back updates (the name, the
        show-name box) have arrived; a second click in the meantime does nothing more."""
        if self.participant is not None or self.start_button.disabled:
            return
        self.start_button.disabled = True
        P.after_updates(self.start)

    def start(self) -> bool:
        """Join as a new participant; a second click (or a double click) does nothing more."""
        if self.participant is not None:
            return True
        self.start_button.disabled = True
        try:
            p = self._store_factory().join(self.session.code, self.name_input.value, show_name=self.show_name.value,
                                           left_marker=P.cookies().get(left_cookie_name(self.session.code)))
        except KitError as e:
            self.start_button.disabled = False
            self.status.value = P.message("error", str(e))
            return False
        events.note("session %s: a person joined", p.session_code)
        self._ready(p, just_joined=True, by_hand=True)
        return True

    def resume(self) -> bool:
        if self.participant is not None:
            return True
        try:
            p = self._store_factory().resume(self.session.code, personal_code=self.code_input.value, client=P.client_address())
        except KitError as e:
            self.status.value = P.message("error", str(e))
            return False
        self._ready(p, just_joined=False, by_hand=True)
        return True

    def leave(self) -> None:
        """"Not you?": forget the person in this browser and show the join form again. The browser
        keeps a marker: a person who joins again from it is not counted until the facilitator
        counts them in (otherwise leaving and joining again would make one person several)."""
        marker = None
        if self.participant is not None:
            try:
                marker = self._store_factory().leave(self.participant, self.participant.token)
            except KitError:
                pass  # the cookie goes all the same
        P.run_js(self.script, person_cookie_js(self.session.code, token=None, left=marker, then="window.location.reload();"))

    def _ready(self, p: Participant, *, just_joined: bool, by_hand: bool = False) -> None:
        from slkit.kernel_budget import mark_joined

        mark_joined()  # the server's budget keeps this page's kernel before pages that never joined
        then = ""
        chosen = P.chosen_language()
        if chosen and chosen != p.language:  # chosen by the link or the switch: kept with the person
            try:
                p = self._store_factory().set_language(p, chosen)
            except KitError:
                pass  # the page is in the chosen language all the same; the next page asks again
        elif not chosen and p.language and p.language != i18n.current():
            # Chosen on another device: this browser learns it, and the page comes again in it.
            then = P.remember_language_js(p.language) + "window.location.reload();"
        self.participant = p
        self.form.children = []
        self.status.value = ""
        if by_hand and not then:  # joined with the form: the focus goes to what came instead, not the page's body
            then = P.FOCUS_ARRIVAL_JS
        script = person_cookie_js(p.session_code, token=p.token, days=cookie_days(self.session.settings), then=then)
        P.run_js(self.script, script)
        self._on_ready(p, just_joined=just_joined)
