"""The build: Sphinx for the site and the single page, then the print document and the PDF."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from sphinx.cmd.build import build_main

from . import __version__
from .book.compose import BookInfo, compose, read_singlehtml
from .book.render import HARFBUZZ_HINT, PRINT_CSS
from .book.warmrender import WarmRenderer
from .model.dosing import load_dosing
from .project import SOURCE_DIR, build_dir
from .weasy.libraries import harfbuzz_subset_available

PDF_NAME = "ketamine-handbook.pdf"
STRICT = ["-W", "--keep-going", "-n"]
# Parallel reading. In three `make bench` runs the site at 16x the chapters built in 0.72x-0.84x
# the time of -j 1; at the handbook's own size the difference was within noise (0.87x-1.07x).
DEFAULT_SPHINXOPTS = [*STRICT, "-j", "auto"]


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


def build_date() -> str:
    """The build date: from SOURCE_DATE_EPOCH when set, so two builds of one commit are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date().isoformat()


def sphinx(builder: str, out: Path, *, sphinxopts: list[str] | None = None) -> None:
    opts = DEFAULT_SPHINXOPTS if sphinxopts is None else sphinxopts
    args = ["-b", builder, "-q", "-d", str(out / "doctrees" / builder), *opts, str(SOURCE_DIR), str(out / builder)]
    if build_main(args) != 0:
        raise BuildError(f"sphinx-build -b {builder} failed (see the warnings above)")


def book_info(paper: str) -> BookInfo:
    return BookInfo(
        title="Ketamine for Depression",
        subtitle="A Clinician's Handbook",
        audience="For clinicians",
        author="The Ketamine Handbook contributors",
        subject="Ketamine and esketamine for depression: access, safety, effectiveness, dosing and maintenance",
        keywords="ketamine, esketamine, depression, treatment-resistant depression, dosing, intranasal",
        edition=__version__,
        build_date=build_date(),
        last_reviewed=load_dosing().last_reviewed.isoformat(),
        paper=paper,
    )


def build_pdf(out: Path, *, paper: str = "letter", sphinxopts: list[str] | None = None,
              meanwhile: Callable[[], object] | None = None) -> Path:
    """Sphinx's single page, the print document, then the PDF.

    The PDF renders in a second process that loaded WeasyPrint while Sphinx ran; ``meanwhile``
    (the site and the sheets, for ``handbook build``) runs here while it renders.
    """
    with WarmRenderer() as renderer:
        sphinx("singlehtml", out, sphinxopts=sphinxopts)
        print_dir = out / "print"
        print_dir.mkdir(parents=True, exist_ok=True)
        document = compose(read_singlehtml(out / "singlehtml"), book_info(paper), PRINT_CSS.as_uri())
        print_html = print_dir / "handbook.html"
        print_html.write_text(document, encoding="utf-8")
        target = out / "pdf" / (PDF_NAME if paper == "letter" else PDF_NAME.replace(".pdf", f"-{paper}.pdf"))
        renderer.submit(print_html, target, allowed_roots=[out])
        if meanwhile is not None:
            meanwhile()
        report = renderer.result()
    strict = "-W" in (DEFAULT_SPHINXOPTS if sphinxopts is None else sphinxopts)
    # Kept beside the print document so tests (and people) can see WeasyPrint said nothing.
    (print_dir / f"weasyprint-{paper}.log").write_text("".join(f"{m}\n" for m in report.messages), encoding="utf-8")
    for message in report.messages:
        print(f"weasyprint: {message}", file=sys.stderr)
    if strict and report.messages:
        raise BuildError(f"WeasyPrint reported {len(report.messages)} problem(s) rendering {target.name}")
    print(f"handbook: wrote {target} ({report.pages} pages)")
    return target


def publish_downloads(out: Path) -> None:
    """Copy the PDFs into the site, where its download links point."""
    downloads = out / "html" / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for pdf in [*(out / "pdf").glob("*.pdf"), *(out / "sheet").glob("*.pdf")]:
        shutil.copy2(pdf, downloads / pdf.name)


def run(command: str, *, paper: str = "letter", out: str | None = None, sphinxopts: list[str] | None = None) -> int:
    out_dir = Path(out).resolve() if out else build_dir()
    # Sphinx's logging setup would otherwise print WeasyPrint's and fontTools' progress lines.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if command in {"pdf", "build"} and not harfbuzz_subset_available():
        print(HARFBUZZ_HINT, file=sys.stderr)
    def site_and_sheets() -> None:
        from .sheet import build_default_sheets

        sphinx("html", out_dir, sphinxopts=sphinxopts)
        build_default_sheets(out_dir / "sheet")

    try:
        if command == "html":
            sphinx("html", out_dir, sphinxopts=sphinxopts)
        elif command == "pdf":
            build_pdf(out_dir, paper=paper, sphinxopts=sphinxopts)
        elif command == "build":  # the site and sheets are made here while the PDF renders
            build_pdf(out_dir, paper=paper, sphinxopts=sphinxopts, meanwhile=site_and_sheets)
        if command in {"html", "build"}:
            publish_downloads(out_dir)
    except BuildError as err:
        print(f"handbook: {err}", file=sys.stderr)
        return 1
    return 0
