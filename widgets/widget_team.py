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
from slkit.aggregate import counted_items, respondents, team_visible
from slkit.content import Framework
from slkit.i18n import _, ngettext

from . import page as P
from .widget_live import LiveTicker


def waiting_text(n: int, threshold: int) -> str:
    return ngettext("{n} of {threshold} answers so far: team results show once {threshold} person has answered, "
                    "so nobody's answers can be singled out.",
                    "{n} of {threshold} answers so far: team results show once {threshold} people have answered, "
                    "so nobody's answers can be singled out.", threshold).format(n=n, threshold=threshold)


class TeamPanel(W.VBox):
    def __init__(self, framework: Framework, code: str | None, render: Callable[[list[dict]], W.Widget], *,
                 items: Iterable[str] | None = None, store_factory=P.store, **kwargs):
        self.framework, self.code, self._render = framework, code, render
        # Who counts as having answered: by default, anyone who gave a rating.
        self.items = list(items) if items is not None else counted_items(framework)
        self._store_factory = store_factory
        self.status = W.HTML()
        self.body = W.VBox()
        self.visible = False
        self.threshold = 0  # the session's, once read: views pass it on to the anonymity rules
        self._shown: tuple | None = None
        # In a session the panel follows the room: new answers, the facilitator revealing or hiding.
        self.ticker = LiveTicker(self.refresh) if code else None
        super().__init__([self.status, self.body] + ([self.ticker] if self.ticker else []), **kwargs)

    def _example(self) -> None:
        """Working alone there is no team: the step compares the person with an example team,
        the demo's made-up people, and says so plainly."""
        from slkit.demo import EXAMPLE_TEAM, example_rows

        rows = example_rows(self.framework) if self._shown is None else None
        if rows is None:  # shown already: an example team does not change
            return
        self._shown = ("example",)
        if not respondents(rows, self.items):  # nothing this view shows (in another language: their words)
            self.status.value = P.markup(f"<p class='muted'>{_('Team results need a live session: they appear when a group answers together.')}</p>")
            self.body.children = []
            return
        self.threshold, self.visible = 3, True
        note = _("You are working alone, so there is no team here. For comparison, this is an <strong>example team</strong>: "
                 "{n} made-up people from the kit's demo, not real answers. In a workshop this step shows your own team.").format(n=EXAMPLE_TEAM)
        self.status.value = P.markup(f"<p class='example-team' role='note'>{note}</p>")
        self.body.children = [self._render(rows)]

    def refresh(self) -> None:
        if not self.code:
            self._example()
            return
        try:
            store = self._store_factory()
            session = store.get_session(self.code)
            revealed = store.module_state(self.code, self.framework.id).results_revealed
            # A tick every few seconds costs a count, not a read of every answer and a redraw:
            # the answers are read only when their fingerprint changed.
            shown = (revealed, session.threshold, store.answers_version(session, self.framework.id))
            if shown == self._shown:
                return
            rows = store.answers(self.code, self.framework.id)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            self._shown = None
            return
        self._shown = shown
        self.threshold = threshold = session.threshold
        n = respondents(rows, self.items)
        self.visible = revealed and team_visible(n, threshold)
        if not revealed:
            self.status.value = P.markup("<p class='muted held'>" + _("The facilitator will show the team's results when the group is ready.") + "</p>")
            self.body.children = []
        elif not self.visible:
            self.status.value = P.markup(f"<p class='muted waiting'>{P.esc(waiting_text(n, threshold))}</p>")
            self.body.children = []
        else:
            self.status.value = P.markup("<p class='muted'>" + ngettext("{n} person answered.", "{n} people answered.", n).format(n=n) + "</p>")
            self.body.children = [self._render(rows)]
