"""Exports of a session's outcome: tidy CSV per module and an Excel workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import InputError
from .content import load_frameworks
from .store import SessionInfo, Store

FORMATS = ("csv", "xlsx")


def tidy_answers(store: Store, code: str) -> pd.DataFrame:
    """One row per answer: module, step, item, question, value, participant (P1, P2, ... per session)."""
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


def session_frame(session: SessionInfo, participants: int) -> pd.DataFrame:
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
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        session_frame(session, store.participant_count(session.code)).to_excel(xl, sheet_name="session", index=False)
        for module in load_frameworks():
            frame[frame["module"] == module].to_excel(xl, sheet_name=module[:31], index=False)
    return [out]
