"""Everything one sheet needs, checked: the regimen, the paper, and the text a user typed.

The command line and the batch CSV both hand raw strings to :func:`options_from_values`, so a
value is checked the same way whichever route it came by.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handbook.model.dosing import DosingData, Regimen, load_dosing
from handbook.model.errors import InputError
from handbook.model.papers import DEFAULT_PAPER, PAPERS
from handbook.model.regimen import RegimenOverrides, build_regimen
from handbook.project import FONTS_DIR

TEXT_FIELDS = ("patient", "prescriber", "phone", "pharmacy", "emergency-number")
MAX_TEXT = 120  # a bound on render time; whether it fits is decided by the one-page check
DEFAULT_EMERGENCY_NUMBER = "911"
SHEET_FONT = FONTS_DIR / "source-sans-3"
# Bidirectional overrides can make printed text read differently from what was typed.
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"1", "yes", "true", "y", "on", "x"}
_FALSE = {"", "0", "no", "false", "n", "off"}

Option = Callable[[str], str]


def cli_option(name: str) -> str:
    """How the command line spells an option in messages: ``--dose``."""
    return f"--{name}"


@dataclass(frozen=True)
class SheetOptions:
    """One sheet, ready to render: nothing here needs checking again."""

    regimen: Regimen
    last_reviewed: dt.date
    paper: str = "letter"
    large_print: bool = False
    patient: str = ""
    prescriber: str = ""
    phone: str = ""
    pharmacy: str = ""
    start: dt.date | None = None
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    warnings: tuple[str, ...] = field(default=(), compare=False)


@cache
def dosing_data() -> DosingData:
    """The handbook's dosing data, read once per process (a batch makes many sheets from it)."""
    return load_dosing()


def default_options(*, paper: str = "letter", large_print: bool = False) -> SheetOptions:
    """The blank standard sheet that ``make`` builds."""
    data = dosing_data()
    return SheetOptions(regimen=data.regimen, last_reviewed=data.last_reviewed, paper=paper, large_print=large_print)


def options_from_values(values: Mapping[str, Any], *, option: Option = cli_option) -> SheetOptions:
    """Check raw values (keys spelled like the options, with ``_`` or ``-``) and build the options."""
    values = {key.replace("_", "-"): value for key, value in values.items()}
    data = dosing_data()
    regimen_file = values.get("regimen")
    overrides = RegimenOverrides(
        regimen_file=Path(regimen_file) if regimen_file not in (None, "") else None,
        dose=_blank_to_none(values.get("dose")),
        mg_per_ml=_blank_to_none(values.get("mg-per-ml")),
        ml_per_spray=_blank_to_none(values.get("ml-per-spray")),
        allow_dose_outside_range=parse_flag(values.get("allow-dose-outside-range"), option("allow-dose-outside-range")),
    )
    text = {name: clean_text(values.get(name), option(name)) for name in TEXT_FIELDS}
    emergency = text.pop("emergency-number") if values.get("emergency-number") is not None else None
    if emergency == "":
        raise InputError(option("emergency-number"), "must not be empty")
    start = values.get("start")
    paper = parse_paper(values.get("paper"), option("paper"))
    large_print = parse_flag(values.get("large-print"), option("large-print"))
    regimen, warnings = build_regimen(data, overrides, option=option)
    start_date = parse_date(start, option("start")) if start not in (None, "") else None
    if start_date is not None:
        try:
            start_date + dt.timedelta(days=regimen.full_dose.day - 1)
        except OverflowError:
            raise InputError(option("start"), "the steps would run past the year 9999") from None
    return SheetOptions(
        regimen=regimen,
        last_reviewed=data.last_reviewed,
        paper=paper,
        large_print=large_print,
        patient=text["patient"],
        prescriber=text["prescriber"],
        phone=text["phone"],
        pharmacy=text["pharmacy"],
        start=start_date,
        emergency_number=emergency or DEFAULT_EMERGENCY_NUMBER,
        warnings=tuple(warnings),
    )


def _blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


# -- single values ---------------------------------------------------------------------
def parse_paper(value: Any, label: str) -> str:
    if value is None or value == "":
        return DEFAULT_PAPER
    name = str(value).strip().lower()
    if name not in PAPERS:
        raise InputError(label, f"unknown paper size {value!r}; use {' or '.join(PAPERS)}")
    return name


def parse_date(value: Any, label: str) -> dt.date:
    text = str(value).strip()
    if not _DATE.fullmatch(text):
        raise InputError(label, f"must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(label, f"no such date: {text}") from None


def parse_flag(value: Any, label: str) -> bool:
    """A yes/no value: a bool from argparse, or text from a CSV cell."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(label, f"must be yes or no, got {value!r}")


def clean_text(value: Any, label: str) -> str:
    """Text a person typed, made safe to print: one line, no control characters, glyphs we have.

    Markup needs no handling here: the template escapes everything, so ``<b>`` prints as ``<b>``.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise InputError(label, f"contains a control character (U+{ord(char):04X})")
        if ord(char) in _BIDI_CONTROLS:
            raise InputError(label, f"contains a text-direction control (U+{ord(char):04X})")
    text = " ".join(text.split())  # newlines and tabs become single spaces
    if len(text) > MAX_TEXT:
        raise InputError(label, f"is {len(text)} characters long; shorten it to at most {MAX_TEXT}")
    # Plain ASCII is always covered; only other text needs the font's character map (read once).
    missing = [] if text.isascii() else sorted({c for c in text if ord(c) not in font_coverage() and not c.isspace()})
    if missing:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:3])
        raise InputError(label, f"the sheet's font has no letter for {shown}; "
                                     "it prints Latin, Greek and Cyrillic scripts")
    return text


@cache
def font_coverage() -> frozenset[int]:
    """Code points every weight of the sheet's font can draw, so no text falls back to another font."""
    from fontTools.ttLib import TTFont  # only needed when a user types text

    covered: frozenset[int] | None = None
    for path in sheet_font_files().values():
        cmap = frozenset(TTFont(path, lazy=True).getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


@cache
def sheet_font_files() -> dict[tuple[int, str], Path]:
    """(weight, style) -> font file. Whatever format is shipped (TTF now, WOFF2 before)."""
    found = {}
    # Regular and Bold only: the sheet uses bold for emphasis, never italics, and each face costs load time.
    for stem, key in (("Regular", (400, "normal")), ("Bold", (700, "normal"))):
        for suffix in (".ttf", ".otf", ".woff2", ".woff"):
            path = SHEET_FONT / f"SourceSans3-{stem}{suffix}"
            if path.is_file():
                found[key] = path
                break
    if (400, "normal") not in found or (700, "normal") not in found:
        raise FileNotFoundError(f"Source Sans 3 regular and bold fonts are missing from {SHEET_FONT}")
    return found

