"""Ranking options: a drop-down per place, most important first.

Choosing an option that already holds another place moves it (the other place empties), so a
ranking never names an option twice. The ranking is saved on each change, without gaps. Works by touch and by keyboard (the drop-downs are native selects).

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
        for i, s in enumerate(self.selects):
            s.observe(lambda ch, i=i: self._changed(i, ch["new"]), "value")
        sheet.observe(self._answers_changed, "answers")
        self.sync()

    def ranking(self) -> list[str]:
        return [s.value for s in self.selects if s.value != NONE]

    def _answers_changed(self, change) -> None:
        new = change["new"].get(self.item.id)
        if change["old"].get(self.item.id) != new and new != self.ranking():  # not our own save
            self.sync()

    def _changed(self, place: int, option: str) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            if option != NONE:  # an option holds one place: take it from where it was
                for i, s in enumerate(self.selects):
                    if i != place and s.value == option:
                        s.value = NONE
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
        self._syncing = True
        try:
            self._show(list(self.sheet.get(self.item.id, []) or [])[: self.places])
        finally:
            self._syncing = False
