"""Ranking options: a drop-down per place, most important first.

An option holds one place: chosen at a second place, it moves there (the first place empties),
so a ranking never names an option twice. The ranking is saved without gaps, `SETTLE` seconds
after the last choice, when the step is left, and when the page closes. Works by touch and by
keyboard (the drop-downs are native selects). With the keyboard, arrow keys on a closed
drop-down choose every option they pass, and the page may deliver those choices interleaved
with the ones made just before at another place: the rule is therefore applied once the person
pauses, to the places as they then stand, the place chosen last keeping a shared option. So
passing over an option that holds another place does not take it from there.

Example::

    RankList(framework.item("objectives"), sheet)
"""

from __future__ import annotations

import asyncio
import itertools

import ipywidgets as W

from slkit.content import Item
from slkit.i18n import N_, _

from . import page as P
from .sheet import AnswerSheet
from .widget_text import register_pending, save_later

SETTLE = 0.8  # seconds after the last choice: the ranking is put in order and saved

PLACES = [N_("Most important"), N_("Second"), N_("Third"), N_("Fourth"), N_("Fifth"), N_("Sixth"), N_("Seventh"),
          N_("Eighth"), N_("Ninth"), N_("Tenth")]
NONE = ""


def place_name(i: int) -> str:
    return _(PLACES[i]) if i < len(PLACES) else _("Place {n}").format(n=i + 1)


class RankList(W.VBox):
    def __init__(self, item: Item, sheet: AnswerSheet, **kwargs):
        self.item, self.sheet = item, sheet
        self.places = item.max_choices or len(item.options)
        options = [(_("(choose)"), NONE)] + [(o.label, o.id) for o in item.options]
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
        self._timer: asyncio.TimerHandle | None = None
        self._clock = itertools.count()
        self._chosen_at: dict[int, int] = {}  # place -> when it was last chosen (a count)
        for i, s in enumerate(self.selects):
            s.observe(lambda ch, i=i: self._changed(i, ch["new"], ch["old"]), "value")
        register_pending(self)
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
        self._chosen_at[place] = next(self._clock)
        self.sheet.mark_unsaved(self.item.id, True)
        save_later(self, SETTLE)

    def commit(self) -> bool:
        """Apply the one-place rule to the places as they stand and save the ranking (now: the
        step is being left, or the person paused). False, with the reason shown, if refused."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.item.id not in self.sheet.unsaved:
            return True
        values = [s.value for s in self.selects]
        holder: dict[str, int] = {}  # option -> the place chosen last among those holding it
        for i in sorted(range(len(values)), key=lambda i: self._chosen_at.get(i, -1), reverse=True):
            if values[i] != NONE and values[i] not in holder:
                holder[values[i]] = i
        values = [v if v == NONE or holder[v] == i else NONE for i, v in enumerate(values)]
        self._syncing = True
        try:
            for s, v in zip(self.selects, values):
                if s.value != v:
                    s.value = v
        finally:
            self._syncing = False
        ranking = self.ranking()  # saved without gaps; the screen keeps the places as chosen
        if not ranking:
            self.note.value = P.message("error", _("Choose at least one option.")) if not self.item.optional else ""
            self.sheet.mark_unsaved(self.item.id, False)
            return True
        self.note.value = ""
        if ranking != self.sheet.get(self.item.id) and not self.sheet.set(self.item.id, ranking):
            return False  # the save bar says why; the places stay as chosen, marked not saved
        self.sheet.mark_unsaved(self.item.id, False)
        return True

    def _show(self, ranking: list[str]) -> None:
        for i, s in enumerate(self.selects):
            s.value = ranking[i] if i < len(ranking) else NONE

    def sync(self) -> None:
        if self.item.id in self.sheet.unsaved:
            return  # the person's own choices, not saved yet, stay on screen
        self._syncing = True
        try:
            self._show(list(self.sheet.get(self.item.id, []) or [])[: self.places])
        finally:
            self._syncing = False
