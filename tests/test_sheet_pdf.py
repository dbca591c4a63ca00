"""The printed page: exactly one, type never below 12 pt (14 pt large print), the shipped fonts,
names in any Latin, Greek or Cyrillic script, and the PDF/UA basics. Each test reads the real PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.pdfs import fonts, pdf_text
from helpers.sheets import min_font_size, page_count, sheet, squash
from pypdf import PdfReader

from handbook import __version__
from handbook.model.dosing import load_dosing
from handbook.sheet import build_default_sheets
from handbook.sheet.options import default_options, options_from_values
from handbook.sheet.render import HTML_DEFAULTS, render_sheet_html

LONG_NAMES = (
    "--patient", "Maria del Carmen Fernández-Villaverde de la Torre y Santiago",
    "--prescriber", "Dr. Αλέξανδρος Παπαδόπουλος-Κωνσταντινίδης",
    "--phone", "+1 (555) 010-9999 extension 1234",
    "--pharmacy", "Шостакович Community Pharmacy, 1234 Long Street",
    "--start", "2026-09-30",
    "--emergency-number", "112 or 911",
)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large", [False, True], ids=["12pt", "large-print"])
@pytest.mark.parametrize("names", [False, True], ids=["blank", "long-names"])
def test_one_page_and_type_size(tmp_path: Path, paper: str, large: bool, names: bool) -> None:
    args = ["--paper", paper, *(["--large-print"] if large else []), *(LONG_NAMES if names else [])]
    code, out = sheet(tmp_path, *args)
    assert code == 0
    assert page_count(out) == 1
    assert min_font_size(out) >= (14 if large else 12)
    width, height = (float(v) for v in PdfReader(out).pages[0].mediabox[2:])
    expected = (612, 792) if paper == "letter" else (595.28, 841.89)
    assert (round(width), round(height)) == (round(expected[0]), round(expected[1]))


def test_default_sheets_for_the_build(tmp_path: Path) -> None:
    paths = build_default_sheets(tmp_path / "sheet")
    assert [p.name for p in paths] == ["patient-sheet-letter.pdf", "patient-sheet-a4.pdf"]
    assert sorted(p.name for p in (tmp_path / "sheet").iterdir()) == sorted(p.name for p in paths)
    for path in paths:
        assert page_count(path) == 1
        assert min_font_size(path) >= 12


def test_footer_edition_review_date_and_page(tmp_path: Path) -> None:
    code, out = sheet(tmp_path)
    assert code == 0
    reviewed = load_dosing().last_reviewed.isoformat()
    assert f"Edition {__version__} · reviewed {reviewed} · page 1 of 1" in pdf_text(out)


@pytest.mark.parametrize("name", [
    "Zoë Łukasiewicz-Ørsted",
    "Ελένη Παπαδοπούλου",
    "Дмитрий Шостакович",
    "Nguyễn Thị Minh Khai, Şükrü Ağaoğlu, Jiří Dvořák",
])
def test_names_in_other_scripts_print_with_real_glyphs(tmp_path: Path, name: str) -> None:
    code, out = sheet(tmp_path, "--patient", name, "--prescriber", name)
    assert code == 0
    text = squash(pdf_text(out))
    assert squash(name) in text
    assert "\ufffd" not in text  # no replacement characters
    used = fonts(out)
    assert used
    for font in used:
        assert str(font["name"]).split("+")[-1].startswith("Source-Sans-3"), font
        assert font["embedded"], font


def test_pdf_ua_basics(tmp_path: Path) -> None:
    code, out = sheet(tmp_path)
    assert code == 0
    reader = PdfReader(out)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).startswith("en")
    assert reader.metadata.title == "Your ketamine nasal spray: how to take it"
    assert b"pdfuaid" in root["/Metadata"].get_data()


def test_short_html_defaults_cover_every_element_the_sheet_prints() -> None:
    # The sheet renders with its own short user-agent stylesheet (handbook.sheet.render). An element
    # it does not name would get no display rule and be laid out as inline text, so a template
    # change that adds, say, a <dl> must add it there too.
    filled = options_from_values({name.removeprefix("--"): value for name, value in zip(
        LONG_NAMES[::2], LONG_NAMES[1::2], strict=True)})
    assert filled.patient == LONG_NAMES[1]
    tags = set()
    for options in (default_options(), default_options(large_print=True), filled):
        tags |= set(re.findall(r"<([a-z][a-z0-9]*)", render_sheet_html(options)))
    css = re.sub(r"/\*.*?\*/", "", HTML_DEFAULTS.read_text(encoding="utf-8"), flags=re.DOTALL)
    selectors = " ".join(re.findall(r"([^{};]*)\{", css))
    named = set(re.findall(r"(?<![\w.#:@-])([a-z][a-z0-9]*)\b", selectors))
    assert {"p", "li", "table", "th"} <= named and "span" not in named  # the check reads the file right
    missing = tags - named - {"span"}  # <span> is inline, the default for any element
    assert not missing, f"not in {HTML_DEFAULTS.name}: {sorted(missing)}"
