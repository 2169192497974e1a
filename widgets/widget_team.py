"""Team results behind the anonymity rule: nothing shows until enough people answered.

`TeamPanel` counts the respondents of a module each time it is shown (or refreshed) and,
once the session's threshold is reached (counting those who answered `items`: by default the
ratings), calls `render(rows)` with everyone's answers to build
the view; until then it says how many answers are still needed.

Example::

    TeamPanel(framework, code, render=lambda rows: W.HTML(f"{len(rows)} answers"))
"""

from __future__ import annotations

from typing import Callable, Iterable

import ipywidgets as W

from slkit import KitError
from slkit.aggregate import rating_items, respondents, team_visible
from slkit.content import Framework

from . import page as P


def waiting_text(n: int, threshold: int) -> str:
    return f"{n} of {threshold} answers so far: team results show once {threshold} people have answered, so nobody's answers can be singled out."


class TeamPanel(W.VBox):
    def __init__(self, framework: Framework, code: str | None, render: Callable[[list[dict]], W.Widget], *,
                 items: Iterable[str] | None = None, store_factory=P.store, **kwargs):
        self.framework, self.code, self._render = framework, code, render
        # Who counts as having answered: by default, anyone who gave a rating.
        self.items = list(items) if items is not None else list(rating_items(framework))
        self._store_factory = store_factory
        self.status = W.HTML()
        self.body = W.VBox()
        self.refresh_button = W.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.visible = False
        super().__init__([self.status, self.body, self.refresh_button], **kwargs)

    def refresh(self) -> None:
        if not self.code:
            self.status.value = P.markup("<p class='muted'>Team results need a live session: they appear when a group answers together.</p>")
            self.body.children = []
            self.refresh_button.layout.display = "none"
            return
        try:
            store = self._store_factory()
            threshold = store.get_session(self.code).threshold
            rows = store.answers(self.code, self.framework.id)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            return
        n = respondents(rows, self.items)
        self.visible = team_visible(n, threshold)
        if not self.visible:
            self.status.value = P.markup(f"<p class='muted waiting'>{P.esc(waiting_text(n, threshold))}</p>")
            self.body.children = []
            return
        self.status.value = P.markup(f"<p class='muted'>{n} people answered.</p>")
        self.body.children = [self._render(rows)]
