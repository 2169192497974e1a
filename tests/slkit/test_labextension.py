"""The kit's JupyterLab extension (slkit.labextension): built from the page template's
accessibility script, up to date with it, loadable the way JupyterLab loads a prebuilt extension,
and found by `slkit lab`. (tests/browser/test_lab.py sees it act in JupyterLab.)"""

from __future__ import annotations

import json
import shutil
import subprocess

from slkit import labextension as X
from slkit.jupyter_hooks import lab_arguments, lab_environment
from tests.conftest import missing


def test_the_extension_is_built_from_the_current_script(tmp_path):
    built = X.build(tmp_path / X.NAME)
    fresh = {p.relative_to(built).as_posix(): p.read_text() for p in built.rglob("*") if p.is_file()}
    shipped = {p.relative_to(X.FOLDER).as_posix(): p.read_text() for p in X.FOLDER.rglob("*") if p.is_file()}
    assert shipped == fresh, "the extension is older than a11y.js: run python -m slkit.labextension"
    package = json.loads(shipped["package.json"])
    assert package["name"] == X.NAME and package["jupyterlab"]["_build"]["load"] in shipped
    assert X.SCRIPT.read_text() in shipped[package["jupyterlab"]["_build"]["load"]]  # the script itself, whole


def test_the_page_template_includes_the_same_script_untouched_by_jinja():
    script = X.SCRIPT.read_text()
    assert not any(mark in script for mark in ("{{", "{%", "{#")), "the template would read it as Jinja"
    template = (X.SCRIPT.parent / "index.html.j2").read_text()
    assert "{% include 'a11y.js' %}" in template
    assert "function toggles(" not in template, "a second copy of the script in the template"


LOADER = """
globalThis.document = { body: null, addEventListener() {}, querySelectorAll() { return []; } };
globalThis.addEventListener = () => {};
// a classic script in the page's global scope, as JupyterLab's <script> tag runs it
require('vm').runInThisContext(require('fs').readFileSync(process.argv[2], 'utf8'));
const container = _JUPYTERLAB[process.argv[3]];
(async () => {
  await container.init({});
  const module = (await container.get('./extension'))();
  const plugin = module.default;
  let missingModule = false;
  try { await container.get('./style'); } catch (e) { missingModule = true; }
  console.log(JSON.stringify({ esModule: module.__esModule, id: plugin.id, autoStart: plugin.autoStart,
                               activate: typeof plugin.activate, missingModule }));
})();
"""


def test_jupyterlab_can_load_it_as_a_federated_extension(tmp_path):
    """What JupyterLab's bootstrap does with a prebuilt extension: load its entry file, init the
    container, get './extension', call the factory, read the plugin from its default export."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js is not installed (it comes with npm, which make test uses for axe-core)")
    package = json.loads((X.FOLDER / "package.json").read_text())
    loader = tmp_path / "load.js"
    loader.write_text(LOADER)
    out = subprocess.run([node, str(loader), str(X.FOLDER / package["jupyterlab"]["_build"]["load"]), X.NAME],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(out) == {"esModule": True, "id": f"{X.NAME}:plugin", "autoStart": True, "activate": "function", "missingModule": True}


def test_slkit_lab_points_jupyterlab_at_it_and_fetches_nothing():
    args = lab_arguments()
    assert f"--LabApp.extra_labextensions_path={X.LABEXTENSIONS}" in args
    assert (X.LABEXTENSIONS / X.NAME / "package.json").exists()
    assert "--LabApp.news_url=" in args and "--LabApp.extension_manager=readonly" in args
    env = lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere"})
    first, rest = env["JUPYTER_CONFIG_PATH"].split(":", 1)
    assert rest == "/elsewhere"
    config = json.loads((__import__("pathlib").Path(first) / "labconfig" / "page_config.json").read_text())
    assert config["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True
