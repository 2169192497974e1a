"""axe-core on the pages of a participant's journey, the console and the room screen: 0
violations of WCAG 2.x A/AA (2.2 included) and axe's best practices, in the states people see."""

from slkit.content import load_frameworks
from slkit.demo import make_demo
from slkit.sessions import screen_link


def test_the_participants_journey_has_no_axe_violations(kit, audit):
    """On a phone, in a session where eight people answered (the team views are full): the start
    page, joining, home, each module's first two steps, the SWOT team's board, the five
    practices' profile and the team's, the last step finished. Each is kept as a phone
    screenshot (test-artifacts/phone_*.png) to look at."""
    store = kit.server.store()
    s = make_demo(store, title="Accessible day")
    pg = kit.landing(width=390)
    audit(pg, "the start page")
    pg = kit.landing(s.code, page=pg)
    pg.get_by_role("button", name="Join the session").wait_for()
    audit(pg, "the join form")
    pg.get_by_role("button", name="Join the session").click()
    pg.locator(".module-card").first.wait_for()
    audit(pg, "the home page")
    kit.screenshot(pg, "phone_home", full=False)
    for m, fw in load_frameworks().items():
        kit.open_module(pg, m)
        audit(pg, f"{fw.title}, first step")
        kit.screenshot(pg, f"phone_{m}_1", full=False)
        kit.next_until(pg, fw.steps[1].title)
        audit(pg, f"{fw.title}, second step")
        kit.screenshot(pg, f"phone_{m}_2", full=False)
        kit.go_home(pg)
    kit.open_module(pg, "social_team_swot")
    kit.next_until(pg, "The team's board")
    pg.locator(".board .entry").first.wait_for()
    audit(pg, "the SWOT team's board")
    kit.screenshot(pg, "phone_swot_team_board")
    kit.go_home(pg)
    kit.open_module(pg, "five_practices")
    for heading in ("Your profile", "The team"):
        kit.next_until(pg, heading)
        pg.locator(".slk-chart .main-svg, .slk p").first.wait_for()
        audit(pg, f"the five practices: {heading.lower()}")
        kit.screenshot(pg, f"phone_five_practices_{heading.split()[-1].lower()}")
    kit.next_until(pg, "Your commitments")
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


TEAM_VIEW = {"purpose_first": "The team", "motivation_triad": "The team", "social_team_swot": "The team's board", "five_practices": "The team", "follow_up": "The team"}

# Anything wider than the window, outside the boxes that scroll on purpose (tables, charts).
SIDEWAYS = """() => Array.from(document.querySelectorAll('#rendered_cells *')).filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > window.innerWidth + 1 && !e.closest('.scroll, .slk-chart, .js-plotly-plot');
}).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + String(e.className).slice(0, 60))"""


def test_every_module_reflows_at_200_percent_zoom(kit, browser, audit):
    """A laptop at 200 % zoom (1366×768 shown as 683×384 CSS pixels): each module's first step
    and its team view fit the width (nothing to scroll sideways but tables and charts, which
    say so), pass axe, and are kept as screenshots (test-artifacts/zoom200_*.png)."""
    store = kit.server.store()
    s = make_demo(store, title="Zoom day")
    ctx = browser.new_context(viewport={"width": 683, "height": 384}, device_scale_factor=2)
    ctx.set_default_timeout(90_000)
    try:
        kit.context = ctx
        pg = kit.join_session(s.code)
        for m, fw in load_frameworks().items():
            kit.open_module(pg, m)
            assert pg.evaluate(SIDEWAYS) == [], f"{fw.title}, first step: wider than the window"
            kit.screenshot(pg, f"zoom200_{m}_1", full=False)
            kit.next_until(pg, TEAM_VIEW[m])
            pg.locator(".slk-chart .main-svg, .board .entry, .team-table, .slk p.muted").first.wait_for()
            pg.wait_for_timeout(500)
            assert pg.evaluate(SIDEWAYS) == [], f"{fw.title}, team view: wider than the window"
            audit(pg, f"{fw.title}, team view at 200 %")
            kit.screenshot(pg, f"zoom200_{m}_team", full=False)
            kit.go_home(pg)
    finally:
        ctx.close()
