"""The save bar: saved, kept locally, could not save (try again), module closed.

Example::

    bar = SaveBar(sheet)     # follows sheet.status and sheet.message
"""

from __future__ import annotations

import ipywidgets as W

from slkit.i18n import N_, _, ngettext

from . import page as P
from .sheet import AnswerSheet

STYLE = {
    "idle": ("muted", ""),
    "saving": ("muted", ""),
    "retrying": ("error", "⚠"),
    "saved": ("ok", "✓"),
    "local": ("muted", "✓"),
    "error": ("error", "⚠"),
    "closed": ("error", N_("Closed:")),
}


class SaveBar(W.HBox):
    def __init__(self, sheet: AnswerSheet, **kwargs):
        self.sheet = sheet
        self.label = W.HTML()
        self.retry_button = W.Button(description=_("Try again"), icon="refresh", layout=W.Layout(display="none"))
        self.retry_button.on_click(lambda _b: sheet.retry())
        super().__init__([self.label, self.retry_button], layout=W.Layout(align_items="center", min_height="2.2em"), **kwargs)
        self.add_class("slk-savebar")
        sheet.observe(lambda _c: self.update(), names=["message", "pending", "unsaved", "status"])
        self.update()

    def update(self) -> None:
        kind, icon = STYLE[self.sheet.status]
        text = f"{_(icon) if icon else ''} {self.sheet.message}".strip()
        if self.sheet.unsaved and self.sheet.status in ("idle", "saved", "local"):
            # Never "Saved." while a field shows text that is not stored yet.
            n = len(self.sheet.unsaved)
            kind, text = "muted", ngettext("Not saved yet: your text is saved when you pause typing.",
                                           "Not saved yet: {n} fields are saved when you pause typing.", n).format(n=n)
        cls = {"ok": "msg-ok", "error": "msg-error"}.get(kind, "muted")
        value = f'<div class="slk" role="status" aria-live="polite"><span class="{cls} savebar" data-state="{"unsaved" if kind == "muted" and self.sheet.unsaved else self.sheet.status}">{P.esc(text)}</span></div>' if text else ""
        if value != self.label.value:  # a change of status and message in one save sends one update
            self.label.value = value
        show_retry = self.sheet.status == "error" and bool(self.sheet.pending)
        self.retry_button.layout.display = "" if show_retry else "none"
