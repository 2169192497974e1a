"""Purpose first and the motivation triad in a real server: three people answer, and the team
view equals what their answers give; before the third, it shows nothing but the count."""

import statistics

from playwright.sync_api import expect

from slkit import aggregate as A
from slkit.content import get_framework
from slkit.summaries import facet_label

PF = get_framework("purpose_first")
MT = get_framework("motivation_triad")


def next_step(pg, title):
    pg.get_by_role("button", name="Next").click()
    pg.get_by_role("heading", name=title, exact=True, level=2).wait_for()


def rate(pg, ratings: dict[str, int], items):
    for i, item in enumerate(items):
        row = pg.locator(".slk-rating").nth(i)
        row.get_by_text(item.text, exact=True).wait_for()
        row.get_by_role("radio", name=str(ratings[item.id]), exact=True).click()
    pg.locator(".savebar", has_text="Saved").wait_for()


def start(kit, code, fw, width=1280):
    pg = kit.join_and_open(code, fw.id, width=width)
    pg.get_by_role("heading", name=fw.steps[0].title, exact=True).wait_for()
    return pg


def see_team(pages, person):
    """On the team step: the first two saw the count only; the third sees the results."""
    pg = pages[person]
    if person < 2:
        waiting = pg.locator(".waiting")
        waiting.wait_for()
        assert waiting.inner_text().startswith(f"{person + 1} of 3 answers so far")
        assert pg.locator("table").count() == 0


# ---- purpose first -------------------------------------------------------------------------

CULTURE = [i for i in PF.steps[2].items]
PURPOSE_ANSWERS = [
    dict(rank=["Listen to what customers and the public say", "Attract people we want to hire"], purpose="We listen first",
         culture=[5, 2, 2, 3, 1, 4], decision="Not yet"),
    dict(rank=["Attract people we want to hire", "Listen to what customers and the public say", "Keep everyone informed inside the organisation"],
         purpose="<script>alert(1)</script>", culture=[4, 3, 2, 2, 2, 5], decision="Go"),
    dict(rank=["Listen to what customers and the public say"], purpose="Customers shape our work",
         culture=[3, 4, 3, 1, 2, 3], decision="Go"),
]


def answer_purpose_first(kit, code, person, width=1280):
    a = PURPOSE_ANSWERS[person]
    pg = start(kit, code, PF, width)
    for place, label in enumerate(a["rank"]):
        pg.locator(".slk-rank select").nth(place).select_option(label=label)
        pg.locator(".savebar", has_text="Saved").wait_for()
    pg.locator(".slk-text textarea").first.fill(a["purpose"])
    if person == 0:
        kit.screenshot(pg, "purpose_first_why_phone" if width < 600 else "purpose_first_why_laptop")
    next_step(pg, "Value")
    pg.get_by_role("heading", name=f"1. {a['rank'][0]}", level=3).wait_for()  # the step's own fields are there
    pg.locator(".slk-text textarea").first.fill("Fewer surprises")
    next_step(pg, "Culture fit")
    rate(pg, {i.id: v for i, v in zip(CULTURE, a["culture"])}, CULTURE)
    next_step(pg, "Tools and use")
    pg.get_by_role("checkbox", name="LinkedIn").check()
    next_step(pg, "Decision")
    pg.get_by_role("radio", name=a["decision"], exact=True).check()
    pg.locator(".canvas .decision", has_text=a["decision"]).wait_for()
    if person == 0:
        kit.screenshot(pg, "purpose_first_canvas_phone" if width < 600 else "purpose_first_canvas_laptop")
    next_step(pg, "The team")
    return pg


def test_three_people_rank_objectives_and_the_team_view_adds_them_up(kit, browser):
    store = kit.server.store()
    session = store.create_session("Purpose test", threshold=3)
    dialogs = []
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(3)]
    try:
        pages = []
        for person, ctx in enumerate(contexts):
            kit.context = ctx
            ctx.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            pages.append(answer_purpose_first(kit, session.code, person, width=390 if person == 0 else 1280))
            see_team(pages, person)
        rows = store.answers(session.code, "purpose_first")  # saving is synchronous: all is in
        expected = A.rank_points(PF, rows, "objectives")
        for person, pg in enumerate(pages):
            if person < 2:
                pg.get_by_role("button", name="Refresh").click()
            table = pg.locator(".rank-table")
            # A page that showed the team mid-way follows on its own: the last answer given was a decision.
            expect(pg.locator(".decision-table tr[data-option='go'] .count")).to_have_text("2")
            shown = [r.get_attribute("data-option") for r in table.locator("tr[data-option]").all()]
            assert shown == [r.option for r in expected if r.chosen] == ["listen", "recruit", "internal_comms"]
            assert table.locator("tr[data-option='listen'] .points").inner_text() == str(3 + 2 + 3)
            for item, k in zip(CULTURE, range(len(CULTURE))):
                values = [a["culture"][k] for a in PURPOSE_ANSWERS]
                assert pg.locator(f".culture-table tr[data-item='{item.id}'] .mean").inner_text() == f"{statistics.fmean(values):.1f}"
            purposes = pg.locator("ul.purposes li").all_inner_texts()
            assert sorted(purposes) == sorted(a["purpose"] for a in PURPOSE_ANSWERS)
            assert pg.locator(".decision-table tr[data-option='go'] .count").inner_text() == "2"
        kit.screenshot(pages[1], "purpose_first_team_laptop")
        kit.screenshot(pages[0], "purpose_first_team_phone")
        assert dialogs == [], "typed script must show as text, never run"
    finally:
        for ctx in contexts:
            ctx.close()
    assert {r["item"] for r in rows} >= {"objectives", "purpose_sentence", "value_listen", "value_recruit", "channels", "decision"}, {r["item"] for r in rows}


# ---- the motivation triad --------------------------------------------------------------------

RATED = [s for s in MT.steps if any(i.kind == "rating" for i in s.items)]


def triad_ratings(person: int) -> dict[str, int]:
    return {i.id: 1 + (person * 4 + k * 3 + (5 if i.tags["when"] == "wanted" else 0)) % 10
            for k, i in enumerate(x for x in MT.items if x.kind == "rating")}


def answer_triad(kit, code, person, width=1280):
    ratings = triad_ratings(person)
    pg = start(kit, code, MT, width)
    for k, step in enumerate(RATED):
        if k:
            next_step(pg, step.title)
        rate(pg, ratings, [i for g in step.groups for i in step.items if i.group == g.id])
    if person == 0:
        kit.screenshot(pg, "motivation_triad_rating_phone" if width < 600 else "motivation_triad_rating_laptop")
    next_step(pg, "What holds it back")
    pg.get_by_role("checkbox", name="Policy and rules").first.check()
    pg.locator(".slk-text textarea").first.fill(f"Change {person}")
    next_step(pg, "Your triad")
    return pg, ratings


def test_three_people_rate_the_triad_and_the_team_view_equals_their_answers(kit, browser):
    store = kit.server.store()
    session = store.create_session("Triad test", threshold=3)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(3)]
    try:
        pages, all_ratings = [], []
        for person, ctx in enumerate(contexts):
            kit.context = ctx
            pg, ratings = answer_triad(kit, session.code, person, width=390 if person == 0 else 1280)
            own = A.tag_scores(MT, ratings, "part", "facet", "when")
            (part, facet), gap = max(A.gaps(own).items(), key=lambda kv: kv[1])
            said = pg.locator(".largest-gap").inner_text()
            assert said.startswith(f"Your largest gap is in {facet_label(MT, part, facet)} (+") if gap > 0 else said.startswith("Nothing you rated")
            if person == 0:
                kit.screenshot(pg, "motivation_triad_own_phone")
            next_step(pg, "The team")
            pages.append(pg)
            all_ratings.append(ratings)
            see_team(pages, person)
        for person, pg in enumerate(pages):
            if person < 2:
                pg.get_by_role("button", name="Refresh").click()
            # A page that showed the team mid-way follows on its own: the last answer given was a change.
            expect(pg.locator("ul.changes-autonomy li")).to_have_count(3)
            for part in ("autonomy", "mastery", "purpose"):
                today = [A.tag_scores(MT, r, "part", "when")[(part, "today")] for r in all_ratings]
                wanted = [A.tag_scores(MT, r, "part", "when")[(part, "wanted")] for r in all_ratings]
                row = pg.locator(f".triad-table tr[data-part='{part}']")
                assert row.locator(".today").inner_text() == f"{statistics.fmean(today):.1f}"
                assert row.locator(".today-sd").inner_text() == "–"  # three people: no spread
                assert row.locator(".wanted").inner_text() == f"{statistics.fmean(wanted):.1f}"
            assert pg.locator(".blocker-table tr[data-option='policy'] .autonomy").inner_text() == "3"
            assert sorted(pg.locator("ul.changes-autonomy li").all_inner_texts()) == ["Change 0", "Change 1", "Change 2"]
        kit.screenshot(pages[1], "motivation_triad_team_laptop")
        kit.screenshot(pages[0], "motivation_triad_team_phone")
    finally:
        for ctx in contexts:
            ctx.close()
