"""The frame of a module page: title and intro, joining, the steps, and the save bar.

A module notebook states only what is specific to its framework:

    page = ModulePage.from_page("five_practices")
    page.run([("Model the Way", RatingGrid(page.framework, page.framework.steps[0], page.sheet))])
    page
"""

from __future__ import annotations

from typing import Sequence

import ipywidgets as W

from slkit import KitError
from slkit.content import get_framework

from . import page as P
from .sheet import AnswerSheet
from .widget_flow import StepBody, StepFlow
from .widget_join import JoinPanel
from .widget_save import SaveBar
from .widget_timer import TimerBanner


class ModulePage(W.VBox):
    def __init__(self, module: str, code: str | None = None, token: str | None = None, personal_code: str | None = None,
                 *, store_factory=P.store, **kwargs):
        self.framework = get_framework(module)
        self.sheet = AnswerSheet(framework=self.framework)
        self._store_factory = store_factory
        self._steps: Sequence[tuple[str, StepBody]] | None = None
        self._ready = False
        self.flow: StepFlow | None = None
        self.body = W.VBox()
        self.savebar = SaveBar(self.sheet)
        header = P.block(f"<h1>{P.esc(self.framework.title)}</h1><p>{P.esc(self.framework.intro)}</p>")
        self.timer = TimerBanner(None, store_factory=store_factory)  # before joining: a resume link joins at once
        self.join = JoinPanel(code, token, personal_code, on_ready=self._on_ready, store_factory=store_factory)
        super().__init__([P.page(header, self.join, self.timer, self.body, self.savebar)], **kwargs)

    @classmethod
    def from_page(cls, module: str, **kwargs) -> "ModulePage":
        q = P.query()
        return cls(module, q.get("session"), q.get("p"), q.get("pc"), **kwargs)

    @property
    def code(self) -> str | None:
        return self.join.code

    def _on_ready(self, participant, show_name: bool = False) -> None:
        if participant is not None:
            try:
                self.sheet.bind(participant, self._store_factory)
            except KitError as e:  # the store went away between joining and loading answers
                self.body.children = [W.HTML(P.message("error", f"{e} Reload the page to try again."))]
                return
            self.sheet.show_name = show_name
            # The facilitator's countdown, looked up again at each step and answer.
            self.timer.code = participant.session_code
            self.timer.refresh()
            self.sheet.observe(lambda _c: self.timer.refresh(), "answers")
        self._ready = True
        self._build()

    def run(self, steps: Sequence[tuple[str, StepBody]]) -> "ModulePage":
        """Set the module's steps; they appear once the person has joined (or at once, alone)."""
        self._steps = steps
        self._build()
        return self

    def _build(self) -> None:
        if self._ready and self._steps is not None and self.flow is None:
            self.flow = StepFlow(self._steps, on_show=lambda _i: self.timer.refresh())
            self.body.children = [self.flow]
