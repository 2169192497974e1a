"""A shared board: short items in columns (a SWOT's quadrants, TOWS strategies), dot votes,
and the facilitator's moderation (hide, merge).

The rules live here once, for both places a board is kept: the store (a live session) and
`MemoryBoard` (one person working alone in JupyterLab).

- An item is plain text up to the content's limit; empty text is refused; the same text added
  twice by one person to one column is one item.
- Each person has a vote budget per column (the session's `vote_budget`, default 3); a vote
  beyond it is refused with a message. Votes on a hidden item do not count against it.
- A strategy (`links`) names the items it combines: at least one from each of its cell's two
  quadrants (SO: a strength and an opportunity), and only from those.
- Merging moves every vote of the duplicate to the item it is merged into; the duplicate's text
  is kept and listed with it.

>>> from slkit.content import get_framework
>>> board = MemoryBoard(get_framework("social_team_swot"))
>>> s = board.add("swot_item", "strengths", "We answer fast")
>>> board.vote(s.id).votes
1
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Connection

from . import InputError
from .i18n import N_, _
from .content import Framework
from .store import Participant, Store, check_open, metadata, participants_t

DEFAULT_BUDGET = 3
BOARD_KEPT = N_("the board is kept, new items and votes cannot be added")
# Whole sentences, not built from column names (plurals differ; they will be translated).
TOWS_RULES = {
    "so": N_("An SO strategy combines at least one strength and one opportunity, and nothing else."),
    "st": N_("An ST strategy combines at least one strength and one threat, and nothing else."),
    "wo": N_("A WO strategy combines at least one weakness and one opportunity, and nothing else."),
    "wt": N_("A WT strategy combines at least one weakness and one threat, and nothing else."),
}
TOWS_PAIRS = {
    "so": ("strengths", "opportunities"),
    "st": ("strengths", "threats"),
    "wo": ("weaknesses", "opportunities"),
    "wt": ("weaknesses", "threats"),
}

board_items_t = sa.Table(
    "board_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("module", sa.String(64), nullable=False),
    sa.Column("item", sa.String(64), nullable=False),
    sa.Column("column", sa.String(32), nullable=False),
    sa.Column("text", sa.String(1000), nullable=False),
    sa.Column("text_key", sa.String(1000), nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("show_name", sa.Boolean, nullable=False),
    sa.Column("hidden", sa.Boolean, nullable=False),
    sa.Column("merged_into", sa.Integer, nullable=True),
    sa.Column("links", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_id", "module", "item", "column", "author_id", "text_key", name="uq_board_item"),
)

votes_t = sa.Table(
    "votes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("board_item_id", sa.Integer, sa.ForeignKey("board_items.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The item the vote was given to, when a merge moved it to another (undoing the merge gives it back).
    sa.Column("moved_from", sa.Integer, nullable=True),
)


@dataclass(frozen=True)
class Entry:
    """One item on a board, as everyone may see it (`name` only where the author chose to show it)."""

    id: int
    item: str
    column: str
    text: str
    author: Any
    name: str | None = None
    hidden: bool = False
    merged_into: int | None = None
    links: tuple[int, ...] = ()
    votes: int = 0
    order: int = 0

    @property
    def visible(self) -> bool:
        return not self.hidden and self.merged_into is None


# ---- the rules ---------------------------------------------------------------------------------

def text_key(text: str) -> str:
    """What makes two texts the same item: case and spacing do not count."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def check_entry(fw: Framework, item: str, column: str, text: object) -> str:
    """The clean text of a new entry, or InputError with what to fix."""
    board = fw.item(item)
    if board.kind != "board":
        raise InputError(f"'{item}' is not a board.")
    return fw.validate_value(item, {"column": column, "text": text})["text"]


def check_links(column: str, links: Iterable[int], entries: dict[int, Entry]) -> tuple[int, ...]:
    """A strategy's links: visible items, at least one from each of its cell's quadrants, no others."""
    links = tuple(dict.fromkeys(int(i) for i in links))
    pair = TOWS_PAIRS.get(column)
    if pair is None:
        if links:
            raise InputError(_("Only a strategy links to other items."))
        return links
    chosen = [entries.get(i) for i in links]
    if any(e is None or not e.visible for e in chosen):
        raise InputError(_("A linked item is no longer on the board; choose again."))
    columns = {e.column for e in chosen}
    if not columns <= set(pair) or not set(pair) <= columns:
        raise InputError(_(TOWS_RULES[column]))
    return links


def ranked(entries: Iterable[Entry], column: str) -> list[Entry]:
    """A column's visible items, most votes first (ties: the earlier item first)."""
    return sorted((e for e in entries if e.column == column and e.visible), key=lambda e: (-e.votes, e.order))


def top(entries: Iterable[Entry], column: str, n: int = 5) -> list[Entry]:
    """The items a strategy may build on: the column's most voted (all, while nobody voted)."""
    return ranked(entries, column)[:n]


def merged_texts(entries: Iterable[Entry]) -> dict[int, list[str]]:
    """Per item: the texts of the duplicates merged into it."""
    out: dict[int, list[str]] = {}
    for e in entries:
        if e.merged_into is not None:
            out.setdefault(e.merged_into, []).append(e.text)
    return out


def votes_left(budget: int, mine: dict[int, int], entries: dict[int, Entry], column: str) -> int:
    used = sum(n for i, n in mine.items() if i in entries and entries[i].column == column and entries[i].visible)
    return max(0, budget - used)


def _budget_message(budget: int, column_label: str) -> str:
    return _("You have used your {n} votes for {column}. Take one back to move it.").format(n=budget, column=column_label)


def _column_label(fw: Framework, item: str, column: str) -> str:
    return fw.item(item).option_label(column).split(":")[0]


# ---- one person alone: the board in memory ------------------------------------------------------

@dataclass
class MemoryBoard:
    """A board for one person working alone (self-study): the same rules, nothing stored."""

    framework: Framework
    budget: int = DEFAULT_BUDGET
    _entries: dict[int, Entry] = field(default_factory=dict)
    _mine: dict[int, int] = field(default_factory=dict)

    live = False

    def entries(self, item: str | None = None) -> list[Entry]:
        return [e for e in self._entries.values() if item is None or e.item == item]

    def my_votes(self) -> dict[int, int]:
        return dict(self._mine)

    def snapshot(self) -> tuple[list[Entry], dict[int, int], int]:
        """Entries, my votes and the budget (as StoreBoard.snapshot)."""
        return self.entries(), self.my_votes(), self.budget

    def add(self, item: str, column: str, text: object, links: Iterable[int] = ()) -> Entry:
        clean = check_entry(self.framework, item, column, text)
        links = check_links(column, links, self._entries)
        for e in self._entries.values():
            if e.item == item and e.column == column and text_key(e.text) == text_key(clean):
                return e
        entry = Entry(len(self._entries) + 1, item, column, clean, author="me", links=links, order=len(self._entries))
        self._entries[entry.id] = entry
        return entry

    def vote(self, entry_id: int) -> Entry:
        e = self._entries.get(entry_id)
        if e is None or not e.visible:
            raise InputError(_("This item is no longer on the board."))
        if votes_left(self.budget, self._mine, self._entries, e.column) <= 0:
            raise InputError(_budget_message(self.budget, _column_label(self.framework, e.item, e.column)))
        self._mine[entry_id] = self._mine.get(entry_id, 0) + 1
        self._entries[entry_id] = replace(e, votes=e.votes + 1)
        return self._entries[entry_id]

    def unvote(self, entry_id: int) -> Entry:
        if self._mine.get(entry_id, 0) <= 0:
            raise InputError(_("You have no vote on this item to take back."))
        self._mine[entry_id] -= 1
        e = self._entries[entry_id]
        self._entries[entry_id] = replace(e, votes=e.votes - 1)
        return self._entries[entry_id]


# ---- a live session: the board in the store ------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _entries(conn: Connection, session_id: int, module: str, me: Any = None) -> dict[int, Entry]:
    """A board's items with their votes. Only people who count (one person, one count): the
    items and votes of someone waiting to be counted in are left out, except that they see
    their own items (`me`)."""
    voters = participants_t.alias("voters")
    counts = (
        sa.select(votes_t.c.board_item_id, sa.func.count().label("n"))
        .join(voters, voters.c.id == votes_t.c.participant_id)
        .where(votes_t.c.session_id == session_id, voters.c.counted == sa.true())
        .group_by(votes_t.c.board_item_id)
        .subquery()
    )
    q = (
        sa.select(board_items_t, participants_t.c.display_name, sa.func.coalesce(counts.c.n, 0).label("votes"))
        .join(participants_t, participants_t.c.id == board_items_t.c.author_id)
        .outerjoin(counts, counts.c.board_item_id == board_items_t.c.id)
        .where(board_items_t.c.session_id == session_id, board_items_t.c.module == module,
               sa.or_(participants_t.c.counted == sa.true(), board_items_t.c.author_id == (me if me is not None else -1)))
        .order_by(board_items_t.c.id)
    )
    return {
        r.id: Entry(r.id, r.item, r.column, r.text, r.author_id, r.display_name if r.show_name else None, bool(r.hidden),
                    r.merged_into, tuple(r.links or ()), int(r.votes), r.id)
        for r in conn.execute(q).all()
    }


def _mine(conn: Connection, participant: Participant, ids: Iterable[int]) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    q = (
        sa.select(votes_t.c.board_item_id, sa.func.count())
        .where(votes_t.c.participant_id == participant.id, votes_t.c.board_item_id.in_(ids))
        .group_by(votes_t.c.board_item_id)
    )
    return {i: n for i, n in conn.execute(q).all()}


def board_entries(store: Store, code: object, module: str) -> list[Entry]:
    """Every item of a module's board in a session (hidden and merged ones too, marked so)."""
    session = store.get_session(code)
    return list(store.read(lambda c: _entries(c, session.id, module)).values())


def respondent_counts(store: Store, code: object) -> dict[str, int]:
    """How many distinct participants took part in each module: answered, added an item or voted."""
    from .store import answers_t

    session = store.get_session(code)
    sid = session.id
    who = sa.union(
        sa.select(answers_t.c.module, answers_t.c.participant_id.label("p")).where(answers_t.c.session_id == sid),
        sa.select(board_items_t.c.module, board_items_t.c.author_id.label("p")).where(board_items_t.c.session_id == sid),
        sa.select(board_items_t.c.module, votes_t.c.participant_id.label("p"))
        .join(board_items_t, board_items_t.c.id == votes_t.c.board_item_id).where(votes_t.c.session_id == sid),
    ).subquery()
    # Each person once, and only people who count (not those waiting to be counted in).
    q = (sa.select(who.c.module, sa.func.count(sa.distinct(who.c.p)))
         .join(participants_t, participants_t.c.id == who.c.p).where(participants_t.c.counted == sa.true())
         .group_by(who.c.module))
    return {m: n for m, n in store.read(lambda c: c.execute(q).all())}


def session_budget(settings: dict) -> int:
    try:
        budget = int(settings.get("vote_budget", DEFAULT_BUDGET))
    except (TypeError, ValueError):
        return DEFAULT_BUDGET
    return budget if budget >= 0 else DEFAULT_BUDGET


class StoreBoard:
    """One participant's handle on a session's board (the same methods as MemoryBoard)."""

    live = True

    def __init__(self, framework: Framework, store: Store, participant: Participant, *, show_name: bool = False):
        self.framework, self.store, self.participant, self.show_name = framework, store, participant, show_name
        self.module = framework.id

    @property
    def budget(self) -> int:
        return session_budget(self.store.get_session(self.participant.session_code).settings)

    def entries(self, item: str | None = None) -> list[Entry]:
        out = self.store.read(lambda c: _entries(c, self.participant.session_id, self.module, self.participant.id))
        return [e for e in out.values() if item is None or e.item == item]

    def snapshot(self) -> tuple[list[Entry], dict[int, int], int]:
        """Entries, my votes and the budget, read together (one refresh of a view)."""
        settings = self.store.get_session(self.participant.session_code).settings

        def run(conn: Connection):
            entries = _entries(conn, self.participant.session_id, self.module, self.participant.id)
            return list(entries.values()), _mine(conn, self.participant, entries)

        entries, mine = self.store.read(run)
        return entries, mine, session_budget(settings)

    def add(self, item: str, column: str, text: object, links: Iterable[int] = ()) -> Entry:
        clean = check_entry(self.framework, item, column, text)
        p = self.participant

        def run(conn: Connection) -> int:
            check_open(conn, p.session_id, self.module, _(BOARD_KEPT))
            entries = _entries(conn, p.session_id, self.module, p.id)
            checked = check_links(column, links, entries)
            key = text_key(clean)
            for e in entries.values():
                if e.item == item and e.column == column and e.author == p.id and text_key(e.text) == key:
                    return e.id  # the same item twice is one item
            return conn.execute(board_items_t.insert().values(
                session_id=p.session_id, module=self.module, item=item, column=column, text=clean, text_key=key,
                author_id=p.id, show_name=self.show_name, hidden=False, merged_into=None, links=list(checked), created_at=_now(),
            )).inserted_primary_key[0]

        try:
            new_id = self.store.write(run)
        except IntegrityError:
            # The same person adding the same item at the same moment (two tabs, a double
            # click): the other write won the unique key, and that item is the one added.
            new_id = self.store.write(run)
        return next(e for e in self.entries() if e.id == new_id)

    def vote(self, entry_id: int) -> Entry:
        p, fw = self.participant, self.framework
        budget = self.budget

        def run(conn: Connection) -> None:
            check_open(conn, p.session_id, self.module, _(BOARD_KEPT))
            # One person's votes are counted and added one at a time (PostgreSQL: a row lock;
            # SQLite: the write lock every writer takes), so no double click beats the budget.
            conn.execute(sa.select(participants_t.c.id).where(participants_t.c.id == p.id).with_for_update())
            entries = _entries(conn, p.session_id, self.module, p.id)
            e = entries.get(int(entry_id))
            if e is None or not e.visible:
                raise InputError(_("This item is no longer on the board."))
            if votes_left(budget, _mine(conn, p, entries), entries, e.column) <= 0:
                raise InputError(_budget_message(budget, _column_label(fw, e.item, e.column)))
            conn.execute(votes_t.insert().values(session_id=p.session_id, board_item_id=e.id, participant_id=p.id, created_at=_now()))

        self.store.write(run)
        return next(e for e in self.entries() if e.id == int(entry_id))

    def unvote(self, entry_id: int) -> Entry:
        p = self.participant

        def run(conn: Connection) -> None:
            check_open(conn, p.session_id, self.module, _(BOARD_KEPT))
            vote = conn.execute(
                sa.select(votes_t.c.id).where(votes_t.c.participant_id == p.id, votes_t.c.board_item_id == int(entry_id))
                .order_by(votes_t.c.id.desc()).limit(1)
            ).scalar_one_or_none()
            if vote is None:
                raise InputError(_("You have no vote on this item to take back."))
            conn.execute(votes_t.delete().where(votes_t.c.id == vote))

        self.store.write(run)
        return next(e for e in self.entries() if e.id == int(entry_id))


# ---- the facilitator's moderation ---------------------------------------------------------------

def hide_entry(store: Store, code: object, module: str, entry_id: int, hidden: bool = True) -> None:
    """Hide an item from every board and export (or show it again); its votes are kept."""
    session = store.get_session(code)
    done = store.write(lambda c: c.execute(
        board_items_t.update().where(board_items_t.c.id == int(entry_id), board_items_t.c.session_id == session.id,
                                     board_items_t.c.module == module).values(hidden=bool(hidden))
    ).rowcount)
    if not done:
        raise InputError(_("There is no such item on this board."))


def merge_entries(store: Store, code: object, module: str, duplicate_id: int, into_id: int) -> None:
    """Merge a duplicate into another item of the same column: its votes move over, its text stays listed."""
    session = store.get_session(code)
    duplicate_id, into_id = int(duplicate_id), int(into_id)
    if duplicate_id == into_id:
        raise InputError(_("An item cannot be merged into itself."))

    def run(conn: Connection) -> None:
        entries = _entries(conn, session.id, module)
        dup, into = entries.get(duplicate_id), entries.get(into_id)
        if dup is None or into is None:
            raise InputError(_("There is no such item on this board."))
        if (dup.item, dup.column) != (into.item, into.column):
            raise InputError(_("Only items in the same column can be merged."))
        if not dup.visible or not into.visible:
            raise InputError(_("Hidden or already merged items cannot be merged."))
        conn.execute(votes_t.update().where(votes_t.c.board_item_id == dup.id, votes_t.c.moved_from.is_(None)).values(moved_from=dup.id))
        conn.execute(votes_t.update().where(votes_t.c.board_item_id == dup.id).values(board_item_id=into.id))
        # Items merged into the duplicate earlier follow it, so nothing points at a merged item.
        conn.execute(board_items_t.update().where(board_items_t.c.merged_into == dup.id).values(merged_into=into.id))
        conn.execute(board_items_t.update().where(board_items_t.c.id == dup.id).values(merged_into=into.id))

    store.write(run)


def unmerge_entry(store: Store, code: object, module: str, entry_id: int) -> None:
    """Undo a merge: the item stands on its own again, with the votes it had been given back
    (votes given to the other item since stay there). Items merged into it before it was merged
    stay with the item it had joined."""
    session = store.get_session(code)
    entry_id = int(entry_id)

    def run(conn: Connection) -> None:
        entry = _entries(conn, session.id, module).get(entry_id)
        if entry is None:
            raise InputError(_("There is no such item on this board."))
        if entry.merged_into is None:
            raise InputError(_("This item is not merged into another."))
        conn.execute(votes_t.update().where(votes_t.c.session_id == session.id, votes_t.c.moved_from == entry.id)
                     .values(board_item_id=entry.id, moved_from=None))
        conn.execute(board_items_t.update().where(board_items_t.c.id == entry.id).values(merged_into=None))

    store.write(run)
