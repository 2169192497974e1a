"""pyproject.toml is the source of the dependency list; environment.yml must agree with it."""

import re
import tomllib

import yaml

from slkit.paths import KIT_ROOT

# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"psycopg[binary]": "psycopg"}


def _parse(spec: str) -> tuple[str, str | None]:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(?:>=\s*([0-9][^,\s]*))?.*", spec)
    assert m, f"cannot read the requirement '{spec}'"
    return m.group(1).lower(), m.group(2)


def _pyproject() -> dict[str, str | None]:
    data = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {CONDA_NAMES.get(n, n): v for n, v in map(_parse, specs)}


def _environment() -> dict[str, str | None]:
    env = yaml.safe_load((KIT_ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and not dep.startswith(("python", "pip")):
            name, version = _parse(dep)
            out[name] = version
    return out


def test_environment_yml_lists_the_same_packages_and_lower_bounds_as_pyproject():
    py, conda = _pyproject(), _environment()
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not in pyproject.toml"
    differ = {n: (py[n], conda[n]) for n in py if py[n] != conda[n]}
    assert differ == {}, "lower bounds differ (pyproject, environment.yml)"


def test_every_dependency_has_a_lower_bound():
    assert [n for n, v in _pyproject().items() if v is None] == []


def test_python_version_agrees():
    data = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((KIT_ROOT / "environment.yml").read_text())
    assert data["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]
