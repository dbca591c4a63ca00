"""The PDF handbook: Sphinx's single page, composed into a book (compose), rendered to PDF (render).

The render runs in a second process that loads WeasyPrint while Sphinx runs (warmrender).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from handbook import project
from handbook.model.papers import PAPERS
from handbook.sphinxrun import BuildError, is_strict, run_sphinx

from .compose import BookInfo, compose, last_reviewed_of, read_singlehtml
from .render import PRINT_CSS
from .warmrender import WarmRenderer


def book_info(paper: str, last_reviewed: str) -> BookInfo:
    return BookInfo(
        title=project.TITLE,
        subtitle=project.SUBTITLE,
        audience=project.AUDIENCE,
        author=project.AUTHOR,
        subject=project.SUBJECT,
        keywords=project.KEYWORDS,
        edition=project.EDITION,
        build_date=project.build_date().isoformat(),
        last_reviewed=last_reviewed,
        paper=PAPERS[paper].css_size,
    )


def pdf_path(out: Path, paper: str) -> Path:
    return out / "pdf" / PAPERS[paper].file_name(project.PDF_STEM)


def build_book(source: Path, out: Path, *, paper: str = "letter", sphinxopts: list[str] | None = None,
               meanwhile: Callable[[], object] | None = None) -> Path:
    """Sphinx's single page, the print document, then the PDF.

    ``meanwhile`` (the site and the sheets, for ``handbook build``) runs here while the PDF renders.
    """
    with WarmRenderer() as renderer:
        singlehtml = read_singlehtml(run_sphinx("singlehtml", source, out, sphinxopts=sphinxopts))
        print_dir = out / "print"
        print_dir.mkdir(parents=True, exist_ok=True)
        document = compose(singlehtml, book_info(paper, last_reviewed_of(singlehtml)), PRINT_CSS.as_uri())
        print_html = print_dir / "handbook.html"
        print_html.write_text(document, encoding="utf-8")
        target = pdf_path(out, paper)
        renderer.submit(print_html, target, allowed_roots=[out])
        if meanwhile is not None:
            meanwhile()
        report = renderer.result()
    # Kept beside the print document so tests (and people) can see WeasyPrint said nothing.
    (print_dir / f"weasyprint-{paper}.log").write_text("".join(f"{m}\n" for m in report.messages), encoding="utf-8")
    for message in report.messages:
        print(f"weasyprint: {message}", file=sys.stderr)
    if is_strict(sphinxopts) and report.messages:
        raise BuildError(f"WeasyPrint reported {len(report.messages)} problem(s) rendering {target.name}")
    print(f"handbook: wrote {target} ({report.pages} pages)")
    return target
