"""axe-core on the pages of a participant's journey, the console and the room screen: 0
violations of WCAG 2.x A/AA (2.2 included) and axe's best practices, in the states people see."""

import re

from slkit import board as B
from slkit.content import load_frameworks
from slkit.demo import make_demo
from slkit.sessions import facilitator_link, join_link, screen_link


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
    """Every tab of the console and the states a facilitator meets in it (the preview of each
    module, the SWOT's moderation with its merge choices, a merge to undo, the delete question),
    and the room screen's join view and each module's results, in English and Norwegian. The
    console's choices are named radio groups."""
    store = kit.server.store()
    for language in ("en", "nb"):
        s = make_demo(store, title=f"Audit {language}")
        store.update_session(s.code, settings={"language": language})
        entries = [e for e in B.board_entries(store, s.code, "social_team_swot") if e.item == "swot_item" and e.visible]
        pair = [e for e in entries if e.column == entries[0].column][:2]
        B.merge_entries(store, s.code, "social_team_swot", pair[1].id, pair[0].id)  # one merge to undo
        console = kit.facilitator_opens_board(s.code, s.key, width=1366)
        console.set_viewport_size({"width": 1366, "height": 768})
        tabs = console.get_by_role("tab")
        tabs.first.wait_for()
        names = [tabs.nth(n).inner_text() for n in range(tabs.count())]
        assert len(names) == 4, names
        console.get_by_role("radiogroup", name="What the room screen shows" if language == "en" else "Det storskjermen viser").wait_for()
        audit(console, f"the console ({language})")
        tabs.nth(1).click()  # the preview, module by module
        group = console.get_by_role("radiogroup", name="Module to preview" if language == "en" else "Modul å forhåndsvise")
        for n in range(group.get_by_role("radio").count()):
            group.get_by_role("radio").nth(n).click()
            console.wait_for_timeout(800)
            audit(console, f"the console's preview, module {n + 1} ({language})")
        tabs.nth(2).click()  # moderation: the SWOT's board, with its merge choices and the merge to undo
        console.locator(".slk-tabs select:visible").first.select_option(index=2)  # 3. SWOT
        console.locator(".slk-moderate-row").first.wait_for()
        audit(console, f"the console's moderation of the SWOT board ({language})")
        tabs.nth(3).click()  # settings and exports, with the delete question open
        console.get_by_role("button", name="Delete the session…" if language == "en" else re.compile("^Slett")).click()
        console.locator(".msg-error").first.wait_for()
        audit(console, f"the console's settings with the delete question ({language})")
        screen = kit.open(screen_link(kit.server.base_url, s.code, s.screen_key))
        screen.set_viewport_size({"width": 1280, "height": 720})
        screen.locator(".screen-code").wait_for()
        audit(screen, f"the room screen, join view ({language})")
        for module, fw in load_frameworks(language=language).items():
            store.update_session(s.code, settings={"screen": {"view": "results", "module": module}})
            screen.wait_for_function("t => { const c = document.getElementById('rendered_cells'); return c && c.innerText.includes(t); }",
                                     arg=fw.title, timeout=15_000)
            screen.wait_for_timeout(800)
            audit(screen, f"the room screen, {module} ({language})")
    # The console's start page: its fields named by the words above them.
    start = kit.open(facilitator_link(kit.server.base_url, kit.server.server_key), width=1366)
    start.get_by_role("button", name="Create session").wait_for()
    start.get_by_role("textbox", name="Title").wait_for()
    start.get_by_role("spinbutton", name="Team results show to participants once this many people have answered:").wait_for()
    start.get_by_role("combobox", name="Language of the session's pages", exact=False).wait_for()
    audit(start, "the console's start page")


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


# Where the focused element's focus ring lies (its box grown by the outline's width and offset),
# the ancestors that would cut it off, and how many points on it something else covers.
RING = """() => {
  const b = document.activeElement, r = b.getBoundingClientRect(), cs = getComputedStyle(b);
  const grow = parseFloat(cs.outlineWidth) + parseFloat(cs.outlineOffset);
  const box = {l: r.left - grow, t: r.top - grow, r: r.right + grow, b: r.bottom + grow};
  const clips = [];
  for (let a = b.parentElement; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const q = a.getBoundingClientRect();
    if (box.l < q.left - 0.5 || box.t < q.top - 0.5 || box.r > q.right + 0.5 || box.b > q.bottom + 0.5) clips.push(String(a.className).slice(0, 60));
  }
  const inset = Math.max(0, -parseFloat(cs.outlineOffset) - parseFloat(cs.outlineWidth) / 2);
  const mid = [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
  const on = [[box.l + 1 + inset, mid[1]], [box.r - 1 - inset, mid[1]], [mid[0], box.t + 1 + inset], [mid[0], box.b - 1 - inset]];
  const covered = on.filter(([x, y]) => { const e = document.elementFromPoint(x, y), o = e && e.closest('button');
                                          return o && o !== b; }).length;  // a neighbouring button drawn over it
  return {text: b.textContent.trim(), width: parseFloat(cs.outlineWidth), style: cs.outlineStyle, clips, covered,
          look: [cs.outlineStyle, cs.outlineColor, cs.boxShadow, cs.backgroundColor].join(' | ')};
}"""
LOOK = "b => { const cs = getComputedStyle(b); return [cs.outlineStyle, cs.outlineColor, cs.boxShadow, cs.backgroundColor].join(' | '); }"


def test_the_focus_ring_on_a_scale_point_is_whole_and_unlike_a_choice(kit):
    """A sighted keyboard user sees where they are on a rating scale: the ring around the focused
    point is not cut off by the row or the page's boxes, no neighbour covers it, and it looks
    different from a chosen point (and from a chosen point without the focus), on a phone and a laptop."""
    for width in (390, 1366):
        s = kit.server.store().create_session(f"Focus ring {width}", modules=["five_practices"], start_open=True)
        pg = kit.join_and_open(s.code, "five_practices", width=width)
        scales = pg.locator(".slk-rating")
        scales.first.get_by_role("radio", name="1", exact=True).focus()
        pg.keyboard.press("ArrowRight")  # the focus and the choice on 2
        pg.locator(".slk-rating").first.get_by_role("radio", name="2", checked=True).wait_for()
        chosen_focused = pg.evaluate(RING)
        pg.keyboard.press("Tab")  # the next scale's first point: focused, not chosen
        pg.wait_for_function("document.activeElement.textContent.trim() === '1'")
        focused = pg.evaluate(RING)
        chosen = scales.first.get_by_role("radio", name="2").evaluate(LOOK)
        for ring, what in ((chosen_focused, "a chosen point"), (focused, "a point")):
            assert ring["style"] == "solid" and ring["width"] >= 2, f"{what} at {width}px: no ring"
            assert ring["clips"] == [], f"{what} at {width}px: the ring is cut off by {ring['clips']}"
            assert ring["covered"] == 0, f"{what} at {width}px: the ring is covered"
        assert len({chosen_focused["look"], focused["look"], chosen}) == 3, "focused, chosen and both look alike"
        kit.screenshot(pg, f"focus_ring_{width}", full=False)


# Buttons whose words do not fit them (cut, or shown as "…").
CUT_BUTTONS = """() => Array.from(document.querySelectorAll('#rendered_cells button')).filter(b => b.offsetParent
  && (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 2)).map(b => b.textContent.trim())"""
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
                " p { margin-bottom: 2em !important; }")  # WCAG 1.4.12


def test_a_320_pixel_screen_with_wide_text_spacing_cuts_no_button_and_a_scale_keeps_one_row(kit):
    """The narrowest phone (320 CSS px) in Norwegian, whose words are long, with WCAG's text
    spacing: the SWOT's Add and vote buttons and «Legg til strategi» show their words whole; a
    rating scale's ten points stay on one row there and on a laptop at 200 % zoom."""
    s = make_demo(kit.server.store(), title="Smal skjerm")
    kit.server.store().update_session(s.code, settings={"language": "nb"})
    pg = kit.open(join_link(kit.server.base_url, s.code), width=320)
    pg.locator("button.slk-button").first.click()  # «Bli med i økten»
    pg.locator(".module-card").first.wait_for()
    kit.open_module(pg, "social_team_swot")
    for step in range(3):  # collect, vote, strategies
        pg.add_style_tag(content=TEXT_SPACING)
        pg.locator(".slk-add, .slk-vote, .slk-strategy").first.wait_for()
        pg.wait_for_timeout(500)
        assert pg.evaluate(CUT_BUTTONS) == [], f"SWOT step {step + 1}: buttons cut at 320 px"
        assert pg.evaluate(SIDEWAYS) == [], f"SWOT step {step + 1}: wider than the window"
        if step < 2:
            heading = pg.locator(".slk-step-title h2").inner_text()
            pg.get_by_role("button", name="Neste", exact=True).click()
            pg.wait_for_function("h => document.querySelector('.slk-step-title h2').textContent !== h", arg=heading)
    kit.screenshot(pg, "phone320_nb_swot_strategies", full=False)
    pg.locator("a.home-link").first.click()
    pg.locator(".module-card").first.wait_for()
    kit.open_module(pg, "five_practices")
    rows = "() => new Set(Array.from(document.querySelector('.slk-rating .slk-scale').querySelectorAll('button')).map(b => Math.round(b.getBoundingClientRect().top))).size"
    for width in (320, 640):  # 640: a 1280 px laptop at 200 %
        pg.set_viewport_size({"width": width, "height": 720})
        pg.wait_for_timeout(400)
        assert pg.evaluate(rows) == 1, f"the scale wraps at {width} px"
