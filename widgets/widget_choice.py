"""Choosing from a list: "choose one" is a radio group (a second pick switches); "choose up to
N" is check boxes with an upper limit that says so when reached.

Example::

    channels = ChoiceList(framework.item("channels"), sheet)
"""

from __future__ import annotations

import ipywidgets as W

from slkit.content import Item
from slkit.i18n import _

from . import page as P
from .sheet import AnswerSheet


class ChoiceList(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, **kwargs):
        self.item, self.sheet = item, sheet
        self.limit = item.max_choices or len(item.options)
        chosen = set(sheet.get(item.id, []) or [])
        self.note = W.HTML()
        self.radio: W.RadioButtons | None = None
        self.boxes: dict[str, W.Checkbox] = {}
        self._syncing = False
        hint = (" " + _("(choose one)") if self.limit == 1
                else " " + _("(up to {n})").format(n=self.limit) if self.limit < len(item.options) else "")
        head = P.block(f'<p class="item-text">{P.esc(item.text)}{hint}</p>')
        if self.limit == 1:
            stored = (sheet.get(item.id, []) or [None])[0]
            self.radio = W.RadioButtons(options=[(o.label, o.id) for o in item.options], value=stored, layout=W.Layout(width="auto"))
            self.radio.observe(lambda ch: self._picked(ch["new"]), "value")
            super().__init__([head, self.radio, self.note], **kwargs)
        else:
            chosen = set(sheet.get(item.id, []) or [])
            self.boxes = {
                o.id: W.Checkbox(value=o.id in chosen, description=o.label, indent=False, layout=W.Layout(width="auto"))
                for o in item.options
            }
            super().__init__([head, *self.boxes.values(), self.note], **kwargs)
            for oid, box in self.boxes.items():
                box.observe(lambda ch, oid=oid: self._changed(oid, ch["new"]), "value")
        self.add_class("slk-choice")
        sheet.observe(lambda _c: self.sync(), "answers")

    def _picked(self, oid: str | None) -> None:
        if not self._syncing and oid is not None and not self.sheet.set(self.item.id, [oid]):
            self.sync()  # show what is stored, not what failed

    def selected(self) -> list[str]:
        if self.radio is not None:
            return [self.radio.value] if self.radio.value is not None else []
        return [oid for oid, box in self.boxes.items() if box.value]

    def _changed(self, oid: str, checked: bool) -> None:
        if self._syncing:
            return
        chosen = self.selected()
        if checked and len(chosen) > self.limit:
            self._set(oid, False)
            self.note.value = P.message("error", _("Choose at most {n}; untick one first.").format(n=self.limit))
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
        if self.radio is not None:
            self._syncing = True
            try:
                self.radio.value = next(iter(stored), None)
            finally:
                self._syncing = False
            return
        for oid in self.boxes:
            self._set(oid, oid in stored)
