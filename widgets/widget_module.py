"""The frame of a module page: title and intro, joining, the steps, and the save bar.

A module notebook states only what is specific to its framework:

    page = ModulePage.from_page("five_practices")
    page.run([("Model the Way", RatingGrid(page.framework, page.framework.steps[0], page.sheet))])
    page
"""

from __future__ import annotations

from typing import Sequence

import ipywidgets as W

from slkit import KitError
from slkit.content import get_framework
from slkit.i18n import _
from slkit.sessions import format_personal_code
from slkit.store import Progress

from . import page as P
from .sheet import AnswerSheet
from .widget_confirm import AskFirst
from .widget_download import handout_link
from .widget_flow import StepBody, StepFlow
from .widget_join import JoinPanel, home_link, module_link, session_modules
from .widget_save import SaveBar
from .widget_timer import TimerBanner


class ModulePage(W.VBox):
    def __init__(self, module: str, code: str | None = None, token: str | None = None, personal_code: str | None = None,
                 *, store_factory=P.store, **kwargs):
        session = P.start_language(code, store_factory=store_factory)
        self.framework = get_framework(module)
        self.sheet = AnswerSheet(framework=self.framework)
        self._store_factory = store_factory
        self._steps: Sequence[tuple[str, StepBody]] | None = None
        self._ready = False
        self._start = 0
        self.alone = False  # working on one's own (self-study), in one's own store
        self.flow: StepFlow | None = None
        self.body = W.VBox()
        self.savebar = SaveBar(self.sheet)
        self.nav = W.HTML()
        self.header = header = P.block(self._header(intro=True))
        self.timer = TimerBanner(None, module=module, store_factory=store_factory)  # before joining: a remembered person joins at once
        self.title = P.PageTitle(self.framework.title)
        self.join = JoinPanel(code, token, personal_code, on_ready=self._on_ready, store_factory=store_factory, session=session)
        super().__init__([P.page(self.title, self.nav, header, self.join, self.timer, self.body, self.savebar)], **kwargs)

    def _header(self, *, intro: bool) -> str:
        """The module's title, with its introduction on the first step only (on a phone it
        would push every later step's questions below the fold)."""
        fw = self.framework
        text = f"<p>{P.esc(fw.intro)}</p>" if intro else ""
        if intro and self.alone and fw.aims:  # a lesson when working alone: what it gives, where it comes from
            text = (f"<div class='lesson-aims'><h2>{_('What you will get out of it')}</h2><ul>"
                    + "".join(f"<li>{P.esc(a)}</li>" for a in fw.aims) + "</ul></div>" + text
                    + f"<details class='lesson-sources'><summary>{_('Where it comes from')}</summary><ul>"
                    + "".join(f"<li>{P.esc(s)}</li>" for s in fw.sources) + "</ul></details>")
        return f"<h1>{P.esc(fw.title)}</h1>{text}"

    @classmethod
    def from_page(cls, module: str, **kwargs) -> "ModulePage":
        q = P.query()
        return cls(module, q.get("session"), q.get("p"), q.get("pc"), **kwargs)

    @property
    def code(self) -> str | None:
        return self.join.code

    def _on_ready(self, participant, just_joined: bool = False, own_store=None) -> None:
        if own_store is not None:  # working alone, in the person's own store
            self._store_factory, self.alone = own_store, True
            self.sheet.saved_text = _("Saved on this computer.")
            if self._load(participant):
                self._ready = True
                self._build()
            return
        if participant is not None:
            if not self._load(participant):
                return
            self.sheet.show_name = participant.show_name
            self.nav.value = P.markup(
                f"<nav aria-label='{_('Session')}'><a class='home-link' href='{P.esc(home_link(participant.session_code))}'>{_('← Your modules')}</a>"
                + (f" <span class='muted'>· {_('personal code')} <span class='code personal-code' translate='no'>{format_personal_code(participant.personal_code)}</span></span>"
                   if just_joined else "") + "</nav>"
            )
            try:
                # (self.join may not exist yet: a remembered person is ready while it is being built)
                self.title.set(self.framework.title, self._store_factory().get_session(participant.session_code).title)
                if not self._store_factory().module_state(participant.session_code, self.framework.id).is_open:
                    self.nav.value += P.message("error", _("This module is closed: your facilitator has not opened it yet, or has closed it. "
                                                           "You can look at it; answers cannot be saved until it opens."))
            except KitError:
                pass
            # The facilitator's countdown, looked up again at each step and answer.
            self.timer.code = participant.session_code
            self.timer.refresh()
            self.sheet.observe(lambda _c: self.timer.refresh(), "answers")
        self._ready = True
        self._build()

    def _load(self, participant) -> bool:
        """Bind the answers and find the step the person was on (False, said on the page, if the store failed)."""
        try:
            self.sheet.bind(participant, self._store_factory)
            self._start = self._store_factory().progress_of(participant).get(self.framework.id, Progress()).step
        except KitError as e:  # the store went away between joining and loading answers
            self.body.children = [W.HTML(P.message("error", f"{e} " + _("Reload the page to try again.")))]
            return False
        return True

    def start_over(self) -> None:
        """Working alone: clear this module's answers and go back to its first step."""
        from slkit.selfstudy import start_over

        try:
            start_over(self._store_factory(), self.sheet.participant, self.framework.id)
        except KitError as e:
            self.body.children = [W.HTML(P.message("error", _("Could not start over: {reason}").format(reason=e)))]
            return
        self.sheet.answers, self.sheet.unsaved, self.sheet.pending = {}, {}, {}
        self.sheet.status, self.sheet.message = "idle", ""
        self.flow, self._start = None, 0
        self._build()

    def run(self, steps: Sequence[tuple[str, StepBody]]) -> "ModulePage":
        """Set the module's steps; they appear once the person has joined (or at once, alone)."""
        self._steps = steps
        self._build()
        return self

    def _build(self) -> None:
        if self._ready and self._steps is not None and self.flow is None:
            self.flow = StepFlow(self._steps, on_show=self._shown, on_finish=self._finished, start=self._start)
            self.body.children = [self.flow] + ([StartOver(self.start_over)] if self.alone else [])

    def _shown(self, i: int) -> None:
        self.sheet.new_step()
        self.timer.refresh()
        header = P.markup(self._header(intro=i == 0))
        if self.header.value != header:
            self.header.value = header
        p = self.sheet.participant
        if p is None:
            return
        n = len(self.flow.titles) if self.flow is not None else len(self._steps or ())
        try:  # where the person is: for a reload, another device and the home page
            self._store_factory().set_progress(p, self.framework.id, i, n, done=i == n - 1)
        except KitError:
            pass  # answers report their own saving; a lost step number is not worth a second message

    def _finished(self) -> None:
        """The end of the module: say so, and offer the way home and to the next module."""
        p = self.sheet.participant
        title = P.esc(self.framework.title)
        keep: list[W.Widget] = [] if p is None else [handout_link(self._store_factory, p)]
        finished = _("You have finished “{title}”.").format(title=title)
        if p is None:
            text = f"<p class='msg-ok done' role='status'>✓ {finished}</p>"
        elif self.alone:
            text = (f"<p class='msg-ok done' role='status'>✓ {finished} {_('Your answers are saved on this computer.')}</p>"
                    + debrief_html(self.framework)
                    + f"<p>{_('Keep your results: the page below holds your answers and commitments from every module you worked on.')}</p>")
        else:
            plan = [fw.id for fw in session_modules(self.join.session.settings)]
            later = plan[plan.index(self.framework.id) + 1:] if self.framework.id in plan else []
            nxt = get_framework(later[0]) if later else None
            links = f"<a class='home-link' href='{P.esc(home_link(p.session_code))}'>{_('Back to your modules')}</a>"
            if nxt is not None:
                nxt_text = _("Next module: {title}").format(title=P.esc(nxt.title))
                links += f" · <a class='next-module' href='{P.esc(module_link(nxt.notebook, p.session_code))}'>{nxt_text}</a>"
            if self.framework.id == "five_practices" and self._observers_on():
                links += (f" · <a class='observers-link' href='{P.esc(module_link('my_360.ipynb', p.session_code))}'>"
                          f"{_('Ask others how they see you (360)')}</a>")
            text = f"<p class='msg-ok done' role='status'>✓ {finished} {_('Your answers are saved.')}</p><p>{links}</p>"
        self.flow.finished.children = [P.block(text), *keep]


    def _observers_on(self) -> bool:
        from slkit.observers import enabled

        return enabled(self.join.session.settings) if self.join.session is not None else False


def debrief_html(fw) -> str:
    """After a module worked through alone: questions to think over, and what to try this week."""
    if fw.debrief is None:
        return ""
    return (f"<div class='lesson-debrief'><h2>{_('Looking back')}</h2><ul>" + "".join(f"<li>{P.esc(q)}</li>" for q in fw.debrief.questions)
            + f"</ul><h3>{_('Try this week')}</h3><ul>" + "".join(f"<li>{P.esc(t)}</li>" for t in fw.debrief.try_this_week) + "</ul></div>")


class StartOver(AskFirst):
    """Working alone: "Start this module over", asked twice, since it clears the answers."""

    def __init__(self, on_confirm, **kwargs):
        super().__init__(_("Start this module over"), _("This clears every answer you gave in this module, on this computer. Start over?"),
                         _("Yes, clear my answers"), _("Keep them"), on_confirm=on_confirm, layout=W.Layout(margin="2em 0 0"), **kwargs)
        self.ask.add_class("slk-leave")
