"""Exports: a session's outcome (tidy CSV per module, an Excel workbook) and one person's results.

pandas is imported where a frame is made, so a participant's page can use this module cheaply.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import InputError
from .content import load_frameworks
from .store import SessionInfo, Store

FORMATS = ("csv", "xlsx")


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
    if fmt == "csv":
        if out.suffix.lower() == ".csv":
            raise InputError("A CSV export writes one file per module; give --out a folder, not a .csv file.")
        out.mkdir(parents=True, exist_ok=True)
        for module in load_frameworks():
            path = out / f"{session.code}_{module}.csv"
            frame[frame["module"] == module].to_csv(path, index=False)
            written.append(path)
        return written
    import pandas as pd

    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        session_frame(session, store.participant_count(session.code)).to_excel(xl, sheet_name="session", index=False)
        for module in load_frameworks():
            frame[frame["module"] == module].to_excel(xl, sheet_name=module[:31], index=False)
    return [out]


def personal_report_html(fw, answers: dict, *, title: str | None = None) -> str:
    """One person's results as a small self-contained HTML page (no scripts, works offline)."""
    import datetime as dt
    import html

    from .aggregate import own_scores, ranked_items, strongest_weakest

    esc = html.escape
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
    import html

    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
        f"<style>{PAGE_STYLE}{style}</style></head><body>{body}</body></html>"
    )
