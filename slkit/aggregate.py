"""From answers to team statistics, and the anonymity rule.

Two forms of the same numbers: plain-Python functions for a participant's page (a kernel that
does not import pandas starts faster and uses less memory), and tidy pandas frames for the
facilitator, the exports and analysis. Tests check that both give the same figures.

>>> from slkit.content import get_framework
>>> fw = get_framework("five_practices")
>>> rows = [dict(participant=p, item="mw_voice_purpose", value=v) for p, v in [(1, 4), (2, 6), (3, 8)]]
>>> team_profile(fw, rows)["model_the_way"].mean
6.0
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Iterable

from .content import Framework


# The anonymity rules, written once here; every page, the room screen and every export use them.
#
# 1. A team figure (a mean, a ranking, a count of choices, the themes of written answers) shows
#    only once the session's threshold K of people answered (`team_visible`).
# 2. A spread (±) and a distribution (how many gave each value: count columns, heat maps) need
#    more (`detail_visible`): with n answers, one person who knows their own answer, the mean and
#    the standard deviation has n - 1 unknowns and two equations, so with 3 people they could work
#    out the other two answers exactly; a count column shows the lowest and highest answers
#    outright while few answered. From SPREAD_MIN answers they cannot, and never at exactly K (a
#    group of exactly K is the group one person can fill with extra browser records).
# 3. One person counts once: by participant, however many devices or browser records they use
#    (a person who joins again from a browser that left is not counted until the facilitator
#    counts them in: `store.Store.join`).
# 4. No range, lowest or highest answer shows anywhere: they are single people's answers.
SPREAD_MIN = 5


def detail_visible(n: int, threshold: int = 0) -> bool:
    """Rule 2: whether a spread or a distribution of `n` people's answers may show.

    >>> [detail_visible(n, 3) for n in (3, 4, 5, 6)]
    [False, False, True, True]
    >>> [detail_visible(n, 5) for n in (5, 6)]   # never at exactly K
    [False, True]
    """
    return n >= SPREAD_MIN and n > threshold


@dataclass(frozen=True)
class Stat:
    """Summary of numbers: how many, mean, and the spread (sample standard deviation) where
    `detail_visible` allows it (None otherwise: it would give individual answers away)."""

    n: int
    mean: float | None
    sd: float | None

    @classmethod
    def of(cls, values: Iterable[float], threshold: int = 0) -> "Stat":
        vals = [float(v) for v in values]
        if not vals:
            return cls(0, None, None)
        sd = statistics.stdev(vals) if detail_visible(len(vals), threshold) else None
        return cls(len(vals), statistics.fmean(vals), sd)


def rating_items(fw: Framework) -> dict[str, str]:
    """Rating item id -> the id of the step it belongs to (a practice, a triad part, ...)."""
    return {item.id: step.id for step in fw.steps for item in step.items if item.kind == "rating"}


def respondents(rows: Iterable[dict], items: Iterable[str] | None = None) -> int:
    """Distinct participants who answered at least one of `items` (all items if None)."""
    wanted = set(items) if items is not None else None
    return len({r["participant"] for r in rows if wanted is None or r["item"] in wanted})


def counted_items(fw: Framework) -> list[str]:
    """Who counts as having answered a module's team view: in a module with a ranking (purpose
    first) or one that comes back to another (the follow-up), anyone who answered any of its
    questions; elsewhere, anyone who gave a rating."""
    if any(i.kind == "rank" for i in fw.items) or fw.reuse is not None:
        return [i.id for i in fw.items]
    return list(rating_items(fw))


def team_visible(n_respondents: int, threshold: int) -> bool:
    """The anonymity rule: a team figure shows only once `threshold` people answered."""
    return n_respondents >= max(1, threshold)


def own_scores(fw: Framework, answers: dict[str, Any]) -> dict[str, float]:
    """One person's mean rating per step (steps with no rating answered are left out)."""
    by_step: dict[str, list[float]] = {}
    for item, step in rating_items(fw).items():
        if isinstance(answers.get(item), (int, float)):
            by_step.setdefault(step, []).append(answers[item])
    return {step: statistics.fmean(v) for step, v in by_step.items()}


def ranked_items(fw: Framework, answers: dict[str, Any]) -> list[tuple[str, int]]:
    """Rated items, highest first; ties keep the order of the content."""
    order = list(rating_items(fw))
    rated = [(i, answers[i]) for i in order if isinstance(answers.get(i), (int, float))]
    return sorted(rated, key=lambda kv: -kv[1])


def strongest_weakest(scores: dict[str, float]) -> tuple[str, str] | None:
    if not scores:
        return None
    ordered = sorted(scores, key=lambda s: scores[s])
    return ordered[-1], ordered[0]


def team_profile(fw: Framework, rows: Iterable[dict], threshold: int = 0) -> dict[str, Stat]:
    """Per step: the spread of the participants' own step scores (each person counts once)."""
    items = rating_items(fw)
    per_person: dict[Any, dict[str, list[float]]] = {}
    for r in rows:
        step = items.get(r["item"])
        if step is not None and isinstance(r["value"], (int, float)):
            per_person.setdefault(r["participant"], {}).setdefault(step, []).append(r["value"])
    out = {}
    for step in dict.fromkeys(items.values()):
        out[step] = Stat.of((statistics.fmean(p[step]) for p in per_person.values() if step in p), threshold)
    return out


def item_stats(fw: Framework, rows: Iterable[dict], threshold: int = 0) -> dict[str, Stat]:
    items = rating_items(fw)
    values: dict[str, list[float]] = {i: [] for i in items}
    for r in rows:
        if r["item"] in values and isinstance(r["value"], (int, float)):
            values[r["item"]].append(r["value"])
    return {i: Stat.of(v, threshold) for i, v in values.items()}


def distribution(fw: Framework, rows: Iterable[dict], step: str) -> dict[int, int]:
    """How many ratings of each value were given in one step (all its items together)."""
    return value_counts(fw, rows, [i for i, s in rating_items(fw).items() if s == step])


def value_counts(fw: Framework, rows: Iterable[dict], items: Iterable[str]) -> dict[int, int]:
    """How many ratings of each value on the scale were given to `items` (together)."""
    items = set(items)
    scale = fw.scales[fw.item(next(iter(items))).scale]
    counts = {v: 0 for v in range(scale.min, scale.max + 1)}
    for r in rows:
        if r["item"] in items and r["value"] in counts:
            counts[r["value"]] += 1
    return counts


# ---- choices, rankings and written answers ---------------------------------------------

def choice_counts(fw: Framework, rows: Iterable[dict], item_id: str) -> dict[str, int]:
    """Per option (in the content's order): how many people chose it."""
    counts = {o: 0 for o in fw.item(item_id).option_ids()}
    for r in rows:
        if r["item"] == item_id and isinstance(r["value"], list):
            for v in set(r["value"]):
                if v in counts:
                    counts[v] += 1
    return counts


@dataclass(frozen=True)
class Ranked:
    """An option's place in the team's ranking: points (first place counts most) and how many chose it."""

    option: str
    points: int
    chosen: int
    first: int


def rank_points(fw: Framework, rows: Iterable[dict], item_id: str) -> list[Ranked]:
    """The team's ranking of a rank item's options (a Borda count).

    With up to k places, a first place earns k points, a second k - 1, and so on; ties go to
    the option more people chose, then to more first places, then to the content's order.
    """
    item = fw.item(item_id)
    k = item.max_choices or len(item.options)
    points = {o: [0, 0, 0] for o in item.option_ids()}
    for r in rows:
        if r["item"] == item_id and isinstance(r["value"], list):
            for place, option in enumerate(r["value"][:k]):
                if option in points:
                    points[option][0] += k - place
                    points[option][1] += 1
                    points[option][2] += place == 0
    order = item.option_ids()
    ranked = sorted(points.items(), key=lambda kv: (-kv[1][0], -kv[1][1], -kv[1][2], order.index(kv[0])))
    return [Ranked(o, p, n, f) for o, (p, n, f) in ranked]


def written(rows: Iterable[dict], item_id: str) -> list[str]:
    """The non-empty written answers to one item, in alphabetical order (the order gives nobody
    away), each with its author's name where they chose to show it ("text — Name")."""
    return sorted(
        (f"{r['value']} — {r['name']}" if r.get("name") else str(r["value"])
         for r in rows if r["item"] == item_id and str(r["value"] or "").strip()),
        key=str.casefold,
    )


# ---- ratings grouped by their tags (the motivation triad's parts, today and wanted) --------

def _tagged(fw: Framework, tags: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {
        item.id: tuple(item.tags[t] for t in tags)
        for item in fw.items
        if item.kind == "rating" and all(t in item.tags for t in tags)
    }


def _per_person(rows: Iterable[dict], items: Iterable[str]) -> dict[Any, dict[str, Any]]:
    """Each participant's answers to `items`, as item -> value."""
    items = set(items)
    out: dict[Any, dict[str, Any]] = {}
    for r in rows:
        if r["item"] in items:
            out.setdefault(r["participant"], {})[r["item"]] = r["value"]
    return out


def tag_scores(fw: Framework, answers: dict[str, Any], *tags: str) -> dict[tuple[str, ...], float]:
    """One person's mean rating per combination of tag values, e.g. ("autonomy", "today")."""
    out: dict[tuple[str, ...], list[float]] = {}
    for item, key in _tagged(fw, tags).items():
        if isinstance(answers.get(item), (int, float)):
            out.setdefault(key, []).append(answers[item])
    return {k: statistics.fmean(v) for k, v in out.items()}


def team_tag_stats(fw: Framework, rows: Iterable[dict], *tags: str, threshold: int = 0) -> dict[tuple[str, ...], Stat]:
    """Per combination of tag values: the spread of the participants' own means (each person once)."""
    tagged = _tagged(fw, tags)
    scores = [tag_scores(fw, answers, *tags) for answers in _per_person(rows, tagged).values()]
    return {key: Stat.of((s[key] for s in scores if key in s), threshold) for key in dict.fromkeys(tagged.values())}


def gaps(scores: dict[tuple[str, ...], float], low: str = "today", high: str = "wanted") -> dict[tuple[str, ...], float]:
    """From scores keyed (..., today) and (..., wanted): wanted minus today, where both exist."""
    out = {}
    for key, value in scores.items():
        if key[-1] == low and key[:-1] + (high,) in scores:
            out[key[:-1]] = scores[key[:-1] + (high,)] - value
    return out


def team_gaps(fw: Framework, rows: Iterable[dict], *tags: str, threshold: int = 0) -> dict[tuple[str, ...], Stat]:
    """Per tag combination (without the last tag, e.g. "when"): the spread of each person's gap."""
    tagged = _tagged(fw, tags)
    person_gaps = [gaps(tag_scores(fw, answers, *tags)) for answers in _per_person(rows, tagged).values()]
    keys = dict.fromkeys(k[:-1] for k in tagged.values())
    return {k: Stat.of((g[k] for g in person_gaps if k in g), threshold) for k in keys}


# ---- fit: ratings where a high value may pull with or against a purpose -----------------

def fit_value(fw: Framework, item_id: str, value: float) -> float:
    """A rating turned so that high always means "helps": items tagged pulls=against are reversed."""
    item = fw.item(item_id)
    scale = fw.scales[item.scale]
    return scale.min + scale.max - value if item.tags.get("pulls") == "against" else value


def pulling_against(fw: Framework, answers: dict[str, Any], step: str) -> list[str]:
    """The rated items of `step` whose fit is in the lower third of the scale, worst first.

    `answers` may be one person's ratings or the team's mean per item."""
    step_obj = next(s for s in fw.steps if s.id == step)
    out = []
    for item in step_obj.items:
        if item.kind == "rating" and isinstance(answers.get(item.id), (int, float)):
            scale = fw.scales[item.scale]
            fit = fit_value(fw, item.id, answers[item.id])
            if fit <= scale.min + (scale.max - scale.min) / 3:
                out.append((fit, item.id))
    return [i for _f, i in sorted(out, key=lambda fi: fi[0])]  # ties keep the content's order


# ---- pandas: tidy frames for the board, the exports and analysis --------------------------

def ratings_frame(fw: Framework, rows: Iterable[dict]):
    """One row per rating: participant, step, group, item, value."""
    import pandas as pd

    items = {item.id: (step.id, item.group) for step in fw.steps for item in step.items if item.kind == "rating"}
    records = [
        dict(participant=r["participant"], step=items[r["item"]][0], group=items[r["item"]][1], item=r["item"], value=r["value"])
        for r in rows
        if r["item"] in items and isinstance(r["value"], (int, float))
    ]
    return pd.DataFrame.from_records(records, columns=["participant", "step", "group", "item", "value"])


def step_stats_frame(frame):
    """Per step: n, mean, sd, min, max of the participants' own step scores."""
    per_person = frame.groupby(["step", "participant"], sort=False)["value"].mean().reset_index()
    stats = per_person.groupby("step", sort=False)["value"].agg(["count", "mean", "std", "min", "max"])
    stats["std"] = stats["std"].fillna(0.0)
    return stats.rename(columns={"count": "n", "std": "sd"})


def self_vs_team_frame(fw: Framework, answers: dict[str, Any], rows: Iterable[dict]):
    """Per step: one person's score beside the team's mean and spread."""
    import pandas as pd

    own = own_scores(fw, answers)
    team = team_profile(fw, rows)
    return pd.DataFrame(
        [dict(step=s, title=st.title, own=own.get(s), team_mean=team[s].mean, team_sd=team[s].sd, n=team[s].n)
         for st in fw.steps if (s := st.id) in team]
    ).set_index("step")


# ---- the follow-up: before and after ---------------------------------------------------------------
#
# 5. A team's change between the workshop and the follow-up is shown only for the people who
#    answered both (the paired group), only once that group reaches K, and only when the people
#    of the workshop it leaves out are none or K and more (`paired_visible`): otherwise the
#    workshop's team figure (everyone) and the paired group's "before" together give the left-out
#    few's answers away. It is shown as change (after minus before), per practice.

STATUSES = ("done", "started", "not_yet")


def paired_visible(n_paired: int, n_before: int, threshold: int) -> bool:
    """Rule 5: whether the paired group's before and after may show.

    >>> [paired_visible(n, 6, 3) for n in (2, 3, 4, 5, 6)]   # six rated in the workshop, K = 3
    [False, True, False, False, True]
    """
    left_out = n_before - n_paired
    return team_visible(n_paired, threshold) and n_paired >= 1 and (left_out == 0 or left_out >= max(1, threshold))


def paired_scores(before: Framework, rows_before: Iterable[dict], rows_after: Iterable[dict]) -> dict[Any, tuple[dict, dict]]:
    """Per person who rated in both rounds: (their score per step then, now), on `before`'s steps."""
    then = _per_person(rows_before, rating_items(before))
    now = _per_person(rows_after, rating_items(before))
    out = {}
    for p in then.keys() & now.keys():
        a, b = own_scores(before, then[p]), own_scores(before, now[p])
        if a and b:
            out[p] = (a, b)
    return out


@dataclass(frozen=True)
class Change:
    """A step's before and after for the paired group: means, and the mean of each person's change."""

    n: int
    before: float | None
    after: float | None
    change: Stat


def team_change(before: Framework, rows_before: list[dict], rows_after: list[dict], threshold: int = 0) -> tuple[int, int, dict[str, Change]]:
    """(people paired, people who rated in the workshop, per step their Change); the caller shows it
    only where `paired_visible` allows."""
    pairs = paired_scores(before, rows_before, rows_after)
    n_before = respondents(rows_before, rating_items(before))
    out = {}
    for step in dict.fromkeys(rating_items(before).values()):
        both = [(a[step], b[step]) for a, b in pairs.values() if step in a and step in b]
        out[step] = Change(len(both), statistics.fmean(a for a, _b in both) if both else None,
                           statistics.fmean(b for _a, b in both) if both else None,
                           Stat.of((b - a for a, b in both), threshold))
    return len(pairs), n_before, out


def status_counts(rows: Iterable[dict], items: Iterable[str]) -> dict[str, int]:
    """How many commitments (and goals) are done, started, not yet: one per answered status item."""
    items = set(items)
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        if r["item"] in items and isinstance(r["value"], list) and r["value"] and r["value"][0] in counts:
            counts[r["value"][0]] += 1
    return counts


# ---- observers (a 360): who may be shown, and how ------------------------------------------------
#
# 6. A person sees what their observers said only once the round is closed (it then stays as it
#    is: no two views a new answer apart). Nothing from observers shows before at least
#    OBSERVERS_MIN observers other than the manager answered. A group shows on its own only from
#    its minimum (manager 1, and marked as not anonymous; direct reports, peers, others 3 each);
#    a group below it counts only in "all observers". And when exactly one observer is left out
#    of the groups shown, no group but the manager's shows on its own: "all observers" minus the
#    groups shown would give that one person's answers away. (Two left out give away only the
#    average of the two, as in every 360 with these minimums.)

OBSERVER_GROUPS = ("manager", "direct", "peer", "other")
GROUP_MIN = {"manager": 1, "direct": 3, "peer": 3, "other": 3}
OBSERVERS_MIN = 3


def observer_groups_shown(counts: dict[str, int]) -> tuple[bool, list[str]]:
    """Rule 6 for observers who answered `counts` (group -> people): (whether anything from
    observers shows, the groups shown on their own, in order).

    >>> observer_groups_shown({"manager": 1, "peer": 3, "direct": 2})   # two direct reports: only in "all"
    (True, ['manager', 'peer'])
    >>> observer_groups_shown({"manager": 1, "peer": 3, "direct": 1})   # one alone: all minus peers would be theirs
    (True, ['manager'])
    >>> observer_groups_shown({"manager": 1, "peer": 3, "direct": 3})
    (True, ['manager', 'direct', 'peer'])
    >>> observer_groups_shown({"manager": 1, "peer": 2})                 # fewer than 3 besides the manager
    (False, [])
    """
    others = sum(n for g, n in counts.items() if g != "manager")
    if others < OBSERVERS_MIN:
        return False, []
    meets = [g for g in OBSERVER_GROUPS if counts.get(g, 0) >= GROUP_MIN[g]]
    left_out = sum(n for g, n in counts.items() if g not in meets)
    if left_out == 1:
        meets = [g for g in meets if g == "manager"]
    return True, meets


def gap_threshold(scale_min: int, scale_max: int) -> float:
    """How far self and observers must differ for a gap to be named: a third of the scale's range."""
    return (scale_max - scale_min) / 3
