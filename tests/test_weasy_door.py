"""handbook.weasy, the one door to WeasyPrint: version guard, fixes installed by load(), nothing left behind."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from handbook import weasy


def test_an_untested_weasyprint_is_refused_with_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(weasy.UNTESTED_ENV, raising=False)
    with pytest.raises(weasy.UntestedWeasyPrintError, match=r"WeasyPrint 99\.0 is installed.*tested on 70\.x"):
        weasy.check_version("99.0")
    monkeypatch.setenv(weasy.UNTESTED_ENV, "1")
    weasy.check_version("99.0")  # the user asked to try it


def test_the_installed_weasyprint_is_a_tested_one() -> None:
    weasy.check_version(weasy.load().__version__)


def test_load_alone_installs_the_line_break_fix() -> None:
    # A fresh interpreter that imports nothing else of ours: the fix must not depend on import order.
    script = ("from handbook import weasy; weasy.load()\n"
              "from weasyprint.layout import inline\n"
              "print(getattr(inline.split_first_line, '_handbook_keeps_words_together', False))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "True"


def test_a_sheet_leaves_no_font_folder_in_the_temporary_directory(tmp_path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "sheet.pdf"
    subprocess.run([sys.executable, "-m", "handbook", "sheet", "-o", str(out)], check=True, cwd=ROOT,
                   env={"PATH": "/usr/bin:/bin", "TMPDIR": str(temp)}, capture_output=True)
    assert out.is_file()
    assert list(temp.iterdir()) == []


def test_the_book_build_leaves_no_font_folder_in_the_temporary_directory(built) -> None:
    assert list(built.temp.iterdir()) == [], "WeasyPrint's font folder (or another file) was left behind"


# A sheet rendered in a fresh interpreter; "hide" makes it a machine without libharfbuzz-subset0.
_SHEET_WITHOUT_SYSTEM_SUBSETTER = """
import sys
from handbook.weasy import libraries
with libraries.quick_library_lookup():
    import weasyprint
from weasyprint.pdf import fonts
if sys.argv[1] == "hide":
    fonts.harfbuzz_subset = None
from handbook.cli import main
code = main(["sheet", "-o", sys.argv[2]])
from handbook.weasy import subset
print("route:", "uharfbuzz" if subset._installed else "system" if fonts.harfbuzz_subset else "fontTools")
sys.exit(code)
"""


def _sheet(tmp_path, mode: str) -> tuple[bytes, str]:
    out = tmp_path / f"{mode}.pdf"
    result = subprocess.run([sys.executable, "-c", _SHEET_WITHOUT_SYSTEM_SUBSETTER, mode, str(out)],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return out.read_bytes(), result.stdout + result.stderr


def test_without_the_system_subsetter_fonts_are_subset_by_harfbuzz_from_pypi(tmp_path) -> None:
    from handbook.weasy.libraries import harfbuzz_subset_available

    hidden, log = _sheet(tmp_path, "hide")
    assert "route: uharfbuzz" in log
    assert "fontTools" not in log, log  # WeasyPrint's slow fallback was not used, and did not warn
    assert len(hidden) < 60_000, "the fonts were embedded whole, not subset"
    if harfbuzz_subset_available():  # the same subsetter, so the very same file as the system's route
        shown, log = _sheet(tmp_path, "show")
        assert "route: system" in log
        assert hidden == shown
