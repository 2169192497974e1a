"""An action plan: one to three commitments, each with a first step and a date.

Items come in threes from the content (`commitment_N`, `commitment_N_first_step`,
`commitment_N_date`); the first is required, the others optional. A hint names the
person's weakest areas, where a commitment helps most.

Example::

    ActionPlan(framework, framework.steps[-1], sheet)
"""

from __future__ import annotations

import ipywidgets as W

from slkit import aggregate as A
from slkit.content import Framework, Step
from slkit.i18n import _, join_list

from . import page as P
from .sheet import AnswerSheet
from .widget_text import DateEntry, TextEntry


class ActionPlan(W.VBox):
    def __init__(self, framework: Framework, step: Step, sheet: AnswerSheet, **kwargs):
        self.framework, self.sheet = framework, sheet
        self.hint = W.HTML()
        blocks: list[W.Widget] = [self.hint]
        if step.intro:
            blocks.insert(0, P.block(f"<p>{P.esc(step.intro)}</p>"))
        ids = [i.id for i in step.items]
        n = 1
        self.entries: list[W.Widget] = []
        while f"commitment_{n}" in ids:
            base = framework.item(f"commitment_{n}")
            row = [
                TextEntry(base, sheet, label=base.text),
                TextEntry(framework.item(f"commitment_{n}_first_step"), sheet),
                DateEntry(framework.item(f"commitment_{n}_date"), sheet),
            ]
            self.entries.extend(row)
            blocks.append(W.VBox(row, layout=W.Layout(border="1px solid #cbd2d9", padding="8px 12px", margin="8px 0")))
            n += 1
        # The day the team comes back to these, and the calendar entries (the first steps' dates too).
        from .widget_followup import FollowUpDate, own_answers

        code = sheet.participant.session_code if sheet.participant is not None else None
        self.follow_up = FollowUpDate(code, lambda: (sheet.answers, own_answers(sheet)[1]), store_factory=sheet._store_factory, watch=sheet)
        blocks.append(self.follow_up)
        super().__init__(blocks, **kwargs)
        self.refresh()

    def refresh(self) -> None:
        scores = A.own_scores(self.framework, self.sheet.answers)
        if len(scores) < 2:
            self.hint.value = ""
            return
        titles = {s.id: s.title for s in self.framework.steps}
        weakest = sorted(scores, key=scores.get)[:2]
        self.hint.value = P.markup(
            "<p class='muted'>" + _("Your weakest practices: {practices}.").format(
                practices=join_list([f"<b>{P.esc(titles[w])}</b>" for w in weakest])) + "</p>"
        )
