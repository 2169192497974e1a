"""A module's team results as parts to show: HTML (typed text escaped) and chart specs.

The same summary is shown to participants (behind the anonymity rule), on the facilitator's
board, and in the HTML report, so the three always agree. A summary is a list of parts: a
`str` is HTML, a `dict` is a plotly figure spec from `slkit.charts`.

>>> from slkit.content import get_framework
>>> parts = summary(get_framework("motivation_triad"), rows=[], entries=[])
>>> isinstance(parts[0], dict)   # the triad's chart comes first
True
"""

from __future__ import annotations

from typing import Any, Iterable, Union

from . import aggregate as A
from . import charts
from .board import Entry, merged_texts, ranked
from .content import Framework
from .i18n import _, date as written_date_in, number
from .text import esc

Part = Union[str, dict]


def written_list(texts: list[str], cls: str = "texts") -> str:
    """Written answers side by side (a name only where its author chose to show it)."""
    if not texts:
        return f"<p class='muted'>{_('Nothing written yet.')}</p>"
    return f"<ul class='{cls}'>" + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>"


def spread_note(counts: bool = False) -> str:
    return ("<p class='muted spread-note'>" + (
        _("Spreads (±) and how many gave each answer show once more than {n} people have answered, and more than the "
          "threshold: with fewer, they would let someone work out another person's answers.") if counts else
        _("Spreads (±) show once more than {n} people have answered, and more than the threshold: with fewer, they would "
          "let someone work out another person's answers.")).format(n=A.SPREAD_MIN - 1) + "</p>")


def spread_cell(stat: A.Stat) -> str:
    """A table cell's spread: '±1.2', or '–' while too few answered for it to be shown."""
    return "–" if stat.sd is None else f"±{number(stat.sd)}"


def _head(*names: str) -> str:
    return "".join(f"<th>{esc(n)}</th>" for n in names)


def scale_range(fw: Framework) -> tuple[int, int]:
    """The module's (first) rating scale, as (min, max)."""
    scale = next(iter(fw.scales.values()))
    return scale.min, scale.max


def fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return ""
    return ("+" if signed and v > 0 else "") + number(v)


# ---- purpose first ------------------------------------------------------------------------------

def purpose_team(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Part]:
    """The objectives ranked, the spread of culture fit, the purposes side by side, the decisions."""
    objectives = fw.item("objectives")
    ranked_objectives = [r for r in A.rank_points(fw, rows, "objectives") if r.chosen]
    rank_rows = "".join(
        f"<tr data-option='{r.option}'><td>{n}</td><td>{esc(objectives.option_label(r.option))}</td>"
        f"<td class='points'>{r.points}</td><td class='chosen'>{r.chosen}</td><td class='first'>{r.first}</td></tr>"
        for n, r in enumerate(ranked_objectives, 1)
    )
    others = A.written(rows, "objective_other")
    culture = next(s for s in fw.steps if s.id == "culture")
    stats = A.item_stats(fw, rows, threshold)
    scale = fw.scales[culture.items[0].scale]
    means = {i.id: stats[i.id].mean for i in culture.items if stats[i.id].n}
    against = set(A.pulling_against(fw, means, "culture"))
    # How many gave each value shows only where the rule for distributions allows (aggregate.detail_visible).
    values = range(scale.min, scale.max + 1) if A.detail_visible(A.respondents(rows, [i.id for i in culture.items]), threshold) else range(0)
    culture_rows = "".join(
        f"<tr data-item='{i.id}' class='{'against' if i.id in against else ''}'><td>{esc(i.text)}</td>"
        + "".join(f"<td class='n{v}'>{c}</td>" for v, c in A.value_counts(fw, rows, [i.id]).items() if v in values)
        + f"<td class='mean'>{number(stats[i.id].mean)}</td><td class='sd'>{spread_cell(stats[i.id])}</td></tr>"
        for i in culture.items if i.id in means
    )
    value_parts = expectations_html(fw, rows, [r.option for r in ranked_objectives])
    tools_part = choices_html(fw, rows, [i.id for i in fw.items if i.kind == "choice" and fw.step_of(i.id).id == "tools"])
    decisions = A.choice_counts(fw, rows, "decision")
    decision_item = fw.item("decision")
    top = objectives.max_choices or len(objectives.options)
    return [
        f"<h3>{_('Objectives, ranked by the team')}</h3><p class='muted'>"
        + _("A first place earns {top} points, a second {second}, and so on.").format(top=top, second=top - 1) + "</p>"
        "<div class='scroll'><table class='rank-table'><tr>" + _head(_("Rank"), _("Objective"), _("Points"), _("Chosen by"), _("First place")) + "</tr>"
        f"{rank_rows}</table></div>" + (f"<p>{_('Also named:')}</p>{written_list(others)}" if others else ""),
        f"<h3>{_('Culture fit: how the team rated each statement')}</h3>"
        f"<p class='muted'>{scale.min} = {esc(scale.low_label)}, {scale.max} = {esc(scale.high_label)}. "
        + _("Rows in red pull against the purpose on the team's average.") + "</p><div class='scroll'>"
        f"<table class='culture-table'><tr><th>{_('Statement')}</th>" + "".join(f"<th>{v}</th>" for v in values)
        + f"<th>{_('Mean')}</th><th>{_('Spread')}</th></tr>{culture_rows}</table></div>{spread_note(counts=True)}"
        "<h3>" + _("Our purpose, in each person's words") + "</h3>" + written_list(A.written(rows, "purpose_sentence"), "texts purposes")
        + value_parts + tools_part
        + f"<h3>{_('Decisions')}</h3><table class='decision-table'>"
        + "".join(f"<tr data-option='{o}'><td>{esc(decision_item.option_label(o))}</td><td class='count'>{n}</td></tr>" for o, n in decisions.items())
        + f"</table><p>{_('The reasons given:')}</p>" + written_list(A.written(rows, "decision_reason"), "texts reasons"),
    ]


def expectations_html(fw: Framework, rows: list[dict], objectives: list[str]) -> str:
    """Per objective (the team's ranking first): the value people expect and how the team would notice it."""
    asked = [i for i in fw.items if i.kind == "text" and "objective" in i.tags and "asks" in i.tags]
    order = list(dict.fromkeys([*objectives, *(i.tags["objective"] for i in asked)]))
    rank = fw.item("objectives")
    out = []
    for objective in order:
        mine = [i for i in asked if i.tags["objective"] == objective]
        values = [t for i in mine if i.tags["asks"] == "value" for t in A.written(rows, i.id)]
        signals = [t for i in mine if i.tags["asks"] == "signal" for t in A.written(rows, i.id)]
        if not values and not signals:
            continue
        out.append(f"<section class='expectation' data-objective='{esc(objective)}'><h4>{esc(rank.option_label(objective))}</h4>"
                   + (f"<p>{_('The value we expect:')}</p>{written_list(values, 'texts values')}" if values else "")
                   + (f"<p>{_('How we would notice it:')}</p>{written_list(signals, 'texts signals')}" if signals else "")
                   + "</section>")
    return f"<h3>{_('What we expect, per objective')}</h3>" + ("".join(out) or f"<p class='muted'>{_('Nothing written yet.')}</p>")


def choices_html(fw: Framework, rows: list[dict], items: list[str]) -> str:
    """How many people chose each option of some questions (the channels, the rhythm, who takes part)."""
    if not items:
        return ""
    out = []
    for item_id in items:
        item = fw.item(item_id)
        counts = A.choice_counts(fw, rows, item_id)
        ordered = sorted(item.options, key=lambda o: -counts.get(o.id, 0))
        body = "".join(f"<tr data-option='{o.id}'><td>{esc(o.label)}</td><td class='count'>{counts.get(o.id, 0)}</td></tr>"
                       for o in ordered)
        out.append(f"<h4>{esc(item.text)}</h4><table class='choice-table' data-item='{item_id}'><tr>{_head(_('Option'), _('People'))}</tr>{body}</table>")
    return "<h3>" + _("{step}: what the team chose").format(step=esc(fw.step_of(items[0]).title)) + "</h3>" + "".join(out)


# ---- the motivation triad -----------------------------------------------------------------------

TODAY, WANTED = "today", "wanted"


def triad_parts(fw: Framework) -> list[tuple[str, str]]:
    """(part id, title) in the content's order: the steps that hold the part's ratings."""
    seen: dict[str, str] = {}
    for step in fw.steps:
        for item in step.items:
            if item.kind == "rating" and "part" in item.tags:
                seen.setdefault(item.tags["part"], step.title)
    return list(seen.items())


def facet_label(fw: Framework, part: str, facet: str) -> str:
    """E.g. "Autonomy: when"; a part with a single facet is named by its title alone."""
    title = dict(triad_parts(fw))[part]
    items = [i for i in fw.items if i.kind == "rating" and i.tags.get("part") == part]
    if len({i.tags.get("facet") for i in items}) <= 1:
        return title
    named = next((i.tags["facet_title"] for i in items if i.tags.get("facet") == facet and "facet_title" in i.tags), facet)
    return f"{title}: {named}"


def triad_team(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Part]:
    """The team's triad with its spread, the gaps ranked, the blockers counted, the changes proposed."""
    ps = triad_parts(fw)
    team = A.team_tag_stats(fw, rows, "part", "when", threshold=threshold)
    part_gaps = A.team_gaps(fw, rows, "part", "when", threshold=threshold)
    facet_gaps = A.team_gaps(fw, rows, "part", "facet", "when", threshold=threshold)
    figure = charts.compare_figure(
        [t for _p, t in ps],
        [(_("Today"), [team[(p, TODAY)].mean for p, _t in ps], [team[(p, TODAY)].sd for p, _t in ps]),
         (_("What we want"), [team[(p, WANTED)].mean for p, _t in ps], [team[(p, WANTED)].sd for p, _t in ps])],
        scale_range(fw), title=_("The team: mean and spread"),
    )
    triad_rows = "".join(
        f"<tr data-part='{p}'><td>{esc(t)}</td><td class='today'>{fmt(team[(p, TODAY)].mean)}</td><td class='today-sd'>{spread_cell(team[(p, TODAY)])}</td>"
        f"<td class='wanted'>{fmt(team[(p, WANTED)].mean)}</td><td class='wanted-sd'>{spread_cell(team[(p, WANTED)])}</td>"
        f"<td class='gap'>{fmt(part_gaps[(p,)].mean, True)}</td></tr>"
        for p, t in ps if team[(p, TODAY)].n and team[(p, WANTED)].n
    )
    ordered = sorted((kv for kv in facet_gaps.items() if kv[1].n), key=lambda kv: -kv[1].mean)
    gap_list = "".join(
        f"<li data-facet='{part}_{facet}'>{esc(facet_label(fw, part, facet))} <b class='gap'>{fmt(stat.mean, True)}</b></li>"
        for (part, facet), stat in ordered
    )
    blocker_items = [i for i in fw.items if i.kind == "choice" and "part" in i.tags]
    options = blocker_items[0].options if blocker_items else []
    counts = {i.tags["part"]: A.choice_counts(fw, rows, i.id) for i in blocker_items}
    blocker_rows = "".join(
        f"<tr data-option='{o.id}'><td>{esc(o.label)}</td>" + "".join(f"<td class='{p}'>{counts.get(p, {}).get(o.id, 0)}</td>" for p, _t in ps)
        + f"<td class='total'>{sum(c.get(o.id, 0) for c in counts.values())}</td></tr>"
        for o in options
    )
    changes = "".join(f"<h3>{esc(t)}</h3>" + written_list(A.written(rows, f"{p}_change"), f"texts changes-{p}") for p, t in ps)
    return [
        figure,
        "<div class='scroll'><table class='triad-table'><tr>" + _head(_("Part"), _("Today"), _("Spread"), _("Wanted"), _("Spread"), _("Gap")) + "</tr>"
        f"{triad_rows}</table></div>{spread_note()}"
        f"<h3>{_('Gaps, largest first')}</h3><ol class='gaps'>{gap_list}</ol>"
        f"<h3>{_('What holds it back (number of people)')}</h3><div class='scroll'><table class='blocker-table'><tr><th>{_('Reason')}</th>"
        + "".join(f"<th>{esc(t)}</th>" for _p, t in ps) + f"<th>{_('All')}</th></tr>{blocker_rows}</table></div>"
        f"<h3>{_('Changes the team proposes')}</h3>{changes}",
    ]


# ---- modules rated on a scale (the five practices) -------------------------------------------------

def rated_steps(fw: Framework):
    steps = set(A.rating_items(fw).values())
    return [s for s in fw.steps if s.id in steps]


def practices_team(fw: Framework, rows: list[dict], own: dict[str, float] | None = None, threshold: int = 0) -> list[Part]:
    """The team's mean and spread per step (beside one's own, if given), and how ratings spread
    (the heat map, where the rule for distributions allows: aggregate.detail_visible)."""
    steps = rated_steps(fw)
    team = A.team_profile(fw, rows, threshold)
    labels = [s.title for s in steps]
    profile = charts.profile_figure(
        labels, None if own is None else [own.get(s.id) for s in steps], [team[s.id] for s in steps], scale_range(fw),
        title=_("You and the team") if own is not None else _("The team: mean and spread"),
    )
    n = A.respondents(rows, A.rating_items(fw))
    spread: Part = (charts.distribution_figure(labels, [A.distribution(fw, rows, s.id) for s in steps], scale_range(fw), title=_("How the team rated"))
                    if A.detail_visible(n, threshold) else
                    f"<h3>{_('How the team rated')}</h3><p class='muted heatmap-waiting'>" + _(
                        "How many gave each rating shows once more than {n} people have answered, and more than the threshold: "
                        "with fewer, it would show single people's answers.").format(n=max(A.SPREAD_MIN - 1, threshold)) + "</p>")
    own_head = f"<th>{_('You')}</th>" if own is not None else ""
    table_rows = "".join(
        f"<tr data-step='{s.id}'><td>{esc(s.title)}</td>"
        + ("" if own is None else f"<td class='own'>{'' if s.id not in own else number(own[s.id])}</td>")
        + f"<td class='mean'>{number(team[s.id].mean)}</td><td class='sd'>{spread_cell(team[s.id])}</td></tr>"
        for s in steps if team[s.id].n
    )
    answered = [s for s in steps if team[s.id].n]
    spreads = {s.id: team[s.id].sd for s in answered if team[s.id].sd is not None}
    widest = max(spreads, key=spreads.get) if spreads else None
    note = ""
    if widest is not None and len(set(round(v, 1) for v in spreads.values())) > 1:  # equal spreads single nothing out
        note = "<p>" + _("The team disagrees most on {practice}: worth a conversation.").format(
            practice=f"<b>{esc(next(s.title for s in answered if s.id == widest))}</b>") + "</p>"
    table = (f"<div class='scroll'><table class='team-table'><tr><th>{_('Practice')}</th>{own_head}<th>{_('Team mean')}</th><th>{_('Spread')}</th></tr>"
             f"{table_rows}</table></div>{spread_note()}{note}")
    return [profile, table, spread, f"<h3>{_('Commitments')}</h3>" + commitments_html(fw, rows)] if own is None else [profile, table, spread]


def commitment_items(fw: Framework) -> list[tuple[str, str | None, str | None]]:
    """(commitment, its first step, its date) item ids, in the content's order."""
    ids = {i.id for i in fw.items}
    return [(i.id, f"{i.id}_first_step" if f"{i.id}_first_step" in ids else None, f"{i.id}_date" if f"{i.id}_date" in ids else None)
            for i in fw.items if i.kind == "text" and i.id.startswith("commitment_") and i.id.count("_") == 1]


def commitments(fw: Framework, rows: list[dict]) -> list[dict]:
    """Every commitment with its first step and date, soonest first (name only where its author chose)."""
    answers: dict[Any, dict[str, Any]] = {}
    names: dict[Any, str | None] = {}
    for r in rows:
        answers.setdefault(r["participant"], {})[r["item"]] = r["value"]
        if r.get("name"):
            names[r["participant"]] = r["name"]
    out = []
    for p, mine in answers.items():
        for text, step, date in commitment_items(fw):
            if str(mine.get(text) or "").strip():
                out.append(dict(text=mine[text], first_step=mine.get(step) or "", date=mine.get(date) or "", name=names.get(p)))
    return sorted(out, key=lambda c: (c["date"] or "9999", c["text"].casefold()))


def written_date(value: Any) -> str:
    """An answer's date as people write it ("12 January 2027", "12. januar 2027"); anything else as it is."""
    import datetime as dt

    try:
        return written_date_in(dt.date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return str(value or "")


def commitment_html(c: dict) -> str:
    """One commitment: what, the first step, by when."""
    when = written_date(c["date"])
    who = f" <span class='who muted'>— {esc(c['name'])}</span>" if c.get("name") else ""
    return (f"<li class='commitment'><span class='text'>{esc(c['text'])}</span>{who}"
            + ("<br><span class='first-step'>" + _("First step: {step}").format(step=esc(c['first_step'])) + "</span>" if c["first_step"] else "")
            + ("<br><span class='date'>" + _("By {date}").format(date=esc(when)) + "</span>" if when else "") + "</li>")


def commitments_html(fw: Framework, rows: list[dict]) -> str:
    found = commitments(fw, rows)
    if not found:
        return f"<p class='muted'>{_('Nothing written yet.')}</p>"
    return "<ul class='texts commitments'>" + "".join(commitment_html(c) for c in found) + "</ul>"


# ---- a shared board ---------------------------------------------------------------------------------

def entry_html(fw: Framework, e: Entry, by_id: dict[int, Entry], merged: dict[int, list[str]], me: Any = None) -> str:
    """One entry: its votes, its text (escaped), the author's name if they chose to show it."""
    extra = ""
    if e.links:
        named = [by_id[i] for i in e.links if i in by_id]
        named = [by_id.get(x.merged_into, x) if x.merged_into else x for x in named]
        extra += f"<div class='links muted'>{_('builds on:')} " + " + ".join(esc(x.text) for x in named) + "</div>"
    if merged.get(e.id):
        extra += f"<div class='merged muted'>{_('also:')} " + "; ".join(esc(t) for t in merged[e.id]) + "</div>"
    who = f" <span class='who muted'>— {esc(e.name)}</span>" if e.name else ""
    mine = f" <span class='yours muted'>{_('(yours)')}</span>" if me is not None and e.author == me else ""
    return (f"<li class='entry' data-entry='{e.id}'><span class='votes' title='{esc(_('votes'))}'>{e.votes}</span>"
            f"<span class='text'>{esc(e.text)}</span>{who}{mine}{extra}</li>")


def board_html(fw: Framework, item: str, entries: Iterable[Entry], me: Any = None) -> str:
    """A board's columns, visible items only, most voted first."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    merged = merged_texts(entries)
    cols = []
    for option in fw.item(item).options:
        body = "".join(entry_html(fw, e, by_id, merged, me) for e in ranked(entries, option.id)) or f"<li class='empty muted'>{_('Nothing yet.')}</li>"
        cols.append(f"<section class='col col-{option.id}' data-column='{option.id}'><h3>{esc(option.label)}</h3><ul>{body}</ul></section>")
    return f"<div class='board board-{esc(item)}'>{''.join(cols)}</div>"


def swot_team(fw: Framework, rows: list[dict], entries: list[Entry]) -> list[Part]:
    """The board with votes, the strategies, the team's mission and goals, everyone's own goals."""
    items = [e for e in entries if e.item == "swot_item"]
    strategies = [e for e in entries if e.item == "tows_strategy"]
    goals = "".join(
        f"<h3>{esc(fw.item(i).text)}</h3>" + written_list(A.written(rows, i), f"texts {i}")
        for i in ("team_mission", "team_goal", "personal_goal") if any(it.id == i for it in fw.items)
    )
    return [
        f"<h3>{_('The SWOT board')}</h3>" + board_html(fw, "swot_item", items),
        f"<h3>{_('Strategies (TOWS)')}</h3>" + board_html(fw, "tows_strategy", strategies + items),
        goals,
    ]


def summary(fw: Framework, rows: list[dict], entries: list[Entry], threshold: int = 0) -> list[Part]:
    """The team results of any module, by what its content holds, under the session's threshold."""
    if fw.id == "social_team_swot" or any(i.kind == "board" for i in fw.items):
        return swot_team(fw, rows, entries)
    if any(i.kind == "rank" for i in fw.items) and any(s.id == "culture" for s in fw.steps):
        return purpose_team(fw, rows, threshold)
    if any(i.kind == "rating" and "when" in i.tags for i in fw.items):
        return triad_team(fw, rows, threshold)
    return practices_team(fw, rows, threshold=threshold)
