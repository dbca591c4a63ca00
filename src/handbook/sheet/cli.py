"""``handbook sheet``: the command-line face of the patient sheet.

Values are taken as plain strings and checked by handbook.sheet.options, not by argparse, so every
bad value gives the same single line (``handbook sheet: <option>: <what is wrong>``, exit 2) that the
batch mode gives, and no usage text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handbook.model.errors import DosingDataError, InputError

from .options import OPTION_NAMES, OPTIONS, OptionSpec


def add_sheet_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sheet`` sub-command to the ``handbook`` parser."""
    help_text = "make a one-page patient instruction sheet (PDF)"
    parser = subparsers.add_parser(
        "sheet", help=help_text,
        description=help_text + ". Without options it prints the handbook's standard intranasal titration "
        "with blanks to fill in by hand.")
    parser.add_argument("-o", "--output", metavar="OUT.pdf", help="the PDF to write")
    add_option_arguments(parser, OPTIONS)
    batch = parser.add_argument_group("batch", "one sheet per CSV row, columns named like the options above "
                                      "(plus 'output', a file name); options given here fill blank cells")
    batch.add_argument("--batch", metavar="FILE.csv", help="CSV file with one row per sheet")
    batch.add_argument("--out-dir", metavar="DIR", help="folder for the batch's sheets")
    return parser


def add_option_arguments(parser: argparse.ArgumentParser, specs: Iterable[OptionSpec]) -> None:
    """The sheet's options as command-line flags: a flag for a yes/no option, else a value."""
    for spec in specs:
        if spec.metavar is None:
            parser.add_argument(f"--{spec.name}", action="store_true", default=None, help=spec.help)
        else:
            parser.add_argument(f"--{spec.name}", metavar=spec.metavar, help=spec.help)


def sheet_values(args: argparse.Namespace) -> dict[str, Any]:
    """The per-sheet values the user gave (None when not given)."""
    return {name: getattr(args, name.replace("-", "_"), None) for name in OPTION_NAMES}


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
    except DosingDataError as err:  # the project's own data file is broken: not the user's input
        print(f"handbook sheet: dosing data: {err}", file=sys.stderr)
        return 1
    except InputError as err:
        print(f"handbook sheet: {err}", file=sys.stderr)
        return 2


def _run_one(args: argparse.Namespace) -> int:
    from handbook.outputs import check_output_path

    from .options import options_from_values  # `handbook --help` stays light
    from .render import make_sheet

    if not args.output:
        raise InputError("-o", "give the PDF to write, e.g. -o sheet.pdf")
    out = Path(args.output)
    check_output_path(out, "-o")  # before anything slow
    options = options_from_values(sheet_values(args))
    make_sheet(options, out)
    for warning in options.warnings:
        print(f"handbook sheet: warning: {warning}", file=sys.stderr)
    return 0
