"""A session filled with sample answers, so a facilitator can try everything before a workshop."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .content import Framework, Item, load_frameworks
from .store import NewSession, Store

SAMPLE_TEXTS = [
    "Share what we learn from customer questions every Friday",
    "Answer every post in our internal channel within a day",
    "Ask the team before changing the posting plan",
    "Show the results of our pilot openly, including what failed",
    "Give each colleague one piece of feedback a week",
    "Start a closed group for the regional offices",
]
SAMPLE_NAMES = [None, None, "Kari", None, "Ola", None, None, "Aroha"]
SAMPLE_SWOT = {
    "strengths": ["We answer customers within the hour", "Good photos and short videos", "Colleagues trust our posts"],
    "weaknesses": ["Only two of us post regularly", "No plan for what to post when", "Slow sign-off from legal"],
    "opportunities": ["The new internal platform launches in spring", "Customers ask questions on LinkedIn", "Trade fair in autumn"],
    "threats": ["A complaint can spread in hours", "Budget cuts next year", "Competitors post more often"],
}
SAMPLE_TOWS = {
    "so": "Let our best writers lead the new internal platform",
    "wt": "Agree a posting plan with legal before the busy season",
}


def sample_value(fw: Framework, item: Item, rng: random.Random, person: int) -> Any:
    if item.kind == "rating":
        scale = fw.scales[item.scale]
        centre = scale.min + (scale.max - scale.min) * (0.35 + 0.3 * ((hash(item.id) % 7) / 6))
        return max(scale.min, min(scale.max, round(rng.gauss(centre, (scale.max - scale.min) / 6))))
    if item.kind in ("choice", "rank"):
        k = min(item.max_choices or 2, len(item.options), rng.randint(1, 3))
        return rng.sample(item.option_ids(), k)
    if item.kind == "text":
        return SAMPLE_TEXTS[(person + len(item.id)) % len(SAMPLE_TEXTS)][: item.max_length]
    if item.kind == "date":
        return (dt.date.today() + dt.timedelta(days=rng.randint(7, 60))).isoformat()
    if item.kind == "board":
        return {"column": rng.choice(item.option_ids()), "text": SAMPLE_TEXTS[person % len(SAMPLE_TEXTS)]}
    raise AssertionError(item.kind)


def make_demo(store: Store, *, participants: int = 8, seed: int = 7, title: str = "Demo workshop") -> NewSession:
    """Create a session in which `participants` people answered every module."""
    rng = random.Random(seed)
    session = store.create_session(title)
    frameworks = load_frameworks()
    people = []
    for person in range(participants):
        name = SAMPLE_NAMES[person % len(SAMPLE_NAMES)]
        p = store.join(session.code, name)
        for fw in frameworks.values():
            answers = {}
            for item in fw.items:
                if item.kind == "board":
                    continue  # boards hold items and votes, filled below
                if item.optional and rng.random() < 0.5:
                    continue
                answers[item.id] = fw.validate_value(item.id, sample_value(fw, item, rng, person))
            store.save_answers(p, fw.id, answers, show_name=name is not None)
        people.append((p, name))
    _demo_board(store, people, rng)
    return session


def _demo_board(store: Store, people: list, rng: random.Random) -> None:
    """Sample SWOT items from everyone, votes within the budget, and two strategies."""
    from .board import StoreBoard, TOWS_PAIRS, ranked
    from .content import get_framework

    fw = get_framework("social_team_swot")
    boards = [StoreBoard(fw, store, p, show_name=name is not None) for p, name in people]
    for k, board in enumerate(boards):
        for column, texts in SAMPLE_SWOT.items():
            board.add("swot_item", column, texts[(k + len(column)) % len(texts)])
    entries = boards[0].entries("swot_item")
    for board in boards:
        for column in SAMPLE_SWOT:
            options = [e for e in entries if e.column == column]
            for e in rng.sample(options, min(len(options), board.budget)):
                board.vote(e.id)
    entries = boards[0].entries("swot_item")
    for cell, text in SAMPLE_TOWS.items():
        a, b = (ranked(entries, c)[0].id for c in TOWS_PAIRS[cell])
        boards[0].add("tows_strategy", cell, text, links=[a, b])
