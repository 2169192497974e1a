"""Where the kit keeps its files, and which store it uses."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent
# Run from a checkout (an editable install, or JupyterLab in the repository), the kit's files
# are in their folders; installed from a wheel, they are inside the package (pyproject.toml).
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "workshops").is_dir()
KIT_ROOT = _CHECKOUT if IN_CHECKOUT else PACKAGE_DIR


def _user_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("slkit", appauthor=False))


DATA_DIR = Path(os.environ.get("SLKIT_DATA_DIR") or (_CHECKOUT / "data" if IN_CHECKOUT else _user_data_dir()))
FRAMEWORKS_DIR = Path(os.environ.get("SLKIT_FRAMEWORKS_DIR") or (_CHECKOUT / "data" / "frameworks" if IN_CHECKOUT else PACKAGE_DIR / "frameworks"))
WORKSHOPS_DIR = Path(os.environ.get("SLKIT_WORKSHOPS_DIR") or (_CHECKOUT / "workshops" if IN_CHECKOUT else PACKAGE_DIR / "workshops"))
# A Jupyter data folder holding the kit's Voila template (voila/templates/slkit).
JUPYTER_DATA_DIR = Path(__file__).resolve().parent / "jupyter"

DATABASE_URL_ENV = "SLKIT_DATABASE_URL"


def default_database_url() -> str:
    """The embedded SQLite file in the kit's data folder (the checkout's data/, or the user's data folder)."""
    return f"sqlite:///{DATA_DIR / 'slkit.sqlite3'}"


def database_url(explicit: str | None = None) -> str:
    """The store to use: an explicit URL, else SLKIT_DATABASE_URL, else the embedded SQLite file."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or default_database_url()
