"""One person's answers to one module: the state that the components view and change.

It validates every answer against the content, saves it through the store (a session's, or in
self-study the person's own; without either it keeps it on the page), and says how saving went. Views observe `answers` and `status`.

Example::

    from slkit.content import get_framework
    sheet = AnswerSheet(framework=get_framework("five_practices"))
    sheet.set("mw_voice_purpose", 7)      # no store bound: kept on the page only
    sheet.status                          # 'local'
"""

from __future__ import annotations

from typing import Any, Callable

import traitlets as T

from slkit import KitError
from slkit.i18n import _
from slkit.store import ModuleClosed, Participant, Store

STATUSES = ("idle", "saving", "retrying", "saved", "local", "error", "closed")


class AnswerSheet(T.HasTraits):
    framework = T.Any(help="the module's content (slkit.content.Framework)")
    participant = T.Any(None, allow_none=True, help="who answers; None in self-study")
    answers = T.Dict(help="item id -> the answer as stored")
    status = T.Enum(STATUSES, "idle", help="how the last save went")
    message = T.Unicode("", help="what to tell the person about the last save")
    pending = T.Dict(help="answers that could not be saved yet, to retry")
    show_name = T.Bool(False, help="the author chose to show their name with their written answers")
    unsaved = T.Dict(help="item id -> True for text typed on screen and not stored yet")
    saved_text = T.Unicode("", help="what a successful save says (self-study: where it is kept); '' for “Saved.”")
    hidden = T.Set(help="item ids of this person's answers that the facilitator hid from the team (they still see them)")

    def __init__(self, store_factory: Callable[[], Store] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._store_factory = store_factory

    @property
    def live(self) -> bool:
        return self.participant is not None

    def bind(self, participant: Participant, store_factory: Callable[[], Store]) -> None:
        """Attach to a participant and load what they answered before (a reload, another device)."""
        self._store_factory = store_factory
        self.participant = participant
        store = store_factory()
        self.answers = store.answers_of(participant, self.framework.id)
        self.hidden = store.hidden_items(participant, self.framework.id)

    def get(self, item_id: str, default: Any = None) -> Any:
        return self.answers.get(item_id, default)

    def new_step(self) -> None:
        """Another step is shown: a "Saved." or a refusal about the step left does not stay on it
        (what waits for the store, and its message, does)."""
        if self.status == "saved" or (self.status == "error" and not self.pending):
            self.status, self.message = "idle", ""

    def set(self, item_id: str, value: Any) -> bool:
        """Validate and save one answer; False (with `message` set) when it was refused or failed."""
        return self.set_many({item_id: value})

    def set_many(self, values: dict[str, Any]) -> bool:
        try:
            clean = {k: self.framework.validate_value(k, v) for k, v in values.items()}
        except KitError as e:
            self.status, self.message = "error", str(e)
            return False
        if not self.live:
            self.answers = {**self.answers, **clean}
            self.status, self.message = "local", _("Kept on this page only, until it closes: it could not be saved.")
            return True
        # The page says "Saving…" from the click until the store answers (the kernel sends a
        # state change at once, even while it waits), "not saved yet, trying again" as soon as
        # a first try fails, and "Saved." only after the commit: never an earlier "Saved." while
        # this answer waits.
        self.status, self.message = "saving", _("Saving…")

        def retrying() -> None:
            self.status, self.message = "retrying", _("Not saved yet: the workshop store does not answer. Trying again…")

        try:
            self._save(clean, retrying)
        except ModuleClosed as e:
            self.status, self.message = "closed", str(e)
            return False
        except KitError as e:
            self.pending = {**self.pending, **clean}
            self.status, self.message = "error", _("Could not save.") + f" {e}"
            return False
        self.answers = {**self.answers, **clean}
        self.pending = {k: v for k, v in self.pending.items() if k not in clean}
        self.status, self.message = "saved", self.saved_text or _("Saved.")
        return True

    def _save(self, clean: dict[str, Any], on_retry: Callable[[], None]) -> None:
        """Store validated answers (raises KitError, ModuleClosed when they may not be stored)."""
        self._store_factory().save_answers(self.participant, self.framework.id, clean, show_name=self.show_name, on_retry=on_retry)

    def mark_unsaved(self, item_id: str, unsaved: bool) -> None:
        """A field says whether it shows text that is not stored yet (the save bar follows)."""
        if unsaved != (item_id in self.unsaved):
            self.unsaved = {**self.unsaved, item_id: True} if unsaved else {k: v for k, v in self.unsaved.items() if k != item_id}

    def retry(self) -> bool:
        return self.set_many(dict(self.pending)) if self.pending else True
