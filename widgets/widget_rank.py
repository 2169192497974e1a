"""Ranking options: a drop-down per place, most important first.

Choosing an option that already holds another place moves it (the other place empties), so a
ranking never names an option twice. The ranking is saved on each change, without gaps. Works
by touch and by keyboard (the drop-downs are native selects). With the keyboard, arrow keys on
a closed drop-down choose each option they pass: every choice in a row on one place is judged
against the places as they were before that row began, so passing over an option that holds
another place does not take it from there.

Example::

    RankList(framework.item("objectives"), sheet)
"""

from __future__ import annotations

import ipywidgets as W

from slkit.content import Item

from . import page as P
from .sheet import AnswerSheet

PLACES = ["Most important", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"]
NONE = ""


def place_name(i: int) -> str:
    return PLACES[i] if i < len(PLACES) else f"Place {i + 1}"


class RankList(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, **kwargs):
        self.item, self.sheet = item, sheet
        self.places = item.max_choices or len(item.options)
        options = [("(choose)", NONE)] + [(o.label, o.id) for o in item.options]
        self.selects = [
            W.Dropdown(options=options, value=NONE, description=place_name(i), style={"description_width": "9em"},
                       layout=W.Layout(width="100%", max_width="36em"))
            for i in range(self.places)
        ]
        for s in self.selects:
            s.add_class("slk-rank")
        self.note = W.HTML()
        super().__init__([P.block(f'<p class="item-text">{P.esc(item.text)}</p>'), *self.selects, self.note], **kwargs)
        self._syncing = False
        self._before: tuple[int, list[str]] | None = None  # (place, every place's value) before a row of changes on it
        for i, s in enumerate(self.selects):
            s.observe(lambda ch, i=i: self._changed(i, ch["new"], ch["old"]), "value")
        sheet.observe(self._answers_changed, "answers")
        self.sync()

    def ranking(self) -> list[str]:
        return [s.value for s in self.selects if s.value != NONE]

    def _answers_changed(self, change) -> None:
        new = change["new"].get(self.item.id)
        if change["old"].get(self.item.id) != new and new != self.ranking():  # not our own save
            self.sync()

    def _changed(self, place: int, option: str, old: str = NONE) -> None:
        if self._syncing:
            return
        if self._before is None or self._before[0] != place:
            before = [s.value for s in self.selects]
            before[place] = old
            self._before = (place, before)
        target = list(self._before[1])
        target[place] = option
        if option != NONE:  # an option holds one place: take it from where it was
            target = [NONE if i != place and v == option else v for i, v in enumerate(target)]
        self._syncing = True
        try:
            for s, v in zip(self.selects, target):
                if s.value != v:
                    s.value = v
            ranking = self.ranking()  # saved without gaps; the screen keeps the places as chosen
        finally:
            self._syncing = False
        if not ranking:
            self.note.value = P.message("error", "Choose at least one option.") if not self.item.optional else ""
            return
        self.note.value = ""
        if ranking != self.sheet.get(self.item.id) and not self.sheet.set(self.item.id, ranking):
            self.sync()

    def _show(self, ranking: list[str]) -> None:
        for i, s in enumerate(self.selects):
            s.value = ranking[i] if i < len(ranking) else NONE

    def sync(self) -> None:
        self._before = None
        self._syncing = True
        try:
            self._show(list(self.sheet.get(self.item.id, []) or [])[: self.places])
        finally:
            self._syncing = False
