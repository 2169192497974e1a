"""The themes of the room's words (slkit/themes.py) and how results are cut into screen pages
(slkit/summaries.py): stop lists in both languages that keep the words that matter, two-word
phrases, the one-person rule, hidden texts, Norwegian letters, punctuation and hostile text."""

from __future__ import annotations

import pytest

from slkit import summaries as S
from slkit import themes as T
from slkit.content import get_framework
from slkit.text import esc


def terms(texts):
    return {t.term: t.people for t in T.themes(list(enumerate(texts)))}


def test_the_stop_lists_drop_filler_and_keep_what_matters_in_both_languages():
    stop = T.stopwords()
    for filler in ("the", "and", "we", "with", "og", "vi", "det", "ikke", "som", "på"):
        assert filler in stop, filler
    for kept in ("leder", "mål", "verdi", "tillit", "team", "kunder", "kundene", "purpose", "trust", "value", "customers", "feedback"):
        assert kept not in stop, kept
    found = terms(["We build trust with our customers", "Customers and trust", "Vi bygger tillit hos kundene", "Tillit og kundene"])
    assert found == {"trust": 2, "customers": 2, "tillit": 2, "kundene": 2}


def test_two_word_phrases_within_a_clause_and_each_person_counted_once():
    found = terms(["Share knowledge, share knowledge, share knowledge!", "We share knowledge openly.",
                   "Knowledge. Share it"])  # "knowledge share" across a full stop is no phrase
    assert found["share knowledge"] == 2 and found["knowledge"] == 3 and found["share"] == 3
    assert "knowledge share" not in found
    ordered = [t.term for t in T.themes(list(enumerate(["share knowledge now", "share knowledge soon"])))]
    assert ordered == ["share knowledge", "knowledge", "share"]  # at equal counts a phrase says more than its words


def test_a_word_only_one_person_used_is_never_shown():
    found = terms(["Our secret project Kestrel", "Kestrel Kestrel Kestrel", "Something else entirely"])
    assert found.get("kestrel") == 2
    assert "secret" not in found and "project" not in found and "entirely" not in found
    assert terms(["Only me here"]) == {}


def test_norwegian_letters_punctuation_and_odd_unicode():
    decomposed = "ma\u030al og ma\u030al"  # «mål» typed as a + combining ring
    found = terms([decomposed, "Mål: økt åpenhet!", "«Økt åpenhet» – og mål.", "e-post og e-post"])
    assert found["mål"] == 3 and found["økt åpenhet"] == 2 and found["åpenhet"] == 2
    assert "e-post" not in found  # one person, however often
    assert terms(["e-post til alle", "E-post!"])["e-post"] == 2
    assert terms(["team\u200bwork matters", "team work"]).get("teamwork") is None  # a zero-width space still parts words
    assert terms(["team\u200bwork matters", "team work"])["team work"] == 2


def test_hostile_text_is_words_only_and_shown_as_text():
    evil = ["<script>alert('x')</script> trust", "<img src=x onerror=alert(1)> trust", "=HYPERLINK(\"http://x\") trust",
            "<a href='javascript:1'>trust</a>"]
    found = T.themes(list(enumerate(evil)))
    assert [t.term for t in found][:1] == ["trust"]
    assert all("<" not in t.term and ">" not in t.term and "=" not in t.term and "(" not in t.term for t in found)
    figure = T.cloud_figure(found, "<b>Themes</b>")
    assert all("<" not in text for text in figure["data"][0]["text"])
    section = next(s for s in S.themes_sections(get_framework("purpose_first"),
                                                [dict(participant=n, item="purpose_sentence", value=v, name=None) for n, v in enumerate(evil)],
                                                [], threshold=3) if s.id == "themes-purposes")
    html = section.parts[0].list_html()
    assert "<script" not in html and "trust" in html


def test_hidden_texts_count_for_nothing_and_the_threshold_applies():
    fw = get_framework("purpose_first")
    rows = [dict(participant=n, item="purpose_sentence", value="customers first", name=None) for n in range(2)]
    waiting = next(s for s in S.themes_sections(fw, rows, [], threshold=3) if s.id == "themes-purposes")
    assert "themes-waiting" in waiting.parts[0] and "(2 so far)" in waiting.parts[0]
    rows.append(dict(participant=9, item="purpose_sentence", value="customers", name=None))
    shown = next(s for s in S.themes_sections(fw, rows, [], threshold=3) if s.id == "themes-purposes")
    assert isinstance(shown.parts[0], S.Themes) and shown.parts[0].people == 3
    # A hidden answer is not in the rows a page is given (Store.answers leaves it out): the same
    # rows without it fall back below the threshold.
    assert "themes-waiting" in next(s for s in S.themes_sections(fw, rows[:2], [], threshold=3) if s.id == "themes-purposes").parts[0]


def test_the_cloud_places_every_term_without_overlap():
    found = T.themes(list(enumerate(["alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"] * 3)))
    spec = T.cloud_figure(found, "Cloud", **T.PAGE_CLOUD)
    xs, ys, sizes, texts = (spec["data"][0][k] for k in ("x", "y", "textfont", "text"))
    sizes = sizes["size"]
    boxes = [(x - len(t) * s * 0.29, y - s * 0.6, x + len(t) * s * 0.29, y + s * 0.6) for x, y, s, t in zip(xs, ys, sizes, texts)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert T.screen_cloud(spec)["data"][0]["text"] == texts


# ---- the screen's pages ---------------------------------------------------------------------------

def test_a_long_list_goes_on_over_pages_and_a_figure_has_a_page_of_its_own():
    rows = S.Rows("ul", "texts", tuple(f"<li>{n}</li>" for n in range(30)), lines=(1,) * 30)
    section = S.Section("long", "Long", ("<p>" + "a long introduction " * 10 + "</p>", {"data": [], "layout": {}}, rows))
    pages = S.screen_pages(section, lines=10)
    assert isinstance(pages[1][0], dict) and len(pages[1]) == 1
    short = S.screen_pages(S.Section("short", "Short", ("<p>intro</p>", {"data": [], "layout": {}})))
    assert len(short) == 1 and isinstance(short[0][1], dict)  # a line above a chart stays with it
    listed = [item for page in pages[2:] for part in page if isinstance(part, S.Rows) for item in part.items]
    assert listed == list(rows.items)  # every item once, in order
    assert all(sum(p.weights()) <= 10 for page in pages[2:] for p in page if isinstance(p, S.Rows))
    table = S.Rows("table", "t", tuple(f"<tr><td>{n}</td></tr>" for n in range(12)), head="<tr><th>h</th></tr>")
    split = S.screen_pages(S.Section("t", "T", (table,)), lines=6)
    assert all(part.head == "<tr><th>h</th></tr>" for page in split for part in page)  # the header on every page
    assert S.screen_pages(S.Section("empty", "Empty", ())) == [[]]


def test_every_module_has_its_parts_and_themes():
    for module, ids in {"purpose_first": ["objectives", "culture", "purposes", "value", "tools", "decision"],
                        "motivation_triad": ["chart", "table", "gaps", "blockers", "changes"],
                        "social_team_swot": ["quadrant-strengths", "quadrant-weaknesses", "quadrant-opportunities", "quadrant-threats",
                                             "votes", "strategies", "goals"],
                        "five_practices": ["profile", "table", "heatmap", "commitments"]}.items():
        found = [s.id for s in S.sections(get_framework(module), [], [], 3)]
        assert found[: len(ids)] == ids and all(x.startswith("themes-") for x in found[len(ids):]) and len(found) > len(ids), module


@pytest.mark.parametrize("text", ["<b>bold</b>", "=1+1", "a & b"])
def test_written_answers_in_sections_stay_text(text):
    html = S.Section("x", "X", (S.written_rows([text]),)).html()
    assert esc(text) in html and (text == "=1+1" or text not in html)


def test_a_hidden_answer_leaves_the_answers_the_themes_and_every_export(store, tmp_path):
    """The facilitator hides written answers in every module with free text: each is gone from
    what the team's views read (and so from the themes: two of three people's 'zebra crossing'
    hidden leaves one, which never shows), from the CSV files, the workbook and the report; its
    author still has it; shown again, it is back."""
    import csv

    import openpyxl

    from slkit import InputError
    from slkit.report import export, session_report_html

    s = store.create_session("Hide day", threshold=3, modules=["purpose_first", "motivation_triad", "social_team_swot", "five_practices"],
                             start_open=True)
    people = [store.join(s.code) for _ in range(4)]
    words = {"purpose_first": "purpose_sentence", "motivation_triad": "autonomy_change", "social_team_swot": "team_goal",
             "five_practices": "commitment_1"}
    for n, p in enumerate(people):
        for module, item in words.items():
            text = f"zebra crossing for {module} by {n}" if n < 3 else f"something else for {module}"
            store.save_answers(p, module, {item: text})

    def purposes_themes() -> str:
        fw = get_framework("purpose_first")
        (section,) = [x for x in S.themes_sections(fw, store.answers(s.code, "purpose_first"), [], 3) if x.id == "themes-purposes"]
        return section.html() + " ".join(getattr(p, "terms", None).html() for p in section.parts if hasattr(p, "terms"))

    assert "zebra crossing" in purposes_themes()
    for module, item in words.items():
        for p in people[:2]:
            store.hide_answer(s.code, module, p.id, item)
    assert "zebra" not in purposes_themes()
    hidden = [f"zebra crossing for {m} by {n}" for m in words for n in (0, 1)]
    for module in words:
        values = [str(r["value"]) for r in store.answers(s.code, module)]
        assert not set(hidden) & set(values) and f"zebra crossing for {module} by 2" in values
    assert store.hidden_items(people[0], "five_practices") == {"commitment_1"}
    assert store.answers_of(people[0], "five_practices")["commitment_1"] == "zebra crossing for five_practices by 0"  # its author keeps it

    files = export(store, s.code, "csv", tmp_path / "csv")
    written = " ".join(" ".join(" ".join(row) for row in csv.reader(f.open(encoding="utf-8-sig"))) for f in files)
    book = openpyxl.load_workbook(export(store, s.code, "xlsx", tmp_path / "x.xlsx")[0])
    cells = " ".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    report = session_report_html(store, s.code)
    for text in hidden:
        assert text not in written and text not in cells and text not in report, text
    assert "zebra crossing for five_practices by 2" in written and "zebra crossing for five_practices by 2" in cells

    store.hide_answer(s.code, "purpose_first", people[0].id, "purpose_sentence", hidden=False)
    assert "zebra crossing for purpose_first by 0" in [r["value"] for r in store.answers(s.code, "purpose_first")]
    assert "zebra crossing" in purposes_themes()
    with pytest.raises(InputError):
        store.hide_answer(s.code, "purpose_first", people[0].id, "no_such_item")


def test_every_chart_on_the_room_screen_draws_its_text_at_24_px_or_more(store):
    """The screen's charts and clouds, as the room screen draws them (screen_spec): every font
    size in them (axes' ticks, legend, numbers on bars and in cells, a cloud's words) is 24 px or
    more, for every module's results of a full demo session."""
    from slkit.board import board_entries
    from slkit.demo import make_demo
    from slkit.themes import screen_cloud
    from slkit.widgets.widget_chart import screen_spec

    def sizes(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "size" and path.endswith("font"):
                    yield path, v
                else:
                    yield from sizes(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from sizes(v, path)

    s = make_demo(store, title="Screen day")
    seen = 0
    for module in ("purpose_first", "motivation_triad", "social_team_swot", "five_practices", "follow_up"):
        fw = get_framework(module)
        found = S.sections(fw, store.answers(s.code, module), board_entries(store, s.code, module), s.threshold,
                           before=S.before_rows(store, s.code, fw))
        for section in found:
            for part in section.parts:
                spec = screen_spec(part) if isinstance(part, dict) else screen_spec(screen_cloud(part.figure)) if hasattr(part, "figure") else None
                if spec is None:
                    continue
                seen += 1
                for where, size in sizes(spec):
                    small = [v for v in (size if isinstance(size, list) else [size]) if v < 24]
                    assert not small, f"{module}, {section.id}: {where} at {small} px on the screen"
    assert seen >= 10
