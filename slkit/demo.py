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


EXAMPLE_TEAM = 8  # the people of the example team a person working alone compares with


def example_rows(fw: Framework, *, seed: int = 7) -> list[dict[str, Any]]:
    """A module's answers from the demo's people, as the store gives a session's answers (one
    dict per answer, no names), for a person working alone: their team steps compare them with
    this example team, labelled as such. Only modules the demo people answer in the workshop
    (not the follow-up); [] for another. The people's own words are written in English: in
    another language only their ratings and choices come (the page names those in its language)."""
    if fw.reuse is not None:
        return []
    rng = random.Random(seed)
    words = fw.language == "en"
    rows: list[dict[str, Any]] = []
    for k in range(EXAMPLE_TEAM):
        made = answers_of(PEOPLE[k % len(PEOPLE)], fw, rng)
        rows += [dict(module=fw.id, item=item, value=fw.validate_value(item, value), participant=-(k + 1), name=None, updated_at=None)
                 for item, value in sorted(made.items()) if words or fw.item(item).kind not in ("text", "date")]
    return rows


def make_demo(store: Store, *, participants: int = 8, seed: int = 7, title: str = "Demo workshop") -> NewSession:
    """Create a session in which `participants` people answered every module, the follow-up
    round too (its date six weeks on), so every page, part and export can be tried."""
    from .store import suggested_follow_up

    rng = random.Random(seed)
    frameworks = load_frameworks()
    session = store.create_session(title, modules=list(frameworks), start_open=True, follow_up=suggested_follow_up())
    store.set_module_state(session.code, "follow_up", is_open=True, results_revealed=True)  # a rehearsal tries everything
    people: list[tuple[Participant, dict]] = []
    for k in range(participants):
        person = PEOPLE[k % len(PEOPLE)]
        p = store.join(session.code, person["name"], show_name=person["name"] is not None)
        given: dict[str, dict] = {}
        for fw in frameworks.values():
            made = follow_up_of(k, person, fw, given, rng) if fw.reuse is not None else answers_of(person, fw, rng)
            given[fw.id] = {i: fw.validate_value(i, v) for i, v in made.items()}
            store.save_answers(p, fw.id, given[fw.id], show_name=person["name"] is not None)
        people.append((p, person))
    _demo_board(store, people, rng)
    return session


# Each sample person's words weeks later: what helped their first commitment, what got in its
# way, their next step; and what helped and hindered the team.
FOLLOW_UP_WORDS = [
    ("Talking about it in the Monday meeting kept it on my list", "The busy weeks before the holidays", "Ask two colleagues to try it too",
     "The shared rota made answering quick", "Nobody owned the channel at weekends"),
    ("A colleague who asked me every week how it went", "No time set aside for it", "Put half an hour in my calendar every Friday",
     "Short stand-ups on what we posted", "Too many channels to watch"),
    ("Small steps: one post a week was enough to start", "I was not sure what I was allowed to post", "Ask the communications team for the guidelines",
     "Clear goals on the team board", "The guidelines arrived late"),
    ("Seeing customers answer our questions", "Sign-off took too long", "Agree with my manager what needs no sign-off",
     "A manager who posted first", "Sick leave in the busiest month"),
    ("Writing the post on the train home", "Forgetting once the week got busy", "Keep a list of ideas on my phone",
     "Answers we could reuse from the bank", "The new platform was slow to start"),
    ("My manager mentioned it in the all-staff meeting", "Not knowing which channel people read", "Ask the team which channel they use most",
     "A monthly look at what worked", "Different views on what to post"),
    ("A template for thank-you posts", "Worry about leaving someone out", "Thank two people by name this month",
     "Colleagues liking and sharing each other's posts", "Little time for training"),
    ("Pairing with a colleague who already posts", "The first post took an afternoon", "Post one short video from a customer visit",
     "Customer questions that showed us what to write", "Waiting for approval on the logo"),
]


def follow_up_of(k: int, person: dict, fw: Framework, given: dict[str, dict], rng: random.Random) -> dict[str, Any]:
    """One sample person's follow-up, weeks later: how far each commitment and their goal got, in
    their own words, and the five practices rated again, a little higher where they worked on it."""
    helped, hindered, nxt, team_helped, team_hindered = FOLLOW_UP_WORDS[k % len(FOLLOW_UP_WORDS)]
    out: dict[str, Any] = {}
    for n, _c in enumerate(person["commitments"], 1):
        out[f"c{n}_status"] = [rng.choice(["done", "started", "started", "not_yet"])]
    out.update(c1_helped=helped, c1_hindered=hindered, c1_next=nxt)
    out["goal_status"] = [rng.choice(["done", "started", "not_yet"])]
    out["team_progress"] = rng.choice([2, 3, 3, 4])
    out["team_helped"], out["team_hindered"] = team_helped, team_hindered
    before = given.get(fw.reuse.module, {})
    for item in fw.items:
        if item.kind == "rating" and item.id in before:
            out[item.id] = max(1, min(10, before[item.id] + rng.choice([0, 0, 1, 1, 2, -1])))
    known = {i.id for i in fw.items}
    return {key: value for key, value in out.items() if key in known}


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
