"""``handbook build|html|pdf``: the site, the PDF handbook and the blank sheets, from one source folder."""

from __future__ import annotations

import itertools
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .model.papers import PAPERS
from .project import CHAPTER_PDF_DIR, SOURCE_DIR, build_dir
from .sphinxrun import BuildError, run_sphinx
from .weasy.subset import fast_subsetter_available

HARFBUZZ_HINT = ("handbook: hint: PDFs render faster with HarfBuzz's font subsetter: "
                 "`make` installs it (uharfbuzz), or apt-get install libharfbuzz-subset0")


def publish_downloads(out: Path) -> None:
    """Copy the PDFs (and the standard regimen's FHIR file) into the site, where its download links point."""
    downloads = out / "html" / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for pdf in [*(out / "pdf").glob("*.pdf"), *(out / "sheet").glob("*.pdf"), *(out / "sheet").glob("*.json")]:
        shutil.copy2(pdf, downloads / pdf.name)
    chapters = out / "pdf" / CHAPTER_PDF_DIR
    if chapters.is_dir():
        (downloads / CHAPTER_PDF_DIR).mkdir(exist_ok=True)
        for pdf in chapters.glob("*.pdf"):
            shutil.copy2(pdf, downloads / CHAPTER_PDF_DIR / pdf.name)


def say_site_written(out: Path) -> None:
    pages = sum(1 for _ in (out / "html").rglob("*.html"))
    print(f"handbook: wrote {out / 'html' / 'index.html'} (the site, {pages} pages)")


def check_data_file(sphinxopts: list[str] | None) -> None:
    """Read the dosing data the build will use first, so a mistake in it is one line, not a Sphinx traceback."""
    from .model.dosing import load_dosing
    from .model.errors import DosingDataError
    from .project import DOSING_FILE

    opts = sphinxopts or []
    path: Path | str = DOSING_FILE
    for flag, value in itertools.pairwise(opts):
        if flag == "-D" and value.startswith("handbook_dosing_file="):
            path = value.partition("=")[2]
    try:
        load_dosing(path)
    except DosingDataError as err:
        raise BuildError(f"the dosing data is wrong: {err}") from None


def run(command: str, *, source: Path = SOURCE_DIR, papers: Sequence[str] = tuple(PAPERS),
        out: str | Path | None = None, sphinxopts: list[str] | None = None, chapter_pdfs: bool = True) -> int:
    """Build ``command`` (build, html or pdf) from ``source`` into ``out``; returns the exit code.

    ``chapter_pdfs=False`` leaves out the chapters' own PDFs (the benchmark measures what they cost).
    """
    from .book import build_book  # importing the book wing loads bs4 and Jinja: not for `handbook html`

    out_dir = Path(out).resolve() if out else build_dir()
    source = Path(source).resolve()
    # Sphinx's logging setup would otherwise print WeasyPrint's and fontTools' progress lines.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if command in {"pdf", "build"} and not fast_subsetter_available():
        print(HARFBUZZ_HINT, file=sys.stderr)

    # The site links the PDF in each size this build renders, and no other.
    site_settings = {"handbook_pdf_papers": ",".join(papers)}

    def site_and_sheets() -> None:
        from .sheet import build_default_sheets

        run_sphinx("html", source, out_dir, sphinxopts=sphinxopts, settings=site_settings)
        say_site_written(out_dir)
        for sheet in build_default_sheets(out_dir / "sheet"):
            print(f"handbook: wrote {sheet} (blank patient sheet)")
        from .fhir import build_standard_plan

        print(f"handbook: wrote {build_standard_plan(out_dir / 'sheet')} (standard regimen, FHIR MedicationRequest)")

    try:
        check_data_file(sphinxopts)
        if command == "html":
            run_sphinx("html", source, out_dir, sphinxopts=sphinxopts)
            say_site_written(out_dir)
        elif command == "pdf":
            build_book(source, out_dir, papers=papers, sphinxopts=sphinxopts, chapter_pdfs=chapter_pdfs)
        elif command == "build":  # the site and sheets are made here while the PDF renders
            build_book(source, out_dir, papers=papers, sphinxopts=sphinxopts, meanwhile=site_and_sheets,
                       chapter_pdfs=chapter_pdfs)
        if command in {"html", "build"}:
            publish_downloads(out_dir)
    except BuildError as err:
        print(f"handbook: {err}", file=sys.stderr)
        return 1
    return 0
