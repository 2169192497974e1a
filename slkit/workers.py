"""Several workshop servers behind HAProxy on one machine: `slkit serve --workers N`.

Each participant's page is a kernel in the worker that rendered it, so every request and
websocket of a page must reach that worker: HAProxy inserts a cookie naming the worker on the
first answer (`cookie SLKIT_WORKER insert indirect nocache`) and routes by it. Everything else
people share is in the store, so any worker serves any page. A worker that stops failing its
health check (`/slkit/health`) is taken out within a few seconds; pages it held reload onto
another worker (`option redispatch`) and continue as the same person (the browser's own
cookie). This launcher restarts a worker that died.

    >>> print(haproxy_config("0.0.0.0", 8866, [8867, 8868]).splitlines()[0])
    # HAProxy in front of 2 workshop workers (made by slkit serve --workers)

For workers on several machines, `deploy/haproxy.cfg` is the same configuration written out.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import KitError
from .paths import DATA_DIR

COOKIE = "SLKIT_WORKER"
HEALTH_PATH = "/slkit/health"
RESTART_PAUSE = 2.0  # seconds before a dead worker is started again


def haproxy_config(host: str, port: int, worker_ports: list[int], worker_host: str = "127.0.0.1") -> str:
    """HAProxy's configuration for workers on `worker_host` at `worker_ports`, listening on host:port."""
    servers = "\n".join(
        f"    server w{n} {worker_host}:{p} check cookie w{n}" for n, p in enumerate(worker_ports, 1)
    )
    bind = f"{'*' if host in ('0.0.0.0', '', '::') else host}:{port}"
    return f"""# HAProxy in front of {len(worker_ports)} workshop workers (made by slkit serve --workers)
global
    # no maxconn: HAProxy derives it from the file limit it is given (ulimit -n)

defaults
    mode http
    option forwardfor
    option http-server-close
    timeout connect 5s
    timeout client 120s
    timeout server 300s
    # a page's kernel websocket stays open for the whole workshop
    timeout tunnel 8h
    timeout http-request 30s

frontend workshop
    bind {bind}
    # Whatever a client says about its own address is dropped; HAProxy adds the one it saw
    # (option forwardfor), which the workers believe from this machine only (--trust-proxy).
    http-request del-header X-Real-Ip
    http-request del-header X-Forwarded-For
    http-request del-header X-Forwarded-Proto
    http-request del-header X-Forwarded-Host
    http-request del-header Forwarded
    default_backend workers

backend workers
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET {HEALTH_PATH}
    http-check expect status 200
    option redispatch
    retries 2
    # A worker busy starting many pages answers its check late: give it 5 s and five misses
    # before it is taken out. A dead worker refuses connections at once: requests for it go to
    # another worker straight away (redispatch), whatever the checks say.
    timeout check 5s
    default-server inter 3s fall 5 rise 2
{servers}
"""


def proxy_uses(base_url: str, names: set[str], tries: int = 4) -> bool:
    """Whether the proxy at `base_url` sends fresh visitors to each worker named (w1, w2, …): the
    cookie it inserts says where each went. False while no worker is up (the proxy answers 503)."""
    import urllib.request

    seen: set[str] = set()
    for _ in range(tries * len(names)):
        try:
            with urllib.request.urlopen(f"{base_url}{HEALTH_PATH}", timeout=5) as r:
                cookie = r.headers.get("Set-Cookie", "")
        except OSError:
            return False
        seen |= {n for n in names if f"{COOKIE}={n}" in cookie}
        if seen == names:
            return True
    return False


def private_folder(path: Path) -> Path:
    """A folder only its owner can open (0700): logs name sessions and addresses."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_log(path: Path):
    """A log file for appending, readable by its owner only (0600), in a private folder."""
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


def _stop_with_parent() -> None:
    """In a new worker, before it runs: SIGTERM when the launcher dies (Linux's PR_SET_PDEATHSIG),
    so no worker outlives a launcher that was killed."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def haproxy() -> str:
    found = shutil.which("haproxy")
    if not found:
        raise KitError("--workers needs HAProxy (Debian and Ubuntu: sudo apt-get install haproxy; macOS: brew install haproxy).")
    return found


class Workers:
    """N `slkit serve --worker` processes on ports port+1…port+N, HAProxy on `port`; restarts a
    worker that died. `run()` blocks until Ctrl+C (or SIGTERM), then stops them all."""

    def __init__(self, n: int, host: str, port: int, worker_args: list[str], log_dir: Path | None = None):
        self.n, self.host, self.port, self.worker_args = n, host, port, worker_args
        self.ports = [port + i for i in range(1, n + 1)]
        self.log_dir = log_dir or DATA_DIR / "workers"
        self.procs: dict[int, subprocess.Popen] = {}
        self.proxy: subprocess.Popen | None = None
        self.config = self.log_dir / f"haproxy-{port}.cfg"
        self._stopping = False

    def _start_worker(self, port: int) -> None:
        log = private_log(self.log_dir / f"worker-{port}.log")
        # No terminal for a worker (Jupyter would answer a Ctrl+C with a question nobody sees),
        # and on Linux a worker stops when its launcher dies, however it died.
        self.procs[port] = subprocess.Popen(
            [sys.executable, "-m", "slkit", "serve", "--worker", "--host", "127.0.0.1", "--port", str(port), *self.worker_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None,
        )

    def start(self) -> None:
        binary = haproxy()
        private_folder(self.log_dir)
        self.config.write_text(haproxy_config(self.host, self.port, self.ports))
        check = subprocess.run([binary, "-c", "-q", "-f", str(self.config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise KitError(f"HAProxy refused its configuration ({self.config}): {check.stderr.strip()[:300]}")
        for p in self.ports:
            self._start_worker(p)
        self.proxy = subprocess.Popen([binary, "-db", "-f", str(self.config)], stdout=private_log(self.log_dir / f"haproxy-{self.port}.log"),
                                      stdin=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
                                      preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None)

    def watch_once(self) -> list[int]:
        """Restart workers that exited; the ports restarted."""
        restarted = []
        for port, proc in list(self.procs.items()):
            if proc.poll() is not None and not self._stopping:
                print(f"  Worker on port {port} stopped (exit {proc.returncode}); starting it again.", flush=True)
                time.sleep(RESTART_PAUSE)
                self._start_worker(port)
                restarted.append(port)
        if self.proxy is not None and self.proxy.poll() is not None and not self._stopping:
            raise KitError(f"HAProxy stopped (exit {self.proxy.returncode}); see {self.log_dir / f'haproxy-{self.port}.log'}.")
        return restarted

    def stop(self) -> None:
        """Stop the proxy and every worker (SIGTERM: a clean stop for HAProxy and for Jupyter,
        and never ignored the way a background job ignores SIGINT)."""
        self._stopping = True
        everything = [p for p in [self.proxy, *self.procs.values()] if p is not None]
        for proc in everything:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for proc in everything:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def run(self) -> None:
        self.start()
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        try:
            while True:
                self.watch_once()
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
