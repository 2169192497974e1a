"""The motivation triad: one's own today against wanted, and the team's, with gaps and blockers.

Ratings carry tags `part` (autonomy, mastery, purpose), `facet` (task, time, ...) and `when`
(today, wanted); the views group by them, so the content decides what is compared.

Example::

    TriadResult(framework, sheet)             # own triad, today against wanted, the largest gap
    TriadTeam(framework, sheet, code)         # behind the anonymity rule
"""

from __future__ import annotations

import ipywidgets as W

from slkit import aggregate as A
from slkit import charts
from slkit import summaries as S
from slkit.content import Framework
from slkit.i18n import _, number
from slkit.summaries import TODAY, WANTED, facet_label, fmt
from slkit.summaries import triad_parts as parts

from . import page as P
from .sheet import AnswerSheet
from .widget_chart import Chart, parts_view
from .widget_team import TeamPanel

class TriadResult(W.VBox):
    """Refreshed each time it is shown."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self.summary = W.HTML()
        self.chart = Chart()
        self.table = W.HTML()
        super().__init__([self.summary, self.chart, self.table], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        fw, answers = self.framework, self.sheet.answers
        scores = A.tag_scores(fw, answers, "part", "when")
        if not scores:
            self.summary.value = P.markup(f"<p>{_('Rate the earlier steps to see your triad here.')}</p>")
            self.chart.clear()
            self.table.value = ""
            return
        ps = parts(fw)
        facet_gaps = A.gaps(A.tag_scores(fw, answers, "part", "facet", "when"))
        (part, facet), gap = max(facet_gaps.items(), key=lambda kv: kv[1]) if facet_gaps else ((None, None), 0)
        if facet_gaps and gap > 0:
            summary = ("<p class='largest-gap'>" + _("Your largest gap is in {facet} ({gap} from today to what you want).").format(
                facet=f"<b>{P.esc(facet_label(fw, part, facet))}</b>", gap="+" + number(gap)) + "</p>")
        elif facet_gaps:
            summary = f"<p class='largest-gap'>{_('Nothing you rated falls short of what you want today.')}</p>"
        else:
            summary = f"<p class='muted'>{_('Rate both today and what you want for a part to see its gap.')}</p>"
        self.summary.value = P.markup(summary)
        labels = [t for _p, t in ps]
        self.chart.show(charts.compare_figure(
            labels, [(_("Today"), [scores.get((p, TODAY)) for p, _t in ps], None), (_("What you want"), [scores.get((p, WANTED)) for p, _t in ps], None)],
            S.scale_range(fw), title=_("Today and what you want"),
        ))
        rows = "".join(
            f"<tr data-part='{p}'><td>{P.esc(t)}</td><td class='today'>{fmt(scores.get((p, TODAY)))}</td>"
            f"<td class='wanted'>{fmt(scores.get((p, WANTED)))}</td><td class='gap'>{fmt(A.gaps(scores).get((p,)), True)}</td></tr>"
            for p, t in ps
        )
        head = "".join(f"<th>{h}</th>" for h in (_("Part"), _("Today"), _("Wanted"), _("Gap")))
        self.table.value = P.markup(f"<table class='triad-table'><tr>{head}</tr>{rows}</table>")


class TriadTeam(TeamPanel):
    """The team's triad with its spread, the gaps ranked, the blockers counted, the changes proposed."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, code: str | None, **kwargs):
        self.sheet = sheet
        super().__init__(framework, code, render=self.render, **kwargs)
        self.refresh()

    def render(self, rows: list[dict]) -> W.Widget:
        return parts_view(S.triad_team(self.framework, rows, self.threshold))
