"""Where the kit keeps its files, and which store it uses."""

from __future__ import annotations

import os
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SLKIT_DATA_DIR", KIT_ROOT / "data"))
FRAMEWORKS_DIR = Path(os.environ.get("SLKIT_FRAMEWORKS_DIR", KIT_ROOT / "data" / "frameworks"))
WORKSHOPS_DIR = Path(os.environ.get("SLKIT_WORKSHOPS_DIR", KIT_ROOT / "workshops"))
# A Jupyter data folder holding the kit's Voila template (voila/templates/slkit).
JUPYTER_DATA_DIR = Path(__file__).resolve().parent / "jupyter"

DATABASE_URL_ENV = "SLKIT_DATABASE_URL"


def default_database_url() -> str:
    """The embedded SQLite file in the kit's data folder."""
    return f"sqlite:///{DATA_DIR / 'slkit.sqlite3'}"


def database_url(explicit: str | None = None) -> str:
    """The store to use: an explicit URL, else SLKIT_DATABASE_URL, else the embedded SQLite file."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or default_database_url()
