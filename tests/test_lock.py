"""The lock: constraints.txt pins every package, and this environment was installed from it."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from handbook import weasy


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.split(";")[0].strip()
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in (*project["dependencies"], *(r for group in extras.values() for r in group))]


def test_every_declared_package_is_pinned_within_its_range() -> None:
    pins = locked()
    wrong = [f"{r.name}: locked {pins.get(canonicalize_name(r.name))}, declared {r.specifier}"
             for r in declared()
             if canonicalize_name(r.name) not in pins or not r.specifier.contains(pins[canonicalize_name(r.name)])]
    assert wrong == [], "run `make lock`: " + "; ".join(wrong)


def test_the_locked_weasyprint_is_one_the_workarounds_were_tested_on() -> None:
    assert locked()["weasyprint"].startswith(weasy.TESTED_VERSIONS)


def test_this_environment_was_installed_from_the_lock() -> None:
    # What the PDFs depend on most; a mismatch means `pip install` ran without `-c constraints.txt`.
    pins = locked()
    drift = []
    for name in ("weasyprint", "pydyf", "sphinx", "myst-parser", "sphinxcontrib-bibtex", "docutils", "fonttools",
                 "uharfbuzz", "pypdfium2"):
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != pins[name]:
            drift.append(f"{name} {installed} (lock: {pins[name]})")
    assert drift == [], "reinstall with `make` (it installs from constraints.txt): " + ", ".join(drift)
