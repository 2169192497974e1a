"""Three participants rate, each then sees the team profile computed from their answers; a
fourth reloads mid-way and keeps the answers given so far."""

import re
import statistics

import pytest
from playwright.sync_api import expect

from slkit.content import get_framework

FW = get_framework("five_practices")
PRACTICES = [s for s in FW.steps if s.id != "commitments"]
NOTEBOOK = FW.notebook


def ratings_for(person: int) -> dict[str, int]:
    """Deterministic, different per person and per behaviour."""
    return {item.id: 1 + (person * 3 + k * 7 + j) % 10 for k, p in enumerate(PRACTICES) for j, item in enumerate(p.items)}


def rate_step(pg, step, ratings):
    for i, item in enumerate(step.items):
        row = pg.locator(".slk-rating").nth(i)
        row.get_by_text(item.text, exact=True).wait_for()
        row.get_by_role("radio", name=str(ratings[item.id]), exact=True).click()
    # The last click is saved before we move on.
    pg.locator(".savebar", has_text="Saved").wait_for()


def next_step(pg, title):
    pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name=title, exact=True).wait_for()


def join_and_rate(kit, code, person, width=1280):
    pg = kit.join_and_open(code, "five_practices", width=width)
    pg.get_by_role("heading", name=PRACTICES[0].title, exact=True).wait_for()
    ratings = ratings_for(person)
    for k, step in enumerate(PRACTICES):
        if k:
            next_step(pg, step.title)
        rate_step(pg, step, ratings)
    next_step(pg, "Your profile")
    return pg, ratings


def step_means(ratings):
    return {p.id: statistics.fmean(ratings[i.id] for i in p.items) for p in PRACTICES}


@pytest.fixture
def session(kit):
    return kit.server.store().create_session("Five practices test", threshold=3)


def test_three_participants_see_the_team_profile_of_their_answers(kit, session, browser):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(3)]
    try:
        pages, all_ratings = [], []
        for person, ctx in enumerate(contexts):
            kit.context = ctx
            pg, ratings = join_and_rate(kit, session.code, person)
            # Own profile: strongest and weakest practice from one's own ratings.
            means = step_means(ratings)
            strongest = max(PRACTICES, key=lambda p: means[p.id])
            profile = pg.locator("text=Your strongest practice").inner_text()
            assert strongest.title in profile
            next_step(pg, "The team")
            if person < 2:
                waiting = pg.locator(".waiting")
                waiting.wait_for()
                assert waiting.inner_text().startswith(f"{person + 1} of 3 answers so far")
                assert pg.locator(".team-table").count() == 0
            pages.append(pg)
            all_ratings.append(ratings)
        # Everyone now sees the same team figures: mean and spread of the people's practice scores.
        for person, pg in enumerate(pages):
            if person < 2:
                pg.get_by_role("button", name="Refresh").click()
            pg.locator(".team-table").wait_for()
            for p in PRACTICES:
                scores = [step_means(r)[p.id] for r in all_ratings]
                row = pg.locator(f".team-table tr[data-step='{p.id}']")
                # A page that showed the team mid-way follows on its own: wait for the full figures.
                expect(row.locator(".mean")).to_have_text(f"{statistics.fmean(scores):.1f}")
                expect(row.locator(".sd")).to_have_text("–")  # three people: no spread, it would give answers away
                expect(row.locator(".own")).to_have_text(f"{step_means(all_ratings[person])[p.id]:.1f}")
        kit.screenshot(pages[2], "five_practices_team_laptop")
        pages[2].get_by_role("button", name="Back").click()
        pages[2].get_by_role("heading", name="Your profile", exact=True).wait_for()
        kit.screenshot(pages[2], "five_practices_profile_laptop")
    finally:
        for ctx in contexts:
            ctx.close()
    rows = kit.server.store().answers(session.code, "five_practices")
    assert len(rows) == 3 * 30


def test_a_reload_keeps_the_participant_and_the_answers(kit, session):
    pg = kit.participant_joins(session.code, NOTEBOOK, width=390)  # a module link first: the join form is there too
    kit.screenshot(pg, "five_practices_join_phone")
    pg.get_by_role("button", name="Join the session").click()
    code_shown = pg.locator("nav .personal-code").inner_text()
    first = PRACTICES[0]
    chosen = {first.items[0].id: 4, first.items[1].id: 9, first.items[2].id: 1}
    for i, item in enumerate(first.items[:3]):
        pg.locator(".slk-rating").nth(i).get_by_role("radio", name=str(chosen[item.id]), exact=True).click()
    pg.locator(".savebar", has_text="Saved").wait_for()
    kit.screenshot(pg, "five_practices_rating_phone")
    assert not re.search(r"[?&](p|pc)=", pg.url), "the address never carries who the person is"
    pg.reload()
    pg.wait_for_selector(".slk-rating")
    kit.go_home(pg)
    # The same person: the code was shown once (the store keeps its hash); a new one on request.
    assert pg.get_by_role("button", name="Show me a new personal code").is_visible() and pg.locator(".who .personal-code").count() == 0
    assert code_shown
    pg.go_back()
    pg.wait_for_selector(".slk-rating")
    for i, item in enumerate(first.items[:3]):
        active = pg.locator(".slk-rating").nth(i).locator("button.mod-active")
        assert active.inner_text() == str(chosen[item.id])
    assert pg.locator(".slk-rating").nth(3).locator("button.mod-active").count() == 0
    store = kit.server.store()
    assert store.participant_count(session.code) == 1
    assert {r["item"]: r["value"] for r in store.answers(session.code, "five_practices")} == chosen


def test_a_second_device_continues_with_the_personal_code(kit, session, browser):
    pg = kit.join_session(session.code)
    personal = pg.locator(".who .personal-code").inner_text()
    kit.open_module(pg, "five_practices")
    pg.locator(".slk-rating").nth(0).get_by_role("radio", name="6", exact=True).click()
    pg.locator(".savebar", has_text="Saved").wait_for()
    other = browser.new_context()
    try:
        kit.context = other
        pg2 = kit.participant_joins(session.code, NOTEBOOK, width=390)
        pg2.get_by_placeholder("ABCD-EFGH").fill(personal.lower())
        pg2.get_by_role("button", name="Continue").click()
        pg2.wait_for_selector(".slk-rating")
        assert pg2.locator(".slk-rating").nth(0).locator("button.mod-active").inner_text() == "6"
    finally:
        other.close()


def test_an_unknown_session_says_so_and_shows_no_questions(kit):
    pg = kit.participant_joins("ZZZZZZ", NOTEBOOK)
    assert "no session with the code ZZZZZZ" in pg.locator(".msg-error").inner_text()
    assert pg.locator(".slk-rating").count() == 0
