"""The kit as a user installs it: a wheel in a new virtual environment, used from another folder.

The wheel is built from the checkout and installed with `--no-deps` into a fresh virtual
environment that borrows the test environment's dependencies (a `.pth` line), so nothing is
downloaded; the kit itself comes only from the wheel. Then, from an empty folder and with a
home folder of its own: `slkit demo --json`, `slkit export` in every format, and `slkit serve`
serving a module page that runs in a kernel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from slkit.devtools import free_port
from slkit.paths import KIT_ROOT

pytestmark = pytest.mark.skipif(not (KIT_ROOT / "pyproject.toml").exists(), reason="needs the kit's source checkout")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(KIT_ROOT)],
        check=True, cwd=out,
    )
    (path,) = out.glob("slkit-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A new virtual environment with the wheel installed: (its bin folder, an environment to run in)."""
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(root / "env")
    site = next((root / "env" / "lib").glob("python3*/site-packages"))
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # dependencies only: appended last
    subprocess.run([sys.executable, "-m", "pip", "--python", str(root / "env" / "bin" / "python"), "install",
                    "--no-deps", "--quiet", str(wheel)], check=True)
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLKIT_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), PATH=f"{root / 'env' / 'bin'}:{env.get('PATH', '')}",
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))  # the borrowed packages' data (Voila's templates)
    work = root / "elsewhere"
    work.mkdir()
    return root / "env" / "bin", env, work, home


def test_the_wheel_holds_everything_under_one_name(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"slkit", next(t for t in tops if t.endswith(".dist-info")), next(t for t in tops if t.endswith(".data"))}, tops  # nothing generic such as 'widgets'
    # Besides the package, only the kit's JupyterLab extension, where JupyterLab looks for prebuilt ones.
    data = [n.split("/", 2)[2] for n in names if n.split("/")[0].endswith(".data")]
    assert data and all(d.startswith("share/jupyter/labextensions/slkit-a11y/") for d in data), data
    assert "share/jupyter/labextensions/slkit-a11y/package.json" in data and any(d.endswith(".js") for d in data)
    for needed in ("slkit/widgets/widget_module.py", "slkit/frameworks/five_practices.yaml", "slkit/workshops/04_five_practices.ipynb",
                   "slkit/workshops/index.ipynb", "slkit/jupyter/voila/templates/slkit/index.html.j2", "slkit/migrations/versions/0004_journey.py",
                   "slkit/facilitator_guide/README.md", "slkit/facilitator_guide/privacy.md", "slkit/guide.py",
                   "slkit/frameworks/observer/observer.nb.yaml", "slkit/workshops/observer.ipynb", "slkit/migrations/versions/0010_observers.py",
                   "slkit/jupyter/voila/templates/slkit/a11y.js", "slkit/jupyter/labextensions/slkit-a11y/package.json",
                   "slkit/jupyter/labconfig/page_config.json"):
        assert needed in names
    top_level = next((n for n in names if n.endswith("top_level.txt")), None)
    if top_level:
        with zipfile.ZipFile(wheel) as z:
            assert z.read(top_level).decode().split() == ["slkit"]


def _run(installed, *args, timeout=180):
    bin_, env, work, _home = installed
    return subprocess.run([str(bin_ / "slkit"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)


def test_installed_commands_work_from_any_folder(installed):
    bin_, env, work, home = installed
    r = _run(installed, "--version")
    assert r.returncode == 0 and r.stdout.startswith("slkit ")
    r = _run(installed, "demo", "--json")
    assert r.returncode == 0, r.stderr
    demo = json.loads(r.stdout)
    store = home / ".local" / "share" / "slkit" / "slkit.sqlite3"
    assert store.exists(), "the default store lives in the user's data folder"
    for fmt, out in (("csv", work / "csv"), ("xlsx", work / "out.xlsx"), ("html", work / "out.html")):
        r = _run(installed, "export", demo["code"], "--format", fmt, "--out", str(out))
        assert r.returncode == 0, r.stderr
        assert out.exists()
    assert "<html" in (work / "out.html").read_text(encoding="utf-8")[:2000].lower()
    # The kit imported by the commands is the installed one, not the checkout.
    r = subprocess.run([str(bin_ / "python"), "-c", "import slkit, slkit.paths as p; print(slkit.__file__); print(p.IN_CHECKOUT)"],
                       cwd=work, env=env, capture_output=True, text=True)
    where, in_checkout = r.stdout.split()
    assert str(KIT_ROOT) not in where and in_checkout == "False"


def test_installed_server_serves_a_module_page_that_runs_in_a_kernel(installed):
    bin_, env, work, home = installed
    port = free_port()
    log = work / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(bin_ / "slkit"), "serve", "--port", str(port)], cwd=work, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "Stop with Ctrl+C" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.3)
        text = log.read_text()
        assert str(home / ".local" / "share" / "slkit" / "slkit.sqlite3") in text, "serve says where the store is"
        html = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/04_five_practices.ipynb", timeout=60) as r:
                    html = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        # Voila streams the page as its kernel runs the notebook: the widget it shows is in it.
        assert "application/vnd.jupyter.widget-view+json" in html, log.read_text()[-2000:]
        assert not re.search(r"Traceback|ModuleNotFoundError", html)
        # the guide and the privacy statement, from the installed package's copy
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slkit/guide/troubleshooting", timeout=30) as r:
            assert "<h1>When something goes wrong</h1>" in r.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slkit/privacy", timeout=30) as r:
            assert "<h1>How your answers are kept</h1>" in r.read().decode()
    finally:
        os.killpg(proc.pid, 2)
        proc.wait(timeout=30)
