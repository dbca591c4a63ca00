"""Turn checked sheet options into HTML (Jinja) and the HTML into a one-page PDF (WeasyPrint).

The two halves are separate on purpose: the benchmark times :func:`write_sheet_pdf` against
WeasyPrint alone on the same HTML from :func:`render_sheet_html`. WeasyPrint alone, for that
comparison, is ``HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher()).write_pdf(
stylesheets=stylesheets(), font_config=font_config(), pdf_variant=PDF_VARIANT)``.

Costly objects (the font configuration with its @font-face fonts, the parsed stylesheet, the
compiled template) are made once per process, so a batch pays for them once.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from handbook import __version__, weasy
from handbook.model.errors import InputError
from handbook.model.papers import PAPERS
from handbook.model.units import format_number, format_quantity, plural
from handbook.outputs import check_output_path, shown, write_atomically
from handbook.project import DOSING_FILE, FONTS_DIR, TEMPLATES_DIR
from handbook.weasy.artifacts import mark_margin_artifacts
from handbook.weasy.fetcher import SafeFetcher
from handbook.weasy.framestack import call_with_room

from .options import TEXT_FIELDS, OptionSpelling, SheetOptions, cli_option, sheet_font_files

TEMPLATE = "patient-sheet.html.j2"
STYLESHEET = TEMPLATES_DIR / "sheet" / "patient-sheet.css"
HTML_DEFAULTS = TEMPLATES_DIR / "sheet" / "html-defaults.css"
BASE_URL = (TEMPLATES_DIR / "sheet").as_uri() + "/"
PDF_VARIANT = weasy.PDF_VARIANT
TITLE = "Your ketamine nasal spray: how to take it"
# Step boxes to a row, by number of steps: one row up to four, then rows of three or four.
STEPS_ACROSS = (1, 1, 2, 3, 4, 3, 3, 4, 4)
LOG_ROWS_MAX = 8  # the standard maintenance course; more rows would not fit
FONT_FAMILY = "Source Sans 3"  # one family name, one full font file per weight (WeasyPrint garbles split faces)

NBSP = "\u00a0"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SheetDoesNotFitError(Exception):
    """The rendered sheet has more than one page."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"the sheet needs {pages} pages")
        self.pages = pages


# -- cached resources ------------------------------------------------------------------
@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "sheet"),
        autoescape=True,  # a name like "<b>x</b>" must print as those characters
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.get_template(TEMPLATE)  # compile once
    return env


@cache
def fetcher() -> SafeFetcher:
    """Reads only the templates and the shipped fonts; anything else aborts the render."""
    return SafeFetcher([TEMPLATES_DIR, FONTS_DIR], strict=True)


@cache
def font_config() -> Any:
    """One WeasyPrint FontConfiguration for the process (handbook.weasy.fonts removes its folder)."""
    from handbook.weasy.fonts import font_configuration  # keeps `import handbook.sheet` light

    return font_configuration()


@cache
def stylesheets() -> tuple[Any, ...]:
    """The parsed sheet stylesheet (with its @font-face rules), shared by every render."""
    css_class = weasy.load().CSS
    faces = "".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for (weight, style), path in sheet_font_files().items()
    )
    css = css_class(string=faces + STYLESHEET.read_text(encoding="utf-8"), base_url=BASE_URL,
              url_fetcher=fetcher(), font_config=font_config())
    return (css,)


@cache
def sheet_html_class() -> Any:
    """WeasyPrint's ``HTML`` with the sheet's own short user-agent stylesheet (handbook.weasy.uastyles)."""
    from handbook.weasy.uastyles import html_class_with_defaults

    defaults = weasy.load().CSS(string=HTML_DEFAULTS.read_text(encoding="utf-8"), base_url=BASE_URL, url_fetcher=fetcher())
    return html_class_with_defaults(defaults)


def load_shared_resources() -> None:
    """Load what every sheet uses (fonts, stylesheets, template) now, e.g. before forking workers."""
    font_config()
    stylesheets()
    sheet_html_class()
    _environment()


# -- HTML ------------------------------------------------------------------------------
def render_sheet_html(options: SheetOptions) -> str:
    """The finished HTML of one sheet."""
    return _environment().get_template(TEMPLATE).render(s=sheet_context(options))


def sheet_context(options: SheetOptions) -> dict[str, Any]:
    """Every string the template prints, numbers written by handbook.model.units."""
    reg = options.regimen
    steps = []
    for number, step in enumerate(reg.steps, start=1):
        date = format_date(_step_date(options, step.day)) if options.start else ""
        steps.append({
            "number": format_number(number),
            "name": step.name,
            "day": f"Day {format_number(step.day)}",
            "date": date,
            "dose": _quantity(step.dose_mg, "mg"),
            "sprays": _count(step.sprays, "spray"),
            "ticks": [format_number(i) for i in range(1, step.sprays + 1)],
            "wait": f"{_count(reg.wait_between_sprays_minutes, 'minute')} apart" if step.sprays > 1 else "",
            "after": f"Then rest {_count(reg.watch_hours, 'hour')}.",
        })
    total = reg.maintenance_total_doses
    log_rows = min(total, LOG_ROWS_MAX)
    return {
        "title": TITLE,
        "edition": __version__,
        "large_print": options.large_print,
        "page_size": PAPERS[options.paper].css_size,
        "footer_css": _css_string(f"Edition {__version__} · reviewed {options.last_reviewed.isoformat()} · page "),
        "patient": options.patient,
        "start": format_date(options.start, year=True) if options.start else "",
        "mg_per_spray": _quantity(reg.mg_per_spray, "mg"),
        "ml_per_spray": _quantity(reg.volume_ml_per_spray, "mL"),
        "concentration": _quantity(reg.concentration_mg_per_ml, "mg"),
        "watch": _count(reg.watch_hours, "hour"),
        "companion": _companion_steps(reg),
        "steps": steps,
        "steps_across": STEPS_ACROSS[min(len(steps), len(STEPS_ACROSS) - 1)],
        "response_check": (f"You should feel better within about {_count(reg.response_check_hours, 'hour')}. "
                           f"If not, tell your prescriber."),
        "maintenance": (f"If it helps, take the full dose ({_quantity(reg.full_dose.dose_mg, 'mg')}) "
                        f"{_per_week(reg.maintenance_doses_per_week)} for {_count(reg.maintenance_weeks, 'week')} "
                        f"({_count(total, 'dose')})."),
        "emergency_number": options.emergency_number,
        "contacts": [("Prescriber", options.prescriber), ("Phone", options.phone), ("Pharmacy", options.pharmacy)],
        "log_rows": log_rows,
        "log_note": "When the table is full, use a new sheet." if total > log_rows else "",
    }


def _companion_steps(reg: Any) -> str:
    """Which steps a trusted adult stays for, as the data file (or regimen file) marks them."""
    steps = [step for step in reg.steps if step.companion]
    if not steps:
        return ""
    if len(steps) == len(reg.steps):
        return "each dose"
    if steps == list(reg.test_steps):
        return "each test dose"
    return " and ".join(f"the {step.name.lower()}" for step in steps)


def _quantity(value: Any, unit: str) -> str:
    """handbook.model.units' ISMP quantity, with a no-break space so "10" and "mg" never land on two lines."""
    return format_quantity(value, unit).replace(" ", NBSP, 1)


def _count(count: int, word: str) -> str:
    return plural(count, word).replace(" ", NBSP, 1)


def _per_week(count: int) -> str:
    # ISMP: write frequencies in words ("3 times weekly"), never "TIW" and the like.
    return {1: "once a week", 2: "twice a week"}.get(count, f"{format_number(count)}{NBSP}times a week")


def _step_date(options: SheetOptions, day: int) -> dt.date:
    assert options.start is not None  # options_from_values has checked the last step's date exists
    return options.start + dt.timedelta(days=day - 1)


def format_date(date: dt.date, *, year: bool = False) -> str:
    """``Tuesday, December 1`` (with ``, 2026`` if asked): words, so day and month cannot be swapped."""
    text = f"{_WEEKDAYS[date.weekday()]}, {_MONTHS[date.month - 1]} {date.day}"
    return f"{text}, {date.year}" if year else text


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# -- PDF -------------------------------------------------------------------------------
def render_document(html: str) -> Any:
    """Lay the HTML out with the cached fonts and stylesheet (a weasyprint Document)."""
    return sheet_html_class()(string=html, base_url=BASE_URL, url_fetcher=fetcher()).render(
        stylesheets=stylesheets(), font_config=font_config(), pdf_variant=PDF_VARIANT)


def write_sheet_pdf(html: str, out_path: Path) -> Path:
    """Render the HTML and write it to ``out_path`` atomically; refuse (SheetDoesNotFitError) past one page."""
    call_with_room(lambda: _write_sheet_pdf(html, Path(out_path)))
    return Path(out_path)


def _write_sheet_pdf(html: str, out_path: Path) -> None:
    document = render_document(html)
    if len(document.pages) != 1:
        raise SheetDoesNotFitError(len(document.pages))
    write_atomically(out_path, lambda target: document.write_pdf(
        target, pdf_variant=PDF_VARIANT, finisher=mark_margin_artifacts))


def files_read(options: SheetOptions) -> tuple[Path, ...]:
    """Every file a sheet is made from: an output may be none of them."""
    return (*options.inputs, DOSING_FILE, STYLESHEET, HTML_DEFAULTS, TEMPLATES_DIR / "sheet" / TEMPLATE,
            *sheet_font_files().values())


def make_sheet(options: SheetOptions, out_path: Path, *, option: OptionSpelling = cli_option,
               output_label: str = "-o", reads: tuple[Path, ...] = ()) -> Path:
    """The whole job for one sheet: check the output, render, refuse a second page, write."""
    out_path = Path(out_path)
    check_output_path(out_path, output_label, reads=(*reads, *files_read(options)))
    html = render_sheet_html(options)
    try:
        return write_sheet_pdf(html, out_path)
    except SheetDoesNotFitError as err:
        raise too_long_error(options, err.pages, option) from None
    except OSError as err:
        raise InputError(output_label, f"cannot write {shown(out_path)}: {err.strerror or err}") from None


def too_long_error(options: SheetOptions, pages: int, option: OptionSpelling = cli_option) -> InputError:
    """Say what to shorten when the sheet runs past one page (never shrink the type instead)."""
    texts = {name: getattr(options, name.replace("-", "_")) for name in TEXT_FIELDS}
    long_texts = sorted((name for name in texts if len(texts[name]) > 30), key=lambda n: -len(texts[n]))[:2]
    reg = options.regimen
    sprays = sum(step.sprays for step in reg.steps)
    big_regimen = len(reg.steps) > 3 or sprays > 9
    fixes = []
    if long_texts:
        fixes.append("shorten " + " or ".join(f"{option(n)} ({len(texts[n])} characters)" for n in long_texts))
    if big_regimen:
        fixes.append(f"use fewer steps or sprays in {option('regimen')} (now {plural(len(reg.steps), 'step')}, "
                     f"{plural(sprays, 'spray')})")
    if not fixes:
        fixes.append("shorten the names and phone numbers")
    if options.large_print:
        fixes.append(f"leave out {option('large-print')}")
    label = option(long_texts[0]) if long_texts else option("regimen") if big_regimen else "sheet"
    return InputError(label, f"the sheet would need {pages} pages and must fit on one: {'; or '.join(fixes)}")
