"""Turn checked sheet options into HTML (Jinja) and the HTML into a one-page PDF (WeasyPrint).

The two halves are separate on purpose: the benchmark times :func:`write_sheet_pdf` against
WeasyPrint alone on the same HTML from :func:`render_sheet_html`. WeasyPrint alone, for that
comparison, is ``HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher()).write_pdf(
stylesheets=stylesheets(), font_config=font_config(), pdf_variant=PDF_VARIANT)``.

Costly objects (the font configuration with its @font-face fonts, the parsed stylesheet, the
compiled template) are made once per process, so a batch pays for them once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from handbook import __version__, weasy
from handbook.model import advice
from handbook.model.errors import InputError
from handbook.model.papers import PAPERS
from handbook.model.units import plural
from handbook.outputs import check_output_path, shown, write_atomically
from handbook.project import DOSING_FILE, FONTS_DIR, TEMPLATES_DIR
from handbook.weasy.artifacts import mark_margin_artifacts
from handbook.weasy.fetcher import SafeFetcher
from handbook.weasy.framestack import call_with_room

from .options import TEXT_FIELDS, OptionSpelling, SheetOptions, cli_option, dosing_data, sheet_font_files

TEMPLATE = "patient-sheet.html.j2"
STYLESHEET = TEMPLATES_DIR / "sheet" / "patient-sheet.css"
HTML_DEFAULTS = TEMPLATES_DIR / "sheet" / "html-defaults.css"
BASE_URL = (TEMPLATES_DIR / "sheet").as_uri() + "/"
PDF_VARIANT = weasy.PDF_VARIANT
TITLE = "Your ketamine nasal spray: how to take it"
# Step boxes to a row, by number of steps: one row up to four, then rows of three or four.
STEPS_ACROSS = (1, 1, 2, 3, 4, 3, 3, 4, 4)
MAX_TICKS_IN_A_BOX = 8
LOG_ROWS, LOG_ROWS_LARGE = 26, 22  # rows the log page has room for at 12 pt and 14 pt
FONT_FAMILY = "Source Sans 3"  # one family name, one full font file per weight (WeasyPrint garbles split faces)



class SheetDoesNotFitError(Exception):
    """The rendered sheet has more pages than it may (one, or two with the log page)."""

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
    """Every string the template prints: the data file's words, filled in for this regimen and contacts."""
    reg = options.regimen
    sheet = dosing_data().file.sheet
    filled = advice.values(reg, options.contacts)
    sections: dict[str, list[list[advice.Part]]] = {}
    for entry in sheet.advice:
        if advice.applies(entry.text, filled):
            sections.setdefault(entry.section, []).append(advice.render(entry.text, filled))
    steps = advice.step_lines(reg, options.start)
    rows = advice.log_rows(reg)
    room = LOG_ROWS_LARGE if options.large_print else LOG_ROWS
    return {
        "title": TITLE,
        "edition": __version__,
        "large_print": options.large_print,
        "page_size": PAPERS[options.paper].css_size,
        "footer_css": _css_string(f"Edition {__version__} · reviewed {options.last_reviewed.isoformat()} · page "),
        "patient": options.patient,
        "headings": sheet.headings,
        "advice": sections,
        "intro": advice.steps_intro(reg, options.start),
        "steps": steps,
        "steps_across": STEPS_ACROSS[min(len(steps), len(STEPS_ACROSS) - 1)],
        # More than three steps, or a long row of ticks, read better (and fit) as a table, a row a step.
        "steps_as_table": len(steps) > 3 or max(s.sprays for s in reg.steps) > MAX_TICKS_IN_A_BOX,
        "care": [("Prescriber", options.prescriber), ("Phone", options.phone), ("Pharmacy", options.pharmacy)],
        "log_page": options.log_page,
        "log_rows": rows[:room],
        "log_note": "When the table is full, go on with a new log page." if len(rows) > room else "",
    }


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# -- PDF -------------------------------------------------------------------------------
def render_document(html: str) -> Any:
    """Lay the HTML out with the cached fonts and stylesheet (a weasyprint Document)."""
    return sheet_html_class()(string=html, base_url=BASE_URL, url_fetcher=fetcher()).render(
        stylesheets=stylesheets(), font_config=font_config(), pdf_variant=PDF_VARIANT)


def write_sheet_pdf(html: str, out_path: Path, *, pages_allowed: int = 1) -> Path:
    """Render the HTML and write it to ``out_path`` atomically; refuse (SheetDoesNotFitError) if it
    needs another number of pages (one; two with the log page)."""
    call_with_room(lambda: _write_sheet_pdf(html, Path(out_path), pages_allowed))
    return Path(out_path)


def _write_sheet_pdf(html: str, out_path: Path, pages_allowed: int) -> None:
    document = _checked_document(html, pages_allowed)
    write_atomically(out_path, lambda target: document.write_pdf(
        target, pdf_variant=PDF_VARIANT, finisher=mark_margin_artifacts))


def _checked_document(html: str, pages_allowed: int) -> Any:
    document = render_document(html)
    if len(document.pages) != pages_allowed:
        raise SheetDoesNotFitError(len(document.pages))
    return document


def _sheet_pdf_bytes(html: str, pages_allowed: int) -> bytes:
    document = _checked_document(html, pages_allowed)
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=mark_margin_artifacts)


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
        return write_sheet_pdf(html, out_path, pages_allowed=2 if options.log_page else 1)
    except SheetDoesNotFitError as err:
        raise too_long_error(options, err.pages, option) from None
    except OSError as err:
        raise InputError(output_label, f"cannot write {shown(out_path)}: {err.strerror or err}") from None


def sheet_pdf_bytes(options: SheetOptions, *, option: OptionSpelling = cli_option) -> bytes:
    """:func:`make_sheet` in memory: the same HTML, layout, page check and messages, but the PDF is
    returned, never written (``handbook serve`` keeps patient data off the disk)."""
    html = render_sheet_html(options)
    try:
        return call_with_room(lambda: _sheet_pdf_bytes(html, 2 if options.log_page else 1))
    except SheetDoesNotFitError as err:
        raise too_long_error(options, err.pages, option) from None


def too_long_error(options: SheetOptions, pages: int, option: OptionSpelling = cli_option) -> InputError:
    """Say what to shorten when the sheet runs past one page (never shrink the type instead)."""
    typed = {"emergency-number": options.contacts.emergency or "", "crisis-line": options.contacts.crisis_line or ""}
    texts = {name: typed.get(name, getattr(options, name.replace("-", "_"), "")) for name in TEXT_FIELDS}
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
    room = "two (the instructions and the log)" if options.log_page else "one"
    return InputError(label, f"the sheet would need {pages} pages and must fit on {room}: {'; or '.join(fixes)}")
