"""Rating on a scale: one behaviour (RatingScale) or all of a step's (RatingGrid).

Ten large buttons with the scale's end labels, usable by touch and by keyboard (Tab, then
Enter or Space); a click saves the rating.

Example::

    grid = RatingGrid(framework, framework.steps[0], sheet)
"""

from __future__ import annotations

import ipywidgets as W

from slkit.content import Framework, Item, Step

from . import page as P
from .sheet import AnswerSheet


class RatingScale(W.VBox):
    def __init__(self, framework: Framework, item: Item, sheet: AnswerSheet, **kwargs):
        self.item, self.sheet = item, sheet
        scale = framework.scales[item.scale]
        self.buttons = W.ToggleButtons(
            options=[(str(v), v) for v in range(scale.min, scale.max + 1)], value=None,
            tooltips=[scale.low_label] + [""] * (scale.max - scale.min - 1) + [scale.high_label],
        )
        self.buttons.add_class("slk-scale")
        self.buttons.style.button_width = "auto"
        # The question and the scale's ends in one block: a page of 30 scales is 30 widgets fewer.
        label = P.block(
            f'<p class="item-text">{P.esc(item.text)}</p>'
            f'<div class="scale-ends"><span>{scale.min} = {P.esc(scale.low_label)}</span><span>{scale.max} = {P.esc(scale.high_label)}</span></div>'
        )
        super().__init__([label, self.buttons], **kwargs)
        self.add_class("slk-rating")
        self._syncing = False
        self.buttons.observe(self._changed, "value")
        sheet.observe(self._answers_changed, "answers")
        self.sync()

    def _answers_changed(self, change) -> None:
        if change["old"].get(self.item.id) != change["new"].get(self.item.id):
            self.sync()

    def _changed(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        if not self.sheet.set(self.item.id, change["new"]):
            self.sync()  # show what is stored, not what failed

    def sync(self) -> None:
        self._syncing = True
        try:
            self.buttons.value = self.sheet.get(self.item.id)
        finally:
            self._syncing = False


class RatingGrid(W.VBox):
    """All rating items of one step, under the step's groups (e.g. a practice's two commitments)."""

    def __init__(self, framework: Framework, step: Step, sheet: AnswerSheet, **kwargs):
        children: list[W.Widget] = []
        if step.intro:
            children.append(P.block(f"<p>{P.esc(step.intro)}</p>"))
        self.scales: list[RatingScale] = []
        groups = step.groups or [None]
        for group in groups:
            items = [i for i in step.items if i.kind == "rating" and (group is None or i.group == group.id)]
            if group is not None and items:
                children.append(P.block(f"<h3>{P.esc(group.title)}</h3>"))
            for item in items:
                scale = RatingScale(framework, item, sheet)
                self.scales.append(scale)
                children.append(scale)
        super().__init__(children, **kwargs)

    def answered(self) -> int:
        return sum(1 for s in self.scales if s.buttons.value is not None)
