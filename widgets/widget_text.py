"""Free text with a visible length limit, and a date.

The counter follows typing; the text is saved when the person leaves the field (or presses
Save), never half-way, and a refused text keeps what the person typed on screen.

Example::

    entry = TextEntry(framework.item("commitment_1"), sheet)
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as W

from slkit.content import Item

from . import page as P
from .sheet import AnswerSheet


class TextEntry(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, *, multiline: bool = False, label: str | None = None, **kwargs):
        self.item, self.sheet = item, sheet
        cls = W.Textarea if multiline else W.Text
        self.input = cls(value=str(sheet.get(item.id, "") or ""), continuous_update=True, layout=W.Layout(width="auto"))
        self.input.add_class("slk-text")
        self.counter = W.HTML()
        self.save_button = W.Button(description="Save", layout=W.Layout(width="6em"))
        self.save_button.on_click(lambda _b: self.commit())
        self.input.observe(lambda _c: self._count(), "value")
        head = P.block(f'<p class="item-text">{P.esc(label or item.text)}</p>')
        super().__init__([head, self.input, W.HBox([self.counter, self.save_button], layout=W.Layout(justify_content="space-between", align_items="center"))], **kwargs)
        sheet.observe(lambda _c: self.sync(), "answers")
        self._count()

    def _count(self) -> None:
        n, limit = len(self.input.value.strip()), self.item.max_length
        over = n > limit
        self.counter.value = f'<div class="slk"><span class="{"msg-error" if over else "muted"}">{n} / {limit} characters{" — too long" if over else ""}</span></div>'

    def dirty(self) -> bool:
        return self.input.value.strip() != str(self.sheet.get(self.item.id, "") or "")

    def commit(self) -> bool:
        """Save what is typed, if it changed. Empty optional fields are saved as empty."""
        if not self.dirty():
            return True
        if not self.input.value.strip() and self.item.optional and self.item.id not in self.sheet.answers:
            return True
        return self.sheet.set(self.item.id, self.input.value)

    def sync(self) -> None:
        stored = self.sheet.get(self.item.id)
        if stored is not None and not self.input.value.strip():
            self.input.value = str(stored)


class DateEntry(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, *, label: str | None = None, **kwargs):
        self.item, self.sheet = item, sheet
        self.input = W.DatePicker(value=self._stored())
        self.input.observe(self._changed, "value")
        super().__init__([P.block(f'<p class="item-text">{P.esc(label or item.text)}</p>'), self.input], **kwargs)
        sheet.observe(lambda _c: self._sync(), "answers")

    def _stored(self):
        raw = self.sheet.get(self.item.id)
        return dt.date.fromisoformat(raw) if raw else None

    def _changed(self, change) -> None:
        if change["new"] is not None and change["new"] != self._stored():
            self.sheet.set(self.item.id, change["new"])

    def _sync(self) -> None:
        if self.input.value is None and self._stored() is not None:
            self.input.value = self._stored()

    def commit(self) -> bool:
        return True
