"""After the room, without a browser: the follow-up date's rules, the calendar file (read back
with icalendar), the rule for the team's before and after (aggregate rule 5) as a table of
cases, a second workshop started from the first, and how long a browser keeps a person."""

from __future__ import annotations

import datetime as dt

import pytest

from slkit import InputError
from slkit import aggregate as A
from slkit import followup as F
from slkit.content import get_framework
from slkit.ics import google_link, ics_text, outlook_link
from slkit.store import follow_up_date, suggested_follow_up

FP = get_framework("five_practices")
RATINGS = [i.id for i in FP.items if i.kind == "rating"]
TODAY = dt.date(2027, 1, 4)


@pytest.mark.parametrize("given, problem", [
    ("2027-01-03", "must come after the session"),   # before the session
    ("2027-01-04", "must come after the session"),   # the day of the session
    ("2026-12-01", "must come after the session"),
    ("15.02.2027", "looks like 2027-02-15"),
    ("", "looks like 2027-02-15"),
])
def test_a_follow_up_date_must_come_after_the_session_and_today(given, problem):
    with pytest.raises(InputError, match=problem):
        follow_up_date(given, TODAY, today=TODAY)
    with pytest.raises(InputError, match="has passed"):
        follow_up_date("2027-01-10", dt.date(2026, 12, 1), today=dt.date(2027, 1, 20))
    assert follow_up_date(dt.date(2027, 2, 15), TODAY, today=TODAY) == dt.date(2027, 2, 15)
    assert suggested_follow_up(TODAY) == dt.date(2027, 2, 15)  # six weeks on


def test_the_calendar_file_holds_whole_days_and_the_sessions_link_only():
    from icalendar import Calendar

    mine = F.promises({"commitment_1": "Give feedback", "commitment_1_first_step": "Book Fridays", "commitment_1_date": "2027-01-15",
                       "commitment_2": "Post weekly", "commitment_2_date": "not a date"},
                      {"personal_goal": "Run the rota", "personal_first_step": "Draw it up", "personal_date": "2027-01-20"})
    link, home = "http://192.168.1.20:8866/voila/render/05_follow_up.ipynb?session=K7M2QX", "http://192.168.1.20:8866/voila/render/index.ipynb?session=K7M2QX"
    events = F.events("Team <b>day</b>", dt.date(2027, 2, 15), link, home, mine)
    text = ics_text(events)
    cal = Calendar.from_ical(text)
    found = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(found) == {"Follow-up: Team <b>day</b>", "First step: Book Fridays", "First step: Draw it up"}
    follow = found["Follow-up: Team <b>day</b>"]
    assert follow.decoded("dtstart") == dt.date(2027, 2, 15) and follow.decoded("dtend") == dt.date(2027, 2, 16)
    assert "VALUE=DATE" in text and "TZID" not in text  # whole days, no time zone to get wrong
    assert str(follow["url"]) == link and link in str(follow["description"]) and "Social Leadership Workshop" in str(follow["description"])
    assert str(found["First step: Book Fridays"]["url"]) == home
    assert "p=" not in text and "pc=" not in text and "key=" not in text  # no one's code or key
    assert events[0].uid() == F.events("Team <b>day</b>", dt.date(2027, 2, 15), link, home, mine)[0].uid()  # added twice: the same entry
    assert "dates=20270215%2F20270216" in google_link(events[0]) and "allday=true" in outlook_link(events[0])
    assert not F.events("T", None, link, home, [])


@pytest.mark.parametrize("paired, before, k, shown", [
    (2, 2, 3, False),   # below K
    (3, 3, 3, True),    # everyone who rated came back
    (3, 4, 3, False),   # one left out: the workshop's mean and the paired "before" would give them away
    (3, 5, 3, False),   # two left out
    (3, 6, 3, True),    # three left out: as many as K
    (5, 10, 5, True),
    (5, 6, 5, False),
])
def test_the_teams_before_and_after_follows_rule_5(paired, before, k, shown):
    assert A.paired_visible(paired, before, k) is shown


def rows_for(people: dict[int, int], module: str = "five_practices") -> list[dict]:
    return [dict(participant=p, item=i, value=v, name=None, module=module) for p, v in people.items() for i in RATINGS]


def test_the_teams_change_is_the_paired_peoples_only():
    before = rows_for({1: 4, 2: 6, 3: 8, 4: 2})
    after = rows_for({1: 6, 2: 6, 3: 9, 9: 10}, "follow_up")  # 4 did not come back; 9 is new
    paired, n_before, changes = A.team_change(FP, before, after, 3)
    first = changes[FP.steps[0].id]
    assert (paired, n_before) == (3, 4) and first.n == 3
    assert first.before == 6.0 and first.after == 7.0 and first.change.mean == 1.0 and first.change.sd is None
    assert not A.paired_visible(paired, n_before, 3)
    assert A.status_counts([dict(item="c1_status", value=["done"]), dict(item="c2_status", value=["not_yet"]),
                            dict(item="goal_status", value=["done"]), dict(item="c1_status", value="bogus")], ["c1_status", "c2_status"]) == {
        "done": 1, "started": 0, "not_yet": 1}


def test_a_second_workshop_starts_from_the_first(store):
    first = store.create_session("Spring", threshold=4, modules=["social_team_swot", "five_practices"], language="nb",
                                 settings={"vote_budget": 2}, follow_up=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    second = store.create_session("Autumn", after=first.code)
    assert second.settings["after"] == first.code and second.settings["modules"] == ["social_team_swot", "five_practices"]
    assert second.threshold == 4 and second.language == "nb" and second.settings["vote_budget"] == 2
    assert "follow_up" not in second.settings  # its own follow-up, if any, is its own


def test_setting_the_follow_up_later_adds_the_module_closed(store):
    s = store.create_session("Later", modules=["five_practices"], start_open=True)
    with pytest.raises(InputError, match="has passed|must come after"):
        store.set_follow_up(s.code, "2020-01-01")
    assert "follow_up" not in store.get_session(s.code).settings  # nothing stored half-way
    day = dt.date.today() + dt.timedelta(days=20)
    s2 = store.set_follow_up(s.code, day)
    assert s2.follow_up == day and s2.settings["modules"] == ["five_practices", "follow_up"]
    assert not store.module_state(s.code, "follow_up").is_open
    assert store.set_follow_up(s.code, None).follow_up is None


def test_a_browser_keeps_a_person_until_30_days_after_the_follow_up():
    from slkit.widgets.widget_join import COOKIE_DAYS, cookie_days

    assert cookie_days({}) == COOKIE_DAYS
    far = dt.date.today() + dt.timedelta(days=90)
    assert cookie_days({"follow_up": far.isoformat()}) == 120
    assert cookie_days({"follow_up": "garbage"}) == COOKIE_DAYS


def test_the_report_of_a_second_workshop_compares_the_practices(store):
    from slkit.report import session_report_html

    first = store.create_session("Spring", threshold=3, modules=["five_practices"], start_open=True)
    for v in (4, 5, 6):
        store.save_answers(store.join(first.code), "five_practices", {i: v for i in RATINGS})
    second = store.create_session("Autumn", after=first.code, start_open=True)
    for v in (6, 7, 8):
        store.save_answers(store.join(second.code), "five_practices", {i: v for i in RATINGS})
    html = session_report_html(store, second.code)
    assert "Compared with the earlier workshop" in html and f"Session {first.code}" in html
    assert f"<tr data-step='{FP.steps[0].id}'><td>{FP.steps[0].title}</td><td class='then'>5.0</td><td class='now'>7.0</td></tr>" in html


def test_the_workbook_sums_up_the_follow_up_under_the_anonymity_rules(store, tmp_path):
    """The workbook's follow-up summary sheet: statuses counted and the practices then and now,
    as the pages show them (the same rules), or the note that says why not yet."""
    import openpyxl

    from slkit.demo import make_demo
    from slkit.report import export

    s = make_demo(store, title="Follow day")
    fu = get_framework("follow_up")
    rows = store.answers(s.code, "follow_up")
    path = export(store, s.code, "xlsx", tmp_path / "f.xlsx")[0]
    ws = openpyxl.load_workbook(path)["5 Follow-up – summary"]
    table = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    commitments = [i.id for i in fu.items if i.id.endswith("_status") and i.tags.get("commitment", "").startswith("commitment_")]
    counts = A.status_counts(rows, commitments)
    assert table["Done"][:2] == (counts["done"], A.status_counts(rows, ["goal_status"])["done"])
    assert table["All"][0] == sum(counts.values()) > 0
    paired, n_before, changes = A.team_change(FP, store.answers(s.code, "five_practices"), rows, s.threshold)
    step = FP.steps[0]
    assert A.paired_visible(paired, n_before, s.threshold)
    assert table[step.title][:3] == (round(changes[step.id].before, 2), round(changes[step.id].after, 2), round(changes[step.id].change.mean, 2))

    few = store.create_session("Few", threshold=3, modules=["five_practices", "follow_up"], start_open=True)
    store.set_module_state(few.code, "follow_up", is_open=True)  # (it starts closed)
    p = store.join(few.code)
    store.save_answers(p, "five_practices", {i: 5 for i in RATINGS})
    store.save_answers(p, "follow_up", {"c1_status": ["done"]})
    ws = openpyxl.load_workbook(export(store, few.code, "xlsx", tmp_path / "few.xlsx")[0])["5 Follow-up – summary"]
    text = " ".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v is not None)
    assert "shows once 3 people have answered" in text and "Done" not in text
    assert "before and after shows once 3 people" in text and step.title not in text
