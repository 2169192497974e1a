"""Profiles for modules rated on a scale: one's own, and the team's beside it.

Example::

    OwnProfile(framework, sheet)                  # score per step, strongest and weakest, ranked items
    TeamProfile(framework, sheet, code="K7M2QX")  # behind the anonymity rule
"""

from __future__ import annotations

import ipywidgets as W

from slkit import aggregate as A
from slkit import charts
from slkit.content import Framework
from slkit import summaries as S
from slkit.i18n import _, ngettext, number

from . import page as P
from .sheet import AnswerSheet
from .widget_chart import Chart, parts_view
from .widget_team import TeamPanel


class OwnProfile(W.VBox):
    """Refreshed each time its step is shown, so it reflects the latest ratings."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self.summary = W.HTML()
        self.chart = Chart()
        self.ranked = W.HTML()
        super().__init__([self.summary, self.chart, self.ranked], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        fw = self.framework
        scores = A.own_scores(fw, self.sheet.answers)
        steps = S.rated_steps(fw)
        missing = sum(1 for i in A.rating_items(fw) if i not in self.sheet.answers)
        if not scores:
            self.summary.value = P.markup(f"<p>{_('Rate the behaviours in the earlier steps to see your profile here.')}</p>")
            self.chart.clear()
            self.ranked.value = ""
            return
        strongest, weakest = A.strongest_weakest(scores)
        title = {s.id: s.title for s in steps}
        note = ("<p class='muted'>" + ngettext("{n} behaviour not rated yet; it is left out.",
                                               "{n} behaviours not rated yet; they are left out.", missing).format(n=missing) + "</p>"
                if missing else "")
        self.summary.value = P.markup(
            "<p>" + _("Your strongest practice: {practice} ({score}).").format(
                practice=f"<b>{P.esc(title[strongest])}</b>", score=number(scores[strongest])) + " "
            + _("Most room to grow: {practice} ({score}).").format(
                practice=f"<b>{P.esc(title[weakest])}</b>", score=number(scores[weakest])) + f"</p>{note}"
        )
        shown = [s for s in steps if s.id in scores]
        self.chart.show(charts.profile_figure([s.title for s in shown], [scores[s.id] for s in shown], None, S.scale_range(fw), title=_("Your score per practice")))
        ranked = A.ranked_items(fw, self.sheet.answers)

        def lst(pairs):
            return "".join(f"<li>{P.esc(fw.item(i).text)} <b>{v}</b></li>" for i, v in pairs)

        # Highest and lowest never share an item: with few ratings, fewer of each.
        k = min(5, len(ranked) // 2)
        if k == 0:
            self.ranked.value = ""
        else:
            self.ranked.value = P.markup(
                f"<h3>{_('Your {n} highest').format(n=k)}</h3><ol>{lst(ranked[:k])}</ol>"
                f"<h3>{_('Your {n} lowest').format(n=k)}</h3><ol>{lst(ranked[-k:][::-1])}</ol>"
            )


class TeamProfile(TeamPanel):
    """The team's mean and spread per step beside one's own, and how the ratings spread."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, code: str | None, **kwargs):
        self.sheet = sheet
        super().__init__(framework, code, render=self.render, **kwargs)
        self.refresh()

    def render(self, rows: list[dict]) -> W.Widget:
        return parts_view(S.practices_team(self.framework, rows, own=A.own_scores(self.framework, self.sheet.answers), threshold=self.threshold))
