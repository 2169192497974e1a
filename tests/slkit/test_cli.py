"""The `slkit` command, run as a user runs it: a separate process, its output and exit status."""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from slkit.paths import FRAMEWORKS_DIR


def slkit(*args, env=None, timeout=120):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "slkit", *args], capture_output=True, text=True, env=full_env, timeout=timeout)


@pytest.fixture
def db(store_url):
    return ["--database-url", store_url]


def test_session_new_prints_code_links_and_key(db):
    r = slkit("session", "new", "--title", "Team <b>day</b> 🎉", "--threshold", "4", "--json", *db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["code"]) == 6 and out["threshold"] == 4 and out["title"] == "Team <b>day</b> 🎉"
    assert out["join_link"].endswith(f"/voila/render/index.ipynb?session={out['code']}")
    assert f"/voila/render/facilitator.ipynb?session={out['code']}&key=" in out["facilitator_link"]
    assert len(out["facilitator_key"]) >= 22
    listed = json.loads(slkit("session", "list", "--json", *db).stdout)
    assert [(s["code"], s["participants"]) for s in listed] == [(out["code"], 0)]
    human = slkit("session", "new", "--title", "Second", *db)
    assert human.returncode == 0 and "Facilitator key:" in human.stdout and "Join link:" in human.stdout
    assert "Room screen:" in human.stdout and "closed until you open them" in human.stdout


def test_a_follow_up_day_when_the_session_is_made_and_later(db):
    import datetime as dt

    day = (dt.date.today() + dt.timedelta(days=42)).isoformat()
    r = slkit("session", "new", "--title", "Spring", "--modules", "five_practices", "--follow-up", day, "--json", *db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["follow_up"] == day and out["follow_up_link"].endswith(f"05_follow_up.ipynb?session={out['code']}")
    code = out["code"]
    later = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    r = slkit("session", "follow-up", code, "--on", later, *db)
    assert r.returncode == 0 and f"the follow-up is on {later}" in r.stdout and f"05_follow_up.ipynb?session={code}" in r.stdout
    assert "key=" not in r.stdout  # the link to send the team carries no key
    r = slkit("session", "follow-up", code, "--on", "2020-01-01", *db)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = slkit("session", "follow-up", code, "--clear", *db)
    assert r.returncode == 0 and "no follow-up date" in r.stdout
    r = slkit("session", "new", "--title", "After", "--after", code, "--json", *db)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["code"] != code


def test_a_session_plan_and_deleting_a_session(db, store_url):
    from slkit.store import Store

    r = slkit("session", "new", "--title", "Plan", "--modules", "five_practices,motivation_triad", "--json", *db)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["modules"] == ["five_practices", "motivation_triad"]
    assert "screen.ipynb?session=" in out["screen_link"] and out["facilitator_key"] not in out["screen_link"]
    store = Store(store_url)
    states = store.module_states(out["code"])
    assert set(states) == {"five_practices", "motivation_triad"} and not any(s.is_open or s.results_revealed for s in states.values())
    assert store.get_session(out["code"]).settings["modules"] == ["five_practices", "motivation_triad"]
    bad = slkit("session", "new", "--title", "Plan", "--modules", "five_practices,nope", *db)
    assert bad.returncode == 2 and "Unknown module nope" in bad.stderr
    p = store.join(out["code"], "Ada")
    store.set_module_state(out["code"], "five_practices", is_open=True)
    store.save_answers(p, "five_practices", {"mw_voice_purpose": 4})
    asked = slkit("session", "delete", out["code"], *db)  # not at a terminal, no --yes: nothing happens
    assert asked.returncode == 2 and "Add --yes" in asked.stderr and "with 1 participant(s)" in asked.stderr
    assert store.participant_count(out["code"]) == 1
    gone = slkit("session", "delete", out["code"].lower(), "--yes", *db)
    assert gone.returncode == 0 and "with 1 participant(s)" in gone.stdout
    again = slkit("session", "delete", out["code"], "--yes", *db)  # no such session any more
    assert again.returncode == 2 and f"There is no session {out['code']}" in again.stderr and "facilitator" not in again.stderr
    assert [s.code for s in store.list_sessions()] == []
    store.dispose()


def test_demo_then_export_csv_xlsx_and_html(db, tmp_path):
    r = slkit("demo", "--participants", "5", "--json", *db)
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    r = slkit("export", code, "--format", "csv", "--out", str(tmp_path / "csv"), *db)
    assert r.returncode == 0, r.stderr
    files = sorted(Path(p).name for p in r.stdout.split())
    modules = ["five_practices", "follow_up", "motivation_triad", "purpose_first", "social_team_swot", "social_team_swot_board"]
    assert files == sorted(f"{code}_{m}.csv" for m in modules)
    board = pd.read_csv(tmp_path / "csv" / f"{code}_social_team_swot_board.csv")
    swot = board[board["board_id"] == "swot_item"]
    assert 0 < swot["votes"].sum() <= 5 * 4 * 3 and set(swot["column_id"]) == {"strengths", "weaknesses", "opportunities", "threats"}
    fp = pd.read_csv(tmp_path / "csv" / f"{code}_five_practices.csv")
    assert set(fp["person"]) == {"P1", "P2", "P3", "P4", "P5"}
    ratings = fp[fp["kind"] == "rating"]
    assert len(ratings) == 5 * 30 and ratings["value"].astype(int).between(1, 10).all()
    r = slkit("export", code, "--format", "xlsx", "--out", str(tmp_path / "out.xlsx"), *db)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == ["Summary", "1 Purpose first", "2 The motivation triad", "3 SWOT of the social team",
                             "4 The five practices", "5 Follow-up – summary", "5 Follow-up", "SWOT board", "Data"]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary["Code"] == code and summary["Participants who joined"] == 5
    assert wb["4 The five practices"].max_row == len(fp) + 1
    assert wb["SWOT board"].max_row == len(board) + 1
    r = slkit("export", code, "--format", "html", "--out", str(tmp_path / "report"), *db)
    assert r.returncode == 0, r.stderr
    report = Path(r.stdout.strip())
    assert report == tmp_path / "report" / f"{code}-report.html"
    text = report.read_text()
    assert text.startswith("<!doctype html>") and "Plotly.newPlot" in text and "5 participants joined" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "ZZZZZZ", "--format", "csv", "--out", "x"], "no session with the code ZZZZZZ"),
        (["export", "0000", "--format", "csv", "--out", "x"], "session code has 6 letters"),
        (["session", "new", "--title", ""], "title is empty"),
        (["session", "new", "--title", "x" * 200], "limit is 120"),
    ],
)
def test_user_errors_end_with_one_line_and_status_2(db, args, message):
    r = slkit(*args, *db)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_bad_threshold_is_refused_by_the_parser(db):
    r = slkit("session", "new", "--title", "T", "--threshold", "0", *db)
    assert r.returncode == 2 and "must be from 1 to 1000" in r.stderr and "Traceback" not in r.stderr


def test_unreachable_database_is_one_line():
    r = slkit("session", "list", "--database-url", "postgresql://postgres@127.0.0.1:1/test")
    assert r.returncode == 2
    assert "cannot be reached" in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_bad_database_url_is_one_line():
    r = slkit("session", "list", "--database-url", "not-a-url")
    assert r.returncode == 2 and "not one the kit can use" in r.stderr and "Traceback" not in r.stderr


def test_serve_refuses_a_port_in_use(sqlite_url):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = slkit("serve", "--port", str(port), "--database-url", sqlite_url, timeout=60)
    assert r.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in r.stderr and "Traceback" not in r.stderr


def test_serve_refuses_a_broken_content_file(tmp_path, sqlite_url):
    for f in FRAMEWORKS_DIR.glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        (tmp_path / f.name).write_text(text.replace("scale: frequency", "scale: freq") if f.name == "five_practices.yaml" else text, encoding="utf-8")
    r = slkit("serve", "--port", "1", "--database-url", sqlite_url, env={"SLKIT_FRAMEWORKS_DIR": str(tmp_path)}, timeout=60)
    assert r.returncode == 2
    assert "five_practices.yaml" in r.stderr and "unknown scale 'freq'" in r.stderr and "Traceback" not in r.stderr


def test_environment_variable_selects_the_store(sqlite_url):
    r = slkit("session", "new", "--title", "From env", env={"SLKIT_DATABASE_URL": sqlite_url})
    assert r.returncode == 0, r.stderr
    listed = json.loads(slkit("session", "list", "--json", "--database-url", sqlite_url).stdout)
    assert [s["title"] for s in listed] == ["From env"]


def test_serve_refuses_to_preheat_an_unknown_page(sqlite_url):
    r = slkit("serve", "--port", "1", "--database-url", sqlite_url, "--preheat", "2", "--preheat-pages", "landing,five", timeout=60)
    assert r.returncode == 2
    assert "Cannot preheat five: choose from landing, purpose_first" in r.stderr and "Traceback" not in r.stderr


def test_doctor_says_ok_or_what_to_fix_on_each_line(sqlite_url):
    r = slkit("doctor", "--database-url", sqlite_url, "--participants", "1", timeout=300)
    lines = r.stdout.strip().splitlines()
    by_name = {line.split()[1]: line for line in lines[:-1]}
    assert set(by_name) == {"Python", "Packages", "Store", "Module", "Kernels", "Network", "Memory"}, r.stdout + r.stderr
    for name in ("Python", "Packages", "Store", "Module", "Kernels", "Memory"):
        assert by_name[name].startswith("OK "), by_name[name]
    from slkit.migrations import head

    assert f"schema {head()}" in by_name["Store"] and "runs in a kernel" in by_name["Module"]
    assert "was forked" in by_name["Kernels"] and "(30 MB each)" in by_name["Memory"]  # Linux: forked, as slkit serve does
    assert "without encryption" not in r.stdout + r.stderr  # the kernel talks over local sockets, as the server's
    assert lines[-1] in ("All set.", "1 thing(s) to fix before the workshop.")  # the network depends on this machine
    assert r.returncode == (0 if lines[-1] == "All set." else 1)
    bad = slkit("doctor", "--quick", "--database-url", "postgresql://nobody@127.0.0.1:9/none", timeout=120)
    assert bad.returncode == 1 and any(line.startswith("FIX  Store") for line in bad.stdout.splitlines()), bad.stdout + bad.stderr


def test_room_addresses_come_from_the_interfaces_private_first(monkeypatch):
    import socket
    from types import SimpleNamespace

    import psutil

    from slkit.network import choose_base, room_addresses

    def addr(ip):
        return SimpleNamespace(family=socket.AF_INET, address=ip)

    monkeypatch.setattr(psutil, "net_if_addrs", lambda: {"lo": [addr("127.0.0.1")], "wlan0": [addr("192.168.1.20")],
                                                          "eth1": [addr("203.0.113.5")], "x": [addr("169.254.3.3")]})
    assert room_addresses() == ["192.168.1.20", "203.0.113.5"]
    # Listening everywhere on a laptop whose host name maps to loopback: the LAN address, never 127.x.
    assert choose_base("0.0.0.0", 8875) == ("http://192.168.1.20:8875", False)
    assert choose_base("127.0.0.1", 8875) == ("http://127.0.0.1:8875", True)
    monkeypatch.setattr(psutil, "net_if_addrs", lambda: {"lo": [addr("127.0.0.1")]})
    assert choose_base("0.0.0.0", 8875) == ("http://127.0.0.1:8875", True)


def test_a_store_that_refuses_writes_and_an_unwritable_file_end_in_one_line(tmp_path):
    """A read-only store (SQLite opened read-only, as on a read-only mount) and an export to a
    path that cannot be written: one line on stderr that says what failed, exit status 2."""
    path = tmp_path / "kit.sqlite3"
    r = slkit("session", "new", "--title", "Team", "--json", "--database-url", f"sqlite:///{path}")
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    readonly = f"sqlite:///file:{path}?mode=ro&uri=true"
    r = slkit("session", "new", "--title", "Other", "--database-url", readonly)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "attempt to write a readonly database; nothing was saved" in r.stderr
    (tmp_path / "a-file").write_text("")
    r = slkit("export", code, "--format", "xlsx", "--out", str(tmp_path / "a-file" / "out.xlsx"), "--database-url", f"sqlite:///{path}")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Not a directory" in r.stderr or "exists" in r.stderr


def test_the_server_key_survives_a_restart_until_it_is_rotated(tmp_path):
    """`slkit serve` prints the same facilitator link at every start (the store keeps its hash, a
    private file the key); `slkit key rotate` makes a new one and the old stops working."""
    from slkit.devtools import start_server, stop_server
    from slkit.store import Store

    first = start_server(tmp_path)
    stop_server(first.process)
    again = start_server(tmp_path)
    stop_server(again.process)
    assert again.server_key == first.server_key
    files = list(tmp_path.glob("server-key-*"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0 and files[0].read_text() == first.server_key
    store = Store(first.database_url)
    assert store.verify_server_key(first.server_key) and first.server_key not in str(store.get_setting("server_key_hash"))
    r = slkit("key", "rotate", "--database-url", first.database_url, "--port", "8866", env={"SLKIT_DATA_DIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    new = re.search(r"key=([\w\-]+)", r.stdout).group(1)
    assert new != first.server_key and store.verify_server_key(new) and not store.verify_server_key(first.server_key)
    store.dispose()


def test_slkit_lab_hands_every_option_it_does_not_know_to_jupyterlab(monkeypatch, tmp_path, capsys):
    import subprocess

    from slkit import cli, selfstudy

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda argv, **_kw: calls.append(argv) or 0)
    monkeypatch.setattr(selfstudy, "store_path", lambda: tmp_path / "self.sqlite3")
    assert cli.main(["lab", "--no-browser", "--port", "8970"]) == 0
    assert cli.main(["lab", "--", "--no-browser"]) == 0
    assert cli.main(["lab"]) == 0
    assert calls[0][-3:] == ["--no-browser", "--port", "8970"] and calls[0][1:4] == ["-m", "jupyter", "lab"]
    assert calls[1][-1] == "--no-browser" and "--" not in calls[1]
    assert not any(a in ("--no-browser", "--port") for a in calls[2])
    with pytest.raises(SystemExit) as e:  # other commands still refuse what they do not know
        cli.main(["session", "list", "--no-browser"])
    assert e.value.code == 2 and "unrecognized arguments: --no-browser" in capsys.readouterr().err
