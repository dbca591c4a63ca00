"""The ``handbook`` command: build the site, the PDF handbook and patient sheets.

Whatever goes wrong ends in one short message and a non-zero exit code: a usage error in one
line and "see ... --help" (exit 2), an interrupt (Ctrl-C or SIGTERM) in one line after every
partial file is removed (exit 130 or 143), and a build failure in one paragraph naming the file
and the problem (exit 1; ``--traceback`` shows the Python traceback as well).
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from . import __version__


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that says where the help is, like every other input error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}; see {self.prog} --help\n")


class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that every ``finally`` runs (partial files are removed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _on_terminate(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    from .model.papers import PAPERS
    from .project import SOURCE_DIR

    parser.add_argument("--paper", choices=(*PAPERS, "all"), default="all",
                        help="paper size of the PDF handbook (default: all, i.e. Letter and A4)")
    parser.add_argument("--source", metavar="DIR", default=str(SOURCE_DIR),
                        help="the handbook's source folder (default: %(default)s)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: build/)")
    parser.add_argument("--sphinxopts", default="-W --keep-going -n -j auto", metavar="OPTS",
                        help="options passed to sphinx-build (default: %(default)s); without -W, warnings pass")
    parser.add_argument("--traceback", action="store_true", help="on an error, show the Python traceback too")


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="handbook", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("build", "build everything: the site, the PDF handbook and the blank patient sheets"),
        ("html", "build the site into build/html"),
        ("pdf", "build the PDF handbook into build/pdf"),
    ):
        _add_build_options(sub.add_parser(name, help=help_text, description=help_text))
    from .sheet.cli import add_sheet_parser

    add_sheet_parser(sub)
    from .fhir.cli import add_fhir_parser

    add_fhir_parser(sub)  # `handbook fhir`, and `--fhir` on the sheet parser above
    from .serve.cli import add_serve_parser

    add_serve_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error argparse has already printed
        return done.code if isinstance(done.code, int) else 2
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        if args.command == "fhir" or (args.command == "sheet" and args.fhir is not None):
            from .fhir.cli import run_fhir

            return run_fhir(args)
        if args.command == "sheet":
            from .sheet.cli import run_sheet

            return run_sheet(args)
        if args.command == "serve":
            from .serve.cli import run_serve

            return run_serve(args)
        return _build(args)
    except KeyboardInterrupt as interrupt:
        if not getattr(interrupt, "reported", False):
            print(f"{_prog(args)}: interrupted; no partial file is left", file=sys.stderr)
        return 128 + getattr(interrupt, "signum", signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _prog(args: argparse.Namespace) -> str:
    return f"handbook {args.command}"


def _build(args: argparse.Namespace) -> int:
    from . import build
    from .model.papers import PAPERS

    papers = tuple(PAPERS) if args.paper == "all" else (args.paper,)
    sphinxopts = shlex.split(args.sphinxopts) + (["-T"] if args.traceback else [])
    try:
        return build.run(args.command, source=args.source, papers=papers, out=args.out, sphinxopts=sphinxopts)
    except Exception as error:  # noqa: BLE001  a bug or an unforeseen failure: one paragraph, not a traceback
        if args.traceback:
            traceback.print_exc()
        print(f"handbook: the build failed: {type(error).__name__}: {error}\n"
              f"(run again with --traceback to see where)", file=sys.stderr)
        return 1
