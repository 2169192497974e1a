"""Exports: a session's outcome (tidy CSV per module, an Excel workbook, an HTML report for the
team to keep) and one person's results.

pandas is imported where a frame is made, so a participant's page can use this module cheaply.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import InputError, KitError, i18n
from .content import load_frameworks
from .sessions import planned
from .i18n import _, ngettext
from .store import Store
from .text import esc

FORMATS = ("csv", "xlsx", "html")


def export(store: Store, code: str, fmt: str, out: Path | str) -> list[Path]:
    """Write the export, in the session's language; returns the files written. CSV: one file per
    module in the folder `out`."""
    if fmt not in FORMATS:
        raise InputError(_("Unknown format '{format}'; choose one of: {formats}.").format(format=fmt, formats=", ".join(FORMATS)))
    session = store.get_session(code)
    with i18n.use(session.language):
        return _export(store, session, fmt, Path(out))


def _export(store: Store, session, fmt: str, out: Path) -> list[Path]:
    from .exports import write_csv, write_workbook

    if fmt == "html":
        if out.suffix.lower() not in (".html", ".htm"):
            out = out / f"{session.code}-report.html" if out.is_dir() or not out.suffix else out.with_suffix(".html")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(session_report_html(store, session.code), encoding="utf-8")
        return [out]
    if fmt == "csv":
        if out.suffix.lower() == ".csv":
            raise InputError(_("A CSV export writes one file per module; give --out a folder, not a .csv file."))
        return write_csv(store, session, out)
    return [write_workbook(store, session, out)]


def _figure_html(spec: dict, n: int) -> str:
    data = json.dumps({"data": spec["data"], "layout": spec["layout"], "config": spec.get("config", {})})
    height = spec["layout"].get("height", 400)
    return (f"<div id='fig-{n}' class='chart' style='min-height:{height}px'></div>"
            f"<script>(function(s){{Plotly.newPlot('fig-{n}', s.data, s.layout, s.config);}})({data});</script>")


def session_report_html(store: Store, code: str) -> str:
    """The session's outcome as one self-contained page: charts (interactive, plotly.js inside the
    file, no internet needed), the SWOT board with votes, the strategies, the commitments, the
    date and the number of participants. A module shows its results only once as many people as
    the session's anonymity threshold took part, as in the live view."""
    import datetime as dt

    from plotly.offline import get_plotlyjs

    from . import summaries as S
    from .board import board_entries, respondent_counts
    from .style import KIT_CSS

    session = store.get_session(code)
    joined = store.participant_count(session.code)
    rows = store.answers(session.code)
    parts = [
        f"<h1>{esc(session.title)}</h1><p class='muted'>"
        + _("Session {code}, held {held}; report made {made}.").format(
            code=esc(session.code), held=i18n.date(session.created_at.date(), "long"), made=i18n.date(dt.date.today(), "long")) + " "
        + ngettext("{n} participant joined.", "{n} participants joined.", joined).format(n=joined) + " "
        + ngettext("Results of a module show once {n} person took part in it.",
                   "Results of a module show once {n} people took part in it.", session.threshold).format(n=session.threshold) + "</p>"
    ]
    figures = 0
    counts = respondent_counts(store, session.code)
    everything = load_frameworks()
    parts.append(decisions_html(store, session, rows, counts, everything))
    for module in planned(session.settings, everything):
        fw = everything[module]
        module_rows = [r for r in rows if r["module"] == module]
        entries = [e for e in board_entries(store, session.code, module) if not e.hidden]
        n = counts.get(module, 0)
        parts.append(f"<section class='module' data-module='{module}'><h2>{fw.order}. {esc(fw.title)}</h2>"
                     "<p class='muted respondents'>" + ngettext("{n} person took part.", "{n} people took part.", n).format(n=n) + "</p>")
        if n == 0:
            parts.append(f"<p class='muted'>{_('This module was not used in the session.')}</p></section>")
            continue
        if n < session.threshold:
            parts.append("<p class='muted hidden-results'>" + _("Fewer than {n} people took part, so the results stay "
                         "hidden, as they did in the workshop.").format(n=session.threshold) + "</p></section>")
            continue
        before = [r for r in rows if r["module"] == fw.reuse.module] if fw.reuse is not None else None
        for part in S.summary(fw, module_rows, entries, session.threshold, before=before):
            if isinstance(part, S.Themes):
                figures += 1
                parts.append(f"<div class='themes'>{_figure_html(part.figure, figures)}{part.list_html()}</div>")
            elif isinstance(part, dict):
                figures += 1
                parts.append(_figure_html(part, figures))
            else:
                parts.append(part)
        if session.settings.get("after") and any(i.kind == "rating" for i in fw.items) and fw.reuse is None and not any("when" in i.tags for i in fw.items):
            parts.append(compared_with_earlier(store, session, fw, module_rows))
        if module == "five_practices":
            from .observers import session_counts

            people, answers = session_counts(store, session.code)
            if people:
                parts.append("<p class='muted observer-counts'>" + ngettext(
                    "{n} person invited observers to rate them (a 360);", "{n} people invited observers to rate them (a 360);", people).format(n=people)
                    + " " + ngettext("{n} observer answered.", "{n} observers answered.", answers).format(n=answers) + " "
                    + _("Each person's 360 is theirs alone: only these counts are in the report.") + "</p>")
        parts.append("</section>")
    script = f"<script>{get_plotlyjs()}</script>" if figures else ""
    style = (KIT_CSS + "body{margin:0 auto;max-width:1000px;padding:1em}.slk section.module{margin-top:2em;border-top:2px solid #123c5a}"
             ".decided{background:#f3f7fb;border-left:4px solid #123c5a;padding:.2em 1.2em .6em;margin:1em 0}"
             ".decided h2{margin-top:.6em}" + PRINT_CSS)
    return html_page(_("{title}: workshop report").format(title=session.title), f"{script}<div class='slk'>{''.join(parts)}</div>", style=style)


def decisions_html(store: Store, session, rows: list[dict], counts: dict, everything: dict) -> str:
    """At the top, what the team decided, for a reader who reads no further: the SWOT's mission and
    team goals, its strategies with the most votes, and how many commitments people made in the
    five practices (each from a module whose results show: the session's threshold reached)."""
    from .board import board_entries
    from .summaries import personal_goals
    from . import aggregate as A

    plan = planned(session.settings, everything)
    shown = {m for m in plan if counts.get(m, 0) >= session.threshold and counts.get(m, 0) > 0}
    lines: list[str] = []
    if "social_team_swot" in shown:
        fw = everything["social_team_swot"]
        swot = [r for r in rows if r["module"] == "social_team_swot"]
        for item, label in (("team_mission", _("Mission")), ("team_goal", _("Team goals for the next 90 days"))):
            texts = A.written(swot, item)
            if texts:
                lines.append(f"<li><b>{esc(label)}:</b> " + "; ".join(esc(t) for t in texts) + "</li>")
        strategies = sorted((e for e in board_entries(store, session.code, "social_team_swot")
                             if e.item == "tows_strategy" and e.visible), key=lambda e: (-e.votes, e.order))
        if strategies:
            lines.append(f"<li><b>{esc(_('Strategies'))} ({len(strategies)}):</b> "
                         + "; ".join(esc(e.text) + (f" ({ngettext('{n} vote', '{n} votes', e.votes).format(n=e.votes)})" if e.votes else "")
                                     for e in strategies[:5]) + ("; …" if len(strategies) > 5 else "") + "</li>")
        goals = personal_goals(fw, swot)
        if goals:
            lines.append("<li>" + ngettext("{n} person set a goal of their own.", "{n} people set a goal of their own.", len(goals)).format(n=len(goals)) + "</li>")
    if "five_practices" in shown:
        from .summaries import commitment_items

        texts = {c for c, _step, _date in commitment_items(everything["five_practices"])}
        written = [r for r in rows if r["module"] == "five_practices" and r["item"] in texts and str(r["value"] or "").strip()]
        made, people = len(written), len({r["participant"] for r in written})
        if made:
            lines.append("<li>" + ngettext("{n} commitment", "{n} commitments", made).format(n=made) + " "
                         + ngettext("made by {n} person in the five practices.", "made by {n} people in the five practices.", people).format(n=people) + "</li>")
    if session.follow_up:
        lines.append("<li>" + _("Follow-up: {date}.").format(date=i18n.date(session.follow_up, "long")) + "</li>")
    if not lines:
        return ""
    return f"<div class='decided'><h2>{_('What the team decided')}</h2><ul>{''.join(lines)}</ul></div>"


def compared_with_earlier(store: Store, session, fw, rows: list[dict]) -> str:
    """A second workshop with the same team: the module's team profile beside the earlier
    session's, each under its own session's threshold (a session below it shows no figure)."""
    from . import aggregate as A
    from .summaries import fmt, rated_steps

    try:
        earlier = store.get_session(session.settings["after"])
    except KitError:
        return "<p class='muted'>" + _("The earlier session ({code}) is no longer in the store.").format(code=esc(session.settings["after"])) + "</p>"
    before = store.answers(earlier.code, fw.id)
    n_then, n_now = A.respondents(before, A.rating_items(fw)), A.respondents(rows, A.rating_items(fw))
    held = i18n.date(earlier.created_at.date(), "long")
    head = f"<h3>{_('Compared with the earlier workshop')}</h3><p class='muted'>" + _(
        "Session {code}, held {held}: {then} people then, {now} now; only means, each shown from its own session's threshold.").format(
        code=esc(earlier.code), held=held, then=n_then, now=n_now) + "</p>"
    if not (A.team_visible(n_then, earlier.threshold) and A.team_visible(n_now, session.threshold)):
        return head + "<p class='muted'>" + _("Too few people in one of the two sessions to compare.") + "</p>"
    then, now = A.team_profile(fw, before), A.team_profile(fw, rows)
    body = "".join(f"<tr data-step='{s.id}'><td>{esc(s.title)}</td><td class='then'>{fmt(then[s.id].mean)}</td>"
                   f"<td class='now'>{fmt(now[s.id].mean)}</td></tr>" for s in rated_steps(fw))
    return (head + f"<table class='compared'><tr><th>{_('Practice')}</th><th>{esc(held)}</th><th>{_('This workshop')}</th></tr>"
            f"{body}</table>")


# A4 on paper: each module on a new page, charts no wider than the printable width (about
# 690 CSS pixels between 14 mm margins), nothing cut in half, the text black on white.
PRINT_CSS = (
    "@page{size:A4;margin:14mm}.chart{max-width:680px}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:11pt;color:#000}"
    ".slk section.module{border-top:none;margin-top:0}.slk section.module~section.module{break-before:page}"
    ".chart,tr,li,.expectation,.decided{break-inside:avoid}h1,h2,h3,h4{break-after:avoid}"
    ".scroll{overflow:visible!important}a{color:#000}.no-print{display:none}}"
)

PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#1f2933;line-height:1.45}"
    "h1,h2,h3{color:#123c5a}td,th{padding:.3em .6em;border-bottom:1px solid #e4e7eb;text-align:left}"
    ".bar{background:#1a6fa3;height:1em;border-radius:3px}.muted{color:#52606d}"
)


def html_page(title: str, body: str, language: str | None = None, style: str = "") -> str:
    """A self-contained HTML page (no scripts unless `body` brings its own), in `language` (default:
    the one being written in). `body` is already escaped."""
    language = i18n.normalize(language) or i18n.current()
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
        f"<style>{PAGE_STYLE}{style}</style></head><body><main>{body}</main></body></html>"
    )
