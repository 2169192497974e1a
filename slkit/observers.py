"""Observers for the five practices (a 360): how others see a person, without accounts, without
mail, and without leaks.

A person who rated themselves in the five practices opens a *round*: the name observers see
(or "this colleague") and, per group (manager, direct reports, peers, others), as many links as
they want, one per observer. A link carries only an invitation token; the store keeps its hash.
The person sends the links themselves (copy, QR code, a ready mail text) and sees how many
answered per group, can add links, revoke one not yet used, and close the round (or let it close
on a date). An observer opens their link in one browser (the first browser keeps it: a second is
told the link is in use), rates the same thirty behaviours worded about the person, adds a
comment per practice if they like, and can come back and change their answers until the round
closes. The person's 360 shows only after the close, under rule 6 (slkit/aggregate.py).

The facilitator sees counts only; team views and the room screen show nothing of it.

>>> from slkit.store import Store
>>> store = Store("sqlite:///:memory:"); store.migrate()
>>> s = store.create_session("360"); ann = store.join(s.code, "Ann")
>>> links = invite(store, ann, "peer", 2)
>>> [g.invited for g in status(store, ann).groups if g.group == "peer"]
[2]
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import InputError
from . import aggregate as A
from .content import Framework, content_path, get_framework, _load_translated
from .i18n import _, normalize as normalize_language
from .paths import FRAMEWORKS_DIR
from .sessions import hash_secret, new_secret
from .store import ModuleClosed, Participant, Store, metadata
from .text import clean_text

OBSERVER_DIR = "observer"
MAX_LINKS = 30  # links per group at once
SETTING = "observers"  # a session's setting: False switches observers off

rounds_t = sa.Table(
    "observer_rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("shown_name", sa.String(60), nullable=True),
    sa.Column("closes_on", sa.String(10), nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
invites_t = sa.Table(
    "observer_invites", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("observer_rounds.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("grp", sa.String(16), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("browser_hash", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
)
observer_answers_t = sa.Table(
    "observer_answers", metadata,
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("observer_invites.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("item", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _today() -> dt.date:
    return dt.date.today()


def observer_framework(language: str | None = None) -> Framework:
    """The observer's form (data/frameworks/observer/), in `language` (English where not written)."""
    from . import i18n

    lang = normalize_language(language) or i18n.current()
    folder = FRAMEWORKS_DIR / OBSERVER_DIR
    path = content_path(folder, "observer", lang)
    if not path.exists():
        path, lang = content_path(folder, "observer", "en"), "en"
    return _load_translated(str(path), lang)


def group_label(group: str) -> str:
    return {"manager": _("Manager"), "direct": _("Direct reports"), "peer": _("Peers"), "other": _("Others")}[group]


def enabled(settings: dict) -> bool:
    """Observers are on unless the facilitator switched them off for the session."""
    return settings.get(SETTING, True) is not False


# ---- the person's round ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    group: str
    invited: int
    answered: int


@dataclass(frozen=True)
class Invite:
    id: int
    group: str
    state: str  # "new" (not opened), "opened", "answered", "revoked"


@dataclass(frozen=True)
class Round:
    id: int | None
    shown_name: str | None
    closes_on: dt.date | None
    closed: bool
    groups: tuple[Group, ...] = ()
    invites: tuple[Invite, ...] = ()

    @property
    def answered(self) -> int:
        return sum(g.answered for g in self.groups)


def _round_row(conn: Connection, participant: Participant):
    return conn.execute(sa.select(rounds_t).where(rounds_t.c.participant_id == participant.id)).first()


def _is_closed(row, today: dt.date | None = None) -> bool:
    if row is None:
        return False
    if row.closed_at is not None:
        return True
    if row.closes_on:
        return (today or _today()) > dt.date.fromisoformat(row.closes_on)
    return False


def status(store: Store, participant: Participant) -> Round:
    """The person's round as they see it: counts per group, each link's state (never who answered what)."""
    def run(c: Connection) -> Round:
        row = _round_row(c, participant)
        if row is None:
            return Round(None, None, None, False)
        invites = c.execute(sa.select(invites_t).where(invites_t.c.round_id == row.id).order_by(invites_t.c.id)).all()
        found = tuple(Invite(i.id, i.grp, "revoked" if i.revoked else "answered" if i.answered_at else "opened" if i.browser_hash else "new")
                      for i in invites)
        groups = tuple(Group(g, sum(1 for i in found if i.group == g and i.state != "revoked"),
                             sum(1 for i in found if i.group == g and i.state == "answered")) for g in A.OBSERVER_GROUPS)
        return Round(row.id, row.shown_name, dt.date.fromisoformat(row.closes_on) if row.closes_on else None, _is_closed(row), groups, found)

    return store.read(run)


def set_round(store: Store, participant: Participant, *, shown_name: object = None, closes_on: object = None) -> Round:
    """Open the person's round (or change it while it is open): the name observers see (empty:
    "this colleague") and, if given, the day it closes by itself."""
    name = clean_text(shown_name, max_length=60, field=_("The name"), allow_empty=True, multiline=False) or None
    day = None
    if closes_on not in (None, ""):
        try:
            day = closes_on if isinstance(closes_on, dt.date) else dt.date.fromisoformat(str(closes_on))
        except ValueError:
            raise InputError(_("A date looks like 2026-12-31.")) from None
        if day < _today():
            raise InputError(_("The round cannot close on a day that has passed."))

    def run(c: Connection) -> None:
        row = _round_row(c, participant)
        if row is None:
            c.execute(rounds_t.insert().values(session_id=participant.session_id, participant_id=participant.id, shown_name=name,
                                               closes_on=day.isoformat() if day else None, created_at=_now()))
        elif _is_closed(row):
            raise InputError(_("The round is closed; it does not change any more."))
        else:
            c.execute(rounds_t.update().where(rounds_t.c.id == row.id).values(shown_name=name, closes_on=day.isoformat() if day else None))

    store.write(run)
    return status(store, participant)


def invite(store: Store, participant: Participant, group: str, n: int) -> list[str]:
    """`n` new links for `group`: their tokens, shown only now (the store keeps their hashes)."""
    if group not in A.OBSERVER_GROUPS:
        raise InputError(_("Choose a group for the links."))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_LINKS:
        raise InputError(_("Make from 1 to {n} links at a time.").format(n=MAX_LINKS))
    tokens = [new_secret() for _i in range(n)]

    def run(c: Connection) -> None:
        row = _round_row(c, participant)
        if row is None:
            c.execute(rounds_t.insert().values(session_id=participant.session_id, participant_id=participant.id, created_at=_now()))
            row = _round_row(c, participant)
        if _is_closed(row):
            raise InputError(_("The round is closed: no more links can be added."))
        c.execute(invites_t.insert(), [dict(round_id=row.id, token_hash=hash_secret(t), grp=group, revoked=False, created_at=_now())
                                       for t in tokens])

    store.write(run)
    return tokens


def revoke(store: Store, participant: Participant, invite_id: int) -> None:
    """Withdraw a link nobody has answered with yet (it then says so when opened)."""
    def run(c: Connection) -> None:
        row = _round_row(c, participant)
        inv = c.execute(sa.select(invites_t).where(invites_t.c.id == int(invite_id), invites_t.c.round_id == (row.id if row else -1))).first()
        if inv is None:
            raise InputError(_("There is no such link in your round."))
        if inv.answered_at is not None:
            raise InputError(_("This link has been answered with: it counts, and cannot be withdrawn."))
        c.execute(invites_t.update().where(invites_t.c.id == inv.id).values(revoked=True))

    store.write(run)


def close(store: Store, participant: Participant) -> None:
    """Close the round: the observers' answers are counted as they are now, and the 360 shows."""
    def run(c: Connection) -> None:
        row = _round_row(c, participant)
        if row is None:
            raise InputError(_("You have not invited anyone yet."))
        if row.closed_at is None:
            c.execute(rounds_t.update().where(rounds_t.c.id == row.id).values(closed_at=_now()))

    store.write(run)


# ---- the observer's side ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    """What an observer's link opens: its state and, when it may be answered, about whom."""

    state: str  # "ok", "unknown", "revoked", "closed", "in_use"
    invite_id: int | None = None
    shown_name: str | None = None
    group: str | None = None
    language: str | None = None
    answers: dict = field(default_factory=dict)


def open_invitation(store: Store, token: object, browser: object) -> Invitation:
    """An observer's link opened in a browser (`browser`: the marker this browser keeps for it).
    The first browser to open a link keeps it; others are told it is in use."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return Invitation("unknown")
    from .store import sessions_t

    def run(c: Connection) -> Invitation:
        inv = c.execute(sa.select(invites_t).where(invites_t.c.token_hash == hash_secret(token))).first()
        if inv is None:
            return Invitation("unknown")
        row = c.execute(sa.select(rounds_t).where(rounds_t.c.id == inv.round_id)).first()
        settings = c.execute(sa.select(sessions_t.c.settings).where(sessions_t.c.id == row.session_id)).scalar_one() or {}
        lang = normalize_language(settings.get("language")) or "en"
        if inv.revoked:
            return Invitation("revoked", inv.id, language=lang)
        if _is_closed(row) or not enabled(settings):
            return Invitation("closed", inv.id, language=lang)
        mine = hash_secret(browser) if isinstance(browser, str) and browser else None
        if inv.browser_hash is None:
            if mine is None:
                return Invitation("unknown")
            c.execute(invites_t.update().where(invites_t.c.id == inv.id).values(browser_hash=mine))
        elif inv.browser_hash != mine:
            return Invitation("in_use", inv.id, language=lang)
        answers = {r.item: r.value for r in c.execute(sa.select(observer_answers_t).where(observer_answers_t.c.invite_id == inv.id)).all()}
        return Invitation("ok", inv.id, row.shown_name, inv.grp, lang, answers)

    return store.write(run)


class RoundClosed(ModuleClosed):
    """The round closed (or the link was withdrawn) before this answer arrived: not counted."""


def save(store: Store, token: str, browser: str, answers: dict[str, Any], framework: Framework, *, on_retry=None) -> None:
    """Store an observer's answers (validated against the form), all or none; refused with
    RoundClosed once the round is closed or the link withdrawn, or when another browser has it."""
    clean = {k: framework.validate_value(k, v) for k, v in answers.items()}
    now = _now()

    def run(c: Connection) -> None:
        inv = c.execute(sa.select(invites_t).where(invites_t.c.token_hash == hash_secret(token)).with_for_update()).first()
        if inv is None or inv.revoked:
            raise RoundClosed(_("This link was withdrawn: your answers here are not counted."))
        if inv.browser_hash != hash_secret(browser):
            raise RoundClosed(_("This link is in use in another browser."))
        # (the round locked too: a close waits for this answer, or this answer sees the close)
        row = c.execute(sa.select(rounds_t).where(rounds_t.c.id == inv.round_id).with_for_update()).first()
        if _is_closed(row):
            raise RoundClosed(_("The round has closed: answers given from now on are not counted."))
        for item, value in clean.items():
            done = c.execute(observer_answers_t.update().where(observer_answers_t.c.invite_id == inv.id, observer_answers_t.c.item == item)
                             .values(value=value, updated_at=now)).rowcount
            if not done:
                c.execute(observer_answers_t.insert().values(invite_id=inv.id, item=item, value=value, updated_at=now))
        c.execute(invites_t.update().where(invites_t.c.id == inv.id).values(answered_at=now))

    store.write(run, on_retry=on_retry)


# ---- counts for the facilitator -------------------------------------------------------------------

def session_counts(store: Store, code: object) -> tuple[int, int]:
    """(people who invited observers, observers who answered) in a session: counts only."""
    session = store.get_session(code)
    q_people = sa.select(sa.func.count(sa.distinct(rounds_t.c.participant_id))).join(invites_t, invites_t.c.round_id == rounds_t.c.id).where(
        rounds_t.c.session_id == session.id)
    q_answers = sa.select(sa.func.count()).select_from(invites_t).join(rounds_t, rounds_t.c.id == invites_t.c.round_id).where(
        rounds_t.c.session_id == session.id, invites_t.c.answered_at.is_not(None), invites_t.c.revoked == sa.false())
    return store.read(lambda c: (c.execute(q_people).scalar_one(), c.execute(q_answers).scalar_one()))


# ---- the person's 360 -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One behaviour or practice: the person's own rating, all observers', and each group shown."""

    id: str
    title: str
    self: float | None
    all: float | None
    groups: dict[str, float | None]


@dataclass(frozen=True)
class Result360:
    shown: bool  # anything from observers (rule 6)
    counts: dict[str, int]  # observers who answered, per group (the person sees these)
    groups: list[str]  # the groups shown on their own
    practices: list[Figure]
    behaviours: list[Figure]
    ranked: list[Figure]  # the behaviours by the observers' mean, highest first
    hidden_strengths: list[Figure]  # observers at least a third of the scale above the person
    blind_spots: list[Figure]  # the person at least a third of the scale above the observers
    comments: dict[str, dict[str, list[str]]]  # group -> practice -> texts, only groups shown
    closed: bool = True


def results(store: Store, participant: Participant) -> Result360 | None:
    """The person's 360 once the round is closed (None before: nothing shows while it is open)."""
    fp = get_framework("five_practices")
    row = store.read(lambda c: _round_row(c, participant))
    if row is None or not _is_closed(row):
        return None

    def run(c: Connection):
        q = (sa.select(invites_t.c.id, invites_t.c.grp, observer_answers_t.c.item, observer_answers_t.c.value)
             .join(observer_answers_t, observer_answers_t.c.invite_id == invites_t.c.id)
             .where(invites_t.c.round_id == row.id, invites_t.c.revoked == sa.false()))
        if row.closed_at is not None:  # answers as they were at the close: nothing changes after it
            q = q.where(observer_answers_t.c.updated_at <= row.closed_at)
        return c.execute(q).all()

    found = store.read(run)
    own = store.answers_of(participant, "five_practices")
    return compute(fp, own, [(r.id, r.grp, r.item, r.value) for r in found])


def compute(fp: Framework, own: dict[str, Any], answers: list[tuple[Any, str, str, Any]]) -> Result360:
    """The 360 from the person's own ratings and the observers' (observer, group, item, value)."""
    ratings = A.rating_items(fp)
    by_observer: dict[Any, tuple[str, dict[str, Any]]] = {}
    for who, group, item, value in answers:
        by_observer.setdefault(who, (group, {}))[1][item] = value
    raters = {who: (g, a) for who, (g, a) in by_observer.items() if any(i in ratings and isinstance(v, int) for i, v in a.items())}
    counts = {g: sum(1 for gg, _a in raters.values() if gg == g) for g in A.OBSERVER_GROUPS}
    shown, groups = A.observer_groups_shown(counts)

    def mean(values) -> float | None:
        values = [v for v in values if isinstance(v, (int, float))]
        return statistics.fmean(values) if values else None

    def figure(fid: str, title: str, items: list[str]) -> Figure:
        per = {who: mean(a.get(i) for i in items) for who, (_g, a) in raters.items()}
        all_ = mean(per.values()) if shown else None
        return Figure(fid, title, mean(own.get(i) for i in items), all_,
                      {g: mean(v for who, v in per.items() if raters[who][0] == g) for g in groups} if shown else {})

    steps = [s for s in fp.steps if any(i.id in ratings for i in s.items)]
    practices = [figure(s.id, s.title, [i.id for i in s.items if i.id in ratings]) for s in steps]
    behaviours = [figure(i.id, i.text, [i.id]) for s in steps for i in s.items if i.id in ratings]
    scale = next(iter(fp.scales.values()))
    gap = A.gap_threshold(scale.min, scale.max)
    both = [b for b in behaviours if b.self is not None and b.all is not None]
    ranked = sorted((b for b in behaviours if b.all is not None), key=lambda b: -b.all)
    strengths = sorted((b for b in both if b.all - b.self >= gap), key=lambda b: b.self - b.all)[:5]
    spots = sorted((b for b in both if b.self - b.all >= gap), key=lambda b: b.all - b.self)[:5]
    comments: dict[str, dict[str, list[str]]] = {}
    if shown:
        for who, (g, a) in raters.items():
            if g not in groups:
                continue
            for s in steps:
                text = str(a.get(f"comment_{s.id}") or "").strip()
                if text:
                    comments.setdefault(g, {}).setdefault(s.id, []).append(text)
        for g in comments:  # an order that says nothing about who wrote what
            for s in comments[g]:
                comments[g][s].sort(key=str.casefold)
    return Result360(shown, counts, groups, practices, behaviours, ranked, strengths, spots, comments)


# ---- the 360 as HTML: the person's page and their handout ----------------------------------------

def _n(value: float | None) -> str:
    from . import i18n

    return "–" if value is None else i18n.number(value, 1)


def group_heading(group: str, n: int) -> str:
    """A group's column heading: the manager marked as not anonymous."""
    if group == "manager":
        return _("Manager ({n}, not anonymous)").format(n=n)
    return f"{group_label(group)} ({n})"


def counts_sentence(counts: dict[str, int]) -> str:
    """"6 observers answered: Manager 1 · Peers 3 · Direct reports 2." (counts only)"""
    from .i18n import ngettext

    total = sum(counts.values())
    parts = " · ".join(f"{group_label(g)} {counts[g]}" for g in A.OBSERVER_GROUPS if counts.get(g))
    said = ngettext("{n} observer answered", "{n} observers answered", total).format(n=total)
    return f"{said}: {parts}." if parts else f"{said}."


def result_html(res: Result360, *, heading: str = "h2") -> str:
    """The person's 360 (all text escaped): the five practices and each behaviour, self beside all
    observers and each group shown; the ranking; the gaps both ways; the comments."""
    from .text import esc

    sub = "h3" if heading == "h2" else "h4"
    out = [f"<p class='counts-360'>{esc(counts_sentence(res.counts))}</p>"]
    if not res.shown:
        others = sum(n for g, n in res.counts.items() if g != "manager")
        out.append("<p class='note-360'>" + esc(_(
            "To keep observers anonymous, their answers show only when at least {k} observers other than the manager have answered; "
            "{n} did. Your own ratings are in the five practices.").format(k=A.OBSERVERS_MIN, n=others)) + "</p>")
        return "".join(out)
    folded = [g for g in A.OBSERVER_GROUPS if res.counts.get(g) and g not in res.groups]
    if folded:
        out.append("<p class='muted folded'>" + esc(_(
            "Not shown on their own, to keep them anonymous: {groups}. Their answers count in “All observers”.").format(
            groups=", ".join(f"{group_label(g)} ({res.counts[g]})" for g in folded))) + "</p>")
    total = sum(res.counts.values())
    scale = next(iter(get_framework("five_practices").scales.values()))
    who = [("you", _("You"), lambda f: f.self), ("all", _("All observers ({n})").format(n=total), lambda f: f.all)] + [
        ("group", group_heading(g, res.counts[g]), lambda f, g=g: f.groups.get(g)) for g in res.groups]

    def bar(value: float | None, cls: str) -> str:
        if value is None:
            return ""
        width = 100 * (value - scale.min + 1) / (scale.max - scale.min + 1)
        return f"<span class='bar {cls}' style='width:{width:.0f}%' aria-hidden='true'></span>"

    body = "".join(
        f"<tbody><tr class='practice-row'><th scope='rowgroup' colspan='2'>{esc(f.title)}</th></tr>"
        + "".join(f"<tr><th scope='row'>{esc(label)}</th><td class='num'><span class='value'>{_n(value(f))}</span>{bar(value(f), cls)}</td></tr>"
                  for cls, label, value in who)
        + "</tbody>" for f in res.practices)
    out.append(f"<{heading}>{esc(_('The five practices'))}</{heading}>"
               f"<p class='muted'>{esc(_('Averages on the scale from {low} ({low_label}) to {high} ({high_label}).').format(low=scale.min, low_label=scale.low_label, high=scale.max, high_label=scale.high_label))}</p>"
               f"<table class='t360 practices-360'><thead><tr><th scope='col'>{esc(_('Practice and who'))}</th>"
               f"<th scope='col'>{esc(_('Average'))}</th></tr></thead>{body}</table>")

    def gaps(title: str, what: str, items: list[Figure], cls: str) -> str:
        if not items:
            return f"<{sub}>{esc(title)}</{sub}><p class='muted {cls}'>{esc(_('None: no behaviour differs by a third of the scale or more.'))}</p>"
        lis = "".join(f"<li>{esc(f.title)} <span class='muted'>({esc(_('you {you}, observers {all}').format(you=_n(f.self), all=_n(f.all)))})</span></li>"
                      for f in items)
        return f"<{sub}>{esc(title)}</{sub}><p class='muted'>{esc(what)}</p><ul class='{cls}'>{lis}</ul>"

    out.append(gaps(_("Hidden strengths"), _("Observers see these more often than you do (by a third of the scale or more)."),
                    res.hidden_strengths, "strengths-360"))
    out.append(gaps(_("Blind spots"), _("You see these more often than observers do (by a third of the scale or more)."),
                    res.blind_spots, "blind-spots-360"))
    ranked = "".join(f"<tr><td class='num'>{i}</td><th scope='row'>{esc(f.title)}</th><td class='num'>{_n(f.all)}</td><td class='num'>{_n(f.self)}</td></tr>"
                     for i, f in enumerate(res.ranked, 1))
    out.append(f"<{heading}>{esc(_('The thirty behaviours, as observers see them'))}</{heading}>"
               f"<p class='muted'>{esc(_('From the one observers see most often to the one they see least.'))}</p>"
               f"<div class='scroll'><table class='t360 ranked-360'><thead><tr><th scope='col'>#</th><th scope='col'>{esc(_('Behaviour'))}</th>"
               f"<th scope='col'>{esc(_('Observers'))}</th><th scope='col'>{esc(_('You'))}</th></tr></thead><tbody>{ranked}</tbody></table></div>")
    titles = {f.id: f.title for f in res.practices}
    if res.comments:
        out.append(f"<{heading}>{esc(_('Comments'))}</{heading}><p class='muted'>"
                   + esc(_("Word for word, without names, in alphabetical order; only from groups shown on their own.")) + "</p>")
        for g in res.groups:
            if g not in res.comments:
                continue
            out.append(f"<{sub}>{esc(group_heading(g, res.counts[g]))}</{sub}><div class='comments-360'>")
            for pid, texts in res.comments[g].items():
                out.append(f"<p class='practice'><b>{esc(titles.get(pid, pid))}</b></p><ul>" + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>")
            out.append("</div>")
    return "".join(out)
