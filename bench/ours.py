"""Run one of our builds on a copy of the sources, in this (fresh) process.

``python -m bench.ours html|pdf|singlehtml|render --source DIR --out DIR [-j N]``

The benchmark builds copies of ``source/`` under ``build/bench`` and calls the code the CLI
calls (``handbook.build.run``) with the copy as the source folder, for the Letter PDF only (as
sphinx-simplepdf makes one). ``render`` is our PDF step alone (``render_pdf``) on an
already-built print document, for the ours/floor ratio; ``singlehtml`` is the Sphinx step of
the PDF build alone (``sphinxrun.run_sphinx("singlehtml", ...)``), to show where the time goes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ours")
    parser.add_argument("command", choices=("html", "pdf", "build", "singlehtml", "render"))
    parser.add_argument("--source", type=Path, help="the source folder to build (html, pdf)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("-j", dest="jobs", help="Sphinx's -j (parallel read), e.g. auto")
    parser.add_argument("--no-chapter-pdfs", action="store_true", help="build: leave out each chapter's own PDF")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if args.command == "render":
        from handbook.book.render import render_pdf

        report = render_pdf(out / "print" / "handbook-letter.html", out / "render" / "handbook.pdf", allowed_roots=[out])
        return 1 if report.messages else 0
    from handbook import build, sphinxrun  # not for render: importing Sphinx would be charged to the PDF step

    source = args.source.resolve()
    opts = [*sphinxrun.STRICT, "-j", args.jobs] if args.jobs else sphinxrun.DEFAULT_SPHINXOPTS  # what `handbook` runs
    if args.command == "singlehtml":
        try:
            sphinxrun.run_sphinx("singlehtml", source, out, sphinxopts=opts)
        except sphinxrun.BuildError as err:
            print(f"handbook: {err}", file=sys.stderr)
            return 1
        return 0
    if args.command == "build":  # what `make` runs: the site, the sheets, the book in both sizes
        return build.run("build", source=source, out=out, sphinxopts=opts, chapter_pdfs=not args.no_chapter_pdfs)
    # One PDF, as sphinx-simplepdf and the floor make: the chapters' own PDFs are measured with `build`.
    return build.run(args.command, source=source, papers=("letter",), out=out, sphinxopts=opts, chapter_pdfs=False)


if __name__ == "__main__":
    sys.exit(main())
