"""One person, one journey, in Chromium against a real `slkit serve`: join once, move between
the modules and home, reload mid-typing, scan the QR code again, leave the last step; then a
second device with the personal code. And a page whose kernel or server goes away says so."""

import re
import signal

from playwright.sync_api import expect

from slkit.content import get_framework
from slkit.devtools import LOCAL_ROOM, kernel_id_of, kernel_processes, start_server, stop_server
from slkit.sessions import join_link, participant_link

from .conftest import watch_console

PF = get_framework("purpose_first")
FP = get_framework("five_practices")
PRACTICES = [s for s in FP.steps if s.id != "commitments"]
SAVED = ".savebar[data-state='saved']"


def stored(store, code, module):
    return {r["item"]: r["value"] for r in store.answers(code, module)}


def test_one_person_joins_once_and_keeps_every_word(kit, browser):
    """... and the browser's console stays clean all the way (but the named, explained
    exceptions in conftest.KNOWN_CONSOLE). Pages' kernels forked (the default on Linux)."""
    one_persons_journey(kit, browser)


def test_the_same_journey_with_kernels_spawned(tmp_path, browser, context):
    """`slkit serve --kernels spawn`: a new Python per page, as elsewhere than Linux."""
    from tests.browser.conftest import Kit

    server = start_server(tmp_path, *LOCAL_ROOM, "--kernels", "spawn")
    try:
        one_persons_journey(Kit(server, context), browser)
        assert [p for p in kernel_processes(server) if "ipykernel_launcher" in " ".join(p.cmdline())]  # spawned
        assert not [p for p in kernel_processes(server) if p.name() == "slkit-kernel"]
    finally:
        stop_server(server.process)


def one_persons_journey(kit, browser):
    console = watch_console(kit.context)
    store = kit.server.store()
    s = store.create_session("Journey day", threshold=3)
    # Joins on a phone through the join link (the QR code).
    pg = kit.join_session(s.code, "Kari", width=390)
    personal = pg.locator(".who .personal-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", personal)
    assert pg.locator(".personal-code").evaluate("e => e.getBoundingClientRect().height < 40")  # one line on a phone
    kit.screenshot(pg, "journey_home_phone")
    assert "p=" not in pg.url and "pc=" not in pg.url  # nothing in the address says who this is

    # Purpose first: typed text is saved with nothing pressed, and a reload comes back to it.
    kit.open_module(pg, "purpose_first")
    pg.locator(".slk-rank select").first.select_option(label=PF.item("objectives").options[0].label)
    pg.locator(SAVED).wait_for()
    purpose = pg.locator(".slk-text textarea").first
    purpose.click()
    pg.keyboard.type("We share what we learn")
    expect(pg.locator(".savebar")).not_to_have_text(re.compile("Saved"))  # typed, not stored yet: never "Saved."
    pg.wait_for_timeout(2000)
    pg.reload()
    expect(pg.locator(".slk-text textarea").first).to_have_value("We share what we learn")
    # Next: the value step; a reload in the middle of it returns to it.
    pg.get_by_role("button", name="Next", exact=True).click()
    pg.get_by_role("heading", name="Value", level=2).wait_for()
    value = pg.locator(".slk-text textarea").first
    value.click()
    pg.keyboard.type("Fewer repeated questions")
    pg.wait_for_timeout(2000)
    pg.reload()
    pg.get_by_role("heading", name="Value", level=2).wait_for()
    expect(pg.locator(".slk-text textarea").first).to_have_value("Fewer repeated questions")
    kit.screenshot(pg, "journey_reload_mid_step_phone", full=False)

    # Home, and the QR code scanned again: the same person, no second join.
    kit.go_home(pg)
    expect(pg.locator(".module-card[data-module='purpose_first'] .state")).to_have_text(re.compile(r"In progress: step 2 of \d"))
    pg.goto(join_link(kit.server.base_url, s.code))
    pg.locator(".module-card").first.wait_for()
    assert "Lost it?" in pg.locator(".who").inner_text()  # the code was shown once; the browser knows her
    assert pg.get_by_role("button", name="Join the session").count() == 0

    # A module link from the chat opens straight in; rate, go to the last step, type commitments, leave.
    pg.goto(participant_link(kit.server.base_url, FP.notebook, s.code))
    pg.get_by_role("heading", name=PRACTICES[0].title, level=2).wait_for()
    pg.locator(".slk-rating").nth(0).get_by_role("radio", name="7", exact=True).click()
    pg.locator(SAVED).wait_for()
    for _ in range(len(PRACTICES) + 2):
        pg.get_by_role("button", name="Next", exact=True).click()
    pg.get_by_role("heading", name="Your commitments", level=2).wait_for()
    pg.locator(".slk-text input, .slk-text textarea").nth(0).fill("Share one lesson a week in our channel")
    pg.locator(".slk-text input, .slk-text textarea").nth(1).fill("Post the first one on Friday")
    pg.get_by_role("button", name="Finish").click()
    pg.locator(".done").wait_for()
    kit.screenshot(pg, "journey_last_step_phone")
    pg.locator(".slk-text input, .slk-text textarea").nth(2).fill("Ask two colleagues what they want to learn")
    pg.get_by_role("link", name="Back to your modules").click()  # leaves at once, nothing pressed
    pg.locator(".module-card").first.wait_for()
    expect(pg.locator(".module-card[data-module='five_practices'] .state")).to_have_text("✓ Done")
    kit.screenshot(pg, "journey_home_after_phone")

    assert store.participant_count(s.code) == 1
    pf, fp = stored(store, s.code, "purpose_first"), stored(store, s.code, "five_practices")
    assert pf["purpose_sentence"] == "We share what we learn"
    assert "Fewer repeated questions" in pf.values()
    assert fp[PRACTICES[0].items[0].id] == 7
    assert fp["commitment_1"] == "Share one lesson a week in our channel"
    assert fp["commitment_1_first_step"] == "Post the first one on Friday"
    expect_eventually(lambda: stored(store, s.code, "five_practices").get("commitment_2") == "Ask two colleagues what they want to learn")

    # The facilitator's board counts one person.
    board = kit.facilitator_opens_board(s.code)
    expect(board.locator(".joined")).to_have_text(re.compile(r"^1 participants? joined"))
    board.close()

    # Another device continues with the personal code, at the step the person was on.
    other = browser.new_context(viewport={"width": 1280, "height": 800})
    console_other = watch_console(other)
    try:
        kit.context = other
        pg2 = kit.landing(s.code)
        pg2.get_by_placeholder("ABCD-EFGH").fill(personal.lower())
        pg2.get_by_role("button", name="Continue", exact=True).click()
        pg2.locator(".module-card").first.wait_for()
        assert pg2.locator(".who .personal-code").inner_text() == personal
        kit.screenshot(pg2, "journey_home_laptop", full=False)
        kit.open_module(pg2, "five_practices")
        pg2.get_by_role("heading", name="Your commitments", level=2).wait_for()
        expect(pg2.locator(".slk-text input, .slk-text textarea").nth(0)).to_have_value("Share one lesson a week in our channel")
        kit.screenshot(pg2, "journey_last_step_laptop")
    finally:
        other.close()
    assert console + console_other == [], "the browser's console: " + "\n".join(console + console_other)
    assert store.participant_count(s.code) == 1
    # The facilitator's terminal stays quiet: no warning per kernel or per page.
    log = kit.server.log()
    assert "without encryption" not in log and "is not trusted" not in log and "DeprecationWarning" not in log, log[-2000:]
    assert "Kernel started" not in log and "Starting buffering" not in log and "Adapting from protocol" not in log, log[-2000:]
    assert "Debugger warning" not in log, log[:2000]  # the fork server's preloaded debugger stays quiet
    assert "Connecting to kernel" not in log and "buffered messages" not in log, log[-2000:]
    # What it says instead: a line when someone joins (once: every later page knew her).
    assert log.count(f"session {s.code}: a person joined") == 1, log[-2000:]


def expect_eventually(check, seconds: float = 15):
    import time

    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not stored in time"
        time.sleep(0.25)


def _page_kernel(pg, server):
    kernel_id = pg.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    for proc in kernel_processes(server):
        if kernel_id_of(proc) == kernel_id:
            return proc
    raise AssertionError(f"no kernel process for {kernel_id}")


def _lost(pg):
    banner = pg.locator("#slk-offline [role='alert']")
    banner.wait_for(timeout=30_000)
    assert "lost its connection" in banner.inner_text()
    assert not pg.locator(".savebar").first.is_visible()  # nothing is shown as saved any more


def test_a_killed_kernel_is_said_at_once_and_a_reload_brings_everything_back(kit, audit):
    store = kit.server.store()
    s = store.create_session("Kernel loss")
    pg = kit.join_and_open(s.code, "five_practices")
    rows = pg.locator(".slk-rating")
    rows.nth(0).get_by_role("radio", name="4", exact=True).click()
    pg.locator(SAVED).wait_for()
    rows.nth(1).get_by_role("radio", name="9", exact=True).click()
    expect(pg.locator(SAVED)).to_have_count(1)
    expect_eventually(lambda: len(stored(store, s.code, "five_practices")) == 2)
    _page_kernel(pg, kit.server).send_signal(signal.SIGKILL)
    _lost(pg)
    rows.nth(2).get_by_role("radio", name="6", exact=True).click(force=True)  # a click after the loss
    expect(rows.nth(2).locator("button.mod-active")).to_have_count(0)  # not shown as given
    kit.screenshot(pg, "journey_kernel_lost_laptop", full=False)
    audit(pg, "a page that lost its kernel")
    pg.get_by_role("button", name="Reload the page").click()
    pg.get_by_role("heading", name=PRACTICES[0].title, level=2).wait_for()
    expect(pg.locator(".slk-rating").nth(0).locator("button.mod-active")).to_have_text("4")
    expect(pg.locator(".slk-rating").nth(1).locator("button.mod-active")).to_have_text("9")
    assert store.participant_count(s.code) == 1


def test_a_restarted_server_is_said_and_a_reload_carries_on(tmp_path, browser, context):
    from tests.browser.conftest import Kit

    server = start_server(tmp_path)
    try:
        kit = Kit(server, context)
        store = server.store()
        s = store.create_session("Server restart")
        pg = kit.join_and_open(s.code, "purpose_first", width=390)
        pg.locator(".slk-rank select").first.select_option(label=PF.item("objectives").options[1].label)
        pg.locator(SAVED).wait_for()
        port = int(server.base_url.rsplit(":", 1)[1])
        stop_server(server.process)
        _lost(pg)
        kit.screenshot(pg, "journey_server_lost_phone", full=False)
        server = start_server(tmp_path, port=port)
        kit.server = server
        pg.reload()
        pg.locator(".slk-step-title h2").wait_for()
        first = pg.locator(".slk-rank select").first
        assert first.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ") == PF.item("objectives").options[1].label
        assert server.store().participant_count(s.code) == 1
    finally:
        stop_server(server.process)


def test_joining_home_and_a_module_work_with_the_keyboard_alone(kit):
    """The new parts of the journey with keys only: the join form, the home page's module
    links, a module's Next (the new step's heading takes the focus), and the way back home."""
    import sqlalchemy as sa

    from slkit.store import participants_t

    store = kit.server.store()
    s = store.create_session("Keys only", modules=["purpose_first", "motivation_triad"], start_open=True)
    mt = get_framework("motivation_triad")
    pg = kit.landing(s.code, width=390)
    pg.get_by_label("Your name (optional)").wait_for()

    def press_until(key, locator, limit=60):
        for _ in range(limit):
            pg.keyboard.press(key)
            if locator.evaluate("e => e === document.activeElement || e.contains(document.activeElement)"):
                return
        raise AssertionError(f"{key} never reached {locator}")

    press_until("Tab", pg.get_by_label("Your name (optional)"))
    pg.keyboard.type("Keyboard Kim")
    press_until("Tab", pg.get_by_role("button", name="Join the session"))
    pg.keyboard.press("Enter")
    pg.locator(".module-card").first.wait_for()
    press_until("Tab", pg.locator(".module-card[data-module='motivation_triad']"))
    pg.keyboard.press("Enter")
    pg.get_by_role("heading", level=2, name=mt.steps[0].title).wait_for()
    press_until("Tab", pg.get_by_role("button", name="Next", exact=True), limit=150)
    pg.keyboard.press("Enter")
    pg.locator(".slk-step-title h2", has_text=mt.steps[1].title).wait_for()
    pg.wait_for_function("document.activeElement && document.activeElement.matches('.slk-step-title h2')")
    press_until("Shift+Tab", pg.get_by_role("link", name="← Your modules"))
    pg.keyboard.press("Enter")
    pg.locator(".module-card[data-module='motivation_triad'] .state", has_text="step 2 of").wait_for()
    assert store.participant_count(s.code) == 1
    with store.engine.connect() as c:
        name = c.execute(sa.select(participants_t.c.display_name).where(participants_t.c.session_id == s.id)).scalar_one()
    assert name == "Keyboard Kim"


def test_the_save_bar_stays_in_sight_on_a_long_step(kit):
    """On a phone, a person scrolled down to the last question still sees whether their answer
    was saved: the bar sits at the bottom of the window, not where the page's first screen ended."""
    store = kit.server.store()
    s = store.create_session("Save bar")
    pg = kit.join_and_open(s.code, "five_practices", width=390)
    rows = pg.locator(".slk-rating")
    rows.nth(0).get_by_role("radio", name="5", exact=True).click()
    pg.locator(".savebar", has_text="Saved").wait_for()
    last = rows.nth(rows.count() - 1)
    last.scroll_into_view_if_needed()
    last.get_by_role("radio", name="8", exact=True).click()
    pg.wait_for_function("() => document.querySelectorAll('.slk-rating')[5].querySelector('[aria-checked=true]')")
    box = pg.evaluate("() => { const r = document.querySelector('.slk-savebar').getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }")
    assert box[2] - 80 <= box[0] and abs(box[1] - box[2]) <= 2, f"the save bar is at {box[:2]} in a window {box[2]} high"
    kit.screenshot(pg, "journey_savebar_scrolled_phone", full=False)
