"""A module's team results as the parts a facilitator talks through, each with its title.

The same results are shown to participants (behind the anonymity rules), on the room screen (one
part at a time, paged to fit the screen), in the console's preview and in the HTML report, so
they always agree and come in the same order. A module's results are a list of `Section`s (the
purposes, the culture fit, one SWOT quadrant, the themes of the room's words, ...); a section's
parts are:

- a `str`: HTML (typed text escaped);
- a `dict`: a plotly figure spec from `slkit.charts`;
- `Rows`: a table or list whose rows the room screen may spread over several pages;
- `Themes`: the words the team used most, as a word cloud and a ranked list.

>>> from slkit.content import get_framework
>>> [s.id for s in sections(get_framework("motivation_triad"), rows=[], entries=[])][:2]
['chart', 'table']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Union

from . import aggregate as A
from . import charts
from .board import Entry, merged_texts, ranked
from .content import Framework
from .i18n import N_, _, date as written_date_in, ngettext, number
from .text import esc


@dataclass(frozen=True)
class Rows:
    """A table (`kind` "table": `head` is its header row) or a list ("ul", "ol") of items (each
    its row or <li> HTML), with the lines each item takes on the room screen (`lines`)."""

    kind: str
    cls: str
    items: tuple[str, ...]
    head: str = ""
    lines: tuple[int, ...] = ()
    empty: str = ""
    attrs: str = ""  # more attributes of the table or list, e.g. "data-item='channels'"

    def html(self) -> str:
        if not self.items:
            return self.empty
        attrs = f" {self.attrs}" if self.attrs else ""
        if self.kind == "table":
            return f"<div class='scroll'><table class='{self.cls}'{attrs}>{self.head}{''.join(self.items)}</table></div>"
        return f"<{self.kind} class='{self.cls}'{attrs}>{''.join(self.items)}</{self.kind}>"

    def weights(self) -> tuple[int, ...]:
        return self.lines if len(self.lines) == len(self.items) else tuple(1 for _i in self.items)


@dataclass(frozen=True)
class Themes:
    """The words and two-word phrases the team used most (slkit.themes): a cloud and, beside it,
    the same terms ranked with how many people used each (the cloud's text alternative)."""

    figure: dict
    terms: Rows
    people: int

    def list_html(self) -> str:
        """The ranked terms with their counts, and what they are (the cloud's text alternative)."""
        return ("<p class='themes-people muted'>" + ngettext("{n} person wrote here.", "{n} people wrote here.", self.people).format(n=self.people)
                + "</p>" + self.terms.html() + "<p class='muted themes-note'>" + _("Words and phrases that two or more people used.") + "</p>")


Part = Union[str, dict, Rows, Themes]


@dataclass(frozen=True)
class Section:
    """One part of a module's results: what the room screen shows at a time."""

    id: str
    title: str
    parts: tuple = ()
    kind: str = "results"  # or "themes"

    def html(self, level: int = 3) -> str:
        """Its HTML for a page or the report, figures and themes left out (`flatten` keeps them)."""
        return "".join(p for p in flatten([self], level) if isinstance(p, str))


def flatten(found: Iterable[Section], level: int = 3) -> list:
    """Sections as one list of parts for a page or the report: each title as a heading before its
    parts; tables and lists as HTML; figures and themes as they are."""
    out: list = []
    for section in found:
        # A section that is one chart is titled by the chart itself.
        alone = all(isinstance(p, dict) for p in section.parts)
        heading = f"<h{level}>{esc(section.title)}</h{level}>" if section.title and not alone else ""
        for part in section.parts:
            part = part.html() if isinstance(part, Rows) else part
            if isinstance(part, str):
                if out and isinstance(out[-1], str) and heading == "":
                    out[-1] += part
                else:
                    out.append(heading + part)
                    heading = ""
            else:
                if heading:
                    out.append(heading)
                    heading = ""
                out.append(part)
        if heading:
            out.append(heading)
    return out


# ---- the room screen: a section in pages that fit -------------------------------------------------

# What one screen holds with the screen's type (24 px at 1280x720, scaled with the window's height,
# so 1920x1080 holds the same): lines of text of about SCREEN_CHARS characters under the titles.
SCREEN_LINES = 12
SCREEN_CHARS = 64
_BLOCK = re.compile(r"<(?:p|h[1-6]|li|tr|div class='expectation|section)\b", re.I)
_TAG = re.compile(r"<[^>]+>")


def lines_of(text: str, chars: int = SCREEN_CHARS) -> int:
    """Screen lines a piece of plain text takes (at least one)."""
    return max(1, math.ceil(len(text.strip()) / chars))


def html_lines(html: str) -> int:
    """Screen lines an HTML part takes, estimated block by block."""
    blocks = [b for b in _BLOCK.split(html) if _TAG.sub("", b).strip()]
    return sum(lines_of(_TAG.sub(" ", b)) for b in blocks) or 1


def screen_pages(section: Section, lines: int = SCREEN_LINES) -> list[list]:
    """A section as pages for the room screen: a figure or a themes view on a page of its own (a
    line or two of text may stand above it); text, tables and lists filling pages of `lines`, a long table or list carried over to the next
    page (its header again). Always at least one page."""
    pages: list[list] = []
    page: list = []
    used = 0

    def close() -> None:
        nonlocal page, used
        if page:
            pages.append(page)
        page, used = [], 0

    for part in section.parts:
        if isinstance(part, (dict, Themes)):
            if page and used > 2:  # a line or two of text may stand above a chart; more has its own page
                close()
            page.append(part)
            close()
            continue
        if isinstance(part, Rows):
            head = 1 if part.head else 0
            chunk: list[str] = []
            for item, n in zip(part.items, part.weights()):
                if chunk and used + n > lines:
                    page.append(replace(part, items=tuple(chunk), lines=()))
                    close()
                    chunk = []
                if not chunk:
                    used += head
                    if used + n > lines and page:
                        close()
                        used = head
                chunk.append(item)
                used += n
            if chunk:
                page.append(replace(part, items=tuple(chunk), lines=()))
            elif not part.items and part.empty:
                page.append(part.empty)
                used += 1
            continue
        n = html_lines(part)
        if page and used + n > lines:
            close()
        page.append(part)
        used += n
    close()
    return pages or [[]]


# ---- small pieces --------------------------------------------------------------------------------

def nothing_yet() -> str:
    return f"<p class='muted'>{_('Nothing written yet.')}</p>"


def written_list(texts: list[str], cls: str = "texts") -> str:
    """Written answers side by side (a name only where its author chose to show it)."""
    return written_rows(texts, cls).html()


def written_rows(texts: list[str], cls: str = "texts") -> Rows:
    """Written answers as a list the screen may page."""
    return Rows("ul", cls, tuple(f"<li>{esc(t)}</li>" for t in texts), lines=tuple(lines_of(t) for t in texts), empty=nothing_yet())


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
    return "<tr>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>"


def scale_range(fw: Framework) -> tuple[int, int]:
    """The module's (first) rating scale, as (min, max)."""
    scale = next(iter(fw.scales.values()))
    return scale.min, scale.max


def fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return ""
    return ("+" if signed and v > 0 else "") + number(v)


# ---- purpose first ------------------------------------------------------------------------------

def purpose_sections(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Section]:
    """The objectives ranked, the culture fit, the purposes in each person's words, the value
    expected per objective, the channels chosen, the decision with its reasons."""
    objectives = fw.item("objectives")
    ranked_objectives = [r for r in A.rank_points(fw, rows, "objectives") if r.chosen]
    top = objectives.max_choices or len(objectives.options)
    rank_rows = tuple(
        f"<tr data-option='{r.option}'><td>{n}</td><td>{esc(objectives.option_label(r.option))}</td>"
        f"<td class='points'>{r.points}</td><td class='chosen'>{r.chosen}</td><td class='first'>{r.first}</td></tr>"
        for n, r in enumerate(ranked_objectives, 1)
    )
    others = A.written(rows, "objective_other")
    objective_parts: list[Part] = [
        "<p class='muted'>" + _("A first place earns {top} points, a second {second}, and so on.").format(top=top, second=top - 1) + "</p>",
        Rows("table", "rank-table", rank_rows, _head(_("Rank"), _("Objective"), _("Points"), _("Chosen by"), _("First place")),
             tuple(lines_of(objectives.option_label(r.option), 50) for r in ranked_objectives), empty=nothing_yet()),
    ]
    if others:
        objective_parts += [f"<p>{_('Also named:')}</p>", written_rows(others)]

    culture = next(s for s in fw.steps if s.id == "culture")
    stats = A.item_stats(fw, rows, threshold)
    scale = fw.scales[culture.items[0].scale]
    means = {i.id: stats[i.id].mean for i in culture.items if stats[i.id].n}
    against = set(A.pulling_against(fw, means, "culture"))
    # How many gave each value shows only where the rule for distributions allows (aggregate.detail_visible).
    values = range(scale.min, scale.max + 1) if A.detail_visible(A.respondents(rows, [i.id for i in culture.items]), threshold) else range(0)
    shown = [i for i in culture.items if i.id in means]
    culture_rows = tuple(
        f"<tr data-item='{i.id}' class='{'against' if i.id in against else ''}'><td>{esc(i.text)}</td>"
        + "".join(f"<td class='n{v}'>{c}</td>" for v, c in A.value_counts(fw, rows, [i.id]).items() if v in values)
        + f"<td class='mean'>{number(stats[i.id].mean)}</td><td class='sd'>{spread_cell(stats[i.id])}</td></tr>"
        for i in shown
    )
    culture_head = f"<tr><th>{_('Statement')}</th>" + "".join(f"<th>{v}</th>" for v in values) + f"<th>{_('Mean')}</th><th>{_('Spread')}</th></tr>"

    decisions = A.choice_counts(fw, rows, "decision")
    decision_item = fw.item("decision")
    reasons = A.written(rows, "decision_reason")
    tools = [i.id for i in fw.items if i.kind == "choice" and fw.step_of(i.id).id == "tools"]
    return [
        Section("objectives", _("Objectives, ranked by the team"), tuple(objective_parts)),
        Section("culture", _("Culture fit: how the team rated each statement"), (
            f"<p class='muted'>{scale.min} = {esc(scale.low_label)}, {scale.max} = {esc(scale.high_label)}. "
            + _("Rows in red pull against the purpose on the team's average.") + "</p>",
            Rows("table", "culture-table", culture_rows, culture_head, tuple(lines_of(i.text, 42) for i in shown), empty=nothing_yet()),
            spread_note(counts=True),
        )),
        Section("purposes", _("Our purpose, in each person's words"), (written_rows(A.written(rows, "purpose_sentence"), "texts purposes"),)),
        Section("value", _("What we expect, per objective"), tuple(expectations(fw, rows, [r.option for r in ranked_objectives])) or (nothing_yet(),)),
        *([Section("tools", _("{step}: what the team chose").format(step=fw.step_of(tools[0]).title), tuple(choices_parts(fw, rows, tools)))] if tools else []),
        Section("decision", _("Decisions"), (
            Rows("table", "decision-table", tuple(f"<tr data-option='{o}'><td>{esc(decision_item.option_label(o))}</td><td class='count'>{n}</td></tr>"
                                                  for o, n in decisions.items())),
            f"<p>{_('The reasons given:')}</p>", written_rows(reasons, "texts reasons"),
        )),
    ]


def expectations(fw: Framework, rows: list[dict], objectives: list[str]) -> list[str]:
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
    return out


def expectations_html(fw: Framework, rows: list[dict], objectives: list[str]) -> str:
    return f"<h3>{_('What we expect, per objective')}</h3>" + ("".join(expectations(fw, rows, objectives)) or nothing_yet())


def choices_parts(fw: Framework, rows: list[dict], items: list[str]) -> list[Part]:
    """How many people chose each option of some questions (the channels, the rhythm, who takes part)."""
    out: list[Part] = []
    for item_id in items:
        item = fw.item(item_id)
        counts = A.choice_counts(fw, rows, item_id)
        ordered = sorted(item.options, key=lambda o: -counts.get(o.id, 0))
        out.append(f"<h4>{esc(item.text)}</h4>")
        out.append(Rows("table", "choice-table", attrs=f"data-item='{item_id}'", items=
                        tuple(f"<tr data-option='{o.id}'><td>{esc(o.label)}</td><td class='count'>{counts.get(o.id, 0)}</td></tr>" for o in ordered),
                        head=_head(_("Option"), _("People")), lines=tuple(lines_of(o.label, 50) for o in ordered)))
    return out


def purpose_team(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Part]:
    """Purpose first's results for a page (see `purpose_sections`)."""
    return flatten(purpose_sections(fw, rows, threshold))


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


def triad_sections(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Section]:
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
    triad_rows = tuple(
        f"<tr data-part='{p}'><td>{esc(t)}</td><td class='today'>{fmt(team[(p, TODAY)].mean)}</td><td class='today-sd'>{spread_cell(team[(p, TODAY)])}</td>"
        f"<td class='wanted'>{fmt(team[(p, WANTED)].mean)}</td><td class='wanted-sd'>{spread_cell(team[(p, WANTED)])}</td>"
        f"<td class='gap'>{fmt(part_gaps[(p,)].mean, True)}</td></tr>"
        for p, t in ps if team[(p, TODAY)].n and team[(p, WANTED)].n
    )
    ordered = sorted((kv for kv in facet_gaps.items() if kv[1].n), key=lambda kv: -kv[1].mean)
    gap_items = tuple(
        f"<li data-facet='{part}_{facet}'>{esc(facet_label(fw, part, facet))} <b class='gap'>{fmt(stat.mean, True)}</b></li>"
        for (part, facet), stat in ordered
    )
    blocker_items = [i for i in fw.items if i.kind == "choice" and "part" in i.tags]
    options = blocker_items[0].options if blocker_items else []
    counts = {i.tags["part"]: A.choice_counts(fw, rows, i.id) for i in blocker_items}
    blocker_rows = tuple(
        f"<tr data-option='{o.id}'><td>{esc(o.label)}</td>" + "".join(f"<td class='{p}'>{counts.get(p, {}).get(o.id, 0)}</td>" for p, _t in ps)
        + f"<td class='total'>{sum(c.get(o.id, 0) for c in counts.values())}</td></tr>"
        for o in options
    )
    changes: list[Part] = []
    for p, t in ps:
        changes += [f"<h4>{esc(t)}</h4>", written_rows(A.written(rows, f"{p}_change"), f"texts changes-{p}")]
    return [
        Section("chart", _("The team: today and what we want"), (figure,)),
        Section("table", _("The figures"), (
            Rows("table", "triad-table", triad_rows, _head(_("Part"), _("Today"), _("Spread"), _("Wanted"), _("Spread"), _("Gap"))),
            spread_note())),
        Section("gaps", _("Gaps, largest first"), (Rows("ol", "gaps", gap_items),)),
        Section("blockers", _("What holds it back (number of people)"), (
            Rows("table", "blocker-table", blocker_rows, f"<tr><th>{_('Reason')}</th>" + "".join(f"<th>{esc(t)}</th>" for _p, t in ps)
                 + f"<th>{_('All')}</th></tr>"),)),
        Section("changes", _("Changes the team proposes"), tuple(changes)),
    ]


def triad_team(fw: Framework, rows: list[dict], threshold: int = 0) -> list[Part]:
    """The triad's results for a page (see `triad_sections`)."""
    return flatten(triad_sections(fw, rows, threshold))


# ---- modules rated on a scale (the five practices) -------------------------------------------------

def rated_steps(fw: Framework):
    steps = set(A.rating_items(fw).values())
    return [s for s in fw.steps if s.id in steps]


def practices_sections(fw: Framework, rows: list[dict], own: dict[str, float] | None = None, threshold: int = 0) -> list[Section]:
    """The team's mean and spread per step (beside one's own, if given), how ratings spread (the
    heat map, where the rule for distributions allows: aggregate.detail_visible), and, for the
    team, every commitment."""
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
                    "<p class='muted heatmap-waiting'>" + _(
                        "How many gave each rating shows once more than {n} people have answered, and more than the threshold: "
                        "with fewer, it would show single people's answers.").format(n=max(A.SPREAD_MIN - 1, threshold)) + "</p>")
    answered = [s for s in steps if team[s.id].n]
    table_rows = tuple(
        f"<tr data-step='{s.id}'><td>{esc(s.title)}</td>"
        + ("" if own is None else f"<td class='own'>{'' if s.id not in own else number(own[s.id])}</td>")
        + f"<td class='mean'>{number(team[s.id].mean)}</td><td class='sd'>{spread_cell(team[s.id])}</td></tr>"
        for s in answered
    )
    spreads = {s.id: team[s.id].sd for s in answered if team[s.id].sd is not None}
    widest = max(spreads, key=spreads.get) if spreads else None
    note = ""
    if widest is not None and len(set(round(v, 1) for v in spreads.values())) > 1:  # equal spreads single nothing out
        note = "<p>" + _("The team disagrees most on {practice}: worth a conversation.").format(
            practice=f"<b>{esc(next(s.title for s in answered if s.id == widest))}</b>") + "</p>"
    own_head = f"<th>{_('You')}</th>" if own is not None else ""
    found = [
        Section("profile", _("You and the team") if own is not None else _("The team's profile"), (profile,)),
        Section("table", _("The figures"), (
            Rows("table", "team-table", table_rows, f"<tr><th>{_('Practice')}</th>{own_head}<th>{_('Team mean')}</th><th>{_('Spread')}</th></tr>"),
            spread_note(), *([note] if note else []))),
        Section("heatmap", _("How the team rated"), (spread,)),
    ]
    if own is None:
        found.append(Section("commitments", _("Commitments"), (commitment_rows(fw, rows),)))
    return found


def practices_team(fw: Framework, rows: list[dict], own: dict[str, float] | None = None, threshold: int = 0) -> list[Part]:
    """The five practices' results for a page (see `practices_sections`)."""
    return flatten(practices_sections(fw, rows, own, threshold))


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


def commitment_rows(fw: Framework, rows: list[dict]) -> Rows:
    found = commitments(fw, rows)
    return Rows("ul", "texts commitments", tuple(commitment_html(c) for c in found),
                lines=tuple(lines_of(c["text"]) + (lines_of(c["first_step"]) if c["first_step"] else 0) + (1 if c["date"] else 0) for c in found),
                empty=nothing_yet())


def commitments_html(fw: Framework, rows: list[dict]) -> str:
    return commitment_rows(fw, rows).html()


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
    votes = ngettext("{n} vote", "{n} votes", e.votes).format(n=e.votes)
    return (f"<li class='entry' data-entry='{e.id}'><span class='votes' title='{esc(votes)}'>{e.votes}</span>"
            f"<span class='text'>{esc(e.text)}</span>{who}{mine}{extra}</li>")


def entry_lines(e: Entry, by_id: dict[int, Entry], merged: dict[int, list[str]]) -> int:
    n = lines_of(e.text, SCREEN_CHARS - 6)
    if e.links:
        n += lines_of(" + ".join(by_id[i].text for i in e.links if i in by_id))
    if merged.get(e.id):
        n += lines_of("; ".join(merged[e.id]))
    return n


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


def column_rows(item: str, column: str, column_entries: list[Entry], everything: list[Entry]) -> Rows:
    """One column of a board as a list the screen may page, most voted first."""
    by_id = {e.id: e for e in everything}
    merged = merged_texts(everything)
    return Rows("ul", f"board-column col-{column}", attrs=f"data-column='{column}'",
                items=tuple(entry_html(None, e, by_id, merged) for e in column_entries),
                lines=tuple(entry_lines(e, by_id, merged) for e in column_entries),
                empty=f"<p class='muted'>{_('Nothing yet.')}</p>")


def swot_sections(fw: Framework, rows: list[dict], entries: list[Entry]) -> list[Section]:
    """Each quadrant with its votes, the items with the most votes, the strategies, the mission and the goals."""
    items = [e for e in entries if e.item == "swot_item"]
    strategies = [e for e in entries if e.item == "tows_strategy"]
    found = [Section(f"quadrant-{o.id}", o.label, (column_rows("swot_item", o.id, ranked(items, o.id), items),))
             for o in fw.item("swot_item").options]
    voted = sorted((e for e in items if e.visible and e.votes), key=lambda e: (-e.votes, e.order))[:10]
    label = {o.id: o.label for o in fw.item("swot_item").options}
    top_rows = tuple(f"<tr data-entry='{e.id}'><td class='votes'>{e.votes}</td><td>{esc(e.text)}</td><td class='muted'>{esc(label.get(e.column, ''))}</td></tr>"
                     for e in voted)
    found.append(Section("votes", _("What the team voted for most"), (
        Rows("table", "votes-table", top_rows, _head(_("Votes"), _("Item"), _("Quadrant")), tuple(lines_of(e.text, 45) for e in voted),
             empty=f"<p class='muted'>{_('No votes yet.')}</p>"),)))
    if any(i.id == "tows_strategy" for i in fw.items):
        parts: list[Part] = []
        for o in fw.item("tows_strategy").options:
            mine = ranked(strategies, o.id)
            if mine:
                parts += [f"<h4>{esc(o.label)}</h4>", column_rows("tows_strategy", o.id, mine, strategies + items)]
        found.append(Section("strategies", _("Strategies (TOWS)"), tuple(parts) or (f"<p class='muted'>{_('Nothing yet.')}</p>",)))
    goals: list[Part] = []
    for i in ("team_mission", "team_goal"):
        if any(it.id == i for it in fw.items):
            goals += [f"<h4>{esc(fw.item(i).text)}</h4>", written_rows(A.written(rows, i), f"texts {i}")]
    if any(it.id == "personal_goal" for it in fw.items):
        goals += [f"<h4>{esc(_('Personal goals'))}</h4>", personal_goal_rows(fw, rows)]
    found.append(Section("goals", _("Mission and goals"), tuple(goals)))
    return found


def personal_goals(fw: Framework, rows: list[dict]) -> list[dict]:
    """Everyone's own goal with its first step and date, soonest first (a name only where chosen)."""
    answers: dict[Any, dict[str, Any]] = {}
    names: dict[Any, str | None] = {}
    for r in rows:
        answers.setdefault(r["participant"], {})[r["item"]] = r["value"]
        if r.get("name"):
            names[r["participant"]] = r["name"]
    out = [dict(text=a["personal_goal"], first_step=a.get("personal_first_step") or "", date=a.get("personal_date") or "", name=names.get(p))
           for p, a in answers.items() if str(a.get("personal_goal") or "").strip()]
    return sorted(out, key=lambda c: (c["date"] or "9999", c["text"].casefold()))


def personal_goal_rows(fw: Framework, rows: list[dict]) -> Rows:
    found = personal_goals(fw, rows)
    return Rows("ul", "texts personal_goal", tuple(commitment_html(c).replace("class='commitment'", "class='goal'") for c in found),
                lines=tuple(lines_of(c["text"]) + (lines_of(c["first_step"]) if c["first_step"] else 0) + (1 if c["date"] else 0) for c in found),
                empty=nothing_yet())


def swot_team(fw: Framework, rows: list[dict], entries: list[Entry]) -> list[Part]:
    """The SWOT's results for a page (see `swot_sections`)."""
    return flatten(swot_sections(fw, rows, entries))


# ---- the follow-up ---------------------------------------------------------------------------------

def status_label(status: str) -> str:
    return {"done": _("Done"), "started": _("Started"), "not_yet": _("Not yet")}[status]


def status_items(fw: Framework) -> tuple[list[str], list[str]]:
    """The follow-up's status questions: (one per commitment, the own goal's)."""
    return ([i.id for i in fw.items if i.id.endswith("_status") and i.tags.get("commitment", "").startswith("commitment_")],
            [i.id for i in fw.items if i.id == "goal_status"])


def followup_sections(fw: Framework, rows: list[dict], before_rows: list[dict] | None, threshold: int = 0) -> list[Section]:
    """How far the team got with its commitments and goals, its change in the practices between
    the workshop and now (the people who answered both; aggregate rule 5), how far it came with
    its goals, and what helped, what got in the way and what comes next, in people's words."""
    from .content import get_framework

    before_fw = get_framework(fw.reuse.module, language=fw.language) if fw.reuse else None
    commitment_status, goal_status = status_items(fw)
    people = A.respondents(rows, commitment_status + goal_status)
    if A.team_visible(people, threshold):
        # A row per status, a column per kind: three columns fit a phone (five did not).
        groups = ((_("Commitments"), commitment_status), (_("Own goals"), goal_status))
        counts = [A.status_counts(rows, items) for _label, items in groups]
        status_rows = [f"<tr><th scope='row'>{esc(status_label(s))}</th>" + "".join(f"<td class='status-{s}'>{c[s]}</td>" for c in counts) + "</tr>"
                       for s in A.STATUSES]
        status_rows.append(f"<tr class='total'><th scope='row'>{esc(_('All'))}</th>"
                           + "".join(f"<td class='total'>{sum(c.values())}</td>" for c in counts) + "</tr>")
        statuses: tuple = (
            "<p class='muted'>" + ngettext("{n} person said how far they got.", "{n} people said how far they got.", people).format(n=people) + "</p>",
            Rows("table", "status-table", tuple(status_rows), _head(_("How far"), *(label for label, _items in groups))),
        )
    else:
        statuses = ("<p class='muted waiting'>" + ngettext(
            "How far the team got shows once {k} person has answered ({n} so far).",
            "How far the team got shows once {k} people have answered ({n} so far).", threshold).format(k=threshold, n=people) + "</p>",)

    change_parts: tuple
    if before_fw is None or before_rows is None:
        change_parts = ()
    else:
        paired, n_before, changes = A.team_change(before_fw, before_rows, rows, threshold)
        if A.paired_visible(paired, n_before, threshold):
            steps = rated_steps(before_fw)
            figure = charts.compare_figure(
                [s.title for s in steps],
                [(_("In the workshop"), [changes[s.id].before for s in steps], None),
                 (_("Now"), [changes[s.id].after for s in steps], None)],
                scale_range(before_fw), title=_("The team then and now"))
            change_rows = tuple(
                f"<tr data-step='{s.id}'><td>{esc(s.title)}</td><td class='before'>{fmt(changes[s.id].before)}</td>"
                f"<td class='after'>{fmt(changes[s.id].after)}</td><td class='change'>{fmt(changes[s.id].change.mean, True)}</td>"
                f"<td class='sd'>{spread_cell(changes[s.id].change)}</td></tr>" for s in steps if changes[s.id].n)
            change_parts = (
                "<p class='muted'>" + ngettext("{n} person answered in the workshop and now: these figures are theirs.",
                                               "{n} people answered in the workshop and now: these figures are theirs.", paired).format(n=paired) + "</p>",
                figure,
                Rows("table", "change-table", change_rows, _head(_("Practice"), _("Then"), _("Now"), _("Change"), _("Spread"))),
                spread_note(),
            )
        else:
            change_parts = ("<p class='muted waiting change-waiting'>" + _(
                "The team's before and after shows once {k} people who rated the practices in the workshop have rated them "
                "again, and either all of them or at least {k} fewer: otherwise it would give single people's answers away "
                "({n} of {m} so far).").format(k=max(1, threshold), n=paired, m=n_before) + "</p>",)

    found = [Section("statuses", _("How far we got"), statuses)]
    if change_parts:
        found.append(Section("change", _("The practices then and now"), change_parts))
    if any(i.id == "team_progress" for i in fw.items):
        stat = A.item_stats(fw, rows, threshold).get("team_progress")
        scale = fw.scales[fw.item("team_progress").scale]
        if stat and A.team_visible(stat.n, threshold):
            progress = ("<p class='team-progress'>" + _("How far the team has come with its goals: {mean} of {max} ({n} people).").format(
                mean=f"<b>{number(stat.mean)}</b>", max=scale.max, n=stat.n) + "</p>"
                        f"<p class='muted'>{scale.min} = {esc(scale.low_label)}, {scale.max} = {esc(scale.high_label)}.</p>",)
        else:
            progress = ("<p class='muted waiting'>" + _("Shows once {k} people have answered.").format(k=threshold) + "</p>",)
        found.append(Section("team", _("The team's goals"), progress))
    for sid, title, asks in (("helped", _("What helped"), "helped"), ("hindered", _("What got in the way"), "hindered"),
                             ("next", _("The next steps"), "next")):
        ids = [i.id for i in fw.items if i.tags.get("asks") == asks]
        texts = [t for i in ids for t in A.written(rows, i)]
        found.append(Section(sid, title, (written_rows(sorted(texts, key=str.casefold), f"texts {sid}"),)))
    return found


# ---- themes of the room's words ---------------------------------------------------------------------

# Per module: the free-text questions whose words are put together into themes (a section each):
# (section id, title, which items: a test on the item, or "board" for a board's items).
THEMES: dict[str, list[tuple[str, str, Any]]] = {
    "purpose_first": [
        ("purposes", N_("Themes: our purpose"), lambda i: i.id == "purpose_sentence"),
        ("value", N_("Themes: the value we expect"), lambda i: "asks" in i.tags),
        ("reasons", N_("Themes: the reasons for the decision"), lambda i: i.id in ("decision_reason", "objective_other")),
    ],
    "motivation_triad": [("changes", N_("Themes: the changes the team proposes"), lambda i: i.id.endswith("_change"))],
    "social_team_swot": [
        ("board", N_("Themes: the SWOT board"), "board"),
        ("goals", N_("Themes: mission and goals"), lambda i: i.id in ("team_mission", "team_goal", "personal_goal")),
    ],
    "five_practices": [("commitments", N_("Themes: our commitments"), lambda i: i.id.startswith("commitment_") and not i.id.endswith("_date"))],
    "follow_up": [
        ("helped", N_("Themes: what helped"), lambda i: i.tags.get("asks") == "helped"),
        ("hindered", N_("Themes: what got in the way"), lambda i: i.tags.get("asks") == "hindered"),
    ],
}


def themes_sections(fw: Framework, rows: list[dict], entries: list[Entry], threshold: int = 0) -> list[Section]:
    """A themes view per group of free-text questions (THEMES): the words and phrases at least two
    people used, once the threshold of people wrote something. Texts the facilitator hid are not
    in `rows` or among the visible entries, so they count for nothing."""
    from . import themes as T

    out = []
    for sid, title, which in THEMES.get(fw.id, []):
        if which == "board":
            texts = [(e.author, e.text) for e in entries if e.visible and e.item == "swot_item"]
        else:
            ids = {i.id for i in fw.items if i.kind == "text" and which(i)}
            texts = [(r["participant"], str(r["value"])) for r in rows if r["item"] in ids and str(r["value"] or "").strip()]
        people = T.respondents(texts)
        if not A.team_visible(people, max(threshold, T.MIN_PEOPLE)):
            parts: tuple = ("<p class='muted themes-waiting'>" + ngettext(
                "The themes show once {k} person has written something here ({n} so far).",
                "The themes show once {k} people have written something here ({n} so far).", max(threshold, T.MIN_PEOPLE)
            ).format(k=max(threshold, T.MIN_PEOPLE), n=people) + "</p>",)
        else:
            found = T.themes(texts)
            if not found:
                parts = ("<p class='muted themes-none'>" + _("No word or phrase was used by more than one person yet.") + "</p>",)
            else:
                terms = Rows("ol", "themes-list" + (" many" if len(found) > 6 else ""), tuple(
                    f"<li><span class='term'>{esc(t.term)}</span> <span class='count'>{t.people}</span></li>" for t in found))
                parts = (Themes(T.cloud_figure(found, _(title), **T.PAGE_CLOUD), terms, people),)
        out.append(Section(f"themes-{sid}", _(title), parts, kind="themes"))
    return out


# ---- any module -------------------------------------------------------------------------------------

def sections(fw: Framework, rows: list[dict], entries: list[Entry], threshold: int = 0, *, themes: bool = True,
             before: list[dict] | None = None) -> list[Section]:
    """A module's team results, part by part, in the order a facilitator talks them through (the
    room screen, the console's preview and the report), under the session's threshold; with the
    themes of the room's words at the end unless `themes` is False. `before`: for a module that
    comes back to another (the follow-up), that module's answers (the workshop's ratings)."""
    if fw.reuse is not None:
        found = followup_sections(fw, rows, before, threshold)
    elif fw.id == "social_team_swot" or any(i.kind == "board" for i in fw.items):
        found = swot_sections(fw, rows, entries)
    elif any(i.kind == "rank" for i in fw.items) and any(s.id == "culture" for s in fw.steps):
        found = purpose_sections(fw, rows, threshold)
    elif any(i.kind == "rating" and "when" in i.tags for i in fw.items):
        found = triad_sections(fw, rows, threshold)
    else:
        found = practices_sections(fw, rows, threshold=threshold)
    return found + (themes_sections(fw, rows, entries, threshold) if themes else [])


def before_rows(store, code: str, fw: Framework) -> list[dict] | None:
    """For a module that comes back to another (the follow-up): that module's answers in the session."""
    return store.answers(code, fw.reuse.module) if fw.reuse is not None else None


def summary(fw: Framework, rows: list[dict], entries: list[Entry], threshold: int = 0, before: list[dict] | None = None) -> list[Part]:
    """The team results of any module as parts for a page (see `sections`)."""
    return flatten(sections(fw, rows, entries, threshold, before=before))
