"""After the room: the follow-up date with calendar links, and the follow-up round's steps.

- `FollowUpDate`: "We come back to this on 15 February 2027." with *Add to my calendar* (a
  `.ics` file: the follow-up day and each first step's date) and links for Google Calendar and
  Outlook. On the five practices' last step, the SWOT's goals step and the person's home page.
- The follow-up page (workshops/05_follow_up.ipynb): `Promises` (each commitment and the own
  goal from the workshop, with how far the person got), `TeamGoalsStep`, the same thirty
  behaviours again (RatingGrid), `BeforeAfter` (their own then and now) and `FollowUpTeam`.

Example::

    FollowUpDate(session, lambda: (fp_answers, swot_answers))
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from slkit import KitError
from slkit import charts, followup as F
from slkit.content import Framework, get_framework
from slkit.i18n import _
from slkit.ics import google_link, ics_text, outlook_link
from slkit.sessions import follow_up_link, join_link
from slkit.summaries import commitment_html, fmt, scale_range

from . import page as P
from .sheet import AnswerSheet
from .widget_chart import Chart, parts_view
from .widget_download import DownloadLink
from .widget_form import StepForm
from .widget_team import TeamPanel


def own_answers(sheet: AnswerSheet) -> tuple[dict, dict]:
    """A person's five practices and SWOT answers (from the store their sheet is bound to)."""
    if sheet.participant is None or sheet._store_factory is None:
        return {}, {}
    store = sheet._store_factory()
    return store.answers_of(sheet.participant, F.PRACTICES), store.answers_of(sheet.participant, F.SWOT)


class FollowUpDate(W.VBox):
    """The session's follow-up day and the person's calendar entries (nothing when there is none)."""

    def __init__(self, code: str | None, answers: Callable[[], tuple[dict, dict]], *, store_factory=None,
                 watch: AnswerSheet | None = None, **kwargs):
        """`answers`: the person's five practices and SWOT answers; `watch`: a sheet whose changes
        (a first step's date) make the calendar file again."""
        self.code, self._answers, self._store_factory = code, answers, store_factory or P.store
        self.html = W.HTML()
        self.download: DownloadLink | None = None
        super().__init__([self.html], **kwargs)
        self.add_class("slk-follow-up")
        self.refresh()
        if watch is not None:
            watch.observe(lambda _c: self.refresh(), "answers")

    def refresh(self) -> None:
        if not self.code:
            return
        try:
            session = self._store_factory().get_session(self.code)
            fp, swot = self._answers()
        except KitError:
            return  # the page says what is wrong elsewhere; the date is not worth a second message
        if session.follow_up is None:
            self.html.value, self.children = "", [self.html]
            return
        base = P.base_url()
        mine = F.promises(fp, swot)
        events = F.events(session.title, session.follow_up, follow_up_link(base, session.code), join_link(base, session.code), mine)
        first = events[0]
        soon = ("<p class='muted'>" + _("Your first steps' dates are in the calendar file too.") + "</p>") if len(events) > 1 else ""
        value = P.markup(
            f"<p class='follow-up-date'><b>{P.esc(F.sentence(session.follow_up))}</b> "
            + _("Your facilitator sends the link then; this page has it too.") + "</p>"
            f"<p class='calendar-links'>{_('Add the follow-up to your calendar:')} "
            f"<a href='{P.esc(google_link(first))}' target='_blank' rel='noopener'>Google Calendar</a> · "
            f"<a href='{P.esc(outlook_link(first))}' target='_blank' rel='noopener'>Outlook</a></p>{soon}")
        if self.html.value != value:
            self.html.value = value
        self._ics = ics_text(events)
        if self.download is None:
            self.download = DownloadLink(f"follow-up-{session.code}.ics", lambda: self._ics, _("Add to my calendar (.ics file)"),
                                         mime="text/calendar;charset=utf-8")
        else:
            self.download.refresh()
        self.children = [self.html, self.download]


class Promises(W.VBox):
    """The follow-up's first steps: each of the person's commitments (and, in `step` "goal", their
    own goal) with its first step and date, and the questions about how far they got."""

    def __init__(self, framework: Framework, step, sheet: AnswerSheet, *, keys: tuple[str, ...], **kwargs):
        fp, swot = own_answers(sheet)
        mine = [p for p in F.promises(fp, swot) if p["key"] in keys]
        children: list[W.Widget] = [P.block(f"<p>{P.esc(step.intro)}</p>")] if step.intro else []
        if not mine:
            children.append(P.block("<p class='msg-ok none-found' role='status'>" + (
                _("We found no commitment of yours from the workshop. If you took part, continue with your personal code from "
                  "then (on the home page: “Joined already?”). Otherwise go on: your answers count in the team's follow-up, "
                  "without a before and after of your own.") if "commitment_1" in keys else
                _("We found no goal of yours from the SWOT: nothing to answer here; go on to the next step.")) + "</p>"))
        for p in mine:
            items = [i.id for i in step.items if i.tags.get("commitment") == p["key"]]
            head = P.block(f"<ul class='texts commitments promise'>{commitment_html({**p, 'name': None})}</ul>")
            box = W.VBox([head, StepForm(framework, step, sheet, items=items, intro=False)],
                         layout=W.Layout(border="1px solid #cbd2d9", padding="4px 12px 10px", margin="8px 0"))
            box.add_class("slk-promise")
            children.append(box)
        super().__init__(children, **kwargs)


class TeamGoalsStep(W.VBox):
    """The goals the team set in the SWOT (under the rules of the team view), and how far it came."""

    def __init__(self, framework: Framework, step, sheet: AnswerSheet, code: str | None, **kwargs):
        from .widget_shared_board import TeamGoals

        children: list[W.Widget] = []
        if code:
            children.append(TeamGoals(get_framework(F.SWOT), code))
        children.append(StepForm(framework, step, sheet))
        super().__init__(children, **kwargs)


class BeforeAfter(W.VBox):
    """The person's own score per practice in the workshop and now, and how far they got."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self.table = W.HTML()
        self.chart = Chart()
        super().__init__([self.table, self.chart], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        fp_fw = get_framework(F.PRACTICES)
        fp, _swot = own_answers(self.sheet)
        now = self.sheet.answers
        if self.sheet.live:  # as stored (given on another device too)
            try:
                now = {**self.sheet._store_factory().answers_of(self.sheet.participant, self.framework.id), **now}
            except KitError:
                pass
        rows = F.before_after(fp_fw, fp, now)
        if not any(then is not None for _i, _t, then, _n in rows):
            self.table.value = P.markup("<p class='muted'>" + _("Your ratings from the workshop are not here, so there is no before and "
                                                               "after of your own (the team's is on the next step).") + "</p>")
            self.chart.clear()
            return
        body = "".join(
            f"<tr data-step='{sid}'><td>{P.esc(title)}</td><td class='before'>{fmt(then)}</td><td class='after'>{fmt(now)}</td>"
            f"<td class='change'>{fmt(None if then is None or now is None else now - then, True)}</td></tr>"
            for sid, title, then, now in rows)
        statuses = [v for k, v in now.items() if k.endswith("_status") and v]
        done = sum(1 for v in statuses if v[0] == "done")
        said = ("<p>" + _("You said how far you got with {n} of your commitments and goals; {done} done.").format(n=len(statuses), done=done)
                + "</p>") if statuses else ""
        self.table.value = P.markup(
            f"{said}<div class='scroll'><table class='before-after'><tr><th>{_('Practice')}</th><th>{_('In the workshop')}</th>"
            f"<th>{_('Now')}</th><th>{_('Change')}</th></tr>{body}</table></div>")
        self.chart.show(charts.compare_figure(
            [t for _i, t, _a, _b in rows], [(_("In the workshop"), [a for _i, _t, a, _b in rows], None), (_("Now"), [b for _i, _t, _a, b in rows], None)],
            scale_range(fp_fw), title=_("You then and now")))


class FollowUpTeam(TeamPanel):
    """The team's follow-up: how far it got, its change in the practices, what helped and what got in the way."""

    def __init__(self, framework: Framework, code: str | None, **kwargs):
        from slkit import summaries as S

        def render(rows):
            before = self._store_factory().answers(self.code, framework.reuse.module)
            return parts_view(S.flatten(S.followup_sections(framework, rows, before, self.threshold)))

        super().__init__(framework, code, render=render, **kwargs)
        self.refresh()


def follow_up_steps(page) -> list:
    """The follow-up page's steps, for its notebook."""
    fw, sheet = page.framework, page.sheet
    commitments, goal, team = fw.own_steps
    return [
        (commitments.title, lambda: Promises(fw, commitments, sheet, keys=("commitment_1", "commitment_2", "commitment_3"))),
        (goal.title, lambda: Promises(fw, goal, sheet, keys=("personal_goal",))),
        (team.title, lambda: TeamGoalsStep(fw, team, sheet, page.code)),
        *[(s.title, lambda s=s: StepForm(fw, s, sheet)) for s in fw.reused_steps],
        (_("You then and now"), lambda: BeforeAfter(fw, sheet)),
        (_("The team"), lambda: FollowUpTeam(fw, page.code)),
    ]

