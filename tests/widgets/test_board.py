"""The facilitator board's gate, session creation and counts, without a kernel."""

import logging

from widgets.widget_board import LOCKED, FacilitatorBoard


def _text(board):
    out = []
    stack = [board]
    while stack:
        w = stack.pop()
        if hasattr(w, "value") and isinstance(w.value, str):
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


def test_without_the_key_it_shows_nothing_but_the_lock(kit_store, caplog):
    s = kit_store.create_session("Secret team")
    kit_store.set_server_key("server-key-aaaaaaaaaaaaaaaaaaaaaa")
    for code, key in [(s.code, "wrong-key-bbbbbbbbbbbbbbbbbbbb"), (s.code, None), ("ZZZZZZ", s.key), (None, "wrong-key-bbbbbbbbbbbbbbbbbbbb"), (None, None)]:
        with caplog.at_level(logging.WARNING, logger="slkit.board"):
            board = FacilitatorBoard(code, key, store_factory=lambda: kit_store)
        text = _text(board)
        assert not board.allowed and LOCKED in text
        assert "Secret team" not in text and s.code not in text
        if key:
            assert key not in text and key not in caplog.text  # logged, not echoed
    assert "facilitator board refused" in caplog.text


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
    assert board.allowed and "0 participants joined" in board.stats.value
    for i in range(3):
        p = kit_store.join(s.code)
        if i < 2:
            kit_store.save_answers(p, "five_practices", {"mw_voice_purpose": 5})
    board.refresh()
    assert "3 participants joined" in board.stats.value
    assert "The five practices of social leadership</td><td>2</td>" in board.stats.value


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
