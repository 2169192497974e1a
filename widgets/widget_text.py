"""Free text with a visible length limit, saved as the person types; and a date.

Typed text is saved without pressing anything: shortly after the person stops typing
(`AUTOSAVE_DELAY`), when they move to another step, and when the page's kernel stops (a tab
closed or reloaded). Each field says whether what it shows is stored; a refused text (too long,
empty) stays on screen with the reason, and nothing is stored half-way.

Example::

    entry = TextEntry(framework.item("commitment_1"), sheet)
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import weakref

import ipywidgets as W

from slkit.content import Item
from slkit.i18n import _
from slkit.text import normalized

from . import page as P
from .sheet import AnswerSheet

AUTOSAVE_DELAY = 0.6  # seconds after the last keystroke
_ENTRIES: "weakref.WeakSet" = weakref.WeakSet()  # widgets with input not saved yet: TextEntry, RankList


def register_pending(widget) -> None:
    """A widget whose input is saved a moment later (its `commit()` saves it now): saved too
    when the kernel stops."""
    _ENTRIES.add(widget)


def save_later(widget, delay: float) -> None:
    """`widget.commit()` `delay` seconds after the last call (each call starts the wait again;
    the widget keeps the pending call in `_timer`); at once where no event loop runs
    (components driven from Python)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        widget.commit()
        return
    if widget._timer is not None:
        widget._timer.cancel()
    widget._timer = loop.call_later(delay, widget.commit)


def flush_all() -> None:
    """Save every field's typed text now (the kernel is stopping: a tab closed or reloaded)."""
    for entry in list(_ENTRIES):
        try:
            entry.commit()
        except Exception:  # noqa: BLE001 - one field's failure must not stop the others
            pass


atexit.register(flush_all)


class TextEntry(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, *, multiline: bool = False, label: str | None = None, **kwargs):
        self.item, self.sheet = item, sheet
        cls = W.Textarea if multiline else W.Text
        self.input = cls(value=str(sheet.get(item.id, "") or ""), continuous_update=True, layout=W.Layout(width="auto"))
        self.input.add_class("slk-text")
        self.counter = W.HTML()
        self.refused = ""  # why the last save of this field was refused
        self.invalid = False  # refused for what it says (not for the store): see commit
        self._timer: asyncio.TimerHandle | None = None
        self.input.observe(lambda _c: self._typed(), "value")
        head = P.block(f'<p class="item-text">{P.esc(label or item.text)}</p>')
        super().__init__([head, self.input, self.counter], **kwargs)
        sheet.observe(lambda _c: self.sync(), "answers")
        register_pending(self)
        self._count()

    def _count(self) -> None:
        n, limit = len(self.input.value.strip()), self.item.max_length
        over = n > limit
        state = (_("not saved: too long") if over else _("not saved: {reason}").format(reason=self.refused) if self.refused
                 else _("not saved yet") if self.dirty() else _("saved") if self.item.id in self.sheet.answers else "")
        cls = "msg-error" if over or self.refused else "muted"
        text = _("{n} / {limit} characters").format(n=n, limit=limit) + (f" · {state}" if state else "")
        hidden = (f'<span class="muted hidden-note"> · {P.esc(_("the facilitator hid this from the team view; you still see it"))}</span>'
                  if self.item.id in self.sheet.hidden else "")
        value = f'<div class="slk"><span class="{cls} field-state">{P.esc(text)}</span>{hidden}</div>'
        if self.counter.value != value:
            self.counter.value = value

    def _typed(self) -> None:
        self.refused, self.invalid = "", False
        dirty = self.dirty()
        self.sheet.mark_unsaved(self.item.id, dirty)
        self._count()
        if dirty:
            self._schedule()

    def _schedule(self) -> None:
        save_later(self, AUTOSAVE_DELAY)

    def dirty(self) -> bool:
        # In the form the store keeps it: text typed as «a» plus a combining ring is stored as «å»,
        # and must then read as saved.
        typed = normalized(self.input.value)
        if not typed and self.item.optional and self.item.id not in self.sheet.answers:
            return False  # an optional field left empty has nothing to save
        return typed != str(self.sheet.get(self.item.id, "") or "")

    def commit(self) -> bool:
        """Save what is typed, if it changed; False (with the reason shown) when it was refused."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.dirty():
            self.sheet.mark_unsaved(self.item.id, False)
            return True
        ok = self.sheet.set(self.item.id, self.input.value)
        self.refused = "" if ok else self.sheet.message
        # Refused as it is (too long, not allowed), not merely waiting for the store: the person
        # must change it before moving on (StepFlow keeps the step).
        self.invalid = not ok and self.sheet.status == "error" and self.item.id not in self.sheet.pending
        if ok:
            self.sheet.mark_unsaved(self.item.id, False)
        self._count()
        return ok

    def sync(self) -> None:
        stored = self.sheet.get(self.item.id)
        if stored is not None and not self.input.value.strip():
            self.input.value = str(stored)
        self._count()


class DateEntry(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, *, label: str | None = None, **kwargs):
        self.item, self.sheet = item, sheet
        # The question is the picker's own label, so the date field has an accessible name.
        self.input = W.DatePicker(value=self._stored(), description=label or item.text, style={"description_width": "initial"})
        self.input.add_class("slk-date")
        self.input.observe(self._changed, "value")
        super().__init__([self.input], **kwargs)
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
