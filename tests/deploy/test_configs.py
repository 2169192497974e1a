"""The deployment files in deploy/, checked without running them: HAProxy accepts its
configuration, the Kubernetes manifests hold what the kit needs (health path, cookie
affinity, the worker flag), the container recipe starts a worker."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from slkit.paths import KIT_ROOT
from slkit.workers import COOKIE, HEALTH_PATH, haproxy_config

from ..conftest import missing

DEPLOY = KIT_ROOT / "deploy"


def haproxy_check(path) -> subprocess.CompletedProcess:
    if shutil.which("haproxy") is None:
        missing("HAProxy is not installed (Debian: apt-get install haproxy)")
    return subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)


def test_haproxy_accepts_both_configurations(tmp_path):
    written = tmp_path / "generated.cfg"
    written.write_text(haproxy_config("0.0.0.0", 8866, [8867, 8868, 8869]))
    for path in (DEPLOY / "haproxy.cfg", written):
        check = haproxy_check(path)
        assert check.returncode == 0, check.stdout + check.stderr
        text = path.read_text()
        assert f"cookie {COOKIE} insert indirect nocache" in text and f"option httpchk GET {HEALTH_PATH}" in text
        assert "option redispatch" in text and "timeout tunnel" in text and "option forwardfor" in text
    broken = tmp_path / "broken.cfg"
    broken.write_text(haproxy_config("0.0.0.0", 8866, [8867]).replace("balance leastconn", "balance sideways"))
    assert haproxy_check(broken).returncode != 0  # the check can fail


def test_the_kubernetes_manifests_hold_what_the_kit_needs():
    docs = [d for d in yaml.safe_load_all((DEPLOY / "kubernetes" / "workers.yaml").read_text()) if d]
    kinds = {d["kind"]: d for d in docs}
    assert set(kinds) >= {"Deployment", "Service", "Ingress"}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert pod["readinessProbe"]["httpGet"]["path"] == HEALTH_PATH
    assert any(e["name"] == "SLKIT_DATABASE_URL" for e in pod["env"])
    assert any(e["name"] == "SLKIT_TRUST_PROXY" for e in pod["env"])  # the worker believes the ingress only
    notes = kinds["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"] == COOKIE
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets live for the workshop
    services = [d for d in docs if d["kind"] == "Service"]
    assert any(s["spec"].get("type") == "ExternalName" for s in services)  # PostgreSQL outside


def test_the_container_recipe_starts_a_worker():
    recipe = (DEPLOY / "Containerfile").read_text()
    cmd = next(line for line in recipe.splitlines() if line.startswith("CMD"))
    assert "slkit serve --worker" in cmd and "--host 0.0.0.0" in cmd
    assert HEALTH_PATH in recipe and "USER slkit" in recipe
