"""Purpose first and the motivation triad: their components, driven from Python."""

import base64
import re

from slkit.content import get_framework
from slkit.widgets.sheet import AnswerSheet
from slkit.widgets.widget_choice import ChoiceList
from slkit.widgets.widget_flow import StepFlow
from slkit.widgets.widget_form import StepForm
from slkit.widgets.widget_rank import RankList
from slkit.widgets.widget_rating import RatingGrid
from slkit.widgets.widget_text import TextEntry

from ..conftest import on_own_thread, run_async
from slkit.widgets.widget_purpose import PurposeCanvas, PurposeTeam, ValuePerObjective
from slkit.widgets.widget_triad import TriadResult, TriadTeam

PF = get_framework("purpose_first")
MT = get_framework("motivation_triad")


def html_of(widget) -> str:
    """All the HTML under a widget, in order."""
    out = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()):
        out.append(html_of(child))
    return "\n".join(out)


def row(html: str, attr: str, key: str) -> str:
    return re.search(rf"<tr data-{attr}='{key}'[^>]*>(.*?)</tr>", html).group(1)


# ---- ranking ---------------------------------------------------------------------------

def test_rank_list_moves_an_option_chosen_twice_and_saves_without_gaps():
    on_own_thread(_moves_an_option_chosen_twice)  # no event loop there: each choice applied at once


def _moves_an_option_chosen_twice():
    sheet = AnswerSheet(framework=PF)
    rank = RankList(PF.item("objectives"), sheet)
    assert [s.description for s in rank.selects] == ["Most important", "Second", "Third"]
    rank.selects[1].value = "brand"           # a second place first: kept where it was put
    assert sheet.answers["objectives"] == ["brand"] and rank.selects[1].value == "brand" and rank.selects[0].value == ""
    rank.selects[0].value = "recruit"
    assert sheet.answers["objectives"] == ["recruit", "brand"]
    rank.selects[2].value = "recruit"         # moves from first to third place
    assert rank.selects[0].value == "" and sheet.answers["objectives"] == ["brand", "recruit"]
    again = RankList(PF.item("objectives"), sheet)  # shown again (a reload): places from the top
    assert [s.value for s in again.selects] == ["brand", "recruit", ""]


def test_arrow_keys_over_a_closed_drop_down_keep_the_other_places():
    """Arrow keys on a closed select choose every option they pass, and the page may deliver
    those choices interleaved with the ones just made at another place (as logged from
    Chromium): the ranking ends as the person left the places, and is saved once they pause."""
    import asyncio

    from slkit.widgets.widget_rank import SETTLE

    sheet = AnswerSheet(framework=PF)
    rank = RankList(PF.item("objectives"), sheet)
    o = [x.id for x in PF.item("objectives").options]

    async def keys():
        for place, option in [(0, o[0]), (1, o[0]), (2, o[0]), (1, o[1]), (2, o[1]), (2, o[2])]:
            rank.selects[place].value = option
            await asyncio.sleep(0.01)
        assert "objectives" in sheet.unsaved and "objectives" not in sheet.answers  # not yet: the person may go on
        await asyncio.sleep(SETTLE + 0.3)

    run_async(keys())
    assert [s.value for s in rank.selects] == o[:3] and sheet.answers["objectives"] == o[:3]
    assert "objectives" not in sheet.unsaved

    async def move():  # a deliberate choice, then a pause: the option moves to where it was chosen last
        rank.selects[2].value = o[0]
        await asyncio.sleep(SETTLE + 0.3)

    run_async(move())
    assert [s.value for s in rank.selects] == ["", o[1], o[0]] and sheet.answers["objectives"] == [o[1], o[0]]


def test_a_ranking_not_saved_yet_is_saved_when_the_step_is_left():

    sheet = AnswerSheet(framework=PF)
    rank = RankList(PF.item("objectives"), sheet)

    async def choose_and_leave():
        rank.selects[0].value = "brand"
        assert "objectives" in sheet.unsaved
        assert rank.commit()  # what Next does to every field of the step

    run_async(choose_and_leave())
    assert sheet.answers["objectives"] == ["brand"] and "objectives" not in sheet.unsaved


def test_rank_list_refuses_an_empty_ranking_with_a_message_and_keeps_the_stored_one():
    on_own_thread(_refuses_an_empty_ranking)


def _refuses_an_empty_ranking():
    sheet = AnswerSheet(framework=PF)
    rank = RankList(PF.item("objectives"), sheet)
    rank.selects[0].value = "listen"
    rank.selects[0].value = ""
    assert "Choose at least one" in rank.note.value
    assert sheet.answers["objectives"] == ["listen"]


def test_step_form_gives_each_kind_its_component():
    sheet = AnswerSheet(framework=PF)
    why, _value, culture, tools, _decision = PF.steps
    kinds = [type(w) for w in StepForm(PF, why, sheet).children[1:]]
    assert kinds == [RankList, TextEntry, TextEntry]
    assert [type(w) for w in StepForm(PF, tools, sheet).children[1:]] == [ChoiceList] * 3
    grid = StepForm(PF, culture, sheet).children[1]
    assert isinstance(grid, RatingGrid) and len(grid.scales) == len(culture.items)
    assert len(StepForm(PF, tools, sheet, items=[], intro=False).children) == 0


# ---- purpose first ---------------------------------------------------------------------

def test_value_step_asks_about_each_ranked_objective_in_order():
    sheet = AnswerSheet(framework=PF)
    view = ValuePerObjective(PF, sheet)
    assert "Choose your objectives" in view.children[1].value
    sheet.set_many({"objectives": ["other", "recruit"], "objective_other": "Find <b>partners</b>"})
    view.refresh()
    heads = [block.children[0].value for block in view.children[1:]]
    assert "1. Find &lt;b&gt;partners&lt;/b&gt;" in heads[0] and "2. Attract people we want to hire" in heads[1]
    view.children[2].children[1].input.value = "Better candidates"
    flow = StepFlow([("Value", view), ("Next", StepForm(PF, PF.steps[0], sheet))])
    flow.go(1)  # leaving saves what was typed
    assert sheet.answers["value_recruit"] == "Better candidates"


def test_canvas_summarises_shows_where_culture_pulls_against_and_escapes_typed_text():
    sheet = AnswerSheet(framework=PF)
    sheet.set_many({
        "objectives": ["listen"], "purpose_sentence": "<script>alert(1)</script> we listen",
        "value_listen": "Fewer complaints", "culture_face_to_face": 5, "culture_openness": 1, "culture_feedback": 4,
        "channels": ["linkedin", "blog"], "decision": ["not_yet"], "decision_reason": "Policy first",
    })
    canvas = PurposeCanvas(PF, sheet)
    html = canvas.canvas.value
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; we listen" in html
    assert "Fewer complaints" in html and "LinkedIn, A blog with longer posts" in html
    against = re.findall(r"<li class='against'>(.*?) <span", html)
    assert against == [PF.item("culture_face_to_face").text, PF.item("culture_openness").text]  # worst first: both at fit 1
    assert "Not yet" in html and "Policy first" in html
    sheet.set("decision", ["go"])  # the canvas follows the decision taken below it
    assert "<b>Go</b>" in canvas.canvas.value
    page = base64.b64decode(canvas.download.value.split("base64,")[1].split('"')[0]).decode()
    assert page.startswith("<!doctype html>") and "<b>Go</b>" in page and "<script>alert" not in page


def purpose_answers(k: int) -> dict:
    return [
        {"objectives": ["share_knowledge", "brand", "listen"], "purpose_sentence": "So that we learn from each other",
         "culture_face_to_face": 5, "culture_openness": 2, "decision": ["go"], "decision_reason": "Ready"},
        {"objectives": ["brand", "share_knowledge"], "purpose_sentence": "<i>Be seen</i>",
         "culture_face_to_face": 4, "culture_openness": 3, "decision": ["not_yet"], "decision_reason": "Train first"},
        {"objectives": ["listen"], "objective_other": "", "purpose_sentence": "Answer customers",
         "culture_face_to_face": 3, "culture_openness": 4, "decision": ["go"], "decision_reason": "Customers are there"},
    ][k]


def test_purpose_team_view_ranks_objectives_and_spreads_culture_behind_the_threshold(kit_store):
    s = kit_store.create_session("Team", threshold=3)
    people = [kit_store.join(s.code) for _ in range(3)]
    view = PurposeTeam(PF, s.code, store_factory=lambda: kit_store)
    for k, p in enumerate(people):
        assert not view.visible and f"{k} of 3 answers so far" in view.status.value
        kit_store.save_answers(p, "purpose_first", purpose_answers(k))
        view.refresh()
    assert view.visible
    html = html_of(view.body)
    # Borda with three places: share_knowledge 3+2, brand 2+3, listen 1+3; ties by people who chose it.
    order = re.findall(r"<tr data-option='(\w+)'><td>\d+</td>", html)
    assert order[:3] == ["share_knowledge", "brand", "listen"]
    assert "<td class='points'>5</td><td class='chosen'>2</td><td class='first'>1</td>" in row(html, "option", "share_knowledge")
    assert "<td class='points'>4</td><td class='chosen'>2</td><td class='first'>1</td>" in row(html, "option", "listen")
    face = row(html, "item", "culture_face_to_face")
    # Three people, the threshold: the mean shows, how many gave each value does not (it would
    # show each person's answer: aggregate.detail_visible).
    assert "<td class='mean'>4.0</td>" in face and "class='n3'" not in face and "<th>1</th>" not in html
    assert "data-item='culture_face_to_face' class='against'" in html  # high face-to-face pulls against
    assert "data-item='culture_openness' class=''" in html
    assert "&lt;i&gt;Be seen&lt;/i&gt;" in html and "<i>" not in html
    assert "<td class='count'>2</td>" in row(html, "option", "go")
    for k in range(3, 5):  # five people: the counts show
        kit_store.save_answers(kit_store.join(s.code), "purpose_first", purpose_answers(k % 3))
    view.refresh()
    face = row(html_of(view.body), "item", "culture_face_to_face")
    assert "<td class='n3'>1</td><td class='n4'>2</td><td class='n5'>2</td>" in face


# ---- the motivation triad ------------------------------------------------------------------

def triad(today: int, wanted: int, mastery_wanted: int | None = None) -> dict:
    out = {}
    for item in MT.items:
        if item.kind == "rating":
            out[item.id] = today if item.tags["when"] == "today" else wanted
    if mastery_wanted is not None:
        out["mastery_show_wanted"] = mastery_wanted
    return out


def test_own_triad_today_against_wanted_and_the_largest_gap():
    sheet = AnswerSheet(framework=MT)
    view = TriadResult(MT, sheet)
    assert "Rate the earlier steps" in view.summary.value
    sheet.set_many({**triad(4, 6, mastery_wanted=10), "autonomy_time_wanted": 5})
    view.refresh()
    assert "Your largest gap is in <b>Mastery: showing skill</b> (+6.0" in view.summary.value
    autonomy = row(view.table.value, "part", "autonomy")
    assert "<td class='today'>4.0</td><td class='wanted'>5.8</td><td class='gap'>+1.8</td>" in autonomy
    assert [t["name"] for t in view.chart.spec["data"]] == ["Today", "What you want"]
    sheet.set_many(triad(7, 5))   # today beyond what is wanted everywhere: no gap to name
    view.refresh()
    assert "Nothing you rated falls short" in view.summary.value and "largest gap" not in view.summary.value


def test_team_triad_spread_gaps_blockers_and_changes(kit_store):
    s = kit_store.create_session("Team", threshold=3)
    sheet = AnswerSheet(framework=MT)
    answers = [
        {**triad(2, 8), "autonomy_blocker": ["policy", "time"], "autonomy_change": "Trust people's judgement"},
        {**triad(4, 8), "autonomy_blocker": ["policy"], "mastery_blocker": ["skills"]},
        {**triad(6, 7), "purpose_change": "<b>Say why</b>"},
    ]
    for a in answers:
        kit_store.save_answers(kit_store.join(s.code), "motivation_triad", a)
    view = TriadTeam(MT, sheet, s.code, store_factory=lambda: kit_store)
    assert view.visible
    html = html_of(view.body)
    auto = row(html, "part", "autonomy")
    assert "<td class='today'>4.0</td><td class='today-sd'>–</td>" in auto  # three people: no spread (it would give answers away)
    assert "<td class='wanted'>7.7</td>" in auto and "<td class='gap'>+3.7</td>" in auto
    gaps = re.findall(r"<li data-facet='(\w+)'>", html)
    assert len(gaps) == 7 and html.count("<b class='gap'>+3.7</b>") == 7
    policy = row(html, "option", "policy")
    assert "<td class='autonomy'>2</td><td class='mastery'>0</td><td class='purpose'>0</td><td class='total'>2</td>" in policy
    assert "Trust people&#x27;s judgement" in html and "&lt;b&gt;Say why&lt;/b&gt;" in html


def test_team_triad_waits_for_enough_people(kit_store):
    s = kit_store.create_session("Team", threshold=3)
    for a in (triad(2, 8), triad(3, 9)):
        kit_store.save_answers(kit_store.join(s.code), "motivation_triad", a)
    view = TriadTeam(MT, AnswerSheet(framework=MT), s.code, store_factory=lambda: kit_store)
    assert not view.visible and "2 of 3 answers so far" in view.status.value and view.body.children == ()


def test_self_study_keeps_its_work_in_the_persons_own_store(tmp_path, monkeypatch):
    """Working alone, a module page saves to the person's own store: a new page (a restarted
    kernel, next week) finds the answers and the step again; "start over" clears the module."""
    from slkit import selfstudy
    from slkit.widgets.widget_module import ModulePage, StartOver
    from slkit.widgets.widget_form import StepForm

    monkeypatch.setenv("SLKIT_DATA_DIR", str(tmp_path))
    fw = get_framework("five_practices")

    def page():
        p = ModulePage("five_practices")
        p.run([(s.title, (lambda s=s: StepForm(fw, s, p.sheet))) for s in fw.steps[:3]])
        return p

    first = page()
    assert first.alone and first.sheet.set("mw_voice_purpose", 8) and first.sheet.message == "Saved on this computer."
    first.flow.go(1)
    second = page()  # a new kernel: the same store, the same person
    assert second.sheet.answers == {"mw_voice_purpose": 8} and second.flow.index == 1
    start = next(c for c in second.body.children if isinstance(c, StartOver))
    start.ask.click()
    assert "clears every answer" in start.question.value
    start.yes.click()
    assert second.sheet.answers == {} and second.flow.index == 0
    assert page().sheet.answers == {} and selfstudy.store_path().parent == tmp_path


def test_a_module_worked_through_alone_is_a_lesson_in_the_learners_language(tmp_path, monkeypatch):
    """Alone, the first step says what the learner gets out of the module and where it comes
    from; Finish gives questions to think over and what to try this week; in Norwegian, all of it."""
    from slkit import i18n
    from slkit.widgets.widget_form import StepForm
    from slkit.widgets.widget_module import ModulePage

    for language, aims, looking_back in (("en", "What you will get out of it", "Looking back"), ("nb", "Dette får du ut av det", "Se tilbake")):
        monkeypatch.setenv("SLKIT_DATA_DIR", str(tmp_path / language))
        monkeypatch.setenv("SLKIT_LANG", language)  # the learner's language (else the machine's locale)
        fw = get_framework("motivation_triad", language=language)
        p = ModulePage("motivation_triad")
        p.run([(s.title, (lambda s=s: StepForm(fw, s, p.sheet))) for s in fw.steps[:2]])
        assert p.alone and aims in p.header.value and fw.aims[0] in p.header.value and fw.sources[0][:20] in p.header.value
        p.flow.go(1)
        assert aims not in p.header.value  # the first step only
        p.flow.finish()
        done = "".join(getattr(w, "value", "") for w in p.flow.finished.children)
        assert looking_back in done and fw.debrief.questions[0] in done and fw.debrief.try_this_week[0] in done
    i18n.set_language("en")
