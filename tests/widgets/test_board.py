"""The facilitator board's gate, session creation and counts, without a kernel."""

import logging

import ipywidgets as W
import pytest

from slkit.widgets.widget_board import LOCKED, FacilitatorBoard
from tests.widgets.util import text_of


_text = text_of


def test_without_the_key_it_shows_nothing_but_the_lock(kit_store, caplog):
    s = kit_store.create_session("Secret team")
    kit_store.set_server_key("server-key-aaaaaaaaaaaaaaaaaaaaaa")
    for code, key in [(s.code, "wrong-key-bbbbbbbbbbbbbbbbbbbb"), (s.code, None), (None, "wrong-key-bbbbbbbbbbbbbbbbbbbb"), (None, None)]:
        with caplog.at_level(logging.WARNING, logger="slkit.board"):
            board = FacilitatorBoard(code, key, store_factory=lambda: kit_store)
        text = _text(board)
        assert not board.allowed and LOCKED in text
        assert "Secret team" not in text and s.code not in text
        if key:
            assert key not in text and key not in caplog.text  # logged, not echoed
    assert "facilitator board refused" in caplog.text


def test_a_console_reloaded_after_its_session_was_deleted_says_so(kit_store):
    s = kit_store.create_session("Gone soon")
    kit_store.delete_session(s.code)
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store)
    text = _text(board)
    assert not board.allowed and f"There is no session {s.code} on this server" in text and LOCKED not in text
    assert s.key not in text


def test_with_the_server_key_it_creates_a_session(kit_store):
    kit_store.set_server_key("server-key-aaaaaaaaaaaaaaaaaaaaaa")
    board = FacilitatorBoard(None, "server-key-aaaaaaaaaaaaaaaaaaaaaa", store_factory=lambda: kit_store)
    assert board.allowed
    board.title_input.value = ""
    assert board.create() is None and "empty" in board.result.value
    board.title_input.value = "Spring <i>workshop</i>"
    board.threshold_input.value = 4
    s = board.create()
    assert s is not None and kit_store.get_session(s.code).threshold == 4
    assert s.code in board.result.value and "index.ipynb?session=" + s.code in board.result.value
    assert kit_store.verify_facilitator(s.code, s.key)


def test_a_session_board_counts_participants_and_answers(kit_store):
    s = kit_store.create_session("Team")
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store)
    assert board.allowed and "0 participants joined" in board.session.stats.value
    for i in range(3):
        p = kit_store.join(s.code)
        if i < 2:
            kit_store.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
    board.session.refresh()
    assert "3 participants joined" in board.session.stats.value
    assert "<span class='answered' data-module='five_practices'>2 took part</span>" in _text(board)


def test_a_session_board_opens_and_closes_modules_and_saves_settings(kit_store):
    from slkit.store import ModuleClosed

    s = kit_store.create_session("Team")
    p = kit_store.join(s.code)
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store)
    assert "<svg" in _text(board) and "index.ipynb?session=" + s.code in _text(board)  # the QR code and the link
    label, button = board.session._controls[("five_practices", "open")]
    assert ">Open<" in label.value and button.description == "Close"  # the state, and the action, apart
    assert button.tooltip == "Close: The five practices of social leadership"
    button.click()
    assert not kit_store.module_state(s.code, "five_practices").is_open
    assert ">Closed<" in label.value and button.description == "Open"
    with pytest.raises(ModuleClosed):
        kit_store.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
    board.session.threshold.value, board.session.budget.value = 5, 2
    assert s.language == "en" and board.session.language.value == "en"
    board.session.language.value = "nb"
    board.session.save_settings()
    saved = kit_store.get_session(s.code)
    assert saved.threshold == 5 and saved.settings["vote_budget"] == 2 and "Settings saved" in board.session.note.value
    assert saved.language == "nb"  # pages opened from now on, the room screen and exports
    assert FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session.tabs.titles[0] == "Styr rommet"


def test_the_board_moderates_the_swot_board(kit_store):
    from slkit import board as B
    from slkit.content import get_framework

    s = kit_store.create_session("Team")
    people = [B.StoreBoard(get_framework("social_team_swot"), kit_store, kit_store.join(s.code)) for _ in range(2)]
    keep = people[0].add("swot_item", "strengths", "Fast replies")
    dup = people[1].add("swot_item", "strengths", "We reply <b>fast</b>")
    people[1].vote(dup.id)
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store)
    moderation = board.session.moderation
    moderation.module.value = "social_team_swot"  # the moderation of the SWOT module holds its board's
    assert "We reply &lt;b&gt;fast&lt;/b&gt;" in _text(board)
    row = next(r for r in moderation.board.rows.children if "We reply" in _text(r))
    target = row.children[1]
    target.value = keep.id  # merge the duplicate into the first
    entries = {e.id: e for e in B.board_entries(kit_store, s.code, "social_team_swot")}
    assert entries[dup.id].merged_into == keep.id and entries[keep.id].votes == 1
    undo = next(w for r in moderation.board.rows.children for w in getattr(r, "children", ()) if getattr(w, "description", "") == "Undo merge")
    assert undo.tooltip == "Undo merge: We reply <b>fast</b>"
    undo.click()  # the wrong pair: taken back
    entries = {e.id: e for e in B.board_entries(kit_store, s.code, "social_team_swot")}
    assert entries[dup.id].merged_into is None and entries[dup.id].votes == 1 and entries[keep.id].votes == 0
    row = next(r for r in moderation.board.rows.children if "We reply" in _text(r))
    row.children[1].value = keep.id  # and merged after all
    row = next(r for r in moderation.board.rows.children if "Fast replies" in _text(r))
    assert row.children[2].tooltip == "Hide: Fast replies"  # named by its item, not only "Hide"
    row.children[2].click()  # hide
    assert next(e for e in B.board_entries(kit_store, s.code, "social_team_swot") if e.id == keep.id).hidden
    assert "Show again" in [getattr(w, "description", "") for r in moderation.board.rows.children for w in getattr(r, "children", ())]


def test_a_new_session_joins_the_list_at_once(kit_store):
    kit_store.set_server_key("server-key-aaaaaaaaaaaaaaaaaaaaaa")
    board = FacilitatorBoard(None, "server-key-aaaaaaaaaaaaaaaaaaaaaa", store_factory=lambda: kit_store)
    assert "No sessions yet" in board.sessions.value
    board.title_input.value = "Listed"
    s = board.create()
    assert s.code in board.sessions.value and "Listed" in board.sessions.value


def test_an_unreachable_store_is_said_in_the_page():
    from slkit.store import Store

    down = Store("postgresql://postgres@127.0.0.1:1/test", retry_seconds=0.2)
    board = FacilitatorBoard("ABCDEF", "some-key-000000000000000000", store_factory=lambda: down)
    assert not board.allowed and "cannot be reached" in _text(board)


def test_the_board_shows_live_results_behind_the_threshold_and_can_hold_them_back(kit_store):
    s = kit_store.create_session("Team", threshold=2)
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    assert "Results appear here once people answer" in _text(board.results)
    first = kit_store.join(s.code)
    kit_store.save_answers(first, "five_practices", {"mw_voice_purpose": 4})
    board.ticker.tick.click()  # what the page's timer does every two seconds
    assert board.results_module.value == "five_practices" and "1 of 2 so far" in _text(board.results)
    kit_store.save_answers(kit_store.join(s.code), "five_practices", {"mw_voice_purpose": 8})
    board.ticker.tick.click()
    assert "<td class='mean'>6.0</td>" in _text(board.results)
    charts = [w for w in board.results.children[1].children if hasattr(w, "spec")]
    assert charts and charts[0].spec["data"][0]["x"] == [6.0, None, None, None, None]
    label, button = board._controls[("five_practices", "reveal")]
    assert "Shown to participants" in label.value and button.description == "Hold back"
    button.click()
    assert not kit_store.module_state(s.code, "five_practices").results_revealed
    assert "Held back" in label.value and button.description == "Show"
    # The private preview keeps showing them, marked as held back.
    assert "<td class='mean'>6.0</td>" in _text(board.results) and "held-note" in _text(board.results)


def test_the_board_starts_and_stops_a_countdown_and_prepares_exports(kit_store):
    s = kit_store.create_session("Team")
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    board.start_timer(5)
    assert "4:5" in board.timer.html.value or "5:00" in board.timer.html.value
    assert kit_store.get_session(s.code).settings["timer_end"]
    board.stop_timer()
    assert board.timer.html.value == "" and kit_store.get_session(s.code).settings["timer_end"] is None
    board.prepare_export("xlsx")
    assert "data:application/vnd.openxmlformats" in _text(board.exports) and f"{s.code}-answers.xlsx" in _text(board.exports)
    board.prepare_export("html")
    assert "data:text/html" in _text(board.exports)


def test_a_planned_session_starts_closed_and_opens_module_by_module(kit_store):
    s = kit_store.create_session("Planned", modules=["motivation_triad", "five_practices"])
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    assert list(board.frameworks) == ["motivation_triad", "five_practices"]
    assert all(not st.is_open and not st.results_revealed for st in kit_store.module_states(s.code).values())
    assert board.next_button.description == "Open the next module: 2. The motivation triad"
    board.next_button.click()
    assert kit_store.module_state(s.code, "motivation_triad").is_open and not kit_store.module_state(s.code, "five_practices").is_open
    board.next_button.click()
    assert kit_store.module_state(s.code, "five_practices").is_open and board.next_button.disabled


def test_the_console_chooses_what_the_room_screen_shows(kit_store):
    from slkit.widgets.widget_screen import RoomScreen

    s = kit_store.create_session("Screen", threshold=1, modules=["five_practices"], start_open=True)
    console = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    assert f"screen.ipynb?session={s.code}&amp;screen=" in _text(console) and s.key not in console.screen_url
    screen = RoomScreen(s.code, s.screen_key, store_factory=lambda: kit_store)
    assert "svg" in _text(screen) and s.code in _text(screen)  # the join view first
    kit_store.save_answers(kit_store.join(s.code), "five_practices", {"mw_voice_purpose": 9, "commitment_1": "Secret <b>plan</b>"})
    console.screen_module.value = "five_practices"
    console.screen_view.value = "results"
    screen.ticker.tick.click()
    assert "Now showing: <b>the results of 4." in console.screen_now.value
    # One part at a time: the profile first, then Next: the figures; the list of parts goes to the commitments.
    assert "data-part='profile'" in _text(screen) and "9.0" not in _text(screen)
    assert [v for _l, v in console.screen_part.options][:4] == ["profile", "table", "heatmap", "commitments"]
    assert console.part_prev.disabled and not console.part_next.disabled
    console.part_next.click()
    screen.ticker.tick.click()
    assert "data-part='table'" in _text(screen) and "<td class='mean'>9.0</td>" in _text(screen) and "Secret" not in _text(screen)
    assert "Part 2 of" in console.part_where.value
    console.screen_part.value = "commitments"
    screen.ticker.tick.click()
    assert "Secret &lt;b&gt;plan&lt;/b&gt;" in _text(screen) and "<td class='mean'>" not in _text(screen)
    console._controls[("five_practices", "reveal")][1].click()  # hold back
    screen.ticker.tick.click()
    assert "held back" in _text(screen) and "9.0" not in _text(screen) and "Secret" not in _text(screen)
    assert "held back" in console.screen_now.value
    console.screen_view.value = "countdown"
    console.start_timer(3, "five_practices")
    screen.ticker.tick.click()
    assert "slk-timer" in _text(screen)
    console.screen_view.value = "pause"
    screen.ticker.tick.click()
    assert "Look up" in _text(screen)
    # The screen has nothing to press, and a wrong or the facilitator's own key opens nothing.
    def buttons(w):
        found, stack = [], [w]
        while stack:
            x = stack.pop()
            if isinstance(x, (W.Button, W.ToggleButton, W.ToggleButtons, W.Dropdown, W.Text)) and x not in screen.ticker.children and x is not screen.ticker.tick:
                found.append(x)
            stack.extend(getattr(x, "children", ()))
        return [b for b in found if b is not screen.ticker.refresh_button]
    assert buttons(screen) == []
    for key in (None, "", s.key, "forged-screen-key-000000000000000"):
        locked = RoomScreen(s.code, key, store_factory=lambda: kit_store)
        assert "needs the room-screen link" in _text(locked) and "Screen" not in _text(locked).replace("Room screen", "")


def test_ending_and_deleting_a_session(kit_store):
    s = kit_store.create_session("Gone soon", modules=["five_practices"], start_open=True)
    p = kit_store.join(s.code)
    kit_store.save_answers(p, "five_practices", {"mw_voice_purpose": 3})
    console = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    console.end_button.click()
    assert not kit_store.module_state(s.code, "five_practices").is_open and kit_store.answers(s.code)
    console.delete_button.click()
    assert kit_store.get_session(s.code)  # asked first
    yes = next(w for w in console.confirm.children[1].children if w.description.startswith("Yes"))
    yes.click()
    with pytest.raises(Exception, match="no session"):
        kit_store.get_session(s.code)
    import sqlalchemy as sa
    from slkit.store import answers_t, participants_t

    with kit_store.engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(answers_t)).scalar_one() == 0
        assert c.execute(sa.select(sa.func.count()).select_from(participants_t)).scalar_one() == 0


def test_the_console_offers_a_join_card_to_print(kit_store):
    import base64
    import re

    s = kit_store.create_session("<b>Team</b> day")
    board = FacilitatorBoard(s.code, s.key, store_factory=lambda: kit_store).session
    link = next(c for c in board.children if f"{s.code}-join-card.html" in getattr(c, "value", ""))
    card = base64.b64decode(re.search(r"base64,([^\"]+)", link.value).group(1)).decode()
    assert "<svg" in card and f"session={s.code}" in card and card.count("My personal code:") == 8
    assert "&lt;b&gt;Team&lt;/b&gt; day" in card and "<b>Team</b>" not in card and "<script" not in card
    assert "@page{size:A4" in card and "break-before:page" in card
