"""A step's questions as a form: each item with the component its kind calls for.

Ratings get scales (under the step's groups), choices check boxes, rankings drop-downs per
place, text a field with a counter, dates a date picker. A module whose step needs nothing
special shows it with one line.

Example::

    StepForm(framework, framework.steps[0], sheet)
    StepForm(framework, step, sheet, items=["channels", "cadence"])   # some of its items
"""

from __future__ import annotations

from typing import Iterable

import ipywidgets as W

from slkit.content import Framework, Item, Step

from . import page as P
from .sheet import AnswerSheet
from .widget_choice import ChoiceList
from .widget_rank import RankList
from .widget_rating import RatingGrid
from .widget_text import DateEntry, TextEntry


def item_widget(framework: Framework, item: Item, sheet: AnswerSheet) -> W.Widget:
    if item.kind == "choice":
        return ChoiceList(item, sheet)
    if item.kind == "rank":
        return RankList(item, sheet)
    if item.kind == "text":
        return TextEntry(item, sheet, multiline=item.max_length > 120)
    if item.kind == "date":
        return DateEntry(item, sheet)
    raise ValueError(f"A {item.kind} item has its own component.")  # a programming error, not shown to people


class StepForm(W.VBox):
    def __init__(self, framework: Framework, step: Step, sheet: AnswerSheet, *, items: Iterable[str] | None = None,
                 intro: bool = True, **kwargs):
        wanted = list(items) if items is not None else [i.id for i in step.items]
        children: list[W.Widget] = []
        if intro and step.intro:
            children.append(P.block(f"<p>{P.esc(step.intro)}</p>"))
        chosen = [framework.item(i) for i in wanted]
        if any(i.kind == "rating" for i in chosen):
            children.append(RatingGrid(framework, step.model_copy(update={"intro": None, "items": [i for i in chosen if i.kind == "rating"]}), sheet))
        children.extend(item_widget(framework, i, sheet) for i in chosen if i.kind != "rating")
        super().__init__(children, **kwargs)
