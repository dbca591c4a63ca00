"""The ``handbook`` command: build the site, the PDF handbook and patient sheets."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence

from . import __version__


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    from .model.papers import PAPERS
    from .project import SOURCE_DIR

    parser.add_argument("--paper", choices=(*PAPERS, "all"), default="all",
                        help="paper size of the PDF handbook (default: all, i.e. %(choices)s)")
    parser.add_argument("--source", metavar="DIR", default=str(SOURCE_DIR),
                        help="the handbook's source folder (default: %(default)s)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: build/)")
    parser.add_argument("--sphinxopts", default="-W --keep-going -n -j auto", metavar="OPTS",
                        help="options passed to sphinx-build (default: %(default)s); without -W, warnings pass")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description=__doc__)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "sheet":
            from .sheet.cli import run_sheet

            return run_sheet(args)
        from . import build
        from .model.papers import PAPERS

        papers = tuple(PAPERS) if args.paper == "all" else (args.paper,)
        return build.run(args.command, source=args.source, papers=papers, out=args.out,
                         sphinxopts=shlex.split(args.sphinxopts))
    except KeyboardInterrupt:
        return 130
