"""JupyterLab's side of self-study: the kit's notebooks are saved clean.

Running a module in JupyterLab puts its page (widget views, plotly figures) in the cell's
outputs, and JupyterLab may save the widgets' state in the notebook's metadata. Saved like that,
the kit's notebooks would change with every use. `slkit lab` starts JupyterLab with
`clean_on_save` as the contents manager's pre-save hook: a notebook of the kit's own folder is
written without outputs, execution counts or widget state (the answers are in the person's own
store, not in the notebook). Other notebooks are saved as they are.
"""

from __future__ import annotations

from pathlib import Path

from . import paths

HOOK = "slkit.jupyter_hooks.clean_on_save"


def is_kit_notebook(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(paths.WORKSHOPS_DIR.resolve())
    except OSError:
        return False


def clean(nb: dict) -> dict:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def clean_on_save(model: dict, path: str, contents_manager, **_kwargs) -> None:
    """ContentsManager.pre_save_hook: strip a kit notebook before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if is_kit_notebook(Path(contents_manager.root_dir) / path):
        clean(model["content"])


def lab_arguments() -> list[str]:
    """`jupyter lab` arguments for self-study: the kit's notebooks, saved clean."""
    return [f"--ServerApp.root_dir={paths.WORKSHOPS_DIR}", f"--ContentsManager.pre_save_hook={HOOK}"]
