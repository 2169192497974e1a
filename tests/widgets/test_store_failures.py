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


class Hanging:
    """A store whose saves take their time: it records what the page showed while it waited,
    tells the sheet a first try failed, then gives up as a store out of reach does."""

    def __init__(self, sheet, bar):
        self.sheet, self.bar, self.seen = sheet, bar, []

    def save_answers(self, participant, module, answers, *, show_name=False, on_retry=None):
        from slkit.store import StoreUnavailable

        self.seen.append((self.sheet.status, self.bar.label.value))
        on_retry()
        self.seen.append((self.sheet.status, self.bar.label.value))
        raise StoreUnavailable("The workshop store cannot be reached right now; nothing was saved.")


def test_the_save_bar_says_saving_then_trying_again_never_the_earlier_saved(stores):
    """A click whose save waits on the store: "Saving…" from the click, "not saved yet, trying
    again" as soon as a first try fails, then "could not save" with Try again: never the
    "✓ Saved." of the answer before."""
    ok, _ro, session = stores
    p = ok.join(session.code)
    sheet = AnswerSheet(framework=get_framework("five_practices"))
    sheet.bind(p, lambda: ok)
    bar = SaveBar(sheet)
    assert sheet.set("mw_voice_purpose", 5) and "Saved." in bar.label.value
    hanging = Hanging(sheet, bar)
    sheet._store_factory = lambda: hanging
    assert not sheet.set("mw_voice_medium", 8)
    (while_saving, bar_saving), (while_retrying, bar_retrying) = hanging.seen
    assert while_saving == "saving" and "Saving…" in bar_saving and "Saved." not in bar_saving
    assert while_retrying == "retrying" and "Trying again" in bar_retrying and "Saved." not in bar_retrying
    assert sheet.status == "error" and "Saved." not in bar.label.value and sheet.pending == {"mw_voice_medium": 8}


def test_a_store_whose_network_goes_quiet_fails_within_the_retry_window(pg_url):
    """PostgreSQL behind a link that stops delivering anything (it accepts, and answers nothing):
    a save gives up within the store's retry window and says so, instead of hanging, and the
    answers given before and after the fault are all stored."""
    import time

    import sqlalchemy as sa

    from slkit.store import StoreUnavailable
    from tests.relay import Relay

    relay = Relay("127.0.0.1", sa.make_url(pg_url).port or 5432).start()
    url = sa.make_url(pg_url).set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    store = Store(url, retry_seconds=4)
    store.migrate()
    try:
        s = store.create_session("Quiet network")
        p = store.join(s.code)
        store.save_answers(p, "five_practices", {"mw_voice_purpose": 3})
        relay.blackhole(True)
        retried = []
        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            store.save_answers(p, "five_practices", {"mw_voice_medium": 4}, on_retry=lambda: retried.append(time.monotonic() - t0))
        took = time.monotonic() - t0
        assert took < 4 + 2, f"the save hung for {took:.1f} s"
        assert retried and retried[0] < 4, "the page was not told at the first failed try"
        relay.blackhole(False)
        store.save_answers(p, "five_practices", {"mw_voice_learn": 5})
        assert store.answers_of(p, "five_practices") == {"mw_voice_purpose": 3, "mw_voice_learn": 5}
    finally:
        relay.blackhole(False)
        store.dispose()
        relay.stop()
