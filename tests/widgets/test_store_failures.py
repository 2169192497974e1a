"""A store that refuses every write (a read-only file or mount, a full disk, lost permissions):
every page says so in words, offers to try again where it can, and shows nothing as saved."""

import pytest
from sqlalchemy import event

from slkit.content import get_framework
from slkit.store import Store
from slkit.widgets import widget_shared_board as SB
from slkit.widgets.sheet import AnswerSheet
from slkit.widgets.widget_board import FacilitatorBoard
from slkit.widgets.widget_join import JoinPanel
from slkit.widgets.widget_save import SaveBar

from .util import text_of

REFUSED = "attempt to write a readonly database"


@pytest.fixture
def stores(sqlite_url):
    """The same SQLite file twice: writable (to set the scene), and refusing writes as a
    read-only mount does (SQLite's query_only: reads work, every write fails)."""
    ok = Store(sqlite_url)
    ok.migrate()
    ro = Store(sqlite_url)
    event.listen(ro.engine, "connect", lambda conn, _r: conn.execute("PRAGMA query_only=ON"))
    session = ok.create_session("Team")
    ok.set_server_key("server-key")
    return ok, ro, session


def test_joining_says_the_store_refused_and_can_be_tried_again(stores):
    ok, ro, session = stores
    panel = JoinPanel(session.code, on_ready=lambda *a, **k: None, store_factory=lambda: ro)
    assert not panel.start()
    assert REFUSED in panel.status.value and "nothing was saved" in panel.status.value
    assert panel.participant is None and not panel.start_button.disabled  # Join can be clicked again


def test_an_answer_is_never_shown_as_saved(stores):
    ok, ro, session = stores
    p = ok.join(session.code)
    sheet = AnswerSheet(framework=get_framework("five_practices"))
    sheet.bind(p, lambda: ro)
    bar = SaveBar(sheet)
    assert not sheet.set("mw_voice_purpose", 7)
    assert sheet.status == "error" and REFUSED in sheet.message and sheet.pending == {"mw_voice_purpose": 7}
    assert "Saved" not in bar.label.value and bar.retry_button.layout.display != "none"
    assert ok.answers_of(p, "five_practices") == {}
    sheet.bind(p, lambda: ok)  # the store is back: Try again stores what was pending
    sheet.pending = {"mw_voice_purpose": 7}
    assert sheet.retry() and ok.answers_of(p, "five_practices") == {"mw_voice_purpose": 7}


def test_a_board_item_is_refused_with_a_message_and_kept_in_its_field(stores):
    ok, ro, session = stores
    p = ok.join(session.code)
    fw = get_framework("social_team_swot")
    sheet = AnswerSheet(framework=fw)
    sheet.bind(p, lambda: ro)
    add = SB.BoardAdd(SB.BoardState.for_sheet(fw, sheet), "swot_item")
    add.input.value = "We answer fast"
    assert not add.submit()
    assert REFUSED in add.note.value and add.input.value == "We answer fast"


def test_the_console_says_what_it_could_not_do(stores):
    ok, ro, session = stores
    console = FacilitatorBoard(session.code, session.key, store_factory=lambda: ro).session
    console.threshold.value = 5
    console.save_settings()
    assert REFUSED in console.note.value and "Settings saved" not in console.note.value
    console.set_state("five_practices", "open", False)
    assert "Could not close The five practices" in console.problem.value and REFUSED in console.problem.value
    console.start_timer(5)
    assert "Could not start the countdown" in console.problem.value
    console.show_on_screen("pause")
    assert "Could not change the room screen" in console.problem.value
    console._store_factory = lambda: ok  # the store is back: the next action clears the message
    console.stop_timer()
    assert console.problem.value == ""
    assert ok.get_session(session.code).threshold == session.threshold  # nothing half-saved


def test_creating_a_session_says_the_store_refused(stores):
    ok, ro, session = stores
    board = FacilitatorBoard(None, "server-key", store_factory=lambda: ro)
    board.title_input.value = "Another team"
    assert board.create() is None
    assert REFUSED in text_of(board) and [s.code for s in ok.list_sessions()] == [session.code]
