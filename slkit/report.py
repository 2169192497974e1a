"""Exports: a session's outcome (tidy CSV per module, an Excel workbook, an HTML report for the
team to keep) and one person's results.

pandas is imported where a frame is made, so a participant's page can use this module cheaply.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import InputError
from .content import load_frameworks
from .store import SessionInfo, Store
from .text import esc

FORMATS = ("csv", "xlsx", "html")
BOARD = "social_team_swot_board"  # the name of the SWOT board's sheet and file


def tidy_answers(store: Store, code: str):
    """One row per answer: module, step, item, question, value, participant (P1, P2, ... per session)."""
    import pandas as pd

    frameworks = load_frameworks()
    rows = store.answers(code)
    order: dict[int, str] = {}
    records = []
    for r in rows:
        alias = order.setdefault(r["participant"], f"P{len(order) + 1}")
        fw = frameworks.get(r["module"])
        question = step = kind = ""
        if fw is not None:
            try:
                item = fw.item(r["item"])
                question, kind, step = item.text, item.kind, fw.step_of(item.id).id
            except (InputError, KeyError):
                pass
        value = r["value"]
        records.append(dict(
            module=r["module"], step=step, item=r["item"], kind=kind, question=question,
            participant=alias, name=r["name"] or "",
            value=value if isinstance(value, (int, float, str)) else json.dumps(value, ensure_ascii=False),
            updated_at=r["updated_at"],
        ))
    columns = ["module", "step", "item", "kind", "question", "participant", "name", "value", "updated_at"]
    return pd.DataFrame.from_records(records, columns=columns)


def session_frame(session: SessionInfo, participants: int):
    import pandas as pd

    return pd.DataFrame(
        [("code", session.code), ("title", session.title), ("created", session.created_at.isoformat()),
         ("anonymity threshold", session.threshold), ("participants", participants),
         *((f"setting: {k}", json.dumps(v)) for k, v in sorted(session.settings.items()))],
        columns=["field", "value"],
    )


def export(store: Store, code: str, fmt: str, out: Path | str) -> list[Path]:
    """Write the export; returns the files written. CSV: one file per module in the folder `out`."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}.")
    session = store.get_session(code)
    frame = tidy_answers(store, session.code)
    frame["updated_at"] = frame["updated_at"].astype(str)
    out = Path(out)
    written: list[Path] = []
    if fmt == "html":
        if out.suffix.lower() not in (".html", ".htm"):
            out = out / f"{session.code}-report.html" if out.is_dir() or not out.suffix else out.with_suffix(".html")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(session_report_html(store, session.code), encoding="utf-8")
        return [out]
    board = board_frame(store, session.code)
    if fmt == "csv":
        if out.suffix.lower() == ".csv":
            raise InputError("A CSV export writes one file per module; give --out a folder, not a .csv file.")
        out.mkdir(parents=True, exist_ok=True)
        for module in load_frameworks():
            path = out / f"{session.code}_{module}.csv"
            frame[frame["module"] == module].to_csv(path, index=False)
            written.append(path)
        path = out / f"{session.code}_{BOARD}.csv"
        board.to_csv(path, index=False)
        written.append(path)
        return written
    import pandas as pd

    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        session_frame(session, store.participant_count(session.code)).to_excel(xl, sheet_name="session", index=False)
        for module in load_frameworks():
            frame[frame["module"] == module].to_excel(xl, sheet_name=module[:31], index=False)
        board.to_excel(xl, sheet_name=BOARD[:31], index=False)
    return [out]


def board_frame(store: Store, code: str):
    """One row per item on a board: board, column, text, votes, and what became of it (hidden, merged)."""
    import pandas as pd

    from .board import board_entries

    frameworks = load_frameworks()
    records = []
    for module, fw in frameworks.items():
        if not any(i.kind == "board" for i in fw.items):
            continue
        entries = board_entries(store, code, module)
        by_id = {e.id: e for e in entries}
        for e in entries:
            records.append(dict(
                module=module, board=e.item, column=e.column, column_label=fw.item(e.item).option_label(e.column),
                id=e.id, text=e.text, votes=e.votes, name=e.name or "", hidden=e.hidden,
                merged_into=e.merged_into if e.merged_into is not None else "",
                builds_on=" + ".join(by_id[i].text for i in e.links if i in by_id),
            ))
    columns = ["module", "board", "column", "column_label", "id", "text", "votes", "name", "hidden", "merged_into", "builds_on"]
    return pd.DataFrame.from_records(records, columns=columns)


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
        f"<h1>{esc(session.title)}</h1>"
        f"<p class='muted'>Session {esc(session.code)}, held {session.created_at:%d %B %Y}; report made {dt.date.today():%d %B %Y}. "
        f"{joined} participants joined. Results of a module show once {session.threshold} people took part in it.</p>"
    ]
    figures = 0
    counts = respondent_counts(store, session.code)
    for module, fw in load_frameworks().items():
        module_rows = [r for r in rows if r["module"] == module]
        entries = [e for e in board_entries(store, session.code, module) if not e.hidden]
        n = counts.get(module, 0)
        parts.append(f"<section class='module' data-module='{module}'><h2>{fw.order}. {esc(fw.title)}</h2>"
                     f"<p class='muted respondents'>{n} people took part.</p>")
        if n == 0:
            parts.append("<p class='muted'>This module was not used in the session.</p></section>")
            continue
        if n < session.threshold:
            parts.append(f"<p class='muted hidden-results'>Fewer than {session.threshold} people took part, so the results stay "
                         "hidden, as they did in the workshop.</p></section>")
            continue
        for part in S.summary(fw, module_rows, entries):
            if isinstance(part, dict):
                figures += 1
                parts.append(_figure_html(part, figures))
            else:
                parts.append(part)
        parts.append("</section>")
    script = f"<script>{get_plotlyjs()}</script>" if figures else ""
    style = KIT_CSS + "body{margin:0 auto;max-width:1000px;padding:1em}.slk section.module{margin-top:2em;border-top:2px solid #123c5a}"
    return html_page(f"{session.title}: workshop report", f"{script}<div class='slk'>{''.join(parts)}</div>", style=style)


def personal_report_html(fw, answers: dict, *, title: str | None = None) -> str:
    """One person's results as a small self-contained HTML page (no scripts, works offline)."""
    import datetime as dt

    from .aggregate import own_scores, ranked_items, strongest_weakest

    steps = {s.id: s for s in fw.steps}
    scores = own_scores(fw, answers)
    parts = [f"<h1>{esc(title or fw.title)}</h1><p>Your results, {dt.date.today():%d %B %Y}.</p>"]
    if scores:
        top = max(s.max for s in fw.scales.values())
        rows = "".join(
            f"<tr><td>{esc(steps[s].title)}</td><td>{v:.1f}</td><td><div class='bar' style='width:{100 * v / top:.0f}%'></div></td></tr>"
            for s, v in scores.items()
        )
        parts.append(f"<h2>Score per part</h2><table>{rows}</table>")
        sw = strongest_weakest(scores)
        if sw:
            parts.append(f"<p>Strongest: <b>{esc(steps[sw[0]].title)}</b>. Most room to grow: <b>{esc(steps[sw[1]].title)}</b>.</p>")
        ranked = ranked_items(fw, answers)
        for heading, chosen in (("Highest rated", ranked[:5]), ("Lowest rated", ranked[-5:][::-1])):
            items = "".join(f"<li>{esc(fw.item(i).text)} <b>({v})</b></li>" for i, v in chosen)
            parts.append(f"<h2>{heading}</h2><ol>{items}</ol>")
    texts = [(fw.item(i), v) for i, v in answers.items() if fw.item(i).kind in ("text", "date") and v]
    if texts:
        items = "".join(f"<li>{esc(item.text)}: <b>{esc(str(v))}</b></li>" for item, v in texts)
        parts.append(f"<h2>Your notes and commitments</h2><ul>{items}</ul>")
    return html_page(fw.title, "".join(parts), fw.language, "td:last-child{width:50%}")


PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#1f2933;line-height:1.45}"
    "h1,h2,h3{color:#123c5a}td,th{padding:.3em .6em;border-bottom:1px solid #e4e7eb;text-align:left}"
    ".bar{background:#1a6fa3;height:1em;border-radius:3px}.muted{color:#52606d}"
)


def html_page(title: str, body: str, language: str = "en", style: str = "") -> str:
    """A self-contained HTML page (no scripts unless `body` brings its own). `body` is already escaped."""

    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
        f"<style>{PAGE_STYLE}{style}</style></head><body>{body}</body></html>"
    )
