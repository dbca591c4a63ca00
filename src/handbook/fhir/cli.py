"""The command-line faces of the FHIR wing: ``handbook fhir -o PLAN.json`` and ``handbook sheet --fhir ORDER.json``.

Both take the sheet's own options (declared once, in handbook.sheet.options) and end as every
other input does: a problem is one line naming the option or the FHIR path, exit code 2, nothing
written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from handbook.model.errors import DosingDataError, InputError
from handbook.sheet.cli import add_option_arguments
from handbook.sheet.options import OPTIONS

# The sheet's options that belong in a prescription; the others (paper, print size, the country's
# numbers, the log page) are how a sheet is printed, and are given to `handbook sheet --fhir`.
FHIR_HELP = "a MedicationRequest, or a Bundle holding one with its Patient and Practitioner"
PLAN_OPTIONS = ("patient", "prescriber", "phone", "pharmacy", "start", "regimen", "dose", "mg-per-ml",
                "ml-per-spray", "allow-dose-outside-range")


def add_fhir_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``handbook fhir``, and ``--fhir ORDER.json`` to ``handbook sheet`` (registered before it)."""
    sheet = subparsers.choices["sheet"]
    group = sheet.add_argument_group("FHIR", "the sheet of an electronic prescription (FHIR R4 JSON); options "
                                     "given beside it override the order")
    group.add_argument("--fhir", metavar="ORDER.json",
                       help=FHIR_HELP)
    help_text = "write a regimen as a FHIR R4 MedicationRequest (JSON) for a prescribing system"
    parser = subparsers.add_parser(
        "fhir", help=help_text,
        description=help_text + ". Without options it writes the handbook's standard regimen; "
        "`handbook sheet --fhir PLAN.json` prints the same sheet as `handbook sheet` with these options.")
    parser.add_argument("-o", "--output", metavar="PLAN.json", help="the JSON file to write")
    add_option_arguments(parser, (spec for spec in OPTIONS if spec.name in PLAN_OPTIONS))
    return parser


def run_fhir(args: argparse.Namespace) -> int:
    """Run ``handbook fhir`` or ``handbook sheet --fhir``; returns the exit code (2 for bad input)."""
    prog = f"handbook {args.command}"
    try:
        if args.command == "sheet":
            _sheet_from_order(args)
        else:
            _write_plan(args)
    except DosingDataError as err:  # the project's own data file is broken: not the user's input
        print(f"{prog}: dosing data: {err}", file=sys.stderr)
        return 1
    except InputError as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 2
    return 0


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(args, name.replace("-", "_"), None) for name in names}


def _sheet_from_order(args: argparse.Namespace) -> None:
    from handbook.outputs import check_output_path
    from handbook.sheet.cli import sheet_values
    from handbook.sheet.render import make_sheet

    from .read import options_from_order

    if args.batch is not None or args.out_dir is not None:
        raise InputError("--fhir", "not used with --batch; give -o OUT.pdf")
    if not args.fhir:
        raise InputError("--fhir", "give the order to read, e.g. --fhir order.json")
    if not args.output:
        raise InputError("-o", "give the PDF to write, e.g. -o sheet.pdf")
    order, out = Path(args.fhir), Path(args.output)
    check_output_path(out, "-o", reads=(order,))  # before anything slow
    options = options_from_order(order, sheet_values(args))
    make_sheet(options, out)
    for warning in options.warnings:
        print(f"handbook sheet: warning: {warning}", file=sys.stderr)


def _write_plan(args: argparse.Namespace) -> None:
    from handbook.outputs import check_output_path
    from handbook.sheet.options import options_from_values

    from .write import PLAN_EXAMPLE, write_plan

    if not args.output:
        raise InputError("-o", f"give the JSON file to write, e.g. -o {PLAN_EXAMPLE}")
    out = Path(args.output)
    check_output_path(out, "-o", example=PLAN_EXAMPLE)  # before anything slow
    options = options_from_values(_given(args, PLAN_OPTIONS))
    write_plan(options, out)
    for warning in options.warnings:
        print(f"handbook fhir: warning: {warning}", file=sys.stderr)
