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
                hide = named_button(_("Hide"), _("Hide: {text}").format(text=short(e.text)))
                hide.on_click(lambda _b, e=e: self._act(lambda: B.hide_entry(store(), self.code, self.framework.id, e.id), _("Hidden: {item}").format(item=e.text)))
                others = [(f"{o.text[:40]} ({o.votes})", o.id) for o in items if o.id != e.id]
                target = W.Dropdown(options=[(_("merge into…"), 0)] + others, value=0, layout=W.Layout(width="14em"),
                                    tooltip=_("Merge “{text}” into another item").format(text=short(e.text)))
                target.observe(
                    lambda ch, e=e: ch["new"] and self._act(
                        lambda: B.merge_entries(store(), self.code, self.framework.id, e.id, ch["new"]), _("Merged: {item}").format(item=e.text)),
                    "value",
                )
                row = W.HBox([text, target, hide], layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
                row.add_class("slk-moderate-row")
                children.append(row)
        joined = [e for e in self.entries if e.merged_into is not None]
        if joined:
            into = {e.id: e for e in self.entries}
            children.append(P.block(f"<h3>{_('Merged')}</h3>"))
            for e in joined:
                target = into.get(e.merged_into)
                undo = named_button(_("Undo merge"), _("Undo merge: {text}").format(text=short(e.text)))
                undo.on_click(lambda _b, e=e: self._act(lambda: B.unmerge_entry(store(), self.code, self.framework.id, e.id),
                                                        _("On its own again: {item}").format(item=e.text)))
                children.append(W.HBox([W.HTML(P.markup(f"<span class='muted merged-item'>{P.esc(e.text)}</span> → "
                                                        f"<span class='muted'>{P.esc(target.text if target else '')}</span>"),
                                               layout=W.Layout(flex="1 1 auto")), undo], layout=W.Layout(align_items="center")))
        hidden = [e for e in self.entries if e.hidden and e.merged_into is None]
        if hidden:
            children.append(P.block(f"<h3>{_('Hidden')}</h3>"))
            for e in hidden:
                show = named_button(_("Show again"), _("Show again: {text}").format(text=short(e.text)))
                show.on_click(lambda _b, e=e: self._act(lambda: B.hide_entry(store(), self.code, self.framework.id, e.id, hidden=False), _("Shown again: {item}").format(item=e.text)))
                children.append(W.HBox([W.HTML(P.markup(f"<span class='muted'>{P.esc(e.text)}</span>"), layout=W.Layout(flex="1 1 auto")), show]))
        self.rows.children = children


def text_items(framework: Framework) -> list:
    """The written questions of a module (what the facilitator may hide)."""
    return [i for i in framework.items if i.kind == "text"]


def named_button(description: str, name: str, **layout) -> W.Button:
    """A button whose accessible name says what it acts on ("Hide: the text…"), not only "Hide"."""
    button = W.Button(description=description, tooltip=name, layout=W.Layout(width="auto", **layout))
    button.add_class("slk-named")
    return button


def short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


class AnswerModeration(W.VBox):
    """Every written answer of a session's modules, question by question, newest first, each with
    Hide / Show: a hidden answer leaves the room screen, the team views, the themes and every export
    within a few seconds; its author still sees it, with a note. A module with a shared board (the
    SWOT) also has the board's own moderation (hide, merge duplicates).

    Example::

        AnswerModeration(frameworks, code="K7M2QX")
    """

    def __init__(self, frameworks: dict, code: str, *, store_factory=P.store, **kwargs):
        self.frameworks = {m: fw for m, fw in frameworks.items() if text_items(fw) or any(i.kind == "board" for i in fw.items)}
        self.code, self._store_factory = code, store_factory
        self.module = W.Dropdown(options=[(f"{fw.order}. {fw.short_title or fw.title}", m) for m, fw in self.frameworks.items()],
                                 description=_("Module"), style={"description_width": "initial"}, layout=W.Layout(width="auto", max_width="30em"))
        self.module.observe(lambda _c: self.refresh(force=True), "value")
        self.note = W.HTML()
        self.rows = W.VBox()
        self.board: BoardModeration | None = None
        self._key: tuple | None = None
        super().__init__([self.module, self.note, self.rows], **kwargs)
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        module = self.module.value
        if module is None:
            return
        fw = self.frameworks[module]
        try:
            answers = self._store_factory().written_answers(self.code, module, [i.id for i in text_items(fw)])
        except KitError as e:
            self.note.value = P.message("error", str(e))
            return
        key = (module, tuple((a["participant"], a["item"], a["hidden"], str(a["updated_at"])) for a in answers))
        if self.board is not None and self.board.framework.id == module:
            self.board.refresh()
        if key == self._key and not force:
            return
        self._key = key
        self.render(fw, answers)

    def _act(self, fw, answer: dict, hidden: bool) -> None:
        try:
            self._store_factory().hide_answer(self.code, fw.id, answer["participant"], answer["item"], hidden)
        except KitError as e:
            self.note.value = P.message("error", str(e))
        else:
            self.note.value = P.message("ok", (_("Hidden: {text}") if hidden else _("Shown again: {text}")).format(text=short(answer["text"])))
        self.refresh(force=True)

    def render(self, fw, answers: list[dict]) -> None:
        children: list[W.Widget] = []
        for item in text_items(fw):
            mine = [a for a in answers if a["item"] == item.id]
            if not mine:
                continue
            children.append(P.block(f"<h3>{P.esc(item.text)}</h3>"))
            for a in mine:
                who = f" <span class='who muted'>— {P.esc(a['name'])}</span>" if a["name"] else ""
                state = f" <span class='hidden-tag'>{_('(hidden)')}</span>" if a["hidden"] else ""
                text = W.HTML(P.markup(f"<span class='text {'muted' if a['hidden'] else ''}'>{P.esc(a['text'])}</span>{who}{state}"),
                              layout=W.Layout(flex="1 1 auto"))
                if a["hidden"]:
                    button = named_button(_("Show"), _("Show again: {text}").format(text=short(a["text"])))
                else:
                    button = named_button(_("Hide"), _("Hide: {text}").format(text=short(a["text"])))
                button.on_click(lambda _b, a=a: self._act(fw, a, not a["hidden"]))
                row = W.HBox([text, button], layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
                row.add_class("slk-moderate-answer")
                children.append(row)
        boards = [i for i in fw.items if i.kind == "board"]
        if boards:
            if self.board is None or self.board.framework.id != fw.id:
                self.board = BoardModeration(fw, self.code, boards[0].id, store_factory=self._store_factory)
            children.append(P.block(f"<h3>{P.esc(boards[0].text)}</h3><p class='muted'>" + _(
                "Hide an item to take it off every board and export (its votes are kept); merge a duplicate into another item "
                "(its votes move over).") + "</p>"))
            children.append(self.board)
        if not children:
            children = [P.block(f"<p class='muted'>{_('Nothing written yet.')}</p>")]
        self.rows.children = children
