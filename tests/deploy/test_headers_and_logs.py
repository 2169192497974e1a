"""What a client may say about itself, and what the server writes down about it:

- through the kit's own HAProxy, a client's forged X-Real-Ip and X-Forwarded-For are dropped: a
  script rotating them is still one address, held to its page limit;
- a worker believes X-Forwarded-For only from the proxies given in --trust-proxy;
- after a run that opened the console, the room screen and resume links, some with errors, no
  log line holds a credential, and the workers' logs are readable by their owner only.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import urllib.error
import urllib.request


from slkit.devtools import free_port, free_port_run, start_server, stop_server
from slkit.sessions import facilitator_link, screen_link
from slkit.workers import haproxy_config

from ..conftest import missing
from .test_proxy import healthy, wait_for

PAGE = "/voila/render/04_five_practices.ipynb"


def status(url: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None) -> int:
    try:
        req = urllib.request.Request(url, headers=headers or {}, method=method, data=body)
        with urllib.request.urlopen(req, timeout=90) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_the_generated_proxy_configuration_drops_what_clients_say_of_themselves():
    config = haproxy_config("0.0.0.0", 8866, [8867])
    for header in ("X-Real-Ip", "X-Forwarded-For", "X-Forwarded-Proto", "Forwarded"):
        assert f"http-request del-header {header}" in config
    assert "option forwardfor" in config
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "haproxy.cfg")) as f:
        assert "http-request del-header X-Forwarded-For" in f.read()


def test_forged_forwarding_headers_through_the_kits_proxy_count_for_nothing(tmp_path):
    if shutil.which("haproxy") is None:
        missing("HAProxy is not installed (Debian: apt-get install haproxy)")
    port = free_port_run(2)
    server = start_server(tmp_path, "--workers", "1", "--max-per-address", "2", "--connect-timeout", "60", port=port)
    try:
        wait_for(lambda: healthy(port + 1) and healthy(port), 90, "the worker behind the proxy")
        page = f"{server.base_url}{PAGE}"
        # One client rotating forged addresses: HAProxy drops them and names the client itself.
        forged = [{"X-Real-Ip": f"198.51.100.{n}", "X-Forwarded-For": f"203.0.113.{n}"} for n in range(4)]
        assert [status(page, h) for h in forged] == [200, 200, 503, 503]
        # Posing as this machine (loopback) gains nothing either.
        assert status(page, {"X-Real-Ip": "127.0.0.1", "X-Forwarded-For": "127.0.0.1"}) == 503
    finally:
        stop_server(server.process)


def test_a_worker_believes_forwarded_addresses_only_from_its_trusted_proxies(tmp_path):
    port = free_port()
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "slkit", "serve", "--worker", "--port", str(port), "--max-per-address", "2",
                             "--connect-timeout", "60", "--trust-proxy", "192.0.2.1", "--database-url", f"sqlite:///{tmp_path / 'kit.sqlite3'}"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "SLKIT_DATA_DIR": str(tmp_path)},
                            start_new_session=True)
    try:
        wait_for(lambda: healthy(port), 60, "the worker")
        page = f"http://127.0.0.1:{port}{PAGE}"
        # This machine is not one of its proxies: its X-Forwarded-For is ignored, every page counts for it.
        assert [status(page, {"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(10, 13)] == [200, 200, 503]
    finally:
        stop_server(proc)


SECRET = re.compile(r"(?<![\w-])(key|screen|p|pc|invite|token|_xsrf)=(?!…)[^&\s'\"]+")


def test_logs_hold_no_credentials_and_are_private(tmp_path):
    if shutil.which("haproxy") is None:
        missing("HAProxy is not installed (Debian: apt-get install haproxy)")
    port = free_port_run(2)
    server = start_server(tmp_path, "--workers", "1", port=port)
    try:
        wait_for(lambda: healthy(port + 1) and healthy(port), 90, "the worker behind the proxy")
        store = server.store()
        s = store.create_session("Logs")
        p = store.join(s.code)
        base = server.base_url
        secrets = [server.server_key, s.key, s.screen_key, p.token, p.personal_code]
        visits = [
            (facilitator_link(base, s.key, s.code), {}),
            (facilitator_link(base, "wrong-key-" + s.key[:10], s.code), {}),
            (screen_link(base, s.code, s.screen_key), {}),
            (f"{base}{PAGE}?session={s.code}&p={p.token}", {}),
            (f"{base}{PAGE}?session={s.code}&pc={p.personal_code}", {}),
            (f"{base}/voila/render/missing.ipynb?session={s.code}&key={s.key}", {}),  # a 404 with the key in it
            (f"{base}/voila/templates/..%2f..%2fetc/passwd?screen={s.screen_key}", {}),
            (f"{base}{PAGE}?session={s.code}", {"Cookie": f"slk_{s.code}={p.token}; _xsrf=2|a|b|1"}),
        ]
        codes = [status(url, headers) for url, headers in visits]
        assert 404 in codes and 200 in codes
        assert status(f"{base}/slkit/cookie", {"Cookie": f"slk_{s.code}={p.token}"}, "POST",
                      f'{{"session": "{s.code}", "resume": "{p.token}"}}'.encode()) == 403  # no form token
        stop_server(server.process)
        logs = [server.log_path, *sorted((tmp_path / "workers").glob("*.log"))]
        found = []
        for path in logs:
            for line in path.read_text(errors="replace").splitlines():
                if line.strip().startswith("Facilitator (keep this link to yourself"):
                    continue  # what `slkit serve` prints for the facilitator at start: their link, not a log line
                if any(secret and secret in line for secret in secrets) or SECRET.search(line):
                    found.append(f"{path.name}: {line[:200]}")
        assert not found, "credentials in the logs:\n" + "\n".join(found[:10])
        assert any("…" in path.read_text(errors="replace") for path in logs[1:]), "no request line was logged at all"
        folder = tmp_path / "workers"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.glob("*.log"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    finally:
        stop_server(server.process)
