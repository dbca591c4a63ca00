"""``handbook sheet``: the command-line face of the patient sheet.

Values are taken as plain strings and checked by handbook.sheet.options, not by argparse, so every
bad value gives the same single line (``handbook sheet: <option>: <what is wrong>``, exit 2) that the
batch mode gives, and no usage text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from handbook.model.dosing import DosingDataError
from handbook.model.errors import InputError

# Options that describe one sheet; --batch rows may set the same ones as CSV columns.
SHEET_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("paper", "letter|a4", "paper size (default: letter)"),
    ("patient", "NAME", "patient's name (default: a blank line to write on)"),
    ("prescriber", "NAME", "prescriber's name"),
    ("phone", "TEXT", "prescriber's phone number"),
    ("pharmacy", "TEXT", "pharmacy name and phone"),
    ("start", "YYYY-MM-DD", "date of the first test dose; each step then shows its date"),
    ("emergency-number", "TEXT", "emergency phone number (default: 911)"),
    ("regimen", "FILE.toml", "regimen file (see examples/regimen.toml)"),
    ("dose", "MG", "the full dose in mg (test doses stay as the regimen gives them)"),
    ("mg-per-ml", "N", "spray concentration in mg per mL"),
    ("ml-per-spray", "N", "mL the bottle delivers per spray"),
)
SHEET_FLAGS: tuple[tuple[str, str], ...] = (
    ("large-print", "14 pt type instead of 12 pt"),
    ("allow-dose-outside-range", "print a full dose outside the handbook's intranasal range (with a warning)"),
)


def add_sheet_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sheet`` sub-command to the ``handbook`` parser."""
    help_text = "make a one-page patient instruction sheet (PDF)"
    parser = subparsers.add_parser(
        "sheet", help=help_text,
        description=help_text + ". Without options it prints the handbook's standard intranasal titration "
        "with blanks to fill in by hand.")
    parser.add_argument("-o", "--output", metavar="OUT.pdf", help="the PDF to write")
    for name, metavar, text in SHEET_OPTIONS:
        parser.add_argument(f"--{name}", metavar=metavar, help=text)
    for name, text in SHEET_FLAGS:
        parser.add_argument(f"--{name}", action="store_true", default=None, help=text)
    batch = parser.add_argument_group("batch", "one sheet per CSV row, columns named like the options above "
                                      "(plus 'output', a file name); options given here fill blank cells")
    batch.add_argument("--batch", metavar="FILE.csv", help="CSV file with one row per sheet")
    batch.add_argument("--out-dir", metavar="DIR", help="folder for the batch's sheets")
    return parser


def sheet_values(args: argparse.Namespace) -> dict[str, Any]:
    """The per-sheet values the user gave (None when not given)."""
    names = [name for name, _, _ in SHEET_OPTIONS] + [name for name, _ in SHEET_FLAGS]
    return {name: getattr(args, name.replace("-", "_"), None) for name in names}


def run_sheet(args: argparse.Namespace) -> int:
    """Run ``handbook sheet``; returns the exit code (2 for bad input)."""
    try:
        if args.batch is not None or args.out_dir is not None:
            from .batch import run_batch

            if args.output is not None:
                raise InputError("-o", "not used with --batch; give --out-dir DIR")
            if args.batch is None:
                raise InputError("--out-dir", "only used with --batch FILE.csv")
            if args.out_dir is None:
                raise InputError("--batch", "needs --out-dir DIR for the sheets")
            return run_batch(Path(args.batch), Path(args.out_dir), sheet_values(args))
        return _run_one(args)
    except InputError as err:
        print(f"handbook sheet: {err}", file=sys.stderr)
        return 2
    except DosingDataError as err:  # the project's own data file is broken: not the user's input
        print(f"handbook sheet: dosing data: {err}", file=sys.stderr)
        return 1


def _run_one(args: argparse.Namespace) -> int:
    from .options import options_from_values  # `handbook --help` stays light
    from .render import check_output_path, make_sheet

    if not args.output:
        raise InputError("-o", "give the PDF to write, e.g. -o sheet.pdf")
    out = Path(args.output)
    check_output_path(out, "-o")  # before anything slow
    options = options_from_values(sheet_values(args))
    make_sheet(options, out)
    for warning in options.warnings:
        print(f"handbook sheet: warning: {warning}", file=sys.stderr)
    return 0
