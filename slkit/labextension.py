"""The kit's JupyterLab extension: the page template's accessibility script, for JupyterLab.

A module studied alone runs in JupyterLab, where the Voila page template (and its script) is not
used. The script that gives the kit's pages their roles, names, radio groups and step focus,
`slkit/jupyter/voila/templates/slkit/a11y.js`, is therefore also shipped as a prebuilt federated
JupyterLab extension, `slkit-a11y`: a `package.json` naming its entry file, and that file, which
registers one plugin whose activation runs the script. It needs no build step at install and no
network: it is plain JavaScript with nothing to share with JupyterLab's own modules (the
script reads the page, it imports nothing). The wheel installs it where JupyterLab looks
(`share/jupyter/labextensions/slkit-a11y`), and `slkit lab` also points JupyterLab at the
package's copy, so it is there from a checkout too.

The extension is built from the script, never edited by hand:

    python -m slkit.labextension        # after changing a11y.js (tests/slkit/test_labextension.py checks it)
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from . import __version__

NAME = "slkit-a11y"
SCRIPT = Path(__file__).resolve().parent / "jupyter" / "voila" / "templates" / "slkit" / "a11y.js"
LABEXTENSIONS = Path(__file__).resolve().parent / "jupyter" / "labextensions"
FOLDER = LABEXTENSIONS / NAME

_ENTRY = """/* {name}: the Social Leadership Workshop Kit's accessibility script for JupyterLab.
   Built by `python -m slkit.labextension` from slkit/jupyter/voila/templates/slkit/a11y.js: edit that, not this. */
var _JUPYTERLAB;
(function () {{
  var plugin = {{
    id: '{name}:plugin',
    description: 'Roles, names, radio groups and step focus for the kit\\'s pages in JupyterLab',
    autoStart: true,
    activate: function () {{
/* ---- a11y.js ---- */
{script}
/* ---- end of a11y.js ---- */
    }}
  }};
  _JUPYTERLAB = typeof _JUPYTERLAB === 'undefined' ? {{}} : _JUPYTERLAB;
  _JUPYTERLAB['{name}'] = {{
    init: function () {{ return Promise.resolve(); }},
    get: function (module) {{
      if (module !== './extension') return Promise.reject(new Error('{name} has no module ' + module));
      return Promise.resolve(function () {{ return {{ __esModule: true, default: plugin }}; }});
    }}
  }};
}})();
"""


def entry_script(script: str | None = None) -> str:
    """The extension's entry file (a module-federation container JupyterLab loads) around the script."""
    return _ENTRY.format(name=NAME, script=(SCRIPT.read_text(encoding="utf-8") if script is None else script).rstrip())


def files() -> dict[str, str]:
    """The extension's files by their path inside its folder."""
    entry = entry_script()
    load = f"static/remoteEntry.{hashlib.sha256(entry.encode()).hexdigest()[:20]}.js"
    package = {
        "name": NAME,
        "version": __version__,
        "description": "The Social Leadership Workshop Kit's accessibility layer for its pages in JupyterLab",
        "license": "BSD-3-Clause",
        "jupyterlab": {"extension": True, "_build": {"load": load, "extension": "./extension"}},
    }
    return {"package.json": json.dumps(package, indent=2) + "\n", load: entry}


def build(folder: Path = FOLDER) -> Path:
    """Write the extension into `folder` (its old entry files removed)."""
    shutil.rmtree(folder, ignore_errors=True)
    for rel, text in files().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(f"Built {build()}")
