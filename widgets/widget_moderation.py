"""The facilitator's moderation of a shared board: hide an item, show it again, merge duplicates.

Example::

    BoardModeration(framework, code="K7M2QX")
"""

from __future__ import annotations

import ipywidgets as W

from slkit import KitError
from slkit import board as B
from slkit.content import Framework
from slkit.i18n import _

from . import page as P


class BoardModeration(W.VBox):
    def __init__(self, framework: Framework, code: str, item: str, *, store_factory=P.store, **kwargs):
        self.framework, self.code, self.item = framework, code, item
        self._store_factory = store_factory
        self.note = W.HTML()
        self.rows = W.VBox()
        self.entries: list[B.Entry] = []
        super().__init__([self.note, self.rows], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = B.board_entries(self._store_factory(), self.code, self.framework.id)
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        entries = [e for e in entries if e.item == self.item]
        if entries != self.entries or not self.rows.children:
            self.entries = entries
            self.render()

    def _act(self, fn, done: str) -> None:
        try:
            fn()
        except KitError as e:
            self.note.value = P.message("error", str(e))
        else:
            self.note.value = P.message("ok", done)
        self.refresh()

    def render(self) -> None:
        store = self._store_factory
        merged = B.merged_texts(self.entries)
        children: list[W.Widget] = []
        for option in self.framework.item(self.item).options:
            items = B.ranked(self.entries, option.id)
            children.append(P.block(f"<h3>{P.esc(option.label)}</h3>" + ("" if items else f"<p class='muted'>{_('Nothing yet.')}</p>")))
            for e in items:
                text = W.HTML(P.markup(
                    f"<span class='votes'>{e.votes}</span> <span class='text'>{P.esc(e.text)}</span>"
                    + (f"<div class='merged muted'>{_('also:')} {'; '.join(P.esc(t) for t in merged[e.id])}</div>" if merged.get(e.id) else "")
                ), layout=W.Layout(flex="1 1 auto"))
                hide = W.Button(description=_("Hide"), tooltip=_("Hide from every board (the votes are kept)"), layout=W.Layout(width="6em"))
                hide.on_click(lambda _b, e=e: self._act(lambda: B.hide_entry(store(), self.code, self.framework.id, e.id), _("Hidden: {item}").format(item=e.text)))
                others = [(f"{o.text[:40]} ({o.votes})", o.id) for o in items if o.id != e.id]
                target = W.Dropdown(options=[(_("merge into…"), 0)] + others, value=0, layout=W.Layout(width="14em"))
                target.observe(
                    lambda ch, e=e: ch["new"] and self._act(
                        lambda: B.merge_entries(store(), self.code, self.framework.id, e.id, ch["new"]), _("Merged: {item}").format(item=e.text)),
                    "value",
                )
                row = W.HBox([text, target, hide], layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
                row.add_class("slk-moderate-row")
                children.append(row)
        hidden = [e for e in self.entries if e.hidden and e.merged_into is None]
        if hidden:
            children.append(P.block(f"<h3>{_('Hidden')}</h3>"))
            for e in hidden:
                show = W.Button(description=_("Show again"), layout=W.Layout(width="9em"))
                show.on_click(lambda _b, e=e: self._act(lambda: B.hide_entry(store(), self.code, self.framework.id, e.id, hidden=False), _("Shown again: {item}").format(item=e.text)))
                children.append(W.HBox([W.HTML(P.markup(f"<span class='muted'>{P.esc(e.text)}</span>"), layout=W.Layout(flex="1 1 auto")), show]))
        self.rows.children = children
