"""Working alone: answers kept in a store of one's own, on one's own machine.

A person working through a module on their own (JupyterLab, or a module page opened without a
session) gets a private SQLite file in their user data folder (found with `platformdirs`;
`SLKIT_DATA_DIR` puts it elsewhere), holding one session that is theirs alone. The same store
code as a workshop keeps the answers, so a kernel restart, closing JupyterLab or coming back
next week brings the work back, and "start over" clears one module.

>>> import tempfile, os
>>> before = os.environ.get("SLKIT_DATA_DIR"); os.environ["SLKIT_DATA_DIR"] = tempfile.mkdtemp()
>>> store = open_store(); me = myself(store)
>>> me.id == myself(store).id          # the same person every time
True
>>> _ = os.environ.pop("SLKIT_DATA_DIR") if before is None else os.environ.update(SLKIT_DATA_DIR=before)
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import sqlalchemy as sa

from . import KitError
from .store import Participant, Store, answers_t, progress_t

FILE = "self-study.sqlite3"
TITLE = "Working on my own"
SESSION, TOKEN = "self_study_session", "self_study_token"
MARK = "self_study"  # in the session's settings


def folder() -> Path:
    """The user's data folder (SLKIT_DATA_DIR, when set, for tests and portable setups)."""
    from .paths import _user_data_dir

    return Path(os.environ.get("SLKIT_DATA_DIR") or _user_data_dir())


def store_path() -> Path:
    return folder() / FILE


@functools.lru_cache(maxsize=4)
def _open(url: str) -> Store:
    store = Store(url)
    store.migrate()
    return store


def open_store() -> Store:
    """This person's own store (created, private to the user, on first use)."""
    return _open(f"sqlite:///{store_path()}")


def myself(store: Store) -> Participant:
    """The one person in the self-study store: found again, or made on first use."""
    code, token = store.get_setting(SESSION), store.get_setting(TOKEN)
    if code and token:
        try:
            return store.resume(code, token=token)
        except KitError:
            pass  # the session was removed: start a fresh one
    session = store.create_session(TITLE, threshold=1, settings={MARK: True})
    me = store.join(session.code)
    store.set_setting(SESSION, session.code)
    store.set_setting(TOKEN, me.token)
    return me


def is_self_study(settings: dict | None) -> bool:
    return bool((settings or {}).get(MARK))


def start_over(store: Store, participant: Participant, module: str) -> None:
    """Clear one module: the answers, where the person was, and their items and votes on its board."""
    from .board import board_items_t, votes_t

    def run(c: sa.Connection) -> None:
        mine = (answers_t.c.participant_id == participant.id) & (answers_t.c.module == module)
        c.execute(answers_t.delete().where(mine))
        c.execute(progress_t.delete().where((progress_t.c.participant_id == participant.id) & (progress_t.c.module == module)))
        items = sa.select(board_items_t.c.id).where((board_items_t.c.session_id == participant.session_id) & (board_items_t.c.module == module))
        c.execute(votes_t.delete().where((votes_t.c.participant_id == participant.id) & votes_t.c.board_item_id.in_(items)))
        c.execute(board_items_t.delete().where((board_items_t.c.author_id == participant.id) & (board_items_t.c.module == module)))

    store.write(run)
