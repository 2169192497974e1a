"""Notebooks are committed without outputs and stay short; nbval runs them (see pyproject.toml)."""

import json

import pytest

from slkit.paths import WORKSHOPS_DIR

NOTEBOOKS = sorted(WORKSHOPS_DIR.glob("*.ipynb"))


def test_the_landing_page_and_the_board_exist():
    assert {"index.ipynb", "facilitator.ipynb"} <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_or_widget_state(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "widgets" not in nb.get("metadata", {})
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_composes_components_and_stays_short(path):
    nb = json.loads(path.read_text())
    lines = sum(len("".join(c["source"]).splitlines()) for c in nb["cells"] if c["cell_type"] == "code")
    assert lines <= 60, f"{path.name} has {lines} lines of code; move reusable parts to widgets/ or slkit/"
