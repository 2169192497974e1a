"""The shared components, driven from Python as a person would use them (no kernel, no browser)."""

import asyncio
import base64
import concurrent.futures
import datetime as dt
import re
import statistics

import ipywidgets as W
import pytest

from slkit.content import get_framework
from slkit.store import StoreUnavailable
from slkit.widgets.sheet import AnswerSheet
from slkit.widgets.widget_action import ActionPlan
from slkit.widgets.widget_choice import ChoiceList
from slkit.widgets.widget_download import handout_link
from slkit.widgets.widget_flow import StepFlow
from slkit.widgets.widget_join import JoinPanel
from slkit.widgets.widget_module import ModulePage
from slkit.widgets.widget_profile import OwnProfile, TeamProfile
from slkit.widgets.widget_rating import RatingGrid, RatingScale
from slkit.widgets import page as P
from slkit.widgets.widget_save import SaveBar
from slkit.widgets.widget_team import TeamPanel
from slkit.widgets.widget_text import DateEntry, TextEntry, flush_all

FP = get_framework("five_practices")
PF = get_framework("purpose_first")
FIRST = FP.steps[0]


@pytest.fixture
def live(kit_store):
    """A session, a participant, and a sheet bound to them."""
    s = kit_store.create_session("Team")
    p = kit_store.join(s.code)
    sheet = AnswerSheet(framework=FP)
    sheet.bind(p, lambda: kit_store)
    return s, p, sheet


def test_self_study_keeps_answers_in_the_notebook():
    sheet = AnswerSheet(framework=FP)
    assert sheet.set("mw_voice_purpose", 7) and sheet.status == "local"
    assert sheet.answers == {"mw_voice_purpose": 7}
    assert not sheet.set("mw_voice_purpose", 12) and sheet.status == "error" and "from 1 to 10" in sheet.message
    assert sheet.answers == {"mw_voice_purpose": 7}


def test_live_answers_are_saved_and_said_so_only_after_the_commit(kit_store, live):
    s, p, sheet = live
    bar = SaveBar(sheet)
    assert sheet.set("mw_voice_purpose", 6)
    assert sheet.status == "saved" and "Saved." in bar.label.value
    assert kit_store.answers_of(p, "five_practices") == {"mw_voice_purpose": 6}


def test_an_unreachable_store_offers_a_retry_and_loses_nothing(kit_store, live):
    s, p, sheet = live
    bar = SaveBar(sheet)

    class Down:
        def save_answers(self, *a, **k):
            raise StoreUnavailable("The workshop store cannot be reached right now; nothing was saved.")

    sheet._store_factory = lambda: Down()
    assert not sheet.set("mw_voice_purpose", 4)
    assert sheet.status == "error" and sheet.pending == {"mw_voice_purpose": 4}
    assert bar.retry_button.layout.display == "" and "Could not save" in bar.label.value
    sheet._store_factory = lambda: kit_store
    bar.retry_button.click()
    assert sheet.status == "saved" and sheet.pending == {} and bar.retry_button.layout.display == "none"
    assert kit_store.answers_of(p, "five_practices") == {"mw_voice_purpose": 4}


def test_a_closed_module_says_so(kit_store, live):
    s, p, sheet = live
    kit_store.set_module_state(s.code, "five_practices", is_open=False)
    assert not sheet.set("mw_voice_purpose", 4)
    assert sheet.status == "closed" and "closed by the facilitator" in sheet.message
    assert sheet.pending == {}  # nothing to retry


def test_rating_scale_saves_a_click_and_shows_what_is_stored(kit_store, live):
    s, p, sheet = live
    scale = RatingScale(FP, FIRST.items[0], sheet)
    assert scale.buttons.value is None and len(scale.buttons.options) == 10
    scale.buttons.value = 8
    assert kit_store.answers_of(p, "five_practices")[FIRST.items[0].id] == 8
    kit_store.set_module_state(s.code, "five_practices", is_open=False)
    scale.buttons.value = 2  # refused: the buttons go back to what is stored
    assert scale.buttons.value == 8


def test_rating_grid_groups_a_practice_and_restores_answers_on_resume(kit_store, live):
    s, p, sheet = live
    sheet.set(FIRST.items[4].id, 3)
    grid = RatingGrid(FP, FIRST, AnswerSheet(framework=FP))
    assert grid.answered() == 0 and len(grid.scales) == 6
    headings = [c.value for c in grid.children if isinstance(c, W.HTML) and "<h3>" in c.value]
    assert [re.sub("<.*?>", "", h) for h in headings] == [g.title for g in FIRST.groups]
    again = AnswerSheet(framework=FP)
    grid = RatingGrid(FP, FIRST, again)
    again.bind(kit_store.resume(s.code, token=p.token), lambda: kit_store)
    assert grid.answered() == 1 and grid.scales[4].buttons.value == 3


def test_text_entry_counts_refuses_and_keeps_what_was_typed(kit_store, live):
    s, p, sheet = live
    entry = TextEntry(FP.item("commitment_1"), sheet)
    entry.input.value = "x" * 201
    assert "201 / 200" in entry.counter.value and "too long" in entry.counter.value
    assert not entry.commit() and "limit is 200" in sheet.message
    assert entry.input.value == "x" * 201  # not lost
    entry.input.value = "<script>alert('x')</script> Post weekly 🚀"
    assert entry.commit()
    assert kit_store.answers_of(p, "five_practices")["commitment_1"] == "<script>alert('x')</script> Post weekly 🚀"
    entry.input.value = ""
    assert not entry.commit() and "empty" in sheet.message  # a required text cannot be emptied


def test_typed_text_is_saved_after_a_pause_and_the_page_never_says_saved_before(kit_store, live):
    from slkit.widgets.widget_text import AUTOSAVE_DELAY

    s, p, sheet = live
    bar = SaveBar(sheet)
    sheet.set("mw_voice_purpose", 6)
    entry = TextEntry(FP.item("commitment_1"), sheet)

    async def typing():  # in a kernel the page's messages arrive on a running event loop
        for text in ("P", "Po", "Post weekly"):
            entry.input.value = text
            await asyncio.sleep(AUTOSAVE_DELAY / 4)
        assert "commitment_1" not in kit_store.answers_of(p, "five_practices")
        assert "Saved" not in bar.label.value and "Not saved yet" in bar.label.value  # the rating's "Saved." is gone
        assert "not saved yet" in entry.counter.value
        await asyncio.sleep(AUTOSAVE_DELAY + 0.3)  # the person stopped typing
        assert kit_store.answers_of(p, "five_practices")["commitment_1"] == "Post weekly"
        assert "Saved." in bar.label.value and "· saved" in entry.counter.value
        entry.input.value = "Post weekly, then ask"
        # The page closes before the pause is over: the kernel saves what is typed as it stops.
        flush_all()
        assert kit_store.answers_of(p, "five_practices")["commitment_1"] == "Post weekly, then ask"

    # An event loop of its own, as a kernel has (the test session's thread may hold Playwright's).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, typing()).result()


def test_refused_text_stays_on_screen_and_says_why(kit_store, live):
    s, p, sheet = live
    bar = SaveBar(sheet)
    entry = TextEntry(FP.item("commitment_1"), sheet)
    entry.input.value = "x" * 201
    assert not entry.commit()
    assert "not saved" in entry.counter.value and "Saved" not in bar.label.value and "limit is 200" in bar.label.value
    assert "commitment_1" not in kit_store.answers_of(p, "five_practices")


def test_date_entry_saves_an_iso_date(kit_store, live):
    s, p, sheet = live
    d = DateEntry(FP.item("commitment_1_date"), sheet)
    d.input.value = dt.date(2026, 12, 24)
    assert kit_store.answers_of(p, "five_practices")["commitment_1_date"] == "2026-12-24"


def test_choice_list_enforces_its_limit():
    sheet = AnswerSheet(framework=PF)
    choice = ChoiceList(PF.item("channels"), sheet)
    ids = PF.item("channels").option_ids()
    for oid in ids[:4]:
        choice.boxes[oid].value = True
    assert sheet.answers["channels"] == ids[:4]
    choice.boxes[ids[4]].value = True
    assert choice.boxes[ids[4]].value is False and "at most 4" in choice.note.value
    assert sheet.answers["channels"] == ids[:4]


def test_step_flow_keeps_answers_builds_lazily_and_saves_text_on_leaving():
    sheet = AnswerSheet(framework=FP)
    built = []

    def later():
        built.append(1)
        return W.HTML("later")

    entry = TextEntry(FP.item("commitment_1"), sheet)
    grid = RatingGrid(FP, FIRST, sheet)
    flow = StepFlow([("Rate", grid), ("Write", entry), ("Later", later)])
    assert flow.back.disabled and "Step 1 of 3" in flow.header.value and built == []
    grid.scales[0].buttons.value = 5
    flow.next.click()
    entry.input.value = "Weekly post"
    flow.next.click()  # leaving the step saves the typed text
    assert sheet.answers["commitment_1"] == "Weekly post" and built == [1] and flow.next.description == "Finish"
    flow.back.click()
    flow.back.click()
    assert flow.holder.children[0] is grid and grid.scales[0].buttons.value == 5
    flow.go(2)
    flow.go(2)
    assert built == [1]


def test_next_keeps_a_step_whose_text_is_refused_and_a_new_step_starts_without_an_old_saved(kit_store, live):
    """A text refused as too long holds the step (with its message) instead of moving on with the
    warning on the next step; Back still goes. A step just opened does not say "Saved." about the
    step before. A text that waits for the store does not hold anyone (tests/widgets/test_store_failures.py)."""
    s, p, sheet = live
    bar = SaveBar(sheet)
    grid = RatingGrid(FP, FIRST, sheet)
    entry = TextEntry(FP.item("commitment_1"), sheet)
    flow = StepFlow([("Rate", grid), ("Write", entry), ("Later", W.HTML("later"))], on_show=lambda _i: sheet.new_step())
    grid.scales[0].buttons.value = 5
    assert "Saved" in bar.label.value
    flow.next.click()
    assert flow.index == 1 and "Saved" not in bar.label.value  # nothing answered on this step yet
    entry.input.value = "x" * 201
    flow.next.click()
    assert flow.index == 1 and "limit is 200" in bar.label.value and entry.input.value == "x" * 201
    entry.input.value = "Post weekly"
    flow.next.click()
    assert flow.index == 2 and kit_store.answers_of(p, "five_practices")["commitment_1"] == "Post weekly"
    flow.back.click()
    entry.input.value = "y" * 300
    flow.back.click()  # back is allowed: the text stays in its field, marked as not saved
    assert flow.index == 0 and "too long" in entry.counter.value and "limit" not in bar.label.value


def test_team_panel_waits_for_the_threshold(kit_store):
    s = kit_store.create_session("Team", threshold=3)
    panel = TeamPanel(FP, s.code, render=lambda rows: W.HTML(f"{len(rows)} rows"), store_factory=lambda: kit_store)
    for i in range(3):
        panel.refresh()
        assert not panel.visible and f"{i} of 3 answers so far" in panel.status.value and panel.body.children == ()
        p = kit_store.join(s.code)
        kit_store.save_answers(p, "five_practices", {"mw_voice_purpose": 5, "commitment_1": "x"})
    panel.refresh()
    assert panel.visible and panel.body.children[0].value == "6 rows"


def test_team_panel_holds_results_the_facilitator_hides_and_follows_the_room(kit_store):
    s = kit_store.create_session("Team", threshold=1)
    kit_store.save_answers(kit_store.join(s.code), "five_practices", {"mw_voice_purpose": 5})
    renders = []
    panel = TeamPanel(FP, s.code, render=lambda rows: renders.append(len(rows)) or W.HTML("team"), store_factory=lambda: kit_store)
    kit_store.set_module_state(s.code, "five_practices", results_revealed=False)
    panel.refresh()
    assert not panel.visible and "will show the team's results" in panel.status.value and panel.body.children == ()
    kit_store.set_module_state(s.code, "five_practices", results_revealed=True)
    panel.ticker.tick.click()  # the page's timer: the reveal arrives without a click
    assert panel.visible and renders == [1]
    panel.ticker.tick.click()
    assert renders == [1]  # nothing changed: nothing redrawn
    kit_store.save_answers(kit_store.join(s.code), "five_practices", {"mw_voice_purpose": 7})
    panel.ticker.tick.click()
    assert renders == [1, 2] and "2 people answered" in panel.status.value


def test_team_panel_alone_compares_with_an_example_team_and_says_so():
    from slkit import i18n
    from slkit.content import get_framework
    from slkit.widgets.widget_shared_board import TeamGoals

    seen = []
    panel = TeamPanel(FP, None, render=lambda rows: seen.append(rows) or W.HTML("drawn"))
    panel.refresh()
    assert "example team" in panel.status.value and "made-up" in panel.status.value and "not real" in panel.status.value
    (rows,) = seen
    assert len({r["participant"] for r in rows}) == 8 and all(r["name"] is None for r in rows)
    assert panel.visible and panel.body.children[0].value == "drawn"
    panel.refresh()
    assert len(seen) == 1  # an example team does not change: drawn once
    # In Norwegian the example people's words (written in English) stay out; the goals, all
    # words, are then not shown at all.
    with i18n.use("nb"):
        nb = get_framework("social_team_swot", language="nb")
        goals = TeamGoals(nb, None)
        assert "eksempelteam" not in goals.status.value and goals.body.children == ()
        practices = TeamPanel(get_framework("five_practices", language="nb"), None, render=lambda rows: seen.append(rows) or W.HTML(""))
        practices.refresh()
        assert "eksempelteam" in practices.status.value
        assert seen[-1] and all(not isinstance(r["value"], str) for r in seen[-1])  # ratings only: no English words


def test_team_profile_shows_mean_spread_and_own(kit_store, live):
    s, p, sheet = live
    people = []
    for k, rating in enumerate([2, 6, 10]):
        q = p if k == 0 else kit_store.join(s.code)
        kit_store.save_answers(q, "five_practices", {i.id: rating for i in FIRST.items})
        people.append(rating)
    sheet.bind(p, lambda: kit_store)
    view = TeamProfile(FP, sheet, s.code, store_factory=lambda: kit_store)
    table = view.body.children[0].children[1].value
    row = re.search(rf"<tr data-step='{FIRST.id}'>(.*?)</tr>", table).group(1)
    # Three people: the mean shows; a spread would let one work out the other two.
    assert "<td class='own'>2.0</td>" in row and "<td class='mean'>6.0</td>" in row and "<td class='sd'>–</td>" in row
    assert "range" not in table and "disagrees most" not in table
    for rating in (1, 11 - 1):  # five people: the spread shows too
        kit_store.save_answers(kit_store.join(s.code), "five_practices", {i.id: rating for i in FIRST.items})
    view.refresh()
    row = re.search(rf"<tr data-step='{FIRST.id}'>(.*?)</tr>", view.body.children[0].children[1].value).group(1)
    assert f"<td class='sd'>±{statistics.stdev([2, 6, 10, 1, 10]):.1f}</td>" in row


def test_own_profile(live):
    s, p, sheet = live
    for j, item in enumerate(FIRST.items):
        sheet.set(item.id, 9)
    sheet.set(FP.steps[1].items[0].id, 2)
    profile = OwnProfile(FP, sheet)
    assert "strongest practice: <b>Model the Way</b> (9.0)" in profile.summary.value
    assert "Most room to grow: <b>Inspire a Shared Vision</b> (2.0)" in profile.summary.value
    assert "23 behaviours not rated yet" in profile.summary.value


def test_own_profile_with_no_ratings_says_what_to_do():
    profile = OwnProfile(FP, AnswerSheet(framework=FP))
    assert "Rate the behaviours" in profile.summary.value


def test_the_handout_escapes_typed_text(kit_store, live):
    s, p, sheet = live
    sheet.set("commitment_1", "<img src=x onerror=alert(1)>")
    link = handout_link(lambda: kit_store, p)
    html = base64.b64decode(re.search(r"base64,([^\"]+)", link.value).group(1)).decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html


def test_action_plan_names_the_weakest_practices(live):
    s, p, sheet = live
    for k, step in enumerate(FP.steps[:5]):
        sheet.set(step.items[0].id, 10 - k)
    plan = ActionPlan(FP, FP.steps[-1], sheet)
    assert "Encourage the Heart</b> and <b>Enable Others to Act" in plan.hint.value
    assert len(plan.entries) == 9


class TestJoinPanel:
    def ready(self):
        got = []
        return got, lambda participant, just_joined: got.append((participant, just_joined))

    def test_no_session_is_self_study_in_a_store_of_ones_own(self, kit_store, tmp_path, monkeypatch):
        monkeypatch.setenv("SLKIT_DATA_DIR", str(tmp_path))
        got = []
        panel = JoinPanel(None, on_ready=lambda p, just_joined, own_store: got.append((p, own_store())), store_factory=lambda: kit_store)
        (p, own), = got
        assert panel.self_study and own is not kit_store and str(tmp_path / "self-study.sqlite3") in panel.status.value
        assert (tmp_path / "self-study.sqlite3").stat().st_mode & 0o077 == 0  # private to the user
        again = []
        JoinPanel(None, on_ready=lambda p, just_joined, own_store: again.append(p), store_factory=lambda: kit_store)
        assert again[0].id == p.id and kit_store.list_sessions() == []  # the same person; the workshop store untouched

    def test_unknown_session_stops_with_a_message(self, kit_store):
        got, cb = self.ready()
        panel = JoinPanel("ZZZZZZ", on_ready=cb, store_factory=lambda: kit_store)
        assert got == [] and "no session with the code ZZZZZZ" in panel.status.value

    def test_join_with_a_name_and_the_choice_to_show_it(self, kit_store):
        s = kit_store.create_session("Team")
        got, cb = self.ready()
        panel = JoinPanel(s.code, on_ready=cb, store_factory=lambda: kit_store)
        panel.name_input.value = "n" * 61
        assert not panel.start() and "limit is 60" in panel.status.value and got == []
        assert not panel.start_button.disabled  # a refused name can be corrected
        panel.name_input.value = "Åse"
        panel.show_name.value = True
        assert panel.start()
        (p, just_joined), = got
        assert p.display_name == "Åse" and p.show_name is True and just_joined
        # The choice is kept: the browser that joined (its token) and another device (personal code).
        got, cb = self.ready()
        JoinPanel(s.code, token=p.token, on_ready=cb, store_factory=lambda: kit_store)
        assert got[0][0].show_name is True and got[0][1] is False
        other = JoinPanel(s.code, on_ready=cb, store_factory=lambda: kit_store)
        other.code_input.value = p.personal_code
        assert other.resume() and got[1][0].show_name is True

    def test_a_double_click_joins_once(self, kit_store):
        s = kit_store.create_session("Team")
        got, cb = self.ready()
        panel = JoinPanel(s.code, on_ready=cb, store_factory=lambda: kit_store)
        panel.start_button.click()
        panel.start_button.click()
        assert len(got) == 1 and kit_store.participant_count(s.code) == 1

    def test_showing_a_name_needs_a_name(self, kit_store):
        s = kit_store.create_session("Team")
        got, cb = self.ready()
        panel = JoinPanel(s.code, on_ready=cb, store_factory=lambda: kit_store)
        panel.show_name.value = True
        assert panel.start() and got[0][0].show_name is False

    def test_resume_by_token_and_by_personal_code(self, kit_store):
        s = kit_store.create_session("Team")
        p = kit_store.join(s.code)
        got, cb = self.ready()
        JoinPanel(s.code, token=p.token, on_ready=cb, store_factory=lambda: kit_store)
        assert got[0][0].id == p.id
        got, cb = self.ready()
        panel = JoinPanel(s.code, token="forged-token", on_ready=cb, store_factory=lambda: kit_store)
        assert got == [] and "resume link does not belong" in panel.status.value
        panel.code_input.value = "WRONG-CODE"
        assert not panel.resume() and got == []
        panel.code_input.value = p.personal_code.lower()
        assert panel.resume() and got[0][0].id == p.id
        # The device that continued has a token of its own; the first keeps working.
        assert got[0][0].token and got[0][0].token != p.token
        assert kit_store.resume(s.code, token=p.token).id == kit_store.resume(s.code, token=got[0][0].token).id == p.id

    def test_the_browser_cookie_continues_as_the_same_person(self, kit_store, monkeypatch):
        s = kit_store.create_session("Team")
        p = kit_store.join(s.code)
        monkeypatch.setattr(P, "request_env", lambda: {"QUERY_STRING": f"session={s.code}", "HTTP_COOKIE": f"_xsrf=x; slk_{s.code}={p.token}"})
        got, cb = self.ready()
        JoinPanel.for_page(on_ready=cb, store_factory=lambda: kit_store)
        assert got[0][0].id == p.id and kit_store.participant_count(s.code) == 1
        # "Not you?": this browser's token stops working; the personal code still continues.
        panel = JoinPanel(s.code, token=p.token, on_ready=lambda *a, **k: None, store_factory=lambda: kit_store)
        panel.leave()
        got, cb = self.ready()
        left = JoinPanel.for_page(on_ready=cb, store_factory=lambda: kit_store)
        assert got == [] and left.start_button is not None and "does not belong" not in left.status.value
        assert kit_store.resume(s.code, personal_code=p.personal_code).id == p.id


def test_module_page_resumes_and_builds_its_steps(kit_store):
    s = kit_store.create_session("Team")
    p = kit_store.join(s.code)
    kit_store.save_answers(p, "five_practices", {FIRST.items[0].id: 7})
    page = ModulePage("five_practices", s.code, p.token, store_factory=lambda: kit_store)
    page.run([(FIRST.title, lambda: RatingGrid(page.framework, FIRST, page.sheet))])
    assert page.flow is not None and page.code == s.code
    assert page.flow.holder.children[0].scales[0].buttons.value == 7
    waiting = ModulePage("five_practices", s.code, store_factory=lambda: kit_store)
    waiting.run([(FIRST.title, lambda: RatingGrid(waiting.framework, FIRST, waiting.sheet))])
    assert waiting.flow is None  # not before joining
    waiting.join.start()
    assert waiting.flow is not None and waiting.sheet.participant is not None


def test_module_page_says_so_when_answers_cannot_be_loaded(kit_store):
    s = kit_store.create_session("Team")
    p = kit_store.join(s.code)

    class Flaky:
        def __getattr__(self, name):
            return getattr(kit_store, name)

        def answers_of(self, *a, **k):
            raise StoreUnavailable("The workshop store cannot be reached right now.")

    page = ModulePage("five_practices", s.code, p.token, store_factory=lambda: Flaky())
    page.run([(FIRST.title, lambda: RatingGrid(page.framework, FIRST, page.sheet))])
    assert page.flow is None and "cannot be reached" in page.body.children[0].value and "Reload" in page.body.children[0].value


def test_module_page_shows_the_facilitators_countdown_from_a_resume_link(kit_store):
    import datetime as dt

    s = kit_store.create_session("Team")
    p = kit_store.join(s.code)
    end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=3)
    kit_store.update_session(s.code, settings={"timer_end": end.isoformat(), "timer_module": "motivation_triad"})
    page = ModulePage("five_practices", s.code, p.token, store_factory=lambda: kit_store)  # joined while being built
    assert page.timer.html.value == ""  # a countdown for another module
    kit_store.update_session(s.code, settings={"timer_module": "five_practices"})
    page.sheet.set("mw_voice_purpose", 4)
    assert "slk-timer" in page.timer.html.value and "left" in page.timer.html.value
    kit_store.update_session(s.code, settings={"timer_end": None})
    page.sheet.set("mw_voice_purpose", 5)  # the next answer picks up the stopped timer
    assert page.timer.html.value == ""


def test_own_profile_never_lists_an_item_as_both_highest_and_lowest(live):
    s, p, sheet = live
    for j, item in enumerate(FIRST.items):  # six ratings only
        sheet.set(item.id, 1 + j)
    profile = OwnProfile(FP, sheet)
    html = profile.ranked.value
    assert "Your 3 highest" in html and "Your 3 lowest" in html
    high, low = html.split("lowest")
    assert not any(i.text in high and i.text in low for i in FIRST.items)


def test_a_workshop_server_page_without_a_session_keeps_nothing(kit_store, tmp_path, monkeypatch):
    """On a workshop server (Voila), a module opened without a session is not self-study: the
    server's data folder is nobody's own, and two people trying a module must not share one."""
    monkeypatch.setenv("SLKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://127.0.0.1:8866/voila/render/04_five_practices.ipynb")
    got = []
    panel = JoinPanel(None, on_ready=lambda p, just_joined: got.append(p), store_factory=lambda: kit_store)
    assert got == [None] and not panel.self_study and "not kept" in panel.status.value
    assert not (tmp_path / "self-study.sqlite3").exists()


def test_the_follow_up_day_on_the_goals_step_the_handout_and_the_join_card(kit_store):
    """Where a person meets the follow-up day besides the five practices' last step: the SWOT's
    goals step (with calendar links and a calendar file holding their first step's date), the
    handout and the join card; nothing of it without a follow-up date."""
    from icalendar import Calendar

    from slkit.followup import sentence
    from slkit.handout import handout_html
    from slkit.joincard import join_card_html
    from slkit.widgets.widget_followup import FollowUpDate

    day = dt.date.today() + dt.timedelta(days=42)
    s = kit_store.create_session("Goals day", modules=["social_team_swot", "five_practices"], start_open=True, follow_up=day.isoformat())
    p = kit_store.join(s.code, "Ann", show_name=True)
    first = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    swot = {"personal_goal": "Run the rota", "personal_first_step": "Draw it up with Ola", "personal_date": first}
    kit_store.save_answers(p, "social_team_swot", swot)
    kit_store.save_answers(p, "five_practices", {"commitment_1": "Ask customers what they read", "commitment_1_first_step": "One question in the newsletter"})
    view = FollowUpDate(s.code, lambda: ({}, swot), store_factory=lambda: kit_store)
    assert sentence(day) in view.html.value and "Google Calendar" in view.html.value and "Outlook" in view.html.value
    assert "first steps' dates are in the calendar file" in view.html.value
    events = {str(e.get("summary")): e.decoded("dtstart") for e in Calendar.from_ical(view._ics).walk("VEVENT")}
    assert events[f"Follow-up: {s.title}"] == day and first in {d.isoformat() for d in events.values()}
    assert p.personal_code not in view._ics and p.token not in view._ics
    assert sentence(day) in handout_html(kit_store, p)
    card = join_card_html(s.title, s.code, "http://x/join", follow_up=day, follow_up_url="http://x/follow")
    assert sentence(day) in card and "send the team the follow-up link: http://x/follow" in card

    none = kit_store.create_session("No day", modules=["social_team_swot"], start_open=True)
    q = kit_store.join(none.code)
    assert FollowUpDate(none.code, lambda: ({}, swot), store_factory=lambda: kit_store).html.value == ""
    assert "come back to this" not in handout_html(kit_store, q)
