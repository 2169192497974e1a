"""Every module with the keyboard alone, as a person who uses no mouse goes through it.

One person joins a session where a team has already answered, opens each module from their
home page and completes every step with Tab, arrows, Space, Enter and typing: rating scales
and choices as radio groups (one tab stop, arrows choose), check boxes, rankings, text,
dates, a SWOT item added with Enter, a vote, a strategy. Afterwards the store holds what they
did. Along the way: every control has a name without icon glyphs, each single choice is a
named radio group, axe-core finds nothing on any step, the page's title names the module and
the session, and after a vote the focus stays on the vote buttons."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from slkit.board import board_items_t, votes_t
from slkit.content import load_frameworks
from slkit.demo import make_demo
from slkit.store import answers_t, participants_t

FOCUS = """scope => { const e = document.activeElement; if (!e || e === document.body || (scope && !e.closest(scope))) return null;
  const box = e.closest('.slk-strategy') ? null : e.closest('.slk-choice');
  return { tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(), role: e.getAttribute('role') || '',
           text: (e.textContent || '').trim().slice(0, 60), label: e.getAttribute('aria-label') || '',
           checked: e.getAttribute('aria-checked'), inChoice: !!box,
           first: box ? box.querySelector('input[type=checkbox]') === e : false,
           board: !!e.closest('.slk-board-input, .slk-strategy-input'), disabled: !!e.disabled }; }"""

CONTROL = re.compile(r'^\s*- (button|textbox|combobox|radio|checkbox|link|spinbutton|slider|tab|searchbox)\b(?: "((?:[^"\\]|\\.)*)")?')
ICON = re.compile("[\ue000-\uf8ff]")  # Font Awesome's glyphs live in the private use area


def unnamed(pg, root: str = "#rendered_cells") -> list[str]:
    """Controls on the page (within `root`) whose accessible name is empty or carries an icon glyph."""
    bad = []
    for line in pg.locator(root).aria_snapshot().splitlines():
        m = CONTROL.match(line)
        if m and (not (m.group(2) or "").strip() or ICON.search(m.group(2) or "")):
            bad.append(line.strip())
    return bad


class Walker:
    """Answers a step's controls as the Tab key reaches them (within `scope`, a selector, if
    given: in JupyterLab the kit's page, not JupyterLab's own controls around it)."""

    def __init__(self, pg, module: str, *, scope: str | None = None):
        self.pg, self.module, self.scope = pg, module, scope
        self.typed: list[str] = []
        self.voted = False
        self.places = 0

    def act(self, f: dict) -> None:
        kb = self.pg.keyboard
        if f["role"] == "radio":  # a scale or a toggle row: arrows choose
            kb.press("ArrowRight")
            kb.press("ArrowRight")
            # The choice comes back from the kernel: then the focused radio is the checked one.
            self.pg.wait_for_function("() => { const e = document.activeElement; return e.getAttribute('role') === 'radio' "
                                      "&& e.getAttribute('aria-checked') === 'true' && e.getAttribute('tabindex') === '0'; }", timeout=10_000)
            self.pg.wait_for_timeout(700)  # what follows the choice (a TOWS cell's items) is drawn anew
        elif f["type"] == "radio":  # choose one: arrows move and choose
            kb.press("ArrowDown")
        elif f["type"] == "checkbox":
            if not f["inChoice"] or f["first"]:  # one per list ("up to N"); every one a strategy combines
                kb.press("Space")
        elif f["tag"] == "select":  # a ranking's place: a different option for each
            self.places += 1
            for _ in range(self.places):
                kb.press("ArrowDown")
            # The other places' options follow this choice (a place offers what is not chosen
            # yet): let them arrive before the next place is chosen (a loaded machine once gave
            # two places the same objective).
            self.pg.wait_for_timeout(700)
        elif f["type"] == "date":
            kb.type("03152027")
        elif f["tag"] == "textarea" or f["type"] in ("text", ""):
            if f["tag"] not in ("input", "textarea"):
                return
            text = f"Keys {self.module} {len(self.typed) + 1}"
            kb.type(text)
            self.typed.append(text)
            if f["board"]:
                kb.press("Enter")  # adds the item or the strategy
                self.pg.locator("[role=status]", has_text=re.compile("^(Added to|Strategy added)")).first.wait_for()
        elif f["tag"] == "button" and f["text"] == "+" and not self.voted and not f["disabled"]:
            kb.press("Enter")  # a vote for the first item
            self.voted = True
            self.pg.locator("[role=status]", has_text="Vote given").first.wait_for()
            # The list re-sorts; the focus stays on a vote button, not the page's start.
            self.pg.wait_for_function("() => { const e = document.activeElement; return e && e.matches('button.slk-vote'); }")

    def step(self, limit: int = 250) -> str:
        """Tab through the step, answering each control; Enter on Next or Finish. Returns which."""
        for _ in range(limit):
            self.pg.keyboard.press("Tab")
            f = self.pg.evaluate(FOCUS, self.scope)
            if f is None:
                continue
            if f["tag"] == "button" and f["text"] in ("Next", "Finish") and not f["disabled"]:
                self.pg.keyboard.press("Enter")
                return f["text"]
            self.act(f)
        raise AssertionError(f"Tab never reached Next or Finish in {self.module}")


def test_every_module_can_be_completed_with_the_keyboard_alone(kit, audit):
    store = kit.server.store()
    s = make_demo(store, title="Keys day")
    pg = kit.landing(s.code, width=390)  # on a phone (with a keyboard: a tablet's, or a switch device)
    pg.get_by_role("button", name="Join the session").wait_for()
    for _ in range(40):
        pg.keyboard.press("Tab")
        if pg.evaluate("() => document.activeElement.textContent.trim() === 'Join the session'"):
            break
    pg.keyboard.press("Enter")
    pg.locator(".module-card").first.wait_for()
    expect(pg).to_have_title("Your modules · Keys day · Social Leadership Workshop")
    # The form is gone: the focus is on the home page's heading, not back at the page's start.
    pg.wait_for_function("() => document.activeElement && document.activeElement.matches('h1.slk-arrive')")
    me = store.read(lambda c: c.execute(sa.select(participants_t.c.id).where(participants_t.c.session_id == s.id)
                                        .order_by(participants_t.c.id.desc())).first()).id
    walkers = {}
    for m, fw in load_frameworks().items():
        card = pg.locator(f".module-card[data-module='{m}']")
        for _ in range(60):
            pg.keyboard.press("Tab")
            if card.evaluate("e => e === document.activeElement"):
                break
        pg.keyboard.press("Enter")
        pg.locator(".slk-step-title h2").wait_for()
        expect(pg).to_have_title(f"{fw.title} · Keys day · Social Leadership Workshop")
        walker = walkers[m] = Walker(pg, m)
        for n in range(20):
            heading = pg.locator(".slk-step-title h2").inner_text()
            assert unnamed(pg) == [], f"{fw.title}, {heading}: controls without a name"
            audit(pg, f"{fw.title}, step {n + 1} ({heading})")
            kit.screenshot(pg, f"phone_steps_{m}_{n + 1}", full=False)
            if walker.step() == "Finish":
                pg.locator(".done").wait_for()
                break
            pg.wait_for_function("h => { const e = document.querySelector('.slk-step-title h2'); "
                                 "return e && e.textContent !== h && document.activeElement === e; }", arg=heading)
        else:
            raise AssertionError(f"{fw.title} never finished")
        pg.get_by_role("link", name="← Your modules").focus()
        pg.keyboard.press("Enter")
        pg.locator(".module-card").first.wait_for()

    # What the store holds: everything typed, rated and chosen, in every module.
    def mine(module):
        return store.read(lambda c: c.execute(sa.select(answers_t.c.item, answers_t.c.value).where(
            answers_t.c.participant_id == me, answers_t.c.module == module)).all())

    items = store.read(lambda c: c.execute(sa.select(board_items_t.c.text, board_items_t.c.item).where(board_items_t.c.author_id == me)).all())
    for m in load_frameworks():
        answers = mine(m)
        assert answers, f"nothing stored for {m}"
        stored = " ".join(str(r.value) for r in answers) + " ".join(r.text for r in items)
        missing = [t for t in walkers[m].typed if t not in stored]
        assert not missing, f"{m}: typed but not stored: {missing}"
    fp = {r.item: r.value for r in mine("five_practices")}
    ratings = [v for k, v in fp.items() if isinstance(v, int)]
    assert len(ratings) == 30 and set(ratings) == {3}, sorted(fp.items())[:5]
    assert any(isinstance(v, str) and v.startswith("2027-03-15") for v in fp.values()), "a date typed with the keyboard"
    ranking = {r.item: r.value for r in mine("purpose_first")}["objectives"]
    assert len(ranking) == 3 and len(set(ranking)) == 3, ranking  # arrow keys on three places: three different objectives
    assert any(r.item == "swot_item" and r.text.startswith("Keys social_team_swot") for r in items), items
    assert any(r.item == "tows_strategy" for r in items), "a strategy added with the keyboard"
    votes = store.read(lambda c: c.execute(sa.select(sa.func.count()).select_from(votes_t).where(votes_t.c.participant_id == me)).scalar_one())
    assert votes >= 1
