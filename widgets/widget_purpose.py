"""Purpose first: the value of each chosen objective, the purpose canvas, and the team's view.

Example::

    ValuePerObjective(framework, sheet)          # two questions per objective the person ranked
    PurposeCanvas(framework, sheet)              # one page: purpose, value, culture fit, tools, decision
    PurposeTeam(framework, code="K7M2QX")        # behind the anonymity rule
"""

from __future__ import annotations

import ipywidgets as W

from slkit import aggregate as A
from slkit import summaries as S
from slkit.content import Framework
from slkit.i18n import _
from slkit.report import html_page

from . import page as P
from .sheet import AnswerSheet
from .widget_chart import parts_view
from .widget_download import DownloadLink
from .widget_team import TeamPanel
from .widget_text import TextEntry

OBJECTIVES = "objectives"
OTHER = "other"
CULTURE = "culture"


def objective_label(fw: Framework, answers: dict, option: str) -> str:
    """An objective's label; "something else" is named by what the person wrote, if anything."""
    if option == OTHER and str(answers.get("objective_other") or "").strip():
        return str(answers["objective_other"])
    return fw.item(OBJECTIVES).option_label(option)


def _value_items(fw: Framework, option: str) -> tuple[str, str]:
    return f"value_{option}", f"signal_{option}"


class ValuePerObjective(W.VBox):
    """For each objective ranked in the first step: the value expected and how it would show."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self._blocks: dict[str, W.VBox] = {}
        self._heads: dict[str, W.HTML] = {}
        step = framework.step_of(_value_items(framework, OTHER)[0])
        self.intro = P.block(f"<p>{P.esc(step.intro or '')}</p>")
        super().__init__([self.intro], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        fw, answers = self.framework, self.sheet.answers
        ranking = list(answers.get(OBJECTIVES) or [])
        if not ranking:
            self.children = [self.intro, P.block(f"<p class='muted'>{_('Choose your objectives in the first step; each gets its questions here.')}</p>")]
            return
        shown = []
        for place, option in enumerate(ranking, 1):
            if option not in self._blocks:
                value, signal = _value_items(fw, option)
                self._heads[option] = W.HTML()
                self._blocks[option] = W.VBox(
                    [self._heads[option], TextEntry(fw.item(value), self.sheet, multiline=True), TextEntry(fw.item(signal), self.sheet, multiline=True)],
                    layout=W.Layout(border="1px solid #cbd2d9", padding="4px 12px 8px", margin="8px 0"),
                )
            self._heads[option].value = P.markup(f"<h3>{place}. {P.esc(objective_label(fw, answers, option))}</h3>")
            shown.append(self._blocks[option])
        self.children = [self.intro, *shown]


def _answer(answers: dict, item: str) -> str:
    value = answers.get(item)
    return P.esc(value) if value not in (None, "", []) else f"<span class='muted'>{_('not answered yet')}</span>"


def _labels(fw: Framework, answers: dict, item: str) -> str:
    chosen = answers.get(item) or []
    if not chosen:
        return f"<span class='muted'>{_('not answered yet')}</span>"
    return ", ".join(P.esc(fw.item(item).option_label(o)) for o in chosen)


def canvas_markup(fw: Framework, answers: dict) -> str:
    """The purpose canvas as HTML: everything typed is escaped."""
    ranking = list(answers.get(OBJECTIVES) or [])
    objectives = "".join(
        f"<li><b>{P.esc(objective_label(fw, answers, o))}</b>"
        f"<br><span class='muted'>{_('Value:')}</span> {_answer(answers, _value_items(fw, o)[0])}"
        f"<br><span class='muted'>{_('We would notice:')}</span> {_answer(answers, _value_items(fw, o)[1])}</li>"
        for o in ranking
    ) or f"<li class='muted'>{_('not answered yet')}</li>"
    culture = next(s for s in fw.steps if s.id == CULTURE)
    rated = [i for i in culture.items if i.kind == "rating" and i.id in answers]
    against = A.pulling_against(fw, answers, CULTURE)
    if not rated:
        fit = f"<p class='muted'>{_('Rate the culture statements to see where they help or hinder.')}</p>"
    elif against:
        fit = f"<p>{_('Where your culture pulls against the purpose:')}</p><ul>" + "".join(
            f"<li class='against'>{P.esc(fw.item(i).text)} <span class='muted'>"
            + _("(you: {rating} of {max})").format(rating=answers[i], max=fw.scales[fw.item(i).scale].max) + "</span></li>" for i in against
        ) + "</ul>"
    else:
        fit = f"<p class='fits'>{_('None of the statements you rated pulls clearly against the purpose.')}</p>"
    decision = answers.get("decision") or []
    decided = P.esc(fw.item("decision").option_label(decision[0])) if decision else f"<span class='muted'>{_('not decided yet')}</span>"
    reason = '. ' + P.esc(answers['decision_reason']) if decision and answers.get('decision_reason') else ''
    return (
        "<div class='canvas'>"
        f"<section><h3>{_('Purpose')}</h3><p class='purpose'>{_answer(answers, 'purpose_sentence')}</p></section>"
        f"<section><h3>{_('Objectives, most important first')}</h3><ol>{objectives}</ol></section>"
        f"<section><h3>{_('Culture fit')}</h3>{fit}</section>"
        f"<section><h3>{_('Tools and use')}</h3><p>{_('Channels:')} {_labels(fw, answers, 'channels')}<br>"
        f"{_('How often:')} {_labels(fw, answers, 'cadence')}<br>{_('Who:')} {_labels(fw, answers, 'who_uses')}</p></section>"
        f"<section><h3>{_('Decision')}</h3><p class='decision'><b>{decided}</b>{reason}</p></section>"
        "</div>"
    )


CANVAS_STYLE = ".canvas section{border:1px solid #cbd2d9;border-radius:8px;padding:.2em 1em .6em;margin:.6em 0}.against{color:#9b1c1c}"


class PurposeCanvas(W.VBox):
    """One page that summarises the person's answers; it can be downloaded."""

    def __init__(self, framework: Framework, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self.canvas = W.HTML()
        self.download = DownloadLink(f"{framework.id}-canvas.html", self.page_html, label=_("Download your purpose canvas"))
        super().__init__([self.canvas, self.download], **kwargs)
        self.refresh()
        sheet.observe(self._answers_changed, "answers")

    def _answers_changed(self, change) -> None:
        # The decision is taken below the canvas, so the canvas follows it as it is made.
        if any(change["old"].get(i) != change["new"].get(i) for i in ("decision", "decision_reason")):
            self.refresh()
            self.download.refresh()

    def page_html(self) -> str:
        return html_page(_("{title}: purpose canvas").format(title=self.framework.title),
                         f"<h1>{_('Our purpose canvas')}</h1>{canvas_markup(self.framework, self.sheet.answers)}",
                         self.framework.language, CANVAS_STYLE)

    def refresh(self) -> None:
        self.canvas.value = P.markup(f"<style>.slk {CANVAS_STYLE}</style>{canvas_markup(self.framework, self.sheet.answers)}")


class PurposeTeam(TeamPanel):
    """The objectives ranked across the team, the spread of culture fit, the purposes and the decisions."""

    def __init__(self, framework: Framework, code: str | None, **kwargs):
        super().__init__(framework, code, render=lambda rows: parts_view(S.purpose_team(framework, rows, self.threshold)), **kwargs)
        self.refresh()
