"""JupyterLab's side of self-study: the kit's notebooks are saved clean.

Running a module in JupyterLab puts its page (widget views, plotly figures) in the cell's
outputs, and JupyterLab may save the widgets' state in the notebook's metadata. Saved like that,
the kit's notebooks would change with every use. `slkit lab` starts JupyterLab with
`clean_on_save` as the contents manager's pre-save hook: a notebook of the kit's own folder is
written without outputs, execution counts or widget state (the answers are in the person's own
store, not in the notebook), and with the metadata it has on disk (JupyterLab would write its own
kernel and language details): working through a module leaves the file as it was, byte for byte.
Its checkpoints go to the person's data folder, not `.ipynb_checkpoints/` beside the kit's
notebooks. Other notebooks are saved as they are.
"""

from __future__ import annotations

import os
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


def _cells(nb: dict) -> list:
    return [(c.get("cell_type"), "".join(c.get("source") or "")) for c in nb.get("cells", [])]


def clean_on_save(model: dict, path: str, contents_manager, **_kwargs) -> None:
    """ContentsManager.pre_save_hook: strip a kit notebook before it is written; unchanged cells
    are written exactly as they are on disk."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    file = Path(contents_manager.root_dir) / path
    if not is_kit_notebook(file):
        return
    nb = clean(model["content"])
    try:
        import nbformat

        disk = nbformat.read(file, as_version=4)
    except Exception:  # noqa: BLE001 - a new or unreadable file: saved cleaned, as it is
        return
    if _cells(nb) == _cells(disk):  # nothing of the notebook's own changed: the file stays as it is
        nb.clear()
        nb.update(disk)
    else:  # edited: its cells as edited, its metadata as before
        nb["metadata"] = disk.get("metadata", {})


def lab_arguments() -> list[str]:
    """`jupyter lab` arguments for self-study: the kit's notebooks, saved clean."""
    from .labextension import LABEXTENSIONS

    return [f"--ServerApp.root_dir={paths.WORKSHOPS_DIR}", f"--ContentsManager.pre_save_hook={HOOK}",
            f"--FileCheckpoints.checkpoint_dir={checkpoint_dir()}",
            # the kit's accessibility layer (slkit.labextension), also when the kit runs from a checkout
            f"--LabApp.extra_labextensions_path={LABEXTENSIONS}",
            # nothing fetched from the internet: no news feed, no update check, no extension catalogue
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly"]


LAB_CONFIG = Path(__file__).resolve().parent / "jupyter"  # holds labconfig/page_config.json


def lab_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for `jupyter lab` in self-study: the kit's JupyterLab settings folder first
    on the configuration path (labconfig/page_config.json: JupyterLab does not offer to fetch its
    news from the internet)."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(LAB_CONFIG), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])])
    return env


def checkpoint_dir() -> Path:
    """Where JupyterLab keeps checkpoints of the kit's notebooks: the person's data folder (an
    absolute folder: the checkpoints of one folder's notebooks, which is all `slkit lab` opens)."""
    folder = paths.DATA_DIR / "lab-checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
