"""A shared board on a page: add items, see everyone's as they arrive, vote, build strategies.

`BoardState` holds what the views show (entries, one's own votes, the budget, the last
message) and talks to the board: the store's in a live session, one in memory when working
alone. Views observe it; a `LiveTicker` reloads it every few seconds.

Example::

    state = BoardState.for_sheet(framework, sheet)
    W.VBox([BoardAdd(state, "swot_item"), BoardColumns(state, "swot_item")])
    VoteBoard(state, "swot_item")          # dot voting with votes left per column
    StrategyForm(state, "tows_strategy", "swot_item")
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import traitlets as T

from slkit import KitError
from slkit import board as B
from slkit import summaries as S
from slkit.content import Framework
from slkit.i18n import _

from . import page as P
from .sheet import AnswerSheet
from .widget_live import LiveTicker
from .widget_team import TeamPanel



def _add_row(field: W.Widget, button: W.Button) -> W.HBox:
    """A field with its Add button beside it, the button below it where the screen is too narrow."""
    row = W.HBox([field, button], layout=W.Layout(align_items="center"))
    row.add_class("slk-add-row")
    return row

class BoardState(T.HasTraits):
    entries = T.List(help="every entry of the board (slkit.board.Entry), hidden and merged ones marked")
    mine = T.Dict(help="entry id -> how many of my votes it holds")
    budget = T.Int(B.DEFAULT_BUDGET, help="votes per person per column")
    message = T.Unicode("", help="the outcome of the last action, for the person")
    message_kind = T.Unicode("ok")
    version = T.Int(0, help="goes up once per reload that changed entries, votes or budget: what views redraw on")

    def __init__(self, framework: Framework, make_board: Callable[[], object], me: Callable[[], object] = lambda: "me", **kwargs):
        super().__init__(**kwargs)
        self.framework, self._make_board, self._me = framework, make_board, me
        self._board = None

    @classmethod
    def for_sheet(cls, framework: Framework, sheet: AnswerSheet) -> "BoardState":
        """The store's board for the sheet's participant, or one in memory when working alone.

        Decided on first use, so a page can make it before the person has joined."""
        def make():
            if sheet.live:
                return B.StoreBoard(framework, sheet._store_factory(), sheet.participant, show_name=sheet.show_name)
            return B.MemoryBoard(framework)

        return cls(framework, make, lambda: sheet.participant.id if sheet.live else "me")

    @property
    def me(self) -> object:
        return self._me()

    @property
    def board(self):
        if self._board is None:
            self._board = self._make_board()
        return self._board

    @property
    def live(self) -> bool:
        return bool(getattr(self.board, "live", False))

    def reload(self) -> None:
        try:
            entries, mine, budget = self.board.snapshot()
        except KitError as e:
            self._say("error", str(e))
            return
        if (entries, mine, budget) != (self.entries, self.mine, self.budget):
            self.entries, self.mine, self.budget = entries, mine, budget
            self.version += 1

    def _say(self, kind: str, text: str) -> None:
        self.message_kind, self.message = kind, text

    def act(self, fn: Callable[[], object], done: str = "") -> bool:
        """Run one change (add, vote, ...); say how it went; reload either way."""
        try:
            fn()
        except KitError as e:
            self._say("error", str(e))
            self.reload()
            return False
        self._say("ok", done)
        self.reload()
        return True

    def by_id(self) -> dict[int, B.Entry]:
        return {e.id: e for e in self.entries}

    def column_label(self, item: str, column: str) -> str:
        return self.framework.item(item).option_label(column)


def _message(state: BoardState) -> str:
    if not state.message:
        return ""
    return P.message(state.message_kind, state.message)


class BoardColumns(W.VBox):
    """Everyone's items, by column, most voted first; refreshed live."""

    def __init__(self, state: BoardState, item: str, *, live: bool = True, **kwargs):
        self.state, self.item = state, item
        self.html = W.HTML()
        children: list[W.Widget] = [self.html]
        self.ticker = None
        if live and state.live:
            self.ticker = LiveTicker(state.reload)
            children.append(self.ticker)
        super().__init__(children, **kwargs)
        state.observe(lambda _c: self.render(), "version")
        self.render()

    def refresh(self) -> None:
        self.state.reload()

    def render(self) -> None:
        s = self.state
        self.html.value = P.markup(S.board_html(s.framework, self.item, s.entries, me=s.me))


class BoardAdd(W.VBox):
    """Choose a column, type a short item, add it."""

    def __init__(self, state: BoardState, item: str, **kwargs):
        self.state, self.item = state, item
        content = state.framework.item(item)
        self.column = W.ToggleButtons(options=[(o.label, o.id) for o in content.options], value=content.options[0].id)
        self.column.add_class("slk-columns")
        self.help = W.HTML()
        self.input = W.Text(placeholder=_("A short item"), continuous_update=True, layout=W.Layout(width="100%"))
        self.input.add_class("slk-text")
        self.input.add_class("slk-board-input")
        self.add_button = W.Button(description=_("Add"), button_style="primary", icon="plus")
        self.add_button.add_class("slk-button")
        self.add_button.add_class("slk-add")
        self.add_button.on_click(lambda _b: P.after_updates(self.submit))
        P.on_enter(self.input, self.submit)  # Enter in the field adds it, as people expect
        self.note = W.HTML()
        super().__init__([P.block(f"<p class='item-text'>{P.esc(content.text)}</p>"), self.column, self.help,
                          _add_row(self.input, self.add_button), self.note], **kwargs)
        self.column.observe(lambda _c: self._show_help(), "value")
        self._show_help()

    def _show_help(self) -> None:
        option = next(o for o in self.state.framework.item(self.item).options if o.id == self.column.value)
        self.help.value = P.markup(f"<p class='muted'>{P.esc(option.help)}</p>") if option.help else ""

    def submit(self) -> bool:
        text = self.input.value
        label = self.state.column_label(self.item, self.column.value)
        before = {e.id for e in self.state.entries}
        added: list = []
        ok = self.state.act(lambda: added.append(self.state.board.add(self.item, self.column.value, text)), _("Added to {column}.").format(column=label))
        if ok and added and added[0].id in before:
            self.state.message = _("You already added that to {column}.").format(column=label)  # one item, not two
        if ok:
            self.input.value = ""  # a refused item stays in the field, to fix
        self.note.value = _message(self.state)
        return ok


class VoteBoard(W.VBox):
    """Dot voting: per column, the votes left and each item with − and + buttons."""

    def __init__(self, state: BoardState, item: str, *, intro: str | None = None, **kwargs):
        self.state, self.item = state, item
        self.note = W.HTML()
        self.columns = W.VBox()
        self._rows: dict[int, tuple[W.HBox, W.HTML, W.Button, W.Button]] = {}
        self._heads: dict[str, W.HTML] = {}
        children: list[W.Widget] = [P.block(f"<p>{P.esc(intro)}</p>")] if intro else []
        children += [self.note, self.columns]
        self.ticker = LiveTicker(state.reload) if state.live else None
        if self.ticker is not None:
            children.append(self.ticker)
        super().__init__(children, **kwargs)
        state.observe(lambda _c: self.render(), "version")
        self.render()

    def refresh(self) -> None:
        self.state.reload()

    def _row(self, entry_id: int):
        if entry_id not in self._rows:
            text = W.HTML(layout=W.Layout(flex="1 1 auto"))
            minus = W.Button(description="−", layout=W.Layout(width="3em"))
            plus = W.Button(description="+", button_style="primary", layout=W.Layout(width="3em"))
            for b in (minus, plus):
                b.add_class("slk-vote")
            minus.on_click(lambda _b: self._act(lambda: self.state.board.unvote(entry_id), _("Vote taken back.")))
            plus.on_click(lambda _b: self._act(lambda: self.state.board.vote(entry_id), _("Vote given.")))
            box = W.HBox([text, minus, plus], layout=W.Layout(align_items="center", border_bottom="1px solid #e4e7eb"))
            box.add_class("slk-vote-row")
            self._rows[entry_id] = (box, text, minus, plus)
        return self._rows[entry_id]

    def _act(self, fn, done: str) -> None:
        self.state.act(fn, done)
        if self.ticker is not None:
            self.ticker.touch()
        self.note.value = _message(self.state)

    def render(self) -> None:
        s = self.state
        by_id = s.by_id()
        merged = B.merged_texts(s.entries)
        blocks: list[W.Widget] = []
        for option in s.framework.item(self.item).options:
            left = B.votes_left(s.budget, s.mine, by_id, option.id)
            head = self._heads.setdefault(option.id, W.HTML())
            head.value = P.markup(
                f"<h3 class='vote-head' data-column='{option.id}'>{P.esc(option.label)} "
                f"<span class='left muted'>{_('{left} of {budget} votes left').format(left=left, budget=s.budget)}</span></h3>"
            )
            blocks.append(head)
            for e in B.ranked(s.entries, option.id):
                box, text, minus, plus = self._row(e.id)
                mine = s.mine.get(e.id, 0)
                dots = f"<span class='mydots' title='{P.esc(_('your votes'))}'>{'●' * mine}</span>" if mine else ""
                text.value = P.markup(f"<ul class='vote-list'>{S.entry_html(s.framework, e, by_id, merged, s.me)}</ul>{dots}")
                minus.disabled = mine == 0
                plus.disabled = left == 0
                # What a screen reader says for "−" and "+": which item the vote is for.
                minus.tooltip, plus.tooltip = _("Take a vote back from “{item}”").format(item=e.text), _("Give a vote to “{item}”").format(item=e.text)
                blocks.append(box)
        self.columns.children = blocks


class StrategyForm(W.VBox):
    """Propose a strategy in one TOWS cell, naming the top items it combines."""

    def __init__(self, state: BoardState, item: str, source_item: str, *, top: int = 5, **kwargs):
        self.state, self.item, self.source_item, self.top = state, item, source_item, top
        content = state.framework.item(item)
        self.cell = W.ToggleButtons(options=[(o.id.upper(), o.id) for o in content.options], value=content.options[0].id)
        self.cell.add_class("slk-columns")
        self._layout: tuple | None = None  # what the check boxes show: rebuilt only when it changes
        self.cell_help = W.HTML()
        self.choices = W.VBox()
        self._boxes: dict[int, W.Checkbox] = {}
        self.input = W.Text(placeholder=_("The strategy, in a sentence"), layout=W.Layout(width="auto"))
        self.input.add_class("slk-text")
        self.input.add_class("slk-strategy-input")
        self.add_button = W.Button(description=_("Add strategy"), button_style="primary", icon="plus")
        self.add_button.add_class("slk-button")
        self.add_button.on_click(lambda _b: P.after_updates(self.submit))
        P.on_enter(self.input, self.submit)
        self.note = W.HTML()
        super().__init__([P.block(f"<p class='item-text'>{P.esc(content.text)}</p>"), self.cell, self.cell_help, self.choices,
                          self.input, self.add_button, self.note], **kwargs)
        self.add_class("slk-strategy")
        self.cell.observe(lambda _c: self.render(), "value")
        state.observe(lambda _c: self.render(), "version")
        self.render()

    def render(self) -> None:
        s = self.state
        label = s.framework.item(self.item).option_label(self.cell.value)
        self.cell_help.value = P.markup(f"<p><b>{P.esc(label)}</b></p>")
        source = s.framework.item(self.source_item)
        shown = [(column, B.top(s.entries, column, self.top)) for column in B.TOWS_PAIRS[self.cell.value]]
        layout = (self.cell.value, [(column, [e.id for e in items]) for column, items in shown])
        if layout == self._layout:
            # The same items in the same places (a live reload): update their counts in place, so
            # a person tabbing through the check boxes keeps the focus.
            for _column, items in shown:
                for e in items:
                    self._boxes[e.id].description = f"{e.text} ({e.votes})"
            return
        self._layout = layout
        blocks: list[W.Widget] = []
        for column, items in shown:
            blocks.append(P.block(f"<h3>{_('{column}: the top {n}').format(column=P.esc(source.option_label(column)), n=len(items))}</h3>" if items else
                                  f"<h3>{P.esc(source.option_label(column))}</h3><p class='muted'>{_('Nothing on the board yet: the items added in the first step come here.')}</p>"))
            for e in items:
                box = self._boxes.get(e.id)
                if box is None:
                    box = self._boxes[e.id] = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
                box.description = f"{e.text} ({e.votes})"
                blocks.append(box)
        choices = W.VBox(blocks)
        choices.add_class("slk-choice")
        self.choices.children = [choices]

    def chosen(self) -> list[int]:
        shown = {e.id for c in B.TOWS_PAIRS[self.cell.value] for e in B.top(self.state.entries, c, self.top)}
        return [i for i, box in self._boxes.items() if box.value and i in shown]

    def submit(self) -> bool:
        links = self.chosen()
        ok = self.state.act(lambda: self.state.board.add(self.item, self.cell.value, self.input.value, links=links), _("Strategy added."))
        if ok:
            self.input.value = ""
            for box in self._boxes.values():
                box.value = False
        self.note.value = _message(self.state)
        return ok


class TeamGoals(TeamPanel):
    """The team's mission and goals and everyone's own goals, side by side (no names unless
    their authors chose), once the threshold of people wrote one."""

    GOALS = ("team_mission", "team_goal", "personal_goal")

    def __init__(self, framework: Framework, code: str | None, **kwargs):
        ids = [i.id for i in framework.items if i.id in self.GOALS]
        super().__init__(framework, code, render=lambda rows: P.block(
            next(s for s in S.swot_sections(framework, rows, []) if s.id == "goals").html()), items=ids, **kwargs)
