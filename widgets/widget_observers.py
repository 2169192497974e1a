"""Observers (a 360), in two pages.

The person's page (`workshops/my_360.ipynb?session=CODE`): once they rated themselves in the
five practices, they choose the name observers see and how many links to make per group, and
get one link per observer to send themselves (copy, QR code, a ready e-mail). They see how many
answered per group, withdraw a link nobody used, and close the round; then their 360 shows
(slkit.observers.result_html), on this page and in their handout.

The observer's page (`workshops/observer.ipynb?invite=TOKEN`): no joining, no session home. The
link opens the same thirty behaviours worded about the person, with a comment per practice;
answers save as they are given, and the same browser can come back and change them until the
round closes.

Example (in a notebook)::

    from slkit.widgets.widget_observers import ObserverPage
    ObserverPage.from_page()
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import quote

import ipywidgets as W

from slkit import KitError, aggregate as A, i18n, observers as O
from slkit.content import get_framework
from slkit.i18n import N_, _
from slkit.sessions import new_secret, observer_link, qr_svg

from . import page as P
from .sheet import AnswerSheet
from .widget_confirm import AskFirst
from .widget_download import handout_link
from .widget_flow import StepFlow
from .widget_form import StepForm
from .widget_join import JoinPanel, home_link, module_link
from .widget_live import LiveTicker
from .widget_save import SaveBar

OBSERVER_COOKIE = "slk_observer"  # this browser's marker for the links it opened (HttpOnly: slkit.server)
PRACTICES = "five_practices"


def copy_button(text: str, label: str) -> str:
    """A button that copies `text` (where the page may use the clipboard; else it selects it)."""
    return (
        f"<button type='button' class='copy-code' aria-label='{P.esc(label)}' "
        f"onclick=\"(function(b){{var t={P.esc(json.dumps(text))};var done=function(){{b.textContent={P.esc(json.dumps(_('Copied')))};}};"
        "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t).then(done);}"
        "else{var a=document.createElement('textarea');a.value=t;document.body.appendChild(a);a.select();"
        f"try{{document.execCommand('copy');done();}}catch(e){{}}a.remove();}}}})(this)\">{P.esc(_('Copy'))}</button>"
    )


def observer_cookie_js(marker: str) -> str:
    """Keep this browser's marker (the server sets it as a cookie no script can read)."""
    return (
        "(function(){var x=(document.cookie.match(/(?:^|; )_xsrf=([^;]*)/)||[])[1]||'';"
        "var base=window.location.pathname.split('/voila/')[0];"
        "fetch(base+'/slkit/cookie',{method:'POST',credentials:'same-origin',headers:{'Content-Type':'application/json',"
        f"'X-XSRFToken':decodeURIComponent(x)}},body:{json.dumps(json.dumps({'observer': marker}))}}}).catch(function(){{}});}})();"
    )


def mail_link(link: str, shown_name: str | None, group: str, language: str) -> str:
    """A `mailto:` with a ready text in the session's language (no mail server: the person's own mail program)."""
    with i18n.use(language):
        who = shown_name or _("me")
        subject = _("How do you see {name}? Ten minutes, anonymous").format(name=who) if group != "manager" else \
            _("How do you see {name}? Ten minutes").format(name=who)
        privacy = (_("As my manager, your answers are shown to me on their own: they are not anonymous.") if group == "manager" else
                   _("Your answers are shown to me only as averages together with others', and only after I close the round; "
                     "comments are shown without names."))
        body = _("Hello,\n\nI am working on how I lead with social media, and would value how you see me. Please rate how often "
                 "I show thirty behaviours (about ten minutes):\n\n{link}\n\n{privacy}\n\nThe link is for you alone. Thank you!\n"
                 ).format(link=link, privacy=privacy)
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def link_names(rnd: O.Round) -> dict[int, str]:
    """Each link's name for the person: its group and its number in it ("Peers, link 2")."""
    seen: dict[str, int] = {}
    names = {}
    for inv in rnd.invites:
        seen[inv.group] = seen.get(inv.group, 0) + 1
        names[inv.id] = _("{group}, link {n}").format(group=O.group_label(inv.group), n=seen[inv.group])
    return names


STATES = {"new": N_("not opened yet"), "opened": N_("opened, no answer yet"), "answered": N_("answered"), "revoked": N_("withdrawn")}


class RoundPanel(W.VBox):
    """The person's round: the name and closing day, the links, the counts, closing, the 360."""

    def __init__(self, participant, session, *, store_factory=P.store, **kwargs):
        self.p, self.session, self._store_factory = participant, session, store_factory
        self.state = W.HTML()
        self.name = W.Text(description=_("Your name as observers see it"), placeholder=_("this colleague"),
                           style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.name.add_class("slk-text")
        self.closes = W.DatePicker(description=_("Open until"), style={"description_width": "initial"})
        self.save = W.Button(description=_("Save name and date"), layout=W.Layout(width="auto"))
        self.save.on_click(lambda _b: P.after_updates(self.save_settings))
        self.counts_in = {g: W.BoundedIntText(value=0, min=0, max=O.MAX_LINKS, description=O.group_label(g),
                                              style={"description_width": "10em"}, layout=W.Layout(width="16em"))
                          for g in A.OBSERVER_GROUPS}
        self.make = W.Button(description=_("Make the links"), button_style="primary", layout=W.Layout(width="auto"))
        self.make.add_class("slk-button")
        self.make.on_click(lambda _b: P.after_updates(self.make_links))
        self.note = W.HTML()
        self.new_links = W.HTML()
        self.links = W.VBox()
        self.close_box = AskFirst(_("Close the round and show my 360"), _(
            "Close the round now? Your 360 then shows, made from the answers given until now; no one can answer or change an "
            "answer after it."), _("Yes, close it now"), _("Keep it open"), on_confirm=self.close)
        self.result = W.HTML()
        self.ticker = LiveTicker(self.refresh)
        self._open: list[W.Widget] = [
            P.block(f"<h2>{_('1. How observers see your name')}</h2>"), self.name,
            P.block("<p class='muted'>" + _("Optional: the last day observers can answer (the round closes at the end of it).") + "</p>"),
            self.closes, self.save,
            P.block(f"<h2>{_('2. Links to send')}</h2><p>" + _(
                "How many people in each group? You get one link per person: send each link to one person only. Choose at least three "
                "people besides your manager: nothing from observers shows with fewer.") + "</p>"),
            *self.counts_in.values(), self.make, self.note, self.new_links,
            P.block(f"<h2>{_('3. Who answered')}</h2>"), self.state, self.links,
            P.block(f"<h2>{_('4. Close the round')}</h2><p>" + _(
                "Your 360 shows once the round is closed, and stays as it is from then on: answers given later do not count. "
                "Close it when enough people have answered, or let it close on the day you set.") + "</p>"),
            self.close_box,
        ]
        self._settings_loaded = False
        super().__init__([], **kwargs)
        self.refresh()

    def _not_ready(self, opened: bool) -> tuple[str, str] | None:
        """Why the person cannot invite (or go on) now, and a link that helps; None: they can."""
        store = self._store_factory()
        settings = store.get_session(self.p.session_code).settings
        if not O.enabled(settings):
            return _("Your facilitator has switched observers off for this session."), ""
        if opened:
            return None
        from slkit.content import load_frameworks
        from slkit.sessions import planned

        if PRACTICES not in planned(settings, load_frameworks()):
            return _("This session does not include the five practices, which observers rate."), ""
        fp = get_framework(PRACTICES)
        own = store.answers_of(self.p, PRACTICES)
        ratings = A.rating_items(fp)
        done = sum(1 for i in ratings if isinstance(own.get(i), int))
        if done < len(ratings):
            return (_("First rate yourself in the five practices: observers rate the same behaviours, and your 360 puts "
                      "your ratings beside theirs. You have rated {done} of {n}.").format(done=done, n=len(ratings)),
                    module_link(fp.notebook, self.p.session_code))
        return None

    def refresh(self) -> None:
        try:
            rnd = O.status(self._store_factory(), self.p)
            why = None if rnd.closed else self._not_ready(rnd.id is not None)
        except KitError as e:
            self.state.value = P.message("error", str(e))
            self.children = [self.state]
            return
        if why is not None:
            text, link = why
            more = f"<p><a class='practices-link' href='{P.esc(link)}'>{_('Open the five practices')}</a></p>" if link else ""
            self.state.value = P.markup(f"<p class='note-360'>{P.esc(text)}</p>{more}")
            self.children = [self.state]
            return
        if not self._settings_loaded:
            self._settings_loaded = True
            self.name.value = rnd.shown_name or (self.p.display_name or "" if rnd.id is None else "")
            self.closes.value = rnd.closes_on
        if rnd.closed:
            self._show_result()
            return
        names = link_names(rnd)
        rows = "".join(f"<tr><th scope='row'>{P.esc(O.group_label(g.group))}</th><td class='num'>{g.invited}</td><td class='num'>{g.answered}</td></tr>"
                       for g in rnd.groups if g.invited)
        table = (f"<div class='scroll'><table class='invites-360'><thead><tr><th scope='col'>{_('Group')}</th><th scope='col'>{_('Links')}</th>"
                 f"<th scope='col'>{_('Answered')}</th></tr></thead><tbody>{rows}</tbody></table></div>" if rows
                 else f"<p class='muted'>{_('No links yet.')}</p>")
        closing = (" " + _("The round closes by itself at the end of {date}.").format(date=i18n.date(rnd.closes_on, "long"))
                   if rnd.closes_on else "")
        value = P.markup(table + "<p class='muted'>" + _("You see how many answered, never who answered what. Nothing from observers "
                                                          "shows until the round is closed.") + closing + "</p>")
        if self.state.value != value:
            self.state.value = value
        withdrawable = [i for i in rnd.invites if i.state in ("new", "opened")]
        if [getattr(b, "invite_id", None) for b in self._withdraw_buttons()] != [i.id for i in withdrawable] or not self.links.children:
            items: list[W.Widget] = []
            for inv in rnd.invites:
                label = W.HTML(P.markup(f"<span>{P.esc(names[inv.id])}: {P.esc(_(STATES[inv.state]))}</span>"))
                if inv.state in ("new", "opened"):
                    b = W.Button(description=_("Withdraw"), tooltip=_("Withdraw {link}").format(link=names[inv.id]),
                                 layout=W.Layout(width="auto", margin="0 0 0 8px"))
                    b.add_class("slk-named")
                    b.invite_id = inv.id
                    b.on_click(lambda _b, i=inv.id: self.withdraw(i))
                    items.append(W.HBox([label, b], layout=W.Layout(align_items="center", flex_flow="row wrap")))
                else:
                    items.append(label)
            self.links.children = items
        if self.children != tuple(self._open) + (self.ticker,):
            self.children = [*self._open, self.ticker]

    def _withdraw_buttons(self) -> list[W.Button]:
        return [c.children[1] for c in self.links.children if isinstance(c, W.HBox)]

    def save_settings(self) -> bool:
        try:
            O.set_round(self._store_factory(), self.p, shown_name=self.name.value, closes_on=self.closes.value)
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return False
        self.note.value = P.message("ok", _("Saved."))
        self.refresh()
        return True

    def make_links(self) -> None:
        wanted = {g: int(w.value or 0) for g, w in self.counts_in.items() if w.value}
        if not wanted:
            self.note.value = P.message("error", _("Choose how many links to make in at least one group."))
            return
        if not self.save_settings():
            return
        made: list[tuple[str, str]] = []
        try:
            for g, n in wanted.items():
                made += [(g, t) for t in O.invite(self._store_factory(), self.p, g, n)]
        except KitError as e:
            self.note.value = P.message("error", str(e))
        for w in self.counts_in.values():
            w.value = 0
        if made:
            self.note.value = P.message("ok", i18n.ngettext("{n} link made. Copy it now: it is shown only here, this once.",
                                                          "{n} links made. Copy them now: they are shown only here, this once.", len(made)).format(n=len(made)))
            self.new_links.value = self._links_html(made)
        self.refresh()

    def _links_html(self, made: list[tuple[str, str]]) -> str:
        rnd = O.status(self._store_factory(), self.p)
        names = link_names(rnd)
        ids = [i.id for i in rnd.invites][-len(made):]  # the newest, in the order made
        base = P.base_url()
        parts = []
        for (g, token), iid in zip(made, ids):
            link = observer_link(base, token)
            name = names.get(iid, O.group_label(g))
            parts.append(
                f"<div class='link-360' role='group' aria-label='{P.esc(name)}'><b>{P.esc(name)}</b>"
                f"<input type='text' readonly value='{P.esc(link)}' aria-label='{P.esc(_('Link for {name}').format(name=name))}' "
                "onfocus='this.select()'>"
                + copy_button(link, _("Copy the link for {name}").format(name=name))
                + f" <a class='mail-360' href='{P.esc(mail_link(link, rnd.shown_name, g, self.session.language))}'>{_('Write an e-mail')}</a>"
                f"<details><summary>{_('QR code')}</summary><div class='qr' role='img' aria-label='{P.esc(_('QR code of the link for {name}').format(name=name))}'>"
                f"{qr_svg(link, 3)}</div></details></div>")
        return P.markup("".join(parts))

    def withdraw(self, invite_id: int) -> None:
        try:
            O.revoke(self._store_factory(), self.p, invite_id)
        except KitError as e:
            self.note.value = P.message("error", str(e))
        self.links.children = []
        self.refresh()

    def close(self) -> None:
        try:
            O.close(self._store_factory(), self.p)
        except KitError as e:
            self.close_box.say(P.message("error", str(e)))
            return
        self.refresh()

    def _show_result(self) -> None:
        try:
            res = O.results(self._store_factory(), self.p)
        except KitError as e:
            self.result.value = P.message("error", str(e))
            self.children = [self.result]
            return
        if res is None:
            return
        value = P.markup(f"<p class='msg-ok' role='status'>{_('The round is closed. This is your 360: it stays as it is now.')}</p>"
                         + O.result_html(res))
        if self.result.value != value:
            self.result.value = value
        if not getattr(self, "_keep", None):
            self._keep = handout_link(self._store_factory, self.p)
            self.children = [self.result, P.block(f"<h2>{_('To keep')}</h2>"), self._keep]
        self.ticker.live = False


class MyObserversPage(W.VBox):
    """The person's page for their observers (joins or recognises them like a module page)."""

    def __init__(self, code: str | None = None, token: str | None = None, personal_code: str | None = None, *,
                 store_factory=P.store, **kwargs):
        session = P.start_language(code, store_factory=store_factory)
        self._store_factory = store_factory
        self.title = P.PageTitle(_("How others see you"))
        self.nav = W.HTML()
        self.body = W.VBox()
        header = P.block(f"<h1>{_('How others see you')}</h1><p>" + _(
            "Ask a few people who see you at work (your manager, people who report to you, peers, others) to rate the same thirty "
            "behaviours of the five practices you rated yourself. You send each of them a link; they need no account. Your 360 puts "
            "your ratings beside theirs: only you see it.") + "</p>")
        self.join = JoinPanel(code, token, personal_code, on_ready=self._on_ready, store_factory=store_factory, session=session)
        super().__init__([P.page(self.title, self.nav, header, self.join, self.body)], **kwargs)

    @classmethod
    def from_page(cls, **kwargs) -> "MyObserversPage":
        q = P.query()
        return cls(q.get("session"), q.get("p"), q.get("pc"), **kwargs)

    def _on_ready(self, participant, just_joined: bool = False, own_store=None) -> None:
        if own_store is not None or participant is None:
            self.body.children = [P.block("<p class='note-360'>" + _(
                "Observers answer on a workshop server, through links it makes: working alone in JupyterLab, there is none for them "
                "to open. Join a session (or start one with “slkit serve”) to invite observers.") + "</p>")]
            return
        session = self._store_factory().get_session(participant.session_code)
        self.title.set(_("How others see you"), session.title)
        self.nav.value = P.markup(f"<nav aria-label='{_('Session')}'><a class='home-link' href='{P.esc(home_link(participant.session_code))}'>"
                                  f"{_('← Your modules')}</a></nav>")
        self.panel = RoundPanel(participant, session, store_factory=self._store_factory)
        self.body.children = [self.panel]


class ObserverSheet(AnswerSheet):
    """An observer's answers: validated against the observer's form, stored under their link."""

    def __init__(self, framework, store_factory: Callable, token: str, browser: str, answers: dict[str, Any]):
        super().__init__(store_factory=store_factory, framework=framework, answers=answers)
        self._token, self._browser = token, browser

    @property
    def live(self) -> bool:
        return True

    def _save(self, clean: dict[str, Any], on_retry: Callable[[], None]) -> None:
        O.save(self._store_factory(), self._token, self._browser, clean, self.framework, on_retry=on_retry)


class ObserverPage(W.VBox):
    """What an observer's link opens: the form about the person, or why it cannot be answered."""

    def __init__(self, token: str | None, *, store_factory=P.store, browser: str | None = None, **kwargs):
        chosen = P.chosen_language() or i18n.normalize(P.cookies().get(P.LANG_COOKIE))
        self.script = W.Output(layout=W.Layout(display="none"))
        marker = browser or P.cookies().get(OBSERVER_COOKIE) or ""
        fresh = not marker
        if fresh:
            marker = new_secret()
        error = None
        try:
            inv = O.open_invitation(store_factory(), token, marker)
        except KitError as e:
            inv, error = O.Invitation("unknown"), str(e)
        i18n.set_language(chosen or inv.language)
        if fresh and inv.state == "ok":
            P.run_js(self.script, observer_cookie_js(marker))
        self.invitation = inv
        self.title = P.PageTitle(_("How do you see them?"))
        self.sheet: ObserverSheet | None = None
        self.flow: StepFlow | None = None
        body: list[W.Widget] = []
        if error is not None:
            body = [W.HTML(P.message("error", error + " " + _("Reload the page to try again.")))]
        elif inv.state != "ok":
            body = [P.block(f"<h1>{_('How do you see them?')}</h1>"
                            + f"<p class='msg-error link-state' role='alert'>{P.esc(self._refused(inv.state))}</p>")]
        else:
            from slkit.kernel_budget import mark_joined

            mark_joined()  # a page in use: kept before pages that never got anywhere
            name = inv.shown_name or _("this colleague")
            fw = O.observer_framework()
            self.sheet = ObserverSheet(fw, store_factory, token, marker, inv.answers)
            privacy = (_("You answer as their manager: {name} sees the manager's answers on their own (not anonymous).")
                       if inv.group == "manager" else _(
                "Anonymous: {name} sees your answers only together with others', once the round has closed; comments without names."
            )).format(name=name)
            title = f"<h1>{P.esc(_('How do you see {name}?').format(name=name))}</h1>"
            intro = ("<p>" + P.esc(_("{name} asked you to rate how often they show thirty behaviours of leading with social media "
                                     "(five short pages, about ten minutes), from what you have seen yourself.").format(name=name))
                     + "</p><p class='muted'>" + P.esc(privacy) + " " + P.esc(_(
                         "Your answers save as you go; with this link, in this browser, you can change them until the round closes.")) + "</p>")
            languages = P.language_links({"invite": token})
            header = P.block(languages + title + intro)

            def shown(i: int) -> None:  # the introduction on the first page only (on a phone it hides the questions)
                self.sheet.new_step()
                value = P.markup(languages + title + (intro if i == 0 else ""))
                if header.value != value:
                    header.value = value

            lead = _("How often does {name} …").format(name=name)

            def step(s):
                return lambda: W.VBox([P.block(f"<p class='lead-360'><b>{P.esc(lead)}</b></p>"), StepForm(fw, s, self.sheet)])

            self.flow = StepFlow([(s.title, step(s)) for s in fw.steps], on_show=shown, on_finish=self._finished)
            body = [header, self.flow, SaveBar(self.sheet)]
        self.title.set(_("How do you see them?"))
        super().__init__([P.page(self.title, self.script, *body)], **kwargs)

    @classmethod
    def from_page(cls, **kwargs) -> "ObserverPage":
        return cls(P.query().get("invite"), **kwargs)

    @staticmethod
    def _refused(state: str) -> str:
        return {
            "revoked": _("This link was withdrawn by the person who sent it. Nothing is asked of you here: thank you."),
            "closed": _("This round has closed: answers can no longer be given or changed. Thank you."),
            "in_use": _("This link is in use in another browser. Each link is for one person: open it in the browser where you first "
                        "opened it, or ask the person who sent it for a link of your own."),
        }.get(state, _("This link is not known. Check that you opened the whole link from the message you got."))

    def _finished(self) -> None:
        if self.sheet is None or self.flow is None:
            return
        if self.sheet.status in ("closed", "error"):
            text = f"<p class='msg-error' role='alert'>{P.esc(self.sheet.message)}</p>"
        else:
            text = ("<p class='msg-ok done' role='status'>✓ " + P.esc(_(
                "Thank you: your answers are saved. Until the round closes, you can change them with the same link in this browser."))
                + "</p>")
        self.flow.finished.children = [P.block(text)]
