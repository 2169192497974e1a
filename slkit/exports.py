"""A session's answers for people to read and for analysis: an Excel workbook and CSV files.

What the exports promise:

- labels, not ids: a choice reads "Weekly", a ranking "1. Share knowledge; 2. Listen";
- questions in the order people answered them, each person as P1, P2, … (a name only by what its
  author wrote, where they chose to show it: never by their ratings or choices);
- a board item the facilitator hid leaves every export; a merged duplicate says what it joined;
- typed text stays text: in the workbook every typed cell is stored as a string (with Excel's
  quote prefix), and in a CSV a cell that a spreadsheet would read as a formula (it starts with
  `=`, `+`, `-`, `@`, a tab or a carriage return) starts with an apostrophe.

>>> csv_safe("=1+1"), csv_safe("-5 days"), csv_safe("fine"), csv_safe(7)
("'=1+1", "'-5 days", 'fine', 7)
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from . import InputError
from .content import Framework, Item, load_frameworks
from .i18n import N_, _, ngettext
from .store import SessionInfo, Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOARD = "social_team_swot_board"  # the name of the SWOT board's file

ANSWER_COLUMNS = [("step", N_("Step"), 24), ("question", N_("Question"), 46), ("person", N_("Person"), 9), ("name", N_("Name"), 14),
                  ("answer", N_("Answer"), 70)]
# The boards by a short name (their prompt, "Add an item to the board", says nothing in a table).
BOARD_NAMES = {"swot_item": N_("SWOT"), "tows_strategy": N_("Strategies")}
DATA_COLUMNS = ["module", "step_id", "step", "item", "kind", "question", "person", "name", "value", "answer", "updated_at"]
BOARD_COLUMNS = [("board", N_("Board"), 12), ("column", N_("Column"), 16), ("text", N_("Item"), 60), ("votes", N_("Votes"), 8),
                 ("name", N_("Name"), 14), ("merged_into", N_("Merged into"), 36), ("builds_on", N_("Builds on"), 60)]


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet opening the CSV shows as the text typed, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def answer_label(item: Item, value: Any) -> Any:
    """An answer as a person reads it: option labels instead of ids, a ranking numbered."""
    def label(option: Any) -> str:
        try:
            return item.option_label(option)
        except KeyError:
            return str(option)

    if item.kind == "rank" and isinstance(value, list):
        return "; ".join(f"{n}. {label(o)}" for n, o in enumerate(value, 1))
    if item.kind == "choice":
        return "; ".join(label(o) for o in (value if isinstance(value, list) else [value]))
    if isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def question_text(fw: Framework, item: Item) -> str:
    """A question as it reads on its own: one asked per objective names the objective."""
    objective = item.tags.get("objective")
    if objective and item.kind != "rating":
        try:
            return f"{fw.item('objectives').option_label(objective)}: {item.text}"
        except (KeyError, InputError):
            return item.text
    return item.text


def sheet_title(fw: Framework) -> str:
    """A module's sheet name: its number and short title (Excel allows 31 characters)."""
    return f"{fw.order} {fw.short_title or fw.title}"[:31]


def answer_records(store: Store, code: str) -> list[dict[str, Any]]:
    """One record per answer, module by module in the workshop's order, questions in the order
    of the module, then person by person."""
    frameworks = load_frameworks()
    rows = store.answers(code)
    people = {p: f"P{n}" for n, p in enumerate(sorted({r["participant"] for r in rows}), 1)}
    records = []
    for module, fw in frameworks.items():
        order = {item.id: n for n, item in enumerate(fw.items)}
        mine = sorted((r for r in rows if r["module"] == module and r["item"] in order),
                      key=lambda r: (order[r["item"]], r["participant"]))
        for r in mine:
            item, step = fw.item(r["item"]), fw.step_of(r["item"])
            value = r["value"]
            records.append(dict(
                module=module, step_id=step.id, step=step.title, item=item.id, kind=item.kind, question=question_text(fw, item),
                person=people[r["participant"]], name=(r["name"] or "") if item.kind == "text" else "", answer=answer_label(item, value),
                value=value if isinstance(value, (int, float, str)) else json.dumps(value, ensure_ascii=False),
                updated_at=str(r["updated_at"]),
            ))
    return records


def board_records(store: Store, code: str) -> list[dict[str, Any]]:
    """The items of every board the team may see: hidden ones left out, each column most voted first."""
    from .board import board_entries

    records = []
    for module, fw in load_frameworks().items():
        boards = [i for i in fw.items if i.kind == "board"]
        if not boards:
            continue
        entries = [e for e in board_entries(store, code, module) if not e.hidden]
        by_id = {e.id: e for e in entries}
        for board in boards:
            name = _(BOARD_NAMES[board.id]) if board.id in BOARD_NAMES else next(s.title for s in fw.steps if board in s.items)
            for option in board.options:
                column = sorted((e for e in entries if e.item == board.id and e.column == option.id),
                                key=lambda e: (e.merged_into is not None, -e.votes, e.order))
                for e in column:
                    target = by_id.get(e.merged_into) if e.merged_into is not None else None
                    records.append(dict(
                        module=module, board=name, board_id=board.id, column=option.label, column_id=option.id,
                        id=e.id, text=e.text, votes=e.votes, name=e.name or "",
                        merged_into=target.text if target is not None else "",
                        builds_on=" + ".join(by_id[i].text for i in e.links if i in by_id),
                    ))
    return records


def session_frameworks(session: SessionInfo) -> dict[str, Framework]:
    """The modules of a session's plan, in its order (module id -> content)."""
    from .sessions import planned

    everything = load_frameworks()
    return {m: everything[m] for m in planned(session.settings, everything)}


def summary_rows(store: Store, session: SessionInfo) -> list[tuple[str, Any]]:
    """The workbook's first sheet: the session, and each module's turnout."""
    from .board import respondent_counts

    counts = respondent_counts(store, session.code)
    rows: list[tuple[str, Any]] = [
        (_("Session"), session.title), (_("Code"), session.code), (_("Held"), session.created_at.strftime("%Y-%m-%d")),
        (_("Participants who joined"), store.participant_count(session.code)),
        (_("Anonymity threshold"), session.threshold), ("", ""), (_("Module"), _("People who took part")),
    ]
    for module, fw in session_frameworks(session).items():
        n = counts.get(module, 0)
        note = "" if n >= session.threshold or n == 0 else _("fewer than {n}: results stayed hidden in the workshop").format(n=session.threshold)
        rows.append((fw.title, n, note) if note else (fw.title, n))  # a count is a number, its note beside it
    if "five_practices" in session_frameworks(session):
        from .observers import session_counts

        people, answers = session_counts(store, session.code)
        rows += [("", ""), (_("People who invited observers (360)"), people), (_("Observers who answered"), answers)]
    rows += [("", ""), (_("About this workbook"), _("One sheet per module for reading, the SWOT board, and a Data sheet "
             "(one row per answer, ids and labels) for analysis. People are P1, P2, …; a name shows only where its "
             "author chose so. Items the facilitator hid are left out. Observers' answers (360) are each person's own: "
             "only their counts are here."))]
    return rows


def followup_rows(store: Store, session: SessionInfo, fw: Framework) -> list[tuple[Any, ...]]:
    """The follow-up's summary sheet: how far the team got (statuses of commitments and own goals)
    and the practices then and now (the people who rated in both rounds), under the same
    anonymity rules as the pages (aggregate rules 1 and 5): a note where a table may not show."""
    from . import aggregate as A
    from .content import get_framework
    from .summaries import rated_steps, status_items, status_label

    rows = store.answers(session.code, fw.id)
    k = session.threshold
    commitments, goals = status_items(fw)
    people = A.respondents(rows, commitments + goals)
    out: list[tuple[Any, ...]] = [(_("How far we got"), _("Commitments"), _("Own goals"))]
    if A.team_visible(people, k):
        counts = [A.status_counts(rows, commitments), A.status_counts(rows, goals)]
        out += [(status_label(st), counts[0][st], counts[1][st]) for st in A.STATUSES]
        out += [(_("All"), sum(counts[0].values()), sum(counts[1].values())),
                (ngettext("{n} person said how far they got.", "{n} people said how far they got.", people).format(n=people),)]
    else:
        out.append((ngettext("How far the team got shows once {k} person has answered ({n} so far).",
                             "How far the team got shows once {k} people have answered ({n} so far).", k).format(k=k, n=people),))
    if fw.reuse is not None:
        before_fw = get_framework(fw.reuse.module, language=fw.language)
        paired, n_before, changes = A.team_change(before_fw, store.answers(session.code, fw.reuse.module), rows, k)
        out += [("",), (_("The practices then and now"), _("Then"), _("Now"), _("Change"))]
        if A.paired_visible(paired, n_before, k):
            out += [(st.title, round(changes[st.id].before, 2), round(changes[st.id].after, 2), round(changes[st.id].change.mean, 2))
                    for st in rated_steps(before_fw) if changes[st.id].n]
            out.append((ngettext("{n} person answered in the workshop and now: these figures are theirs.",
                                 "{n} people answered in the workshop and now: these figures are theirs.", paired).format(n=paired),))
        else:
            out.append((_("The team's before and after shows once {k} people who rated the practices in the workshop have rated them "
                          "again, and either all of them or at least {k} fewer: otherwise it would give single people's answers away "
                          "({n} of {m} so far).").format(k=max(1, k), n=paired, m=n_before),))
    return out


# ---- writing ----------------------------------------------------------------------------------------

def write_csv(store: Store, session: SessionInfo, folder: Path) -> list[Path]:
    """One CSV per module (labels and ids, questions in order) and one for the SWOT board."""
    folder.mkdir(parents=True, exist_ok=True)
    answers = answer_records(store, session.code)
    written = []
    for module in session_frameworks(session):
        path = folder / f"{session.code}_{module}.csv"
        _csv(path, DATA_COLUMNS, [r for r in answers if r["module"] == module])
        written.append(path)
    path = folder / f"{session.code}_{BOARD}.csv"
    _csv(path, ["board", "board_id", "column", "column_id", "text", "votes", "name", "merged_into", "builds_on"], board_records(store, session.code))
    written.append(path)
    return written


def _csv(path: Path, columns: list[str], records: list[dict]) -> None:
    # utf-8-sig: Excel opens the file as UTF-8 (æ, ø, å intact), other tools ignore the mark.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in records:
            w.writerow([csv_safe(r[c]) for c in columns])


def write_workbook(store: Store, session: SessionInfo, path: Path) -> Path:
    """Summary, one sheet per module, the SWOT board, and the Data sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = _("Summary")
    for row in summary_rows(store, session):
        summary.append([_cell(summary, v) for v in row])
    _layout(summary, [("", "", 42), ("", "", 60), ("", "", 40)], header=False)
    summary["A1"].font = summary["A7"].font = summary["B7"].font = _bold()
    from openpyxl.styles import Alignment

    for cell in summary["B"]:  # counts beside their labels, not at the far edge of the column
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    answers = answer_records(store, session.code)
    for module, fw in session_frameworks(session).items():
        if fw.reuse is not None:  # the follow-up: the team's figures first, then the answers
            _summary_sheet(wb.create_sheet(_("{title} – summary").format(title=sheet_title(fw))[:31]), followup_rows(store, session, fw))
        _table(wb.create_sheet(sheet_title(fw)), ANSWER_COLUMNS, [r for r in answers if r["module"] == module])
    _table(wb.create_sheet(_("SWOT board")), BOARD_COLUMNS, board_records(store, session.code))
    _table(wb.create_sheet("Data"), [(c, c, 16) for c in DATA_COLUMNS], answers, wrap=False, translate=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _summary_sheet(ws, rows: list[tuple[Any, ...]]) -> None:
    """A small sheet of labelled figures: each table's first row (its head) in bold."""
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    _layout(ws, [("", "", 48), ("", "", 14), ("", "", 14), ("", "", 14)], header=False)
    head = True
    for (first, *_rest) in ws.iter_rows():
        if head and first.value:
            for cell in ws[first.row]:
                cell.font = _bold()
        head = not first.value


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _cell(ws, value: Any):
    """A cell holding `value`; a string is always text, however it starts."""
    from openpyxl.cell.cell import Cell

    cell = Cell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would read "=…" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _table(ws, columns: list[tuple[str, str, int]], records: list[dict], *, wrap: bool = True, translate: bool = True) -> None:
    """A sheet: a header (the columns' titles, in the session's language unless `translate` is off), then a row per record."""
    ws.append([_cell(ws, _(title) if translate else title) for _key, title, _w in columns])
    for r in records:
        ws.append([_cell(ws, r[key]) for key, _t, _w in columns])
    _layout(ws, columns, wrap=wrap)


def _layout(ws, columns, *, header: bool = True, wrap: bool = True) -> None:
    """Column widths, wrapped text aligned to the top; a bold frozen header with filters."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for n, (_key, _title, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    align = Alignment(wrap_text=wrap, vertical="top")
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = align
    widths = [w for _k, _t, w in columns]
    for row in ws.iter_rows():
        # Rows as tall as their wrapped text (a spreadsheet keeps the default height of a row
        # written without one, and wrapped lines then print over the next row).
        lines = max((_lines(c.value, widths[c.column - 1] if c.column <= len(widths) else 10) if wrap else 1 for c in row), default=1)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines + 2
    if header:
        for cell in ws[1]:
            cell.font = _bold()
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        ws.print_title_rows = "1:1"  # the header again on every printed page
    # Printed: A4 landscape, one page wide (as many pages down as it takes), the sheet's name and
    # page number in the footer.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&A · &P / &N"


def _lines(value: Any, width: int) -> int:
    """How many lines `value` takes in a wrapped column `width` characters wide (a close estimate:
    the text's own line breaks, then its words filled into the width)."""
    if value is None or value == "":
        return 1
    total = 0
    for part in str(value).split("\n"):
        line, n = 0, 1
        for word in part.split():
            while len(word) > width:  # a word longer than the column is broken inside it
                n, line, word = n + (1 if line else 0), 0, word[width:]
                n += 1 if word else 0
            size = len(word) + (1 if line else 0)
            if line and line + size > width:
                n, line = n + 1, len(word)
            else:
                line += size
        total += n
    return total
