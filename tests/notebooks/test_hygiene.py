"""Notebooks are committed without outputs and stay short; nbval runs them (see pyproject.toml)."""

import json
from pathlib import Path

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_says_what_it_is_before_its_code(path):
    """JupyterLab shows a short Markdown cell first (what the module is, how to run it) and the
    code collapsed; the Voila page leaves that cell out (its tag, the kit's template)."""
    nb = json.loads(path.read_text())
    first, rest = nb["cells"][0], nb["cells"][1:]
    assert first["cell_type"] == "markdown" and "slk-lab-only" in first["metadata"]["tags"]
    assert "".join(first["source"]).startswith("# ")
    if path.name[0].isdigit():
        assert "Run All Cells" in "".join(first["source"]) and "saved on this computer" in "".join(first["source"])
    assert all(c["metadata"]["jupyter"]["source_hidden"] for c in rest if c["cell_type"] == "code")


def test_running_and_saving_in_jupyterlab_leaves_the_kit_notebooks_clean(tmp_path, monkeypatch):
    """The pre-save hook `slkit lab` gives JupyterLab, through jupyter_server's own save: a kit
    notebook saved with outputs and widget state is written without them; another is kept as is."""
    import shutil

    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config import Config

    from slkit import jupyter_hooks, paths

    kit = tmp_path / "workshops"
    kit.mkdir()
    shutil.copy(WORKSHOPS_DIR / "04_five_practices.ipynb", kit)
    monkeypatch.setattr(paths, "WORKSHOPS_DIR", kit)
    hook = next(a.split("=", 1)[1] for a in jupyter_hooks.lab_arguments() if "pre_save_hook" in a)
    cm = FileContentsManager(root_dir=str(tmp_path), config=Config({"ContentsManager": {"pre_save_hook": hook}}))
    model = cm.get("workshops/04_five_practices.ipynb")
    code = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "display_data", "metadata": {},
                        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0}}}]
    code["execution_count"] = 3
    model["content"]["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    # What JupyterLab writes of its own when a kernel ran: its kernel's and language's details.
    model["content"]["metadata"]["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"}
    code["metadata"]["scrolled"] = True
    import copy

    cm.save(copy.deepcopy(model), "elsewhere.ipynb")
    cm.save(model, "workshops/04_five_practices.ipynb")
    saved = json.loads((kit / "04_five_practices.ipynb").read_text())
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in saved["cells"] if c["cell_type"] == "code")
    assert "widgets" not in saved["metadata"]
    assert saved["cells"] == json.loads((WORKSHOPS_DIR / "04_five_practices.ipynb").read_text())["cells"]
    # The file as it was, byte for byte: `git status` shows nothing after a session in JupyterLab.
    assert (kit / "04_five_practices.ipynb").read_bytes() == (WORKSHOPS_DIR / "04_five_practices.ipynb").read_bytes()
    # A developer's edit to a cell is kept (cleaned), with the notebook's metadata as before.
    edited = cm.get("workshops/04_five_practices.ipynb")
    edited["content"]["cells"][0]["source"] = "# Edited\n"
    edited["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    cm.save(edited, "workshops/04_five_practices.ipynb")
    again = json.loads((kit / "04_five_practices.ipynb").read_text())
    assert "".join(again["cells"][0]["source"]) == "# Edited\n" and again["metadata"] == saved["metadata"]
    # Checkpoints go to the person's data folder, not .ipynb_checkpoints/ beside the kit's notebooks.
    folder = next(a.split("=", 1)[1] for a in jupyter_hooks.lab_arguments() if "checkpoint_dir" in a)
    assert Path(folder).is_absolute() and Path(folder).is_relative_to(paths.DATA_DIR)
    other = json.loads((tmp_path / "elsewhere.ipynb").read_text())
    assert "widgets" in other["metadata"]  # not the kit's: saved as it was
