"""Self-study in real kernels: a module notebook run in one kernel, an answer given, then the
kernel restarted (JupyterLab's *Restart Kernel and Run All*) and a brand-new kernel (JupyterLab
closed and opened next week): the answers and the step are back."""

import json
import os

from jupyter_client.manager import start_new_kernel

from slkit.paths import WORKSHOPS_DIR

NOTEBOOK = WORKSHOPS_DIR / "04_five_practices.ipynb"


def run(kc, code: str) -> str:
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))

    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


def module_source() -> str:
    nb = json.loads(NOTEBOOK.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def state(kc) -> dict:
    run(kc, module_source())
    return json.loads(run(kc, "import json; print(json.dumps({'answers': page.sheet.answers, 'step': page.flow.index, "
                                  "'alone': page.alone}))"))


def test_self_study_answers_survive_a_kernel_restart_and_a_new_kernel(tmp_path):
    env = {**os.environ, "SLKIT_DATA_DIR": str(tmp_path)}
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(WORKSHOPS_DIR))
    try:
        first = state(kc)
        assert first == {"answers": {}, "step": 0, "alone": True}
        run(kc, "assert page.sheet.set('mw_voice_purpose', 8) and page.sheet.set('commitment_1', 'Post weekly'); page.flow.go(2)")
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=60)
        assert state(kc) == {"answers": {"mw_voice_purpose": 8, "commitment_1": "Post weekly"}, "step": 2, "alone": True}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(WORKSHOPS_DIR))
    try:
        assert state(kc)["answers"] == {"mw_voice_purpose": 8, "commitment_1": "Post weekly"}
        assert (tmp_path / "self-study.sqlite3").exists()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
