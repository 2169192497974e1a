"""What people take home, through the real pages: a participant downloads their own workshop
from their home page, the facilitator the join card from the console and the team's report;
each opens offline, passes axe-core, and prints to A4 (Chromium's PDF, turned into PNGs with
pdftoppm for people to look at)."""

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from slkit.demo import make_demo
from slkit.report import export
from slkit.store import Participant, participants_t

from ..conftest import missing
from .conftest import ARTIFACTS


def print_preview(pg, name: str) -> int:
    """Print the page to A4 as Chromium does; keep each page as a PNG; return the page count."""
    if shutil.which("pdftoppm") is None:
        missing("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pg.emulate_media(media="print")
    pg.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    pg.emulate_media(media="screen")
    for old in ARTIFACTS.glob(f"{name}-print-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"{name}-print")], check=True)
    return len(list(ARTIFACTS.glob(f"{name}-print-*.png")))


def offline(pg, path):
    """Open a downloaded file; nothing may be fetched from anywhere."""
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(path.as_uri())
    return requests


def download(pg, link_text: str, tmp_path):
    with pg.expect_download() as d:
        pg.get_by_role("link", name=link_text).click()
    path = tmp_path / d.value.suggested_filename
    d.value.save_as(path)
    return path


@pytest.fixture
def demo(kit):
    store = kit.server.store()
    session = make_demo(store, title="Team day")
    row = store.read(lambda c: c.execute(sa.select(participants_t).where(
        participants_t.c.session_id == session.id, participants_t.c.display_name == "Kari")).one())
    # Kari asks her page for a new personal code (the store keeps only hashes) and writes it down.
    kari = store.new_personal_code(Participant(row.id, session.id, session.code, None, "Kari")).personal_code
    return store, session, kari


def test_a_participant_takes_their_own_workshop_home(kit, demo, audit, tmp_path):
    store, session, kari = demo
    pg = kit.landing(session.code, width=390)
    pg.get_by_placeholder("ABCD-EFGH").fill(kari)
    pg.get_by_role("button", name="Continue").click()
    pg.locator(".module-card").first.wait_for()
    path = download(pg, "Download my workshop (a page to keep or print)", tmp_path)
    assert path.name == f"my-workshop-{session.code}.html"

    mine = kit.context.new_page()
    mine.set_viewport_size({"width": 390, "height": 844})
    assert [u for u in offline(mine, path) if not u.startswith(("file:", "data:"))] == []
    text = mine.locator("body").inner_text()
    assert "My commitments" in text and "Tell the story behind our decisions" in text
    assert "First step: Draft a post about why we changed the opening hours" in text
    assert "Invite others to co-write posts" in text and "By " in text
    assert "LinkedIn" in text and "People outside see that we are helpful and competent" in text
    assert "Ask customers what they want to read about" not in text  # someone else's commitment
    assert mine.locator("th", has_text="Team").count() >= 1  # the team beside her, as shown in the workshop
    audit(mine, "handout")
    kit.screenshot(mine, "handout-phone")
    assert print_preview(mine, "handout") >= 4  # a module per page


def test_the_facilitator_prints_a_join_card_and_the_teams_report(kit, demo, audit, tmp_path):
    store, session, _kari = demo
    console = kit.facilitator_opens_board(session.code, session.key, width=1366)
    console.locator(".console-top").wait_for()
    path = download(console, "Join card to print (A4: QR code, link and code; cards for personal codes)", tmp_path)
    card = kit.context.new_page()
    card.set_viewport_size({"width": 1366, "height": 768})
    assert [u for u in offline(card, path) if not u.startswith(("file:", "data:"))] == []
    assert card.locator(".poster .code").inner_text() == session.code
    assert f"session={session.code}" in card.locator(".poster .link").inner_text()
    assert card.locator(".card").count() == 8
    audit(card, "join card")
    kit.screenshot(card, "join-card")
    assert print_preview(card, "join-card") == 2  # the poster, then the cards

    report = export(store, session.code, "html", tmp_path / "report.html")[0]
    pg = kit.context.new_page()
    pg.set_viewport_size({"width": 1366, "height": 768})
    assert [u for u in offline(pg, report) if not u.startswith(("file:", "data:", "blob:"))] == []
    pg.locator(".chart .main-svg").first.wait_for()
    text = pg.locator("body").inner_text()
    assert "What we expect, per objective" in text and "what the team chose" in text
    assert "First step: Draft a post about why we changed the opening hours — " not in text
    assert "Tell the story behind our decisions — Kari" in text
    audit(pg, "report")
    kit.screenshot(pg, "report-demo")
    pages = print_preview(pg, "report")
    assert pages >= 5
    # Charts fit the printable width: none is wider than A4 between the margins.
    pg.emulate_media(media="print")
    widths = pg.eval_on_selector_all(".chart", "els => els.map(e => e.getBoundingClientRect().width)")
    pg.emulate_media(media="screen")
    assert widths and max(widths) <= 700
