"""Run one of our builds on a copy of the sources, in this (fresh) process.

``python -m handbook.bench.ours html|pdf|render --source DIR --out DIR [-j N]``

``handbook html|pdf`` always reads ``source/``; the benchmark builds copies under
``build/bench``, so this points the build module at the copy and calls the same code the
CLI calls (``handbook.build.run``). ``render`` is our PDF step alone (``render_pdf``) on an
already-built print document, for the ours/floor ratio.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handbook import build
from handbook.build import STRICT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handbook.bench.ours")
    parser.add_argument("command", choices=("html", "pdf", "render"))
    parser.add_argument("--source", type=Path, help="the source folder to build (html, pdf)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("-j", dest="jobs", help="Sphinx's -j (parallel read), e.g. auto")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if args.command == "render":
        from handbook.pdf import render_pdf  # noqa: PLC0415

        report = render_pdf(out / "print" / "handbook.html", out / "render" / "handbook.pdf", allowed_roots=[out])
        return 1 if report.messages else 0
    build.SOURCE_DIR = args.source.resolve()
    opts = [*STRICT, *(["-j", args.jobs] if args.jobs else [])]
    return build.run(args.command, out=str(out), sphinxopts=opts)


if __name__ == "__main__":
    sys.exit(main())
