"""What the team takes home: the workbook and CSVs read like the workshop (labels, question
order, a frozen header with filters), typed text never becomes a formula, an item the
facilitator hid is in no export, and the report holds what the team decided."""

import csv
import re

import openpyxl
import pytest

from slkit import board as B
from slkit.content import get_framework
from slkit.report import export

PF, FP, SW = (get_framework(m) for m in ("purpose_first", "five_practices", "social_team_swot"))
HIDDEN = "Our boss is useless"


@pytest.fixture
def filled(store):
    """Three people in a session: purpose first with channels and value answers, commitments
    with first steps and dates, a SWOT board with one item hidden and a duplicate merged."""
    session = store.create_session("Export check", threshold=3)
    people = [store.join(session.code, name, show_name=name == "Kari") for name in ("Kari", None, None)]
    for n, p in enumerate(people):
        store.save_answers(p, "purpose_first", {
            "objectives": ["listen", "share_knowledge"],
            "purpose_sentence": "=1+1" if n == 0 else f"We share what we learn, person {n}",
            "value_listen": f"We hear customers sooner ({n})",
            "signal_listen": f"Fewer repeated questions ({n})",
            "culture_openness": 4,
            "channels": ["internal_platform", "linkedin"] if n else ["closed_groups"],
            "cadence": ["weekly"],
            "decision": ["go"],
            "decision_reason": "+SUM(A1) is not a formula" if n == 1 else "We are ready",
        }, show_name=n == 0)
        store.save_answers(p, "five_practices", {
            "mw_voice_purpose": 5 + n,
            "commitment_1": f"Post a weekly summary ({n})",
            "commitment_1_first_step": f"Draft the first one on Monday ({n})",
            "commitment_1_date": f"2027-01-1{n}",
        }, show_name=n == 0)
    boards = [B.StoreBoard(SW, store, p) for p in people]
    kept = boards[0].add("swot_item", "strengths", "We answer customers fast")
    dup = boards[1].add("swot_item", "strengths", "Customers get quick answers")
    hidden = boards[2].add("swot_item", "weaknesses", HIDDEN)
    B.hide_entry(store, session.code, "social_team_swot", hidden.id)
    B.merge_entries(store, session.code, "social_team_swot", dup.id, kept.id)
    boards[1].vote(kept.id)
    return store, session, people


def test_the_workbook_reads_like_the_workshop(filled, tmp_path):
    store, session, _people = filled
    path = export(store, session.code, "xlsx", tmp_path / "w.xlsx")[0]
    wb = openpyxl.load_workbook(path)
    pf = wb["1 Purpose first"]
    assert [c.value for c in pf[1]] == ["Step", "Question", "Person", "Name", "Answer"]
    assert pf.freeze_panes == "A2" and pf.auto_filter.ref == pf.dimensions
    assert pf.column_dimensions["B"].width > 30 and pf["E2"].alignment.wrap_text
    rows = list(pf.iter_rows(min_row=2, values_only=True))
    questions = [r[1] for r in rows]
    order = [PF.item(i).text for i in ("objectives", "purpose_sentence")] + [
        "Listen to what customers and the public say: What value do you expect?"] + [PF.item(i).text for i in ("channels", "decision")]
    assert [questions.index(q) for q in order] == sorted(questions.index(q) for q in order)  # the module's order
    answers = {r[4] for r in rows}
    assert "1. Listen to what customers and the public say; 2. Connect colleagues so they share what they know" in answers
    assert "Our internal social platform or chat; LinkedIn" in answers and "Every week" in answers
    assert not any(str(a).startswith("[") for a in answers)  # no JSON lists of ids
    assert not {"listen", "linkedin", "weekly"} & {str(a) for a in answers}
    # names only where their author chose so
    assert {r[3] for r in rows} == {"Kari", None}
    # and only with what they wrote: her name shows by her text, not by her ratings or choices
    assert {r[1] for r in rows if r[3] == "Kari"} == {PF.item(i).text for i in ("purpose_sentence", "decision_reason")} | {
        "Listen to what customers and the public say: What value do you expect?",
        "Listen to what customers and the public say: How would we notice it, in three months' time?"}
    # typed text that looks like a formula is a string cell, never a formula
    cell = next(c for row in pf.iter_rows(min_row=2) for c in row if c.value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)
    # commitments, first steps and dates, in the five practices' sheet
    fp = [r for r in wb["4 The five practices"].iter_rows(min_row=2, values_only=True)]
    assert ("Your commitments", FP.item("commitment_1_first_step").text, "P2", None, "Draft the first one on Monday (1)") in fp
    # the SWOT board: no hidden item anywhere, the merged duplicate says where it went
    everything = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert HIDDEN not in everything
    board = {r[2]: r for r in wb["SWOT board"].iter_rows(min_row=2, values_only=True)}
    assert board["We answer customers fast"][3] == 1 and board["Customers get quick answers"][5] == "We answer customers fast"
    assert board["We answer customers fast"][1] == "Strengths"
    data = wb["Data"]
    header = [c.value for c in data[1]]
    assert {"item", "value", "answer", "person"} <= set(header)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True)}
    assert summary["Participants who joined"] == 3 and summary["Purpose first"] == 3


def test_csv_files_neutralise_formulas_and_leave_hidden_items_out(filled, tmp_path):
    store, session, _people = filled
    files = export(store, session.code, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / f"{session.code}_purpose_first.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    values = [r["answer"] for r in rows]
    assert "'=1+1" in values and "'+SUM(A1) is not a formula" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert "Our internal social platform or chat; LinkedIn" in values
    assert {"listen", "internal_platform"} <= {r["item"] for r in rows} | {v for r in rows for v in r["value"].strip('[]"').split('", "')}
    everything = " ".join(p.read_text(encoding="utf-8-sig") for p in files)
    assert HIDDEN not in everything


def test_the_report_holds_what_the_team_decided(filled, tmp_path):
    store, session, _people = filled
    html = export(store, session.code, "html", tmp_path / "r.html")[0].read_text()
    assert "What we expect, per objective" in html
    assert "We hear customers sooner (1)" in html and "Fewer repeated questions (2)" in html
    channels = PF.item("channels")
    assert channels.option_label("linkedin") in html and channels.option_label("closed_groups") in html
    assert PF.item("cadence").option_label("weekly") in html
    assert "Post a weekly summary (0)</span> <span class='who muted'>— Kari</span>" in html
    assert "First step: Draft the first one on Monday (2)" in html and "By 12 January 2027" in html
    assert HIDDEN not in html
    assert "=1+1" in html  # shown as typed, as text
    assert "@page{size:A4" in html and "section.module~section.module{break-before:page}" in html  # the first module on page 1
    # At the top, what the team decided: the commitments made (three people, one each here).
    decided = html[html.index("<div class='decided'>"):html.index("<section")]
    assert "What the team decided" in decided and "commitments made by 3 people in the five practices" in decided
    assert HIDDEN not in decided


def test_the_handout_is_one_persons_workshop(filled):
    from slkit.handout import handout_html

    store, session, people = filled
    third = store.resume(session.code, personal_code=people[2].personal_code)
    html = handout_html(store, third)
    assert "My commitments" in html and "Post a weekly summary (2)" in html
    assert "First step: Draft the first one on Monday (2)" in html and "By 12 January 2027" in html
    assert "Post a weekly summary (1)" not in html  # nobody else's
    assert "We hear customers sooner (2)" in html and "Our internal social platform or chat; LinkedIn" in html
    assert HIDDEN not in html  # the facilitator hid this person's own item
    assert "<script" not in html and "@page{size:A4" in html
    # the team beside the person only where it was shown: three people, threshold three
    assert "<th>Team</th>" in html
    store.set_module_state(session.code, "five_practices", results_revealed=False)
    assert "The team's results were not shown for this module" in handout_html(store, third)



def test_the_workbook_prints_one_page_wide_per_sheet_as_libreoffice_renders_it(tmp_path):
    """The demo session's workbook, as a team lead prints it: LibreOffice (headless) renders it to
    PDF. Every page is one page wide (the sheet's first and last column headers both on it: the
    header repeats on each page), says which sheet it is, and rows are as tall as their text
    (wrapped lines printed over the next row before). The pages are kept as images to look at."""
    import shutil
    import subprocess

    from slkit.demo import make_demo
    from slkit.paths import KIT_ROOT
    from slkit.store import open_store
    from tests.conftest import missing

    ARTIFACTS = KIT_ROOT / "test-artifacts"

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None or shutil.which("pdftotext") is None:
        missing("LibreOffice or pdftotext is not installed (Debian: apt-get install libreoffice-calc-nogui poppler-utils)")
    with open_store(f"sqlite:///{tmp_path / 'print.sqlite3'}", migrate=True) as store:
        s = make_demo(store, title="Print day")
        path = export(store, s.code, "xlsx", tmp_path / "print.xlsx")[0]
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "print.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    book = openpyxl.load_workbook(path)
    headers = {ws.title: (str(ws.cell(1, 1).value), str(ws.cell(1, ws.max_column).value)) for ws in book if ws.freeze_panes == "A2"}  # the tables
    seen = {}
    for n, text in enumerate(pages, 1):
        footer = re.search(r"(\S.*?) · (\d+) / (\d+)\s*$", text.rstrip())
        assert footer, f"page {n}: no footer naming its sheet"
        sheet = footer.group(1).strip()
        seen[sheet] = seen.get(sheet, 0) + 1
        if sheet in headers:
            first, last = headers[sheet]
            assert first in text and last in text, f"page {n} ({sheet}): not one page wide: {first!r} or {last!r} missing"
    assert set(seen) == {ws.title for ws in book}, seen
    assert seen[book.worksheets[0].title] == 1  # the summary on one page
    assert len(pages) <= 70, f"{len(pages)} pages: {seen}"  # 135 when each sheet's columns split across pages
    # Rows hold their wrapped text: a long answer's row is several lines tall.
    sheet = book["1 Purpose first"]
    tall = [sheet.row_dimensions[r].height for r in range(2, sheet.max_row + 1) if len(str(sheet.cell(r, 5).value or "")) > 140]
    assert tall and all(h and h >= 30 for h in tall)
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-l", "3", str(pdf), str(ARTIFACTS / "workbook-print")], check=True)
