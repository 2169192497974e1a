"""A session filled with sample answers, so a facilitator can try everything before a workshop.

Eight people (slkit.demo_people) answer every module in their own words; ratings are drawn
around each person's leanings, so team figures have a real spread. With more than eight
participants, the people repeat with fresh ratings; with fewer, the first ones take part.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .content import Framework, load_frameworks
from .demo_people import PEOPLE, STRATEGIES
from .store import NewSession, Participant, Store


def rating(fw: Framework, scale_id: str, rng: random.Random, lean: float, centre: float = 0.55) -> int:
    scale = fw.scales[scale_id]
    span = scale.max - scale.min
    value = scale.min + span * (centre + 0.15 * lean) + rng.gauss(0, span / 7)
    return max(scale.min, min(scale.max, round(value)))


def _day(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def answers_of(person: dict, fw: Framework, rng: random.Random) -> dict[str, Any]:
    """What one sample person answers in one module (validated by the caller)."""
    lean = person["lean"]
    out: dict[str, Any] = {}
    for item in fw.items:
        if item.kind == "rating":
            # The triad: today lower than what people want; elsewhere, around each person's leaning.
            centre = {"today": 0.42, "wanted": 0.75}.get(item.tags.get("when", ""), 0.58)
            out[item.id] = rating(fw, item.scale, rng, lean, centre)
    if fw.id == "purpose_first":
        out.update(objectives=person["objectives"], purpose_sentence=person["purpose"], channels=person["channels"],
                   cadence=[person["cadence"]], who_uses=[person["who"]], decision=[person["decision"]],
                   decision_reason=person["reason"])
        for objective, (value, signal) in person["values"].items():
            out[f"value_{objective}"], out[f"signal_{objective}"] = value, signal
    elif fw.id == "motivation_triad":
        for part, blockers in person["blockers"].items():
            out[f"{part}_blocker"] = blockers
        for part, text in person["changes"].items():
            out[f"{part}_change"] = text
    elif fw.id == "social_team_swot":
        goal, first, days = person["goal"]
        out.update(team_mission=person["mission"], team_goal=person["team_goal"], personal_goal=goal,
                   personal_first_step=first, personal_date=_day(days))
    elif fw.id == "five_practices":
        for n, (text, first, days) in enumerate(person["commitments"], 1):
            out.update({f"commitment_{n}": text, f"commitment_{n}_first_step": first, f"commitment_{n}_date": _day(days)})
    known = {i.id for i in fw.items}
    return {k: v for k, v in out.items() if k in known}


def make_demo(store: Store, *, participants: int = 8, seed: int = 7, title: str = "Demo workshop") -> NewSession:
    """Create a session in which `participants` people answered every module."""
    rng = random.Random(seed)
    session = store.create_session(title)
    frameworks = load_frameworks()
    people: list[tuple[Participant, dict]] = []
    for k in range(participants):
        person = PEOPLE[k % len(PEOPLE)]
        p = store.join(session.code, person["name"], show_name=person["name"] is not None)
        for fw in frameworks.values():
            answers = {i: fw.validate_value(i, v) for i, v in answers_of(person, fw, rng).items()}
            store.save_answers(p, fw.id, answers, show_name=person["name"] is not None)
        people.append((p, person))
    _demo_board(store, people, rng)
    return session


def _demo_board(store: Store, people: list[tuple[Participant, dict]], rng: random.Random) -> None:
    """Everyone's SWOT items, votes within the budget (the items people care about most get
    more), and the strategies that build on them."""
    from .board import StoreBoard
    from .content import get_framework

    fw = get_framework("social_team_swot")
    boards = [StoreBoard(fw, store, p, show_name=person["name"] is not None) for p, person in people]
    for board, (_p, person) in zip(boards, people):
        for column, text in person["swot"]:
            board.add("swot_item", column, text)
    entries = boards[0].entries("swot_item")
    weight = {e.id: 1 + sum(e.text in t for *_x, t in STRATEGIES) * 2 for e in entries}
    for board in boards:
        for column in ("strengths", "weaknesses", "opportunities", "threats"):
            options = [e for e in entries if e.column == column]
            chosen: set[int] = set()
            while options and len(chosen) < min(len(options), board.budget - rng.randint(0, 1)):
                chosen.add(rng.choices(options, weights=[weight[e.id] for e in options])[0].id)
            for entry_id in chosen:
                board.vote(entry_id)
    by_text = {e.text: e.id for e in boards[0].entries("swot_item")}
    for person, cell, text, links in STRATEGIES:
        if person < len(boards) and all(t in by_text for t in links):
            boards[person].add("tows_strategy", cell, text, links=[by_text[t] for t in links])
