"""The web form, generated from the sheet's option table, and what a submitted form becomes.

Every field is one :data:`handbook.sheet.options.OPTIONS` entry: its name is the option's (and the
batch CSV column's), its help is the CLI's help. A new option therefore appears in the form as soon
as the CLI has it; the tables here only choose a friendlier label, a group, and a widget for a kind
of value. A submitted form is checked by :func:`handbook.sheet.options.options_from_values`, the
CLI's own code, so every message is the CLI's one line.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handbook.fhir.cli import FHIR_HELP
from handbook.fhir.parse import MAX_ORDER_BYTES
from handbook.model.errors import InputError
from handbook.model.papers import PAPERS
from handbook.model.regimen import MAX_REGIMEN_FILE_BYTES
from handbook.project import SHEET_STEM
from handbook.sheet import options as sheet_options
from handbook.sheet.batch import MAX_CSV_BYTES, MAX_ROWS, OUTPUT_COLUMN, parse_batch, plain_file_name, row_values
from handbook.sheet.options import SheetOptions, cli_option, options_from_values

# A batch over the web is answered in one request, so it is smaller than the CLI's (2 MB, 10,000
# rows): the same 200 bytes a row, 500 rows, about 25 s of rendering on two cores.
MAX_WEB_ROWS = 500
MAX_WEB_CSV_BYTES = MAX_CSV_BYTES * MAX_WEB_ROWS // MAX_ROWS  # 100,000
REPORT_NAME = "report.txt"
# An order with its Patient and Practitioner is a few kB; the CLI takes up to 1 MB, the web far less,
# so that one request holds an order, a regimen file and the typed fields.
MAX_WEB_ORDER_BYTES = MAX_ORDER_BYTES // 8  # 125,000

# Friendlier labels than the option names; an option missing here is labelled from its name.
LABELS = {
    "paper": "Paper size",
    "patient": "Patient's name",
    "prescriber": "Prescriber's name",
    "phone": "Prescriber's phone",
    "pharmacy": "Pharmacy",
    "start": "Start date",
    "country": "Country",
    "emergency-number": "Emergency number",
    "crisis-line": "Crisis line",
    "regimen": "Regimen file",
    "fhir": "Electronic prescription (FHIR JSON)",
    "dose": "Full dose (mg)",
    "mg-per-ml": "Concentration (mg per mL)",
    "ml-per-spray": "Spray volume (mL per spray)",
    "large-print": "Large print",
    "log-page": "Dose log page",
    "allow-dose-outside-range": "Allow a full dose outside the range",
}
# Where each field sits; an option missing here goes to the last group, so it is never left out.
GROUPS = (
    ("Patient and care team", ("patient", "prescriber", "phone", "pharmacy", "start")),
    ("Dose", ("fhir", "regimen", "dose", "mg-per-ml", "ml-per-spray", "allow-dose-outside-range")),
    ("Numbers to call", ("country", "emergency-number", "crisis-line")),
    ("Printing", ("paper", "large-print", "log-page")),
)
OTHER_GROUP = "More options"


def _countries() -> tuple[tuple[str, str], ...]:
    countries = sheet_options.dosing_data().file.countries
    return (("", "The paper's default"), *((code, f"{entry.name} ({code})") for code, entry in countries.items()))


def _papers() -> tuple[tuple[str, str], ...]:
    return tuple((name, paper.label) for name, paper in PAPERS.items())


# Options whose values come from a table: a select instead of a text box.
CHOICES: dict[str, Callable[[], tuple[tuple[str, str], ...]]] = {"paper": _papers, "country": _countries}


@dataclass(frozen=True)
class FormField:
    """One option as the page shows it."""

    name: str  # the option's name: the form field, the CLI option without "--", the CSV column
    label: str
    hint: str  # the CLI's help
    kind: str  # "text", "number", "date", "select", "checkbox" or "file"
    choices: tuple[tuple[str, str], ...] = ()
    accept: str = ""  # for a file: the types the browser offers to choose
    max_bytes: int = 0  # for a file: the largest taken

    @property
    def id(self) -> str:
        return f"f-{self.name}"


@dataclass(frozen=True)
class FieldGroup:
    title: str
    fields: tuple[FormField, ...]


def form_field(spec: sheet_options.OptionSpec) -> FormField:
    """The widget follows the kind of value the option takes (its metavar), not its name."""
    label = LABELS.get(spec.name) or spec.name.replace("-", " ").capitalize()
    hint = _sentence(spec.help)
    if _words(hint) == _words(label):
        hint = ""  # "Prescriber's name." under "Prescriber's name" says nothing more
    metavar = spec.metavar
    if spec.name in CHOICES:
        return FormField(spec.name, label, hint, "select", CHOICES[spec.name]())
    if metavar is None:
        return FormField(spec.name, label, hint, "checkbox")
    if "|" in metavar:
        return FormField(spec.name, label, hint, "select", tuple((v, v) for v in metavar.split("|")))
    if metavar.startswith("FILE"):
        return FormField(spec.name, label, hint, "file", accept=".toml,text/plain", max_bytes=MAX_REGIMEN_FILE_BYTES)
    if metavar == "YYYY-MM-DD":
        # A text box, not <input type=date>: a browser's date box drops what it cannot parse
        # without a word, where the CLI's message says what is wrong.
        return FormField(spec.name, label, hint, "date")
    if metavar in {"MG", "N"}:
        return FormField(spec.name, label, hint, "number")
    return FormField(spec.name, label, hint, "text")


def _sentence(text: str) -> str:
    """The CLI's help as a sentence; "mL the bottle ..." keeps its unit's spelling."""
    if text[:2].islower() or text[1:2] in {"'", " "}:
        text = text[:1].upper() + text[1:]
    return text.rstrip(".") + "."


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.casefold())


def fhir_field() -> FormField:
    """``handbook sheet --fhir ORDER.json`` as an upload: the other fields given beside it override the order."""
    hint = (f"{_sentence(FHIR_HELP)} It gives the regimen, the names and the start date; "
            "what you type in the other fields replaces what the order says.")
    return FormField("fhir", LABELS["fhir"], hint, "file", accept=".json,application/json,application/fhir+json",
                     max_bytes=MAX_WEB_ORDER_BYTES)


def form_groups() -> tuple[FieldGroup, ...]:
    """Every option of ``handbook sheet``, in groups (read at call time, so a new option shows at once)."""
    fields = {spec.name: form_field(spec) for spec in sheet_options.OPTIONS}
    fields["fhir"] = fhir_field()
    groups = [FieldGroup(title, tuple(fields.pop(name) for name in names if name in fields))
              for title, names in GROUPS]
    if fields:
        groups.append(FieldGroup(OTHER_GROUP, tuple(fields.values())))
    return tuple(group for group in groups if group.fields)


def field_names(kind: str | None = None) -> tuple[str, ...]:
    return tuple(f.name for group in form_groups() for f in group.fields if kind is None or f.kind == kind)


# -- a submitted sheet form ---------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """A file from the form, held in memory: its name as the user's browser gave it, and its bytes."""

    filename: str
    data: bytes


def typed_values(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """What was typed or ticked, by field, to check and to show again (unknown names are ignored)."""
    known = set(field_names())
    return {name: value for name, value in items if name in known and isinstance(value, str)}


def sheet_values(typed: Mapping[str, str]) -> dict[str, Any]:
    """The form as the CLI's values: a blank box is an option not given, a ticked box a flag given."""
    values: dict[str, Any] = {}
    flags = set(field_names("checkbox"))
    for name, value in typed.items():
        if name in flags:
            values[name] = True if value else None
        elif value.strip():
            values[name] = value
    return values


def check_sheet_form(typed: Mapping[str, str], uploads: Mapping[str, Upload]) -> SheetOptions:
    """The form's sheet, checked by the CLI's own code; InputError as the CLI would print it.

    A file option (``--regimen FILE``) is given only as an upload, never as a path on the server.
    Uploads are read through the CLI's own path, from a private temporary folder (mode 0700) that
    is removed before this returns, whatever happens.
    """
    files = set(field_names("file"))
    values = {name: value for name, value in sheet_values(typed).items() if name not in files}
    given = {name: upload for name, upload in uploads.items() if name in files and (upload.filename or upload.data)}
    order = given.pop("fhir", None)
    if order is not None:
        return _sheet_from_order(order, values, given)
    if not given:
        return options_from_values(values)
    regimen = given.get("regimen")
    if regimen is not None and len(regimen.data) > MAX_REGIMEN_FILE_BYTES:
        raise InputError(cli_option("regimen"), f"{upload_name(regimen.filename, 'regimen.toml')} is "
                                                f"{len(regimen.data):,} bytes; the limit is {MAX_REGIMEN_FILE_BYTES:,}")
    with tempfile.TemporaryDirectory(prefix="handbook-serve-") as folder:
        shown: dict[str, str] = {}
        for name, upload in given.items():
            own = Path(folder) / name  # one folder a file, so two uploads with one name cannot collide
            own.mkdir()
            path = own / upload_name(upload.filename, f"{name}.txt")
            path.write_bytes(upload.data)
            values[name] = path
            shown[str(path)] = path.name
        try:
            options = options_from_values(values)
        except InputError as err:  # say the file's name as the user knows it, not the temporary path
            message = err.message
            for temporary, name in shown.items():
                message = message.replace(temporary, name)
            raise InputError(err.label, message) from None
    return dataclasses.replace(options, inputs=())


def _sheet_from_order(order: Upload, values: dict[str, Any], others: Mapping[str, Upload]) -> SheetOptions:
    """``handbook sheet --fhir``'s own code on the upload, read from memory: an order names a patient, so
    it never touches the disk. A problem inside the order is shown beside the upload, with its FHIR path."""
    from handbook.fhir.read import options_from_order, regimen_beside_order

    if "regimen" in others:
        raise regimen_beside_order()
    name = upload_name(order.filename, "order.json")
    if len(order.data) > MAX_WEB_ORDER_BYTES:
        raise InputError(cli_option("fhir"), f"{name} is {len(order.data):,} bytes; the limit over the web is "
                                             f"{MAX_WEB_ORDER_BYTES:,}")
    try:
        options = options_from_order(Path(name), values, data=order.data)
    except InputError as err:
        if error_place(err)[0]:
            raise  # an option typed beside the order: shown beside that field
        raise InputError(cli_option("fhir"), str(err)) from None
    return dataclasses.replace(options, inputs=())


def upload_name(filename: str, default: str) -> str:
    """A file name the user will recognise in a message, safe to use inside a private folder."""
    name = re.sub(r"[^\w.-]+", "_", Path(filename.replace("\\", "/")).name).lstrip(".")[:80]
    return name or default


def error_place(err: InputError, names: Iterable[str] | None = None) -> tuple[str, str]:
    """(field, message) for an InputError: the field its label names ("" for the sheet as a whole),
    and the CLI's message with the option left out (the page shows it beside that field)."""
    names = set(field_names() if names is None else names)
    option, _, rest = err.label.partition(" ")
    name = option.removeprefix("--")
    if name not in names:
        return "", str(err)
    return name, f"{rest}: {err.message}" if rest else err.message


# -- a submitted batch --------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchPlan:
    """What a batch CSV asks for: sheets to make (line, options, file name) and lines for the report."""

    source: str
    rows: int
    jobs: tuple[tuple[int, SheetOptions, str], ...]
    messages: tuple[tuple[int, str], ...]


def batch_column(name: str) -> str:
    """How a batch message spells an option: the CSV column, as ``handbook sheet --batch`` does."""
    return name


def plan_batch(upload: Upload) -> BatchPlan:
    """Check a batch CSV as ``handbook sheet --batch`` does, row by row; InputError for the whole file."""
    source = upload_name(upload.filename, "batch.csv")
    if len(upload.data) > MAX_WEB_CSV_BYTES:
        raise InputError("--batch", f"{source} is {len(upload.data):,} bytes; the limit over the web is "
                                    f"{MAX_WEB_CSV_BYTES:,} ({MAX_WEB_ROWS} rows): use handbook sheet --batch for more")
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("--batch", f"{source} is not UTF-8 text") from None
    rows = parse_batch(text, source, max_rows=MAX_WEB_ROWS)
    used: dict[str, int] = {}
    jobs: list[tuple[int, SheetOptions, str]] = []
    messages: list[tuple[int, str]] = []
    files = field_names("file")
    for line, row in rows:
        try:
            values = row_values(row, {})
            named = next((name for name in files if name in values), None)
            if named:
                raise InputError(named, "a batch sent over the web cannot name a file on the server; "
                                        f"use the sheet form's {named} upload, or handbook sheet --batch")
            name = plain_file_name(values.pop(OUTPUT_COLUMN, None) or f"{SHEET_STEM}-line-{line}.pdf")
            if not name.lower().endswith(".pdf") or name == REPORT_NAME:
                raise InputError(OUTPUT_COLUMN, f"{name} must be a file name ending in .pdf")
            if name in used:
                raise InputError(OUTPUT_COLUMN, f"{name} is already used by line {used[name]}")
            options = options_from_values(values, option=batch_column)
            used[name] = line
            jobs.append((line, options, name))
            messages += [(line, f"{source} line {line}: warning: {w}") for w in options.warnings]
        except InputError as err:
            messages.append((line, f"{source} line {line}: {err}"))
    return BatchPlan(source, len(rows), tuple(jobs), tuple(messages))
