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
from slkit.content import Framework

from . import page as P
from .sheet import AnswerSheet
from .widget_chart import Chart
from .widget_purpose import written_list
from .widget_team import TeamPanel

TODAY, WANTED = "today", "wanted"


def parts(fw: Framework) -> list[tuple[str, str]]:
    """(part id, title) in the content's order: the steps that hold the part's ratings."""
    seen: dict[str, str] = {}
    for step in fw.steps:
        for item in step.items:
            if item.kind == "rating" and "part" in item.tags:
                seen.setdefault(item.tags["part"], step.title)
    return list(seen.items())


def facet_label(fw: Framework, part: str, facet: str) -> str:
    """E.g. "Autonomy: when"; a part with a single facet is named by its title alone."""
    title = dict(parts(fw))[part]
    items = [i for i in fw.items if i.kind == "rating" and i.tags.get("part") == part]
    if len({i.tags.get("facet") for i in items}) <= 1:
        return title
    named = next((i.tags["facet_title"] for i in items if i.tags.get("facet") == facet and "facet_title" in i.tags), facet)
    return f"{title}: {named}"


def _scale(fw: Framework) -> tuple[int, int]:
    scale = next(iter(fw.scales.values()))
    return scale.min, scale.max


def _fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return ""
    return f"{v:+.1f}" if signed else f"{v:.1f}"


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
            self.summary.value = P.markup("<p>Rate the earlier steps to see your triad here.</p>")
            self.chart.clear()
            self.table.value = ""
            return
        ps = parts(fw)
        facet_gaps = A.gaps(A.tag_scores(fw, answers, "part", "facet", "when"))
        if facet_gaps:
            (part, facet), gap = max(facet_gaps.items(), key=lambda kv: kv[1])
            summary = (f"<p class='largest-gap'>Your largest gap: <b>{P.esc(facet_label(fw, part, facet))}</b>, "
                       f"{gap:+.1f} from today to what you want.</p>")
        else:
            summary = "<p class='muted'>Rate both today and what you want for a part to see its gap.</p>"
        self.summary.value = P.markup(summary)
        labels = [t for _p, t in ps]
        self.chart.show(charts.compare_figure(
            labels, [("Today", [scores.get((p, TODAY)) for p, _t in ps], None), ("What you want", [scores.get((p, WANTED)) for p, _t in ps], None)],
            _scale(fw), title="Today and what you want",
        ))
        rows = "".join(
            f"<tr data-part='{p}'><td>{P.esc(t)}</td><td class='today'>{_fmt(scores.get((p, TODAY)))}</td>"
            f"<td class='wanted'>{_fmt(scores.get((p, WANTED)))}</td><td class='gap'>{_fmt(A.gaps(scores).get((p,)), True)}</td></tr>"
            for p, t in ps
        )
        self.table.value = P.markup(f"<table class='triad-table'><tr><th></th><th>Today</th><th>Wanted</th><th>Gap</th></tr>{rows}</table>")


class TriadTeam(TeamPanel):
    """The team's triad with its spread, the gaps ranked, the blockers counted, the changes proposed."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, code: str | None, **kwargs):
        self.sheet = sheet
        super().__init__(framework, code, render=self.render, **kwargs)
        self.refresh()

    def render(self, rows: list[dict]) -> W.Widget:
        fw = self.framework
        ps = parts(fw)
        team = A.team_tag_stats(fw, rows, "part", "when")
        part_gaps = A.team_gaps(fw, rows, "part", "when")
        facet_gaps = A.team_gaps(fw, rows, "part", "facet", "when")
        figure = charts.compare_figure(
            [t for _p, t in ps],
            [("Today", [team[(p, TODAY)].mean for p, _t in ps], [team[(p, TODAY)].sd for p, _t in ps]),
             ("What we want", [team[(p, WANTED)].mean for p, _t in ps], [team[(p, WANTED)].sd for p, _t in ps])],
            _scale(fw), title="The team: mean, and the spread as a line",
        )
        triad_rows = "".join(
            f"<tr data-part='{p}'><td>{P.esc(t)}</td><td class='today'>{_fmt(team[(p, TODAY)].mean)}</td><td class='today-sd'>±{_fmt(team[(p, TODAY)].sd)}</td>"
            f"<td class='wanted'>{_fmt(team[(p, WANTED)].mean)}</td><td class='wanted-sd'>±{_fmt(team[(p, WANTED)].sd)}</td>"
            f"<td class='gap'>{_fmt(part_gaps[(p,)].mean, True)}</td></tr>"
            for p, t in ps if team[(p, TODAY)].n and team[(p, WANTED)].n
        )
        ranked = sorted((kv for kv in facet_gaps.items() if kv[1].n), key=lambda kv: -kv[1].mean)
        gap_list = "".join(
            f"<li data-facet='{part}_{facet}'>{P.esc(facet_label(fw, part, facet))} <b class='gap'>{stat.mean:+.1f}</b></li>"
            for (part, facet), stat in ranked
        )
        blocker_items = [i for i in fw.items if i.kind == "choice" and "part" in i.tags]
        options = blocker_items[0].options if blocker_items else []
        counts = {i.tags["part"]: A.choice_counts(fw, rows, i.id) for i in blocker_items}
        blocker_rows = "".join(
            f"<tr data-option='{o.id}'><td>{P.esc(o.label)}</td>" + "".join(f"<td class='{p}'>{counts.get(p, {}).get(o.id, 0)}</td>" for p, _t in ps)
            + f"<td class='total'>{sum(c.get(o.id, 0) for c in counts.values())}</td></tr>"
            for o in options
        )
        changes = "".join(
            f"<h3>{P.esc(t)}</h3>" + written_list(A.written(rows, f"{p}_change"), f"texts changes-{p}")
            for p, t in ps
        )
        table = P.block(
            "<table class='triad-table'><tr><th></th><th>Today</th><th>Spread</th><th>Wanted</th><th>Spread</th><th>Gap</th></tr>"
            f"{triad_rows}</table>"
            f"<h3>Gaps, largest first</h3><ol class='gaps'>{gap_list}</ol>"
            "<h3>What holds it back (number of people)</h3><div class='scroll'><table class='blocker-table'><tr><th></th>"
            + "".join(f"<th>{P.esc(t)}</th>" for _p, t in ps) + f"<th>All</th></tr>{blocker_rows}</table></div>"
            f"<h2>Changes the team proposes</h2>{changes}"
        )
        return W.VBox([Chart(figure), table])
