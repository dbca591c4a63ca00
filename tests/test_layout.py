"""The shape of the package: the import graph the README draws, and an installed (not editable) package that works."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT
from pypdf import PdfReader


def test_the_import_graph_keeps_its_contracts() -> None:
    # pyproject.toml [tool.importlinter]: model imports no other wing and neither Sphinx nor WeasyPrint,
    # only handbook.weasy imports WeasyPrint, nothing imports bench/, no cycles between modules.
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency (pip install -e '.[test]')"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel built from this checkout installed (not editable)."""
    work = tmp_path_factory.mktemp("installed")
    # Built from a copy of the checkout without its outputs, as from a fresh clone (setuptools would
    # otherwise reuse whatever an earlier build left in build/).
    tree = work / "tree"
    shutil.copytree(ROOT, tree, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "node_modules", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(work / "dist"), str(tree)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("ketamine_handbook-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies come from this environment's site-packages, without its editable handbook.
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    return venv


def test_an_installed_package_prints_the_sheet_from_another_folder(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import handbook; print(handbook.__file__)"],
                           cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    assert str(installed) in where, f"handbook was imported from {where}, not from the installed wheel"
    out = tmp_path / "x.pdf"
    result = subprocess.run([str(installed / "bin" / "handbook"), "sheet", "-o", "x.pdf"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert "Your ketamine nasal spray" in reader.pages[0].extract_text()
