"""Shared fixtures: the real handbook, built once per test session, and Sphinx test roots."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]
collect_ignore = ["roots"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BUILD_EPOCH = "1767225600"  # 2026-01-01: fixed so the cover's build date is predictable


def pytest_report_header() -> list[str]:
    """What a failure report needs first: the versions that shape the output, and the font subsetter."""
    from importlib.metadata import version

    from handbook.weasy.libraries import harfbuzz_subset_available

    packages = ", ".join(f"{name} {version(name)}" for name in ("sphinx", "weasyprint", "pydyf", "pypdfium2"))
    subsetter = "system libharfbuzz-subset0" if harfbuzz_subset_available() else "uharfbuzz wheel"
    return [f"handbook: Python {sys.version.split()[0]}, {packages}; font subsetter: {subsetter}"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


@dataclass(frozen=True)
class Built:
    out: Path
    log: str

    @property
    def html(self) -> Path:
        return self.out / "html"

    @property
    def pdf(self) -> Path:
        return self.out / "pdf" / "ketamine-handbook-letter.pdf"

    @property
    def print_html(self) -> Path:
        return self.out / "print" / "handbook-letter.html"

    @property
    def sheets(self) -> Path:
        return self.out / "sheet"

    @property
    def temp(self) -> Path:
        """The TMPDIR the build ran with: it must be empty afterwards."""
        return self.out.parent / f"{self.out.name}-tmp"


def run_handbook(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The real CLI, as a user runs it."""
    result = subprocess.run([sys.executable, "-m", "handbook", *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"handbook {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`handbook build` of the real sources, strict (-W --keep-going -n), once per session."""
    out = tmp_path_factory.mktemp("build")
    built = Built(out=out, log="")
    built.temp.mkdir()
    result = run_handbook("build", "--out", str(out), env={"SOURCE_DATE_EPOCH": BUILD_EPOCH, "TMPDIR": str(built.temp)})
    return Built(out=out, log=result.stdout + result.stderr)
