"""An action that is asked about first: one button; a click shows the question with Yes and No.
Yes runs the action, No goes back to the button. For what cannot be undone (clearing one's
answers, closing a round of observers).

Example::

    AskFirst(_("Start this module over"), _("This clears every answer… Start over?"),
             _("Yes, clear my answers"), _("Keep them"), on_confirm=start_over)
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from . import page as P


class AskFirst(W.VBox):
    def __init__(self, ask: str, question: str, yes: str, no: str, *, on_confirm: Callable[[], object], **kwargs):
        self._on_confirm, self._question = on_confirm, question
        self.ask = W.Button(description=ask, layout=W.Layout(width="auto"))
        self.ask.on_click(lambda _b: self.confirm())
        self.yes = W.Button(description=yes, button_style="danger", layout=W.Layout(width="auto"))
        self.yes.on_click(lambda _b: self._on_confirm())
        self.no = W.Button(description=no, layout=W.Layout(width="auto", margin="0 0 0 8px"))
        self.no.on_click(lambda _b: self.cancel())
        self.question = W.HTML()
        self.buttons = W.HBox([], layout=W.Layout(flex_flow="row wrap"))
        super().__init__([self.question, self.buttons], **kwargs)
        self.cancel()

    def confirm(self) -> None:
        """The question, with Yes and No."""
        self.question.value = P.markup(f"<p role='alert'>{P.esc(self._question)}</p>")
        self.buttons.children = [self.yes, self.no]

    def cancel(self) -> None:
        """Back to the one button."""
        self.question.value = ""
        self.buttons.children = [self.ask]

    def say(self, html: str) -> None:
        """A message where the question was (say, why the action failed)."""
        self.question.value = html
