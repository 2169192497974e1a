"""One person's own workshop as a single HTML file to keep: their commitments with first steps
and dates, their answers module by module, and their own profile beside the team's where the
team's results were shown to them (the threshold reached, the facilitator showing them).

No scripts, nothing fetched: it opens offline and prints to A4 (a module per page). Working
alone (self-study) it is the same file without the team.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import aggregate as A, i18n
from .content import Framework, get_framework, load_frameworks
from .exports import answer_label, question_text
from .i18n import _
from .report import PRINT_CSS, html_page
from .selfstudy import is_self_study
from .sessions import planned
from .store import ModuleState, Participant, Store
from .summaries import commitment_html, commitment_items, written_date
from .text import esc

STYLE = (
    "table{border-collapse:collapse;width:100%}.bar{display:inline-block;height:.8em;border-radius:2px;"
    "vertical-align:middle;-webkit-print-color-adjust:exact;print-color-adjust:exact}.bar.you{background:#1a6fa3}"
    ".bar.team{background:#b35c00}dt{font-weight:600;margin-top:.6em}dd{margin:0 0 0 1em}"
    ".commitments li{margin:.5em 0}.t360 td.num{text-align:right;white-space:nowrap}.t360 th[scope=row]{font-weight:normal;text-align:left}.practices-360 td.num{text-align:left;width:55%}.practices-360 .value{display:inline-block;min-width:2.4em}.practices-360 tr.practice-row th{text-align:left;padding-top:.8em}.bar.all{background:#b35c00}.bar.group{background:#6b7785}.box{border:2px solid #123c5a;border-radius:6px;padding:.2em 1em 1em}"
    "section.module{margin-top:2em;border-top:2px solid #123c5a}" + PRINT_CSS
    + "@media print{section.module{border-top:none}section.module~section.module{break-before:page}}"
)


def handout_html(store: Store, participant: Participant) -> str:
    """The handout of `participant` (in a session, or working alone)."""
    session = store.get_session(participant.session_code)
    alone = is_self_study(session.settings)
    frameworks = load_frameworks()
    modules = [frameworks[m] for m in planned(session.settings, frameworks)]
    states = store.module_states(session.code)
    all_rows = [] if alone else store.answers(session.code)
    mine = {fw.id: store.answers_of(participant, fw.id) for fw in modules}
    name = f"{esc(participant.display_name)}, " if participant.display_name else ""
    where = (_("working on my own") if alone else _("{title} (session {code}, {date})").format(
        title=esc(session.title), code=esc(session.code), date=i18n.date(session.created_at.date(), "long")))
    made = _("Made {date}.").format(date=i18n.date(dt.date.today(), "long"))
    parts = [f"<h1>{_('My workshop')}</h1><p class='muted'>{name}{where}. {made}</p>"]
    promised = [c for fw in modules for c in own_commitments(fw, mine[fw.id])]
    if promised:
        from .followup import sentence

        again = f"<p class='follow-up-date'><b>{esc(sentence(session.follow_up))}</b></p>" if session.follow_up else ""
        parts.append(f"<div class='box'><h2>{_('My commitments')}</h2><ul class='commitments'>"
                     + "".join(commitment_html(c) for c in promised) + f"</ul>{again}</div>")
    for fw in modules:
        rows = [r for r in all_rows if r["module"] == fw.id]
        if fw.reuse is not None:
            parts.append(followup_html(fw, mine[fw.id], store, participant))
            continue
        state = states.get(fw.id, ModuleState())
        n = A.respondents(rows, A.counted_items(fw))
        team = rows if (not alone and state.results_revealed and A.team_visible(n, session.threshold)) else None
        parts.append(module_html(fw, mine[fw.id], team, store, participant))
    if not alone:
        from .observers import result_html, results

        mine360 = results(store, participant)
        if mine360 is not None:
            parts.append(f"<section class='module observers-360'><h2>{_('How others see me (360)')}</h2>{result_html(mine360, heading='h3')}</section>")
    title = _("My workshop: {title}").format(title=session.title) if not alone else _("My workshop")
    return html_page(title, "".join(parts), style=STYLE)


def own_commitments(fw: Framework, answers: dict[str, Any]) -> list[dict]:
    return [dict(text=answers[t], first_step=answers.get(s) or "", date=answers.get(d) or "", name=None)
            for t, s, d in commitment_items(fw) if str(answers.get(t) or "").strip()]


def module_html(fw: Framework, answers: dict[str, Any], team: list[dict] | None, store: Store, participant: Participant) -> str:
    head = f"<section class='module' data-module='{fw.id}'><h2>{fw.order}. {esc(fw.title)}</h2>"
    board = own_board_items(fw, store, participant)
    if not answers and not board:
        return head + f"<p class='muted'>{_('Not answered.')}</p></section>"
    out = [head]
    profile = profile_html(fw, answers, team)
    if profile:
        out.append(profile)
    if board:
        out.append(f"<h3>{_('My items on the board')}</h3><ul>" + "".join(f"<li>{esc(b)}</li>" for b in board) + "</ul>")
    skip = {i for c in commitment_items(fw) for i in c if i}
    written = [(fw.step_of(i.id).title, i, answers[i.id]) for i in fw.items
               if i.kind not in ("rating", "board") and i.id in answers and i.id not in skip and answers[i.id] not in ("", [], None)]
    if written:
        out.append(f"<h3>{_('My answers')}</h3><dl>" + "".join(
            f"<dt>{esc(step)}: {esc(question_text(fw, item))}</dt><dd>{esc(shown(item, value))}</dd>" for step, item, value in written) + "</dl>")
    if team is None and any(i.kind == "rating" for i in fw.items):
        out.append("<p class='muted'>" + _("The team's results were not shown for this module, so only yours are here.") + "</p>")
    out.append("</section>")
    return "".join(out)


def followup_html(fw: Framework, answers: dict[str, Any], store: Store, participant: Participant) -> str:
    """My follow-up: each commitment and my own goal with how far I got, and my score per
    practice in the workshop and now."""
    from .followup import PRACTICES, SWOT, before_after, promises
    from .summaries import fmt, status_label

    head = f"<section class='module follow-up' data-module='{fw.id}'><h2>{fw.order}. {esc(fw.title)}</h2>"
    if not answers:
        return head + f"<p class='muted'>{_('Not answered.')}</p></section>"
    then = store.answers_of(participant, fw.reuse.module)
    out = [head]
    mine = promises(then if fw.reuse.module == PRACTICES else {}, store.answers_of(participant, SWOT))
    if mine:
        out.append(f"<h3>{_('How far I got')}</h3><dl class='promises'>")
        for p in mine:
            status = answers.get(f"{p['prefix']}_status") or []
            said = [(question, answers.get(f"{p['prefix']}_{key}")) for key, question in
                    (("helped", _("What helped")), ("hindered", _("What got in the way")), ("feedback", _("Feedback from")),
                     ("next", _("My next step")))]
            out.append(f"<dt>{esc(p['text'])}</dt><dd><b>{esc(status_label(status[0])) if status else _('Not answered.')}</b>"
                       + "".join(f"<br>{esc(q)}: {esc(v)}" for q, v in said if v) + "</dd>")
        out.append("</dl>")
    rows = before_after(get_framework(fw.reuse.module), then, answers)
    if any(a is not None and b is not None for _i, _t, a, b in rows):
        out.append(f"<h3>{_('Me then and now')}</h3><table><tr><th>{_('Practice')}</th><th>{_('In the workshop')}</th><th>{_('Now')}</th>"
                   f"<th>{_('Change')}</th></tr>" + "".join(
                       f"<tr><td>{esc(title)}</td><td>{fmt(a)}</td><td>{fmt(b)}</td><td>{fmt(None if a is None or b is None else b - a, True)}</td></tr>"
                       for _i, title, a, b in rows) + "</table>")
    out.append("</section>")
    return "".join(out)


def shown(item, value) -> str:
    """An answer as the person reads it (a date written out)."""
    return written_date(value) if item.kind == "date" else str(answer_label(item, value))


def profile_html(fw: Framework, answers: dict[str, Any], team: list[dict] | None) -> str:
    """My score per part (the triad: today and wanted) beside the team's mean, as bars."""
    ratings = [i for i in fw.items if i.kind == "rating"]
    if not ratings:
        return ""
    scale = fw.scales[ratings[0].scale]
    if any("when" in i.tags for i in ratings):  # the triad: per part, today and wanted
        from .summaries import triad_parts

        mine = A.tag_scores(fw, answers, "part", "when")
        theirs = A.team_tag_stats(fw, team, "part", "when") if team else {}
        rows = [(f"{title}, {_('today') if when == 'today' else _('wanted')}", mine.get((part, when)),
                 theirs[(part, when)].mean if (part, when) in theirs else None)
                for part, title in triad_parts(fw) for when in ("today", "wanted")]
    else:
        mine = A.own_scores(fw, answers)
        theirs = A.team_profile(fw, team) if team else {}
        steps = {s.id: s.title for s in fw.steps}
        rows = [(steps[s], mine.get(s), theirs[s].mean if s in theirs else None) for s in dict.fromkeys(A.rating_items(fw).values())]
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return ""
    team_head = f"<th>{_('Team')}</th>" if team else ""

    def bar(v, cls):
        return "" if v is None else f"<span class='bar {cls}' style='width:{80 * (v - scale.min) / (scale.max - scale.min) + 2:.0f}%'></span>"

    body = "".join(
        f"<tr><td>{esc(label)}</td><td>{i18n.number(me)}</td>" + (f"<td>{'' if t is None else i18n.number(t)}</td>" if team else "")
        + f"<td style='width:40%'>{bar(me, 'you')}<br>{bar(t, 'team') if team else ''}</td></tr>"
        for label, me, t in rows
    )
    legend = ("<p class='muted'>" + _("Scale {min} ({low}) to {max} ({high}).").format(
        min=scale.min, low=esc(scale.low_label), max=scale.max, high=esc(scale.high_label))
              + (" " + _("Blue: me; orange: the team's mean.") + "</p>" if team else "</p>"))
    return (f"<h3>{_('My scores')}</h3><table><tr><th>{_('Part')}</th><th>{_('Me')}</th>{team_head}<th>{_('As bars')}</th></tr>"
            f"{body}</table>{legend}")


def own_board_items(fw: Framework, store: Store, participant: Participant) -> list[str]:
    if not any(i.kind == "board" for i in fw.items):
        return []
    from .board import board_entries

    return [f"{fw.item(e.item).option_label(e.column)}: {e.text}"
            for e in board_entries(store, participant.session_code, fw.id) if e.author == participant.id and not e.hidden]
