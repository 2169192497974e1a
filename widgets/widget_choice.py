"""Choosing from a list: check boxes with an upper limit that says so when reached.

Example::

    channels = ChoiceList(framework.item("channels"), sheet)
"""

from __future__ import annotations

import ipywidgets as W

from slkit.content import Item

from . import page as P
from .sheet import AnswerSheet


class ChoiceList(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, **kwargs):
        self.item, self.sheet = item, sheet
        self.limit = item.max_choices or len(item.options)
        chosen = set(sheet.get(item.id, []) or [])
        self.boxes = {
            o.id: W.Checkbox(value=o.id in chosen, description=o.label, indent=False, layout=W.Layout(width="auto"))
            for o in item.options
        }
        self.note = W.HTML()
        hint = " (choose one)" if self.limit == 1 else f" (up to {self.limit})" if self.limit < len(item.options) else ""
        super().__init__([P.block(f'<p class="item-text">{P.esc(item.text)}{hint}</p>'), *self.boxes.values(), self.note], **kwargs)
        self.add_class("slk-choice")
        self._syncing = False
        for oid, box in self.boxes.items():
            box.observe(lambda ch, oid=oid: self._changed(oid, ch["new"]), "value")
        sheet.observe(lambda _c: self.sync(), "answers")

    def selected(self) -> list[str]:
        return [oid for oid, box in self.boxes.items() if box.value]

    def _changed(self, oid: str, checked: bool) -> None:
        if self._syncing:
            return
        chosen = self.selected()
        if checked and len(chosen) > self.limit:
            self._set(oid, False)
            self.note.value = P.message("error", f"Choose at most {self.limit}; untick one first.")
            return
        self.note.value = ""
        if chosen:
            self.sheet.set(self.item.id, chosen)

    def _set(self, oid: str, value: bool) -> None:
        self._syncing = True
        try:
            self.boxes[oid].value = value
        finally:
            self._syncing = False

    def sync(self) -> None:
        stored = set(self.sheet.get(self.item.id, []) or [])
        for oid in self.boxes:
            self._set(oid, oid in stored)
