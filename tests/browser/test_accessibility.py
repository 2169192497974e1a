"""axe-core on the pages of a participant's journey, the console and the room screen: 0
violations of WCAG 2.x A/AA (2.2 included) and axe's best practices, in the states people see."""

from slkit.content import get_framework, load_frameworks
from slkit.demo import make_demo
from slkit.sessions import screen_link


def test_the_participants_journey_has_no_axe_violations(kit, audit):
    store = kit.server.store()
    s = store.create_session("Accessible day", modules=list(load_frameworks()), start_open=True)
    pg = kit.landing(width=390)
    audit(pg, "the start page")
    pg = kit.landing(s.code, page=pg)
    pg.get_by_role("button", name="Join the session").wait_for()
    audit(pg, "the join form")
    pg.get_by_role("button", name="Join the session").click()
    pg.locator(".module-card").first.wait_for()
    audit(pg, "the home page")
    for m, fw in load_frameworks().items():
        kit.open_module(pg, m)
        audit(pg, f"{fw.title}, first step")
        kit.go_home(pg)
    kit.open_module(pg, "five_practices")
    for _ in range(len(get_framework("five_practices").steps) + 1):
        pg.get_by_role("button", name="Next", exact=True).click()
    pg.get_by_role("heading", name="Your commitments", level=2).wait_for()
    pg.get_by_role("button", name="Finish").click()
    pg.locator(".done").wait_for()
    audit(pg, "the five practices' last step, finished")


def test_the_console_and_the_room_screen_have_no_axe_violations(kit, audit):
    store = kit.server.store()
    s = make_demo(store, title="Audit")
    console = kit.facilitator_opens_board(s.code, s.key)
    console.set_viewport_size({"width": 1366, "height": 768})
    console.get_by_role("tab", name="Run the room").wait_for()
    audit(console, "the console")
    console.get_by_role("tab", name="Preview results").click()
    console.locator(".team-table, .rank-table, .triad-table, .board").first.wait_for()
    audit(console, "the console's preview")
    screen = kit.open(screen_link(kit.server.base_url, s.code, s.screen_key))
    screen.set_viewport_size({"width": 1280, "height": 720})
    audit(screen, "the room screen, join view")
    store.update_session(s.code, settings={"screen": {"view": "results", "module": "motivation_triad"}})
    screen.locator(".screen-title").wait_for(timeout=10_000)
    screen.locator(".slk-chart .main-svg").first.wait_for()
    audit(screen, "the room screen, results")
