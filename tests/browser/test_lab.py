"""Working alone in JupyterLab, as a learner does: `slkit lab` started with JupyterLab's own
options, a module run in its notebook and worked through step by step.

The kit's accessibility layer (slkit/jupyter/voila/templates/slkit/a11y.js, shipped to JupyterLab
as the prebuilt extension slkit-a11y) must act there as on a workshop page: rating scales are
named radio groups, every control has a name without icon glyphs, after Next the new step's
heading is in view with the focus, and axe-core finds nothing in the module. axe looks at the
kit's page (.slk-page): JupyterLab's own interface around it is not the kit's to change.
The learner's answers outlive a kernel restart, and the kit's notebooks are left as they were."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from slkit.devtools import free_port
from slkit.paths import KIT_ROOT
from tests.browser.test_keyboard import Walker, unnamed

from .conftest import PAGE_TIMEOUT_MS, Kit

MODULES = ["01_purpose_first", "02_motivation_triad", "03_social_team_swot", "04_five_practices"]

# Where the new step's heading is: inside the notebook's scrolling area, and focused.
HEADING = """() => { const h = document.querySelector('.slk-step-title h2'); if (!h) return null;
  let box = h.parentElement; while (box && !(box.scrollHeight > box.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  const r = h.getBoundingClientRect(), v = box ? box.getBoundingClientRect() : {top: 0, bottom: innerHeight};
  return { text: h.textContent, inView: r.top >= v.top - 1 && r.bottom <= v.bottom + 1, focused: document.activeElement === h }; }"""

def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "workshops"], cwd=KIT_ROOT,
                          capture_output=True, text=True, check=True).stdout


class Lab:
    def __init__(self, tmp: Path, lang: str):
        self.port = free_port()
        self.data = tmp / "data"
        args = ["--no-browser", "--port", str(self.port), "--ServerApp.token=", "--ServerApp.password="]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")  # (CI runs as root)
        env = {**os.environ, "SLKIT_DATA_DIR": str(self.data), "SLKIT_LANG": lang, "JUPYTER_CONFIG_DIR": str(tmp / "config"),
               "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
        self.log = tmp / "lab.log"
        # JupyterLab's own options after `lab`, as the README says: slkit lab [JUPYTERLAB OPTIONS]
        self.process = subprocess.Popen([sys.executable, "-m", "slkit", "lab", *args], cwd=KIT_ROOT, env=env,
                                        stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slkit lab exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    if "is running at" in self.log.read_text(errors="replace"):
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"slkit lab did not start in 90 s:\n{self.log.read_text()}")

    def url(self, notebook: str) -> str:
        # ?reset: a workspace of its own, not the tabs an earlier page left open
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}.ipynb?reset"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def labs(tmp_path_factory, playwright_api):
    started: dict[str, Lab] = {}

    def get(lang: str) -> Lab:
        if lang not in started:
            started[lang] = Lab(tmp_path_factory.mktemp(f"lab-{lang}"), lang)
        return started[lang]

    yield get
    for lab in started.values():
        lab.stop()


def open_module(context, lab: Lab, notebook: str):
    pg = context.new_page()
    pg.set_viewport_size({"width": 1366, "height": 768})
    pg.goto(lab.url(notebook))
    pg.locator(".jp-Notebook .jp-Cell").first.wait_for()
    pg.wait_for_function("() => document.querySelector('.jp-Notebook') && window.slkA11y === true", timeout=PAGE_TIMEOUT_MS)
    return pg


def run_all(pg) -> None:
    """Run the notebook's cells from the keyboard, once its kernel is idle: the command palette
    (Ctrl+Shift+C), "Run All Cells", Enter."""
    pg.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    pg.keyboard.press("Control+Shift+c")
    pg.keyboard.type("Run All Cells")
    pg.locator(".lm-CommandPalette-item.lm-mod-active", has_text="Run All Cells").wait_for()
    pg.keyboard.press("Enter")
    pg.locator(".slk-page .slk-step-title h2").wait_for(timeout=PAGE_TIMEOUT_MS)


def after_next(pg, before: str) -> dict:
    pg.wait_for_function(f"h => {{ const s = ({HEADING})(); return s && s.text !== h && s.focused; }}", arg=before)
    pg.wait_for_timeout(600)  # what the step left is gone by now: the heading must still be in view
    return pg.evaluate(HEADING)


def test_a_module_in_jupyterlab_with_the_keyboard_alone_and_after_a_kernel_restart(labs, context, audit):
    before = git_status()
    lab = labs("en")
    pg = open_module(context, lab, "02_motivation_triad")
    run_all(pg)
    walker = Walker(pg, "lab", scope=".slk-page")
    groups = 0
    for n in range(12):
        state = pg.evaluate(HEADING)
        assert unnamed(pg, ".slk-page") == [], f"step {n + 1} ({state['text']}): controls without a name"
        audit(pg, f"JupyterLab, the triad, step {n + 1} ({state['text']})", within=".slk-page")
        # a rating scale: a radio group named by its question, one tab stop
        for g in pg.locator(".slk-page [role=radiogroup]").all():
            name = g.evaluate("g => g.getAttribute('aria-label') || (document.getElementById(g.getAttribute('aria-labelledby')) || {}).textContent || ''")
            assert name.strip(), f"a radio group without a name on {state['text']}"
            assert g.locator("[role=radio][tabindex='0']").count() == 1
            groups += 1
        if walker.step() == "Finish":
            break
        state = after_next(pg, state["text"])
        assert state["inView"], f"after Next, the heading of {state['text']} is out of view"
    else:
        raise AssertionError("the triad never finished")
    assert groups >= 6, "the triad's scales were not radio groups"
    pg.locator(".slk-page .done").wait_for()
    assert pg.locator(".slk-page .lesson-debrief").count() == 1, "no debrief after Finish"
    typed = walker.typed
    assert typed, "nothing was typed on the way"

    # The kernel restarts (Kernel → Restart Kernel…): run again, the answers are there.
    pg.evaluate("() => document.querySelectorAll('.slk-page').forEach(e => e.dataset.old = 'yes')")
    pg.get_by_role("menuitem", name="Kernel").click()
    pg.get_by_text("Restart Kernel…", exact=True).click()
    pg.locator(".jp-Dialog").get_by_text("Restart Kernel?").wait_for()
    pg.keyboard.press("Enter")  # the dialog's Restart has the focus
    pg.locator(".jp-Dialog").wait_for(state="detached")
    pg.wait_for_timeout(1000)
    run_all(pg)
    pg.locator(".slk-page:not([data-old]) .slk-step-title h2").wait_for()  # the module drawn by the new kernel
    found: list[str] = []
    for _ in range(12):
        found += [pg.locator(".slk-page textarea, .slk-page input[type=text]").nth(i).input_value()
                  for i in range(pg.locator(".slk-page textarea, .slk-page input[type=text]").count())]
        if pg.get_by_role("button", name="Back").is_disabled():
            break
        heading = pg.evaluate(HEADING)["text"]
        pg.get_by_role("button", name="Back").click()
        after_next(pg, heading)
    assert set(typed) <= set(found), f"typed before the restart, not there after it: {set(typed) - set(found)}"
    assert pg.locator(".slk-page [role=radio][aria-checked=true]").count() >= 1, "the first step's ratings after the restart"

    pg.keyboard.press("Control+s")  # JupyterLab saves the notebook: the kit's file stays as it was
    pg.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=15_000)
    time.sleep(1)
    assert git_status() == before, f"the kit's notebooks changed:\n{git_status()}"
    assert not list((KIT_ROOT / "workshops").glob(".ipynb_checkpoints"))


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_module_in_jupyterlab_opens_each_step_at_its_heading(labs, context, audit, lang):
    lab = labs(lang)
    words = {"en": ("Next", "Finish", "Try this week"), "nb": ("Neste", "Fullfør", "Prøv denne uken")}[lang]
    for notebook in MODULES:
        pg = open_module(context, lab, notebook)
        run_all(pg)
        Kit.screenshot(pg, f"lab_{lang}_{notebook}_1", full=False)
        for n in range(12):
            state = pg.evaluate(HEADING)
            audit(pg, f"JupyterLab ({lang}), {notebook}, step {n + 1} ({state['text']})", within=".slk-page")
            assert unnamed(pg, ".slk-page") == [], f"{notebook}, {state['text']}: controls without a name"
            if n == 1:
                Kit.screenshot(pg, f"lab_{lang}_{notebook}_2", full=False)
            nxt = pg.locator(".slk-page button", has_text=re.compile(f"^({words[0]}|{words[1]})$"))
            if nxt.inner_text() == words[1]:
                nxt.click()
                break
            nxt.click()
            state = after_next(pg, state["text"])
            assert state["inView"], f"{notebook}: after Next, the heading of {state['text']} is out of view"
        pg.locator(".slk-page .done").wait_for()
        pg.get_by_text(words[2]).first.scroll_into_view_if_needed()
        assert pg.locator(".slk-page").first.get_attribute("lang") == lang
        audit(pg, f"JupyterLab ({lang}), {notebook}, the debrief", within=".slk-page")
        Kit.screenshot(pg, f"lab_{lang}_{notebook}_debrief", full=False)
        pg.close()
