"""The sheet's options, declared once: the command line, a batch CSV row and the web form all read them here.

:data:`OPTIONS` lists every option with its help; :class:`SheetRequest` is the schema that checks
what a user gave (all text, from a terminal or a CSV cell); :func:`options_from_values` turns it,
with the regimen built by handbook.model.regimen, into :class:`SheetOptions`, ready to render.
Every problem is one line naming the option (``--dose``) or the column (``dose``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from handbook.model.advice import BLANK_CONTACTS, Contacts
from handbook.model.dosing import DosingData, load_dosing
from handbook.model.errors import InputError, describe
from handbook.model.fields import text_number
from handbook.model.papers import DEFAULT_PAPER, PAPERS
from handbook.model.regimen import Regimen, RegimenSource, build_regimen, read_regimen_file
from handbook.project import FONTS_DIR

MAX_TEXT = 120  # a bound on render time; whether it fits is decided by the one-page check
SHEET_FONT = FONTS_DIR / "source-sans-3"
# Bidirectional overrides can make printed text read differently from what was typed.
_BIDI_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"1", "yes", "true", "y", "on", "x"}
_FALSE = {"", "0", "no", "false", "n", "off"}

OptionSpelling = Callable[[str], str]


@dataclass(frozen=True)
class OptionSpec:
    """One option of ``handbook sheet``: its name (as a CSV column too), what it takes, its help."""

    name: str
    metavar: str | None  # None: a yes/no flag
    help: str


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("paper", "|".join(PAPERS), f"paper size (default: {DEFAULT_PAPER})"),
    OptionSpec("patient", "NAME", "patient's name (default: a blank line to write on)"),
    OptionSpec("prescriber", "NAME", "prescriber's name"),
    OptionSpec("phone", "TEXT", "prescriber's phone number"),
    OptionSpec("pharmacy", "TEXT", "pharmacy name and phone"),
    OptionSpec("start", "YYYY-MM-DD", "date of the first test dose; each step then shows its date"),
    OptionSpec("country", "CODE", "country whose emergency and crisis numbers the sheet prints: "
               "us, ca, gb or au (default: us on letter paper; on A4, lines to fill in)"),
    OptionSpec("emergency-number", "TEXT", "emergency phone number (instead of the country's)"),
    OptionSpec("crisis-line", "TEXT", "crisis line for thoughts of self-harm (instead of the country's)"),
    OptionSpec("regimen", "FILE.toml", "regimen file (see examples/regimen.toml)"),
    OptionSpec("dose", "MG", "the full dose in mg (test doses stay as the regimen gives them)"),
    OptionSpec("mg-per-ml", "N", "spray concentration in mg per mL"),
    OptionSpec("ml-per-spray", "N", "mL the bottle delivers per spray"),
    OptionSpec("large-print", None, "14 pt type instead of 12 pt"),
    OptionSpec("log-page", None, "add a second page: a dose log with a row for every planned dose"),
    OptionSpec("allow-dose-outside-range", None,
               "print a full dose outside the handbook's intranasal range (with a warning)"),
)
OPTION_NAMES = tuple(spec.name for spec in OPTIONS)
TEXT_FIELDS = ("patient", "prescriber", "phone", "pharmacy", "emergency-number", "crisis-line")


def cli_option(name: str) -> str:
    """How the command line spells an option in messages: ``--dose``."""
    return f"--{name}"


# -- the schema of what a user gives ------------------------------------------------------------
def _flag(value: Any) -> bool:
    """A yes/no value: a bool from argparse, or text from a CSV cell."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"must be yes or no, got {value!r}")


def _paper(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in PAPERS:
        raise ValueError(f"unknown paper size {value!r}; use {' or '.join(PAPERS)}")
    return name


def _date(value: Any) -> dt.date:
    text = str(value).strip()
    if not _DATE.fullmatch(text):
        raise ValueError(f"must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"no such date: {text}") from None


def clean_text(value: Any) -> str:
    """Text a person typed, made safe to print: one line, no control characters, glyphs we have.

    Markup needs no handling here: the template escapes everything, so ``<b>`` prints as ``<b>``.
    """
    text = unicodedata.normalize("NFC", str(value))
    if len(text) > 10 * MAX_TEXT:
        raise ValueError(f"is {len(text)} characters long; shorten it to at most {MAX_TEXT}")
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise ValueError(f"contains a control character (U+{ord(char):04X})")
        if ord(char) in _BIDI_CONTROLS:
            raise ValueError(f"contains a text-direction control (U+{ord(char):04X})")
    text = " ".join(text.split())  # newlines and tabs become single spaces
    if len(text) > MAX_TEXT:
        raise ValueError(f"is {len(text)} characters long; shorten it to at most {MAX_TEXT}")
    # Plain ASCII is always covered; only other text needs the font's character map (read once).
    missing = [] if text.isascii() else sorted({c for c in text if ord(c) not in font_coverage() and not c.isspace()})
    if missing:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:3])
        raise ValueError(f"the sheet's font has no letter for {shown}; it prints Latin, Greek and Cyrillic scripts")
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional(parse: Callable[[Any], Any]) -> BeforeValidator:
    """Blank (or not given) is None; anything else goes through ``parse``."""
    return BeforeValidator(lambda value: None if _blank(value) else parse(value))


def _required_text(value: Any) -> str:
    text = clean_text(value)
    if not text:
        raise ValueError("must not be empty")
    return text


class SheetRequest(BaseModel):
    """What a user asked for one sheet, every value as typed (text), checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: Annotated[str, BeforeValidator(lambda v: DEFAULT_PAPER if _blank(v) else _paper(v))] = DEFAULT_PAPER
    patient: Annotated[str | None, _optional(clean_text)] = None
    prescriber: Annotated[str | None, _optional(clean_text)] = None
    phone: Annotated[str | None, _optional(clean_text)] = None
    pharmacy: Annotated[str | None, _optional(clean_text)] = None
    start: Annotated[dt.date | None, _optional(_date)] = None
    country: Annotated[str | None, _optional(lambda v: str(v).strip().lower())] = None
    emergency_number: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _required_text(v))] = None
    crisis_line: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _required_text(v))] = None
    regimen: Annotated[Path | None, _optional(Path)] = None
    dose: text_number("dose_mg") = None
    mg_per_ml: text_number("concentration_mg_per_ml") = None
    ml_per_spray: text_number("volume_ml_per_spray") = None
    large_print: Annotated[bool, BeforeValidator(_flag)] = False
    log_page: Annotated[bool, BeforeValidator(_flag)] = False
    allow_dose_outside_range: Annotated[bool, BeforeValidator(_flag)] = False


def parse_request(values: Mapping[str, Any], *, option: OptionSpelling = cli_option) -> SheetRequest:
    """Check raw values (keys spelled like the options, with ``-`` or ``_``); unset ones are None."""
    given = {key.replace("-", "_"): value for key, value in values.items() if value is not None}
    try:
        return SheetRequest.model_validate(given)
    except ValidationError as err:
        error = err.errors(include_url=False)[0]
        name = str(error["loc"][0]).replace("_", "-") if error["loc"] else "sheet"
        raise InputError(option(name), describe(error)) from None


# -- ready to render ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetOptions:
    """One sheet, ready to render: nothing here needs checking again."""

    regimen: Regimen
    last_reviewed: dt.date
    paper: str = DEFAULT_PAPER
    large_print: bool = False
    patient: str = ""
    prescriber: str = ""
    phone: str = ""
    pharmacy: str = ""
    start: dt.date | None = None
    contacts: Contacts = BLANK_CONTACTS
    log_page: bool = False
    warnings: tuple[str, ...] = field(default=(), compare=False)
    inputs: tuple[Path, ...] = field(default=(), compare=False)  # files it was made from (regimen file, FHIR order)


@cache
def dosing_data() -> DosingData:
    """The handbook's dosing data, read once per process (a batch makes many sheets from it)."""
    return load_dosing()


def default_options(*, paper: str = DEFAULT_PAPER, large_print: bool = False) -> SheetOptions:
    """The blank standard sheet that ``make`` builds."""
    data = dosing_data()
    return SheetOptions(regimen=data.regimen, last_reviewed=data.last_reviewed, paper=paper, large_print=large_print,
                        contacts=contacts_for(data, paper=paper))


def options_from_values(values: Mapping[str, Any], *, option: OptionSpelling = cli_option,
                        source: RegimenSource | None = None) -> SheetOptions:
    """Check what a user gave and build the regimen; InputError names the option or field.

    ``source`` is a regimen read from another kind of file (a FHIR order, handbook.fhir.read): it
    takes the place of a regimen file, and the options given beside it override it in the same way.
    """
    request = parse_request(values, option=option)
    data = dosing_data()
    draft = data.draft()
    if source is not None:
        draft.apply_file(source.file, source.label)
    if request.regimen is not None:
        draft.apply_file(read_regimen_file(request.regimen, option("regimen")), option("regimen"))
    if request.mg_per_ml is not None:
        draft.set("concentration_mg_per_ml", request.mg_per_ml, option("mg-per-ml"))
    if request.ml_per_spray is not None:
        draft.set("volume_ml_per_spray", request.ml_per_spray, option("ml-per-spray"))
    if request.dose is not None:
        draft.set_full_dose(Decimal(request.dose), option("dose"))
    regimen, warnings = build_regimen(draft, dose_range_mg=data.intranasal_range_mg,
                                      allow_outside_range=request.allow_dose_outside_range, option=option)
    if request.start is not None:
        try:
            request.start + dt.timedelta(days=regimen.full_dose.day - 1)
        except OverflowError:
            raise InputError(option("start"), "the steps would run past the year 9999") from None
    return SheetOptions(
        regimen=regimen,
        last_reviewed=data.last_reviewed,
        paper=request.paper,
        large_print=request.large_print,
        patient=request.patient or "",
        prescriber=request.prescriber or "",
        phone=request.phone or "",
        pharmacy=request.pharmacy or "",
        start=request.start,
        contacts=contacts_for(data, paper=request.paper, country=request.country,
                              emergency=request.emergency_number, crisis_line=request.crisis_line, option=option),
        log_page=request.log_page,
        warnings=tuple(warnings),
        inputs=(*((source.path,) if source is not None else ()),
                *((request.regimen,) if request.regimen is not None else ())),
    )


def contacts_for(data: DosingData, *, paper: str, country: str | None = None, emergency: str | None = None,
                 crisis_line: str | None = None, option: OptionSpelling = cli_option) -> Contacts:
    """The numbers a sheet prints: the country's (the paper's default country if none is given,
    none for A4), with a number the prescriber typed in its place."""
    countries = data.file.countries
    if country is not None and country not in countries:
        raise InputError(option("country"), f"unknown country {country!r}; use {', '.join(countries)}")
    chosen = country or (None if emergency or crisis_line else data.file.sheet.default_country.get(paper))
    base = BLANK_CONTACTS
    if chosen is not None:
        entry = countries[chosen]
        base = Contacts(entry.emergency, entry.crisis_line, entry.crisis_name, entry.crisis_how)
    return Contacts(
        emergency=emergency or base.emergency,
        crisis_line=crisis_line or base.crisis_line,
        crisis_name=base.crisis_name if not crisis_line else "a crisis line",
        crisis_how=base.crisis_how if not crisis_line else "call",
    )


# -- the font -----------------------------------------------------------------------------------
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
