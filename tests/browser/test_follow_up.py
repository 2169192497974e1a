"""From the workshop to the follow-up six weeks later (the store's dates moved back six weeks):

- in the workshop three people commit; Ann sees when the team comes back to it and takes the
  follow-up and her first step into her calendar (the .ics parsed with icalendar: the events,
  all-day dates, the link, and no personal code anywhere in it);
- on the day the facilitator opens the follow-up from the console; Ann returns in the same
  browser, Ben on a new device with his personal code, Dan as a new participant (the page
  says plainly what that means); each finds their own commitments (or none);
- statuses and ratings are stored; the team's before and after appears once the paired group
  meets the threshold and not before; the room screen shows it; the report, workbook and
  Ann's handout hold it; the page in Norwegian on a phone.
"""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from slkit.content import get_framework
from slkit.sessions import follow_up_link, join_link, screen_link
from slkit.store import answers_t, sessions_t

from .conftest import PAGE_TIMEOUT_MS, Kit

FP = get_framework("five_practices")
RATINGS = [i.id for i in FP.items if i.kind == "rating"]


def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    return ctx


def commit(store, p, n: int, rating: int, days: int) -> None:
    store.save_answers(p, "five_practices", {**{i: rating for i in RATINGS}, "commitment_1": f"Commitment of person {n}",
                                             "commitment_1_first_step": f"First step of person {n}",
                                             "commitment_1_date": (dt.date.today() + dt.timedelta(days=days)).isoformat()})


def six_weeks_later(store, code: str) -> None:
    """Move the session's dates back six weeks: the follow-up day is today."""
    s = store.get_session(code)
    back = dt.timedelta(weeks=6)
    store.write(lambda c: c.execute(sessions_t.update().where(sessions_t.c.id == s.id).values(created_at=s.created_at - back)))
    rows = store.read(lambda c: c.execute(sa.select(answers_t.c.id, answers_t.c.updated_at).where(answers_t.c.session_id == s.id)).all())
    for rid, when in rows:  # each in Python: SQLite keeps times as text, where date arithmetic in SQL goes wrong
        store.write(lambda c, rid=rid, when=when: c.execute(answers_t.update().where(answers_t.c.id == rid).values(updated_at=when - back)))
    store.update_session(code, settings={"follow_up": dt.date.today().isoformat()})


def test_from_the_workshop_to_the_follow_up_six_weeks_later(kit, browser, audit, tmp_path):
    from icalendar import Calendar

    store = kit.server.store()
    day = dt.date.today() + dt.timedelta(weeks=6)
    s = store.create_session("Follow-up day", threshold=3, modules=["social_team_swot", "five_practices"], start_open=True,
                             follow_up=day.isoformat())
    assert store.get_session(s.code).settings["modules"][-1] == "follow_up"

    # ---- the workshop: Ann commits through the page; Ben and Cai have answered already.
    ann_ctx, ben_ctx, dan_ctx = phone(browser), phone(browser), phone(browser)
    try:
        ann = ann_ctx.new_page()
        ann.goto(join_link(kit.server.base_url, s.code))
        ann.get_by_label("Your name (optional)").fill("Ann")
        ann.get_by_role("button", name="Join the session", exact=True).click()
        ann.locator(".module-card").first.wait_for()
        Kit.open_module(ann, "five_practices")
        Kit.next_until(ann, "Your commitments")
        ann.get_by_role("textbox", name="Commitment 1, what will you do more of?").fill("Give feedback every Friday")
        ann.get_by_role("textbox", name="The first step for commitment 1").fill("Put Friday feedback in my calendar")
        ann.get_by_label("By when will you have taken that first step?").fill((dt.date.today() + dt.timedelta(days=5)).isoformat())
        ann.locator(".field-state", has_text="saved").first.wait_for()
        when = ann.locator(".follow-up-date")
        when.wait_for()
        ann.get_by_text("Your first steps' dates are in the calendar file too.").wait_for()  # the date she just set is in it
        assert day.strftime("%B") in when.inner_text() and str(day.day) in when.inner_text()
        audit(ann, "five practices' last step with the follow-up date")
        Kit.screenshot(ann, "follow_up_date_phone", full=False)
        with ann.expect_download() as got:
            ann.get_by_role("link", name="Add to my calendar (.ics file)").click()
        ics = got.value.path().read_bytes()
        cal = Calendar.from_ical(ics)
        events = {str(e.get("summary")): e for e in cal.walk("VEVENT")}
        assert set(events) == {"Follow-up: Follow-up day", "First step: Put Friday feedback in my calendar"}
        follow = events["Follow-up: Follow-up day"]
        assert follow.decoded("dtstart") == day and follow.decoded("dtend") == day + dt.timedelta(days=1)  # a whole day
        assert follow_up_link(kit.server.base_url, s.code) in str(follow.get("description")) and str(follow.get("url")).endswith(s.code)
        ann_person = next(p for p in store.read(lambda c: c.execute(sa.text("SELECT id FROM participants")).all()))
        token = next(c["value"] for c in ann_ctx.cookies() if c["name"] == f"slk_{s.code}")
        assert token.encode() not in ics and b"personal" not in ics.lower()
        assert ann_person is not None
        # The browser keeps her until at least 30 days after the follow-up.
        expires = next(c["expires"] for c in ann_ctx.cookies() if c["name"] == f"slk_{s.code}")
        assert dt.datetime.fromtimestamp(expires, dt.timezone.utc).date() >= day + dt.timedelta(days=30)

        ben = store.join(s.code, "Ben")
        cai = store.join(s.code, "Cai")
        commit(store, ben, 2, 4, 7)
        commit(store, cai, 3, 6, 9)
        ann_p = store.resume(s.code, token=token)
        store.save_answers(ann_p, "five_practices", {i: 5 for i in RATINGS})

        # ---- six weeks later: the facilitator opens the follow-up.
        six_weeks_later(store, s.code)
        console = kit.facilitator_opens_board(s.code, s.key, width=1366)
        console.locator(".state-open.off[data-module='follow_up']").wait_for()
        console.locator(".widget-hbox:has(> .widget-html .state-open[data-module='follow_up']) button").click()
        console.locator(".state-open.on[data-module='follow_up']").wait_for()
        console.locator(".widget-hbox:has(> .widget-html .state-reveal[data-module='follow_up']) button").click()
        console.locator(".state-reveal.on[data-module='follow_up']").wait_for()

        # Ann, in the same browser: her home knows her; the follow-up has her commitment.
        ann.goto(join_link(kit.server.base_url, s.code))
        ann.locator(".module-card[data-module='follow_up']").click()
        ann.locator(".slk-promise").first.wait_for()
        assert "Give feedback every Friday" in ann.locator(".slk-promise").first.inner_text()
        ann.get_by_role("radio", name="Started").first.click()
        ann.get_by_role("textbox", name="What helped?").first.fill("A reminder every Friday")
        ann.get_by_role("textbox", name="What got in the way?").first.fill("Busy weeks before the holidays")
        ann.get_by_role("textbox", name="Your next step").first.fill("Ask two colleagues to join in")
        ann.locator(".field-state", has_text="saved").first.wait_for()
        audit(ann, "follow-up: her commitments")
        Kit.screenshot(ann, "follow_up_commitments_phone", full=False)
        # The practices again (as a rehearsal would: the store for the thirty ratings), then her own then and now.
        store.save_answers(ann_p, "follow_up", {i: 7 for i in RATINGS})
        Kit.next_until(ann, "You then and now")
        table = ann.locator("table.before-after")
        table.wait_for()
        row = table.locator(f"tr[data-step='{FP.steps[0].id}']")
        assert row.locator(".before").inner_text() == "5.0" and row.locator(".after").inner_text() == "7.0"
        assert row.locator(".change").inner_text() == "+2.0"
        Kit.next_until(ann, "The team")
        waiting = ann.locator(".waiting")
        waiting.wait_for()  # one person answered: the team's follow-up waits
        assert "1 of 3 answers so far" in waiting.inner_text()

        # Ben, on a new device with his personal code.
        bp = ben_ctx.new_page()
        bp.goto(follow_up_link(kit.server.base_url, s.code))
        bp.get_by_placeholder("ABCD-EFGH").fill(ben.personal_code)
        bp.get_by_role("button", name="Continue", exact=True).click()
        bp.locator(".slk-promise").first.wait_for()
        assert "Commitment of person 2" in bp.locator(".slk-promise").first.inner_text()
        bp.get_by_role("radio", name="Done").first.click()
        bp.locator(".savebar", has_text="Saved").wait_for()
        store.save_answers(store.resume(s.code, personal_code=ben.personal_code), "follow_up", {i: 6 for i in RATINGS})

        # Dan lost both cookie and code: a new participant; the page says what that means.
        dp = dan_ctx.new_page()
        dp.goto(follow_up_link(kit.server.base_url, s.code) + "&lang=nb")
        dp.get_by_role("button", name="Bli med i økten", exact=True).click()
        dp.locator(".none-found").wait_for()
        assert "Vi fant ingen forpliktelse fra deg" in dp.locator(".none-found").inner_text()
        audit(dp, "follow-up in Norwegian, a new participant")
        Kit.screenshot(dp, "follow_up_new_person_phone_nb", full=False)
        Kit.next_until(dp, "Teamets mål", next_label="Neste")
        dp.get_by_role("radio", name="3", exact=True).click()  # how far the team came
        dp.locator(".savebar", has_text="Lagret").wait_for()

        # Three people answered the follow-up, two of them in the workshop too: the team's
        # follow-up shows, its before and after does not (it would give Cai's workshop answers away).
        ann.locator(".slk-refresh").first.click()
        paired = ann.locator(".change-waiting")
        paired.wait_for(timeout=20_000)
        assert "(2 of 3 so far)" in paired.inner_text()

        # Cai answers too: three people paired, all three who rated in the workshop: it shows.
        store.save_answers(cai, "follow_up", {**{i: 6 for i in RATINGS}, "c1_status": ["not_yet"]})
        ann.locator(".slk-refresh").first.click()
        change = ann.locator("table.change-table")
        change.wait_for(timeout=20_000)
        first = change.locator(f"tr[data-step='{FP.steps[0].id}']")
        assert first.locator(".before").inner_text() == "5.0" and first.locator(".after").inner_text() == "6.3"
        assert first.locator(".sd").inner_text() == "–"  # three people: no spread
        statuses = ann.locator("table.status-table")
        assert "1" in statuses.locator("td.status-done").first.inner_text()
        Kit.screenshot(ann, "follow_up_team_phone", full=True)

        # The room screen: the team's before and after.
        console.get_by_role("radio", name="Results", exact=True).click()
        console.get_by_label("Results of").select_option("5. Follow-up")
        console.get_by_label("Part on the screen").select_option(label="2. The practices then and now")
        screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            sc = screen_ctx.new_page()
            sc.goto(screen_link(kit.server.base_url, s.code, s.screen_key))
            sc.locator(".screen-title[data-part='change']").wait_for(timeout=PAGE_TIMEOUT_MS)
            sc.wait_for_timeout(800)
            Kit.screenshot(sc, "screen_follow_up_change_1280x720", full=False)
        finally:
            screen_ctx.close()

        # The report, the workbook and Ann's handout hold it.
        import openpyxl

        from slkit.handout import handout_html
        from slkit.report import export

        html = export(store, s.code, "html", tmp_path / "report.html")[0].read_text()
        assert "The practices then and now" in html and "change-table" in html and "A reminder every Friday" in html
        book = openpyxl.load_workbook(io.BytesIO(export(store, s.code, "xlsx", tmp_path / "book.xlsx")[0].read_bytes()))
        sheet = [str(c.value) for row in book["5 Follow-up"].iter_rows() for c in row if c.value is not None]
        assert "Started" in sheet and "A reminder every Friday" in sheet
        assert "Busy weeks before the holidays" in sheet and "Ask two colleagues to join in" in sheet
        assert "Busy weeks before the holidays" in html
        # Its summary sheet: the statuses counted, the practices then and now, as on the pages.
        summary = {r[0]: r[1:] for r in book["5 Follow-up – summary"].iter_rows(values_only=True) if r[0]}
        assert summary["Done"][0] == 1 and summary["Started"][0] == 1 and summary["Not yet"][0] == 1
        assert summary[FP.steps[0].title][:3] == (5.0, 6.33, 1.33)
        mine = handout_html(store, ann_p)
        assert "How far I got" in mine and "Me then and now" in mine and "Give feedback every Friday" in mine
        hp = ann_ctx.new_page()
        (tmp_path / "handout.html").write_text(mine)
        hp.goto((tmp_path / "handout.html").as_uri())
        Kit.screenshot(hp, "follow_up_handout", full=True)
    finally:
        for ctx in (ann_ctx, ben_ctx, dan_ctx):
            ctx.close()
