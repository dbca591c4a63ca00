"""The PDF handbook: Sphinx's single page, composed into a book (compose), rendered to PDF (render).

The render runs in a second process that loads WeasyPrint while Sphinx runs (warmrender).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from handbook import project
from handbook.model.papers import PAPERS
from handbook.sphinxrun import BuildError, is_strict, run_sphinx

from .compose import BookInfo, Chapter, compose_with_chapters, last_reviewed_of, next_review_of, read_singlehtml
from .render import PRINT_CSS, ChapterPdf, RenderRefusedError, RenderReport
from .warmrender import WarmRenderer


def book_info(paper: str, last_reviewed: str, next_review: str = "") -> BookInfo:
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
        next_review=next_review,
        paper=PAPERS[paper].css_size,
    )


def pdf_path(out: Path, paper: str) -> Path:
    return out / "pdf" / PAPERS[paper].file_name(project.PDF_STEM)


def chapter_pdf_path(out: Path, docname: str, paper: str) -> Path:
    return out / "pdf" / project.CHAPTER_PDF_DIR / PAPERS[paper].file_name(project.chapter_pdf_stem(docname))


def build_book(source: Path, out: Path, *, papers: Sequence[str] = tuple(PAPERS),
               sphinxopts: list[str] | None = None, meanwhile: Callable[[], object] | None = None,
               chapter_pdfs: bool = True) -> list[Path]:
    """Sphinx's single page, one print document a paper size, then the PDFs, each rendered in its own process.

    With ``chapter_pdfs`` each chapter and appendix is written as a PDF of its own from the same layout.
    ``meanwhile`` (the site and the sheets, for ``handbook build``) runs here while the PDFs render.
    A PDF replaces the previous one only when the whole build has succeeded.
    """
    with contextlib.ExitStack() as stack:
        renderers = {paper: stack.enter_context(WarmRenderer()) for paper in papers}
        singlehtml = read_singlehtml(run_sphinx("singlehtml", source, out, sphinxopts=sphinxopts))
        print_dir = out / "print"
        print_dir.mkdir(parents=True, exist_ok=True)
        reviewed, next_review = last_reviewed_of(singlehtml), next_review_of(singlehtml)
        pending: dict[str, Path] = {}
        parts: dict[str, list[tuple[Chapter, Path, Path]]] = {}  # paper -> (chapter, pending file, final file)
        for paper, renderer in renderers.items():
            print_html = print_dir / f"handbook-{paper}.html"
            html, chapters = compose_with_chapters(singlehtml, book_info(paper, reviewed, next_review),
                                                   PRINT_CSS.as_uri())
            print_html.write_text(html, encoding="utf-8")
            target = pdf_path(out, paper)
            pending[paper] = target.with_name(f".{target.name}.pending")
            parts[paper] = [(chapter, final.with_name(f".{final.name}.pending"), final)
                            for chapter in (chapters if chapter_pdfs else [])
                            for final in [chapter_pdf_path(out, chapter.docname, paper)]]
            renderer.submit(print_html, pending[paper], allowed_roots=[out], chapters=tuple(
                ChapterPdf(chapter.anchor, chapter.title, part) for chapter, part, _ in parts[paper]))
        try:
            if meanwhile is not None:
                meanwhile()
            try:
                reports = {paper: renderer.result() for paper, renderer in renderers.items()}
            except RenderRefusedError as refusal:
                raise BuildError(f"{refusal}; {_referenced_in(source, str(refusal))}") from None
            _say_each_warning_once(reports)
            written = [_finish(out, paper, reports[paper], pending[paper], sphinxopts) for paper in papers]
            for paper in papers:
                for _, part, final in parts[paper]:
                    part.replace(final)
                if parts[paper]:
                    folder = chapter_pdf_path(out, parts[paper][0][0].docname, paper).parent
                    print(f"handbook: wrote {folder}/*{PAPERS[paper].suffix}.pdf "
                          f"({len(parts[paper])} chapters and appendices, {PAPERS[paper].label})")
        finally:
            for path in [*pending.values(), *(part for paper in parts.values() for _, part, _ in paper)]:
                path.unlink(missing_ok=True)
    return written


def _say_each_warning_once(reports: dict[str, RenderReport]) -> None:
    """One line per distinct WeasyPrint message, however many pages and papers repeated it."""
    seen: dict[str, list[str]] = {}
    for paper, report in reports.items():
        for message in report.messages:
            seen.setdefault(message, []).append(paper)
    for message, papers in seen.items():
        where = ", ".join(dict.fromkeys(papers))
        times = f"; {len(papers)} times" if len(papers) > len(set(papers)) else ""
        print(f"weasyprint: {message} ({where}{times})", file=sys.stderr)


def _referenced_in(source: Path, refusal: str) -> str:
    """Where the refused address is written in the sources, so the reader knows what to fix."""
    url = refusal.split("'")[1] if refusal.count("'") >= 2 else ""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    files = sorted(str(p.relative_to(source)) for p in source.rglob("*.md")
                   if name and name in p.read_text(encoding="utf-8", errors="replace"))
    return f"it is in {', '.join(files)}" if files else "look for it in the sources and templates"


def _finish(out: Path, paper: str, report: RenderReport, pending: Path, sphinxopts: list[str] | None) -> Path:
    """Check what WeasyPrint said; then, and only then, put the new PDF in place."""
    target = pdf_path(out, paper)
    # Kept beside the print document so tests (and people) can see WeasyPrint said nothing.
    (out / "print" / f"weasyprint-{paper}.log").write_text("".join(f"{m}\n" for m in report.messages),
                                                          encoding="utf-8")
    if is_strict(sphinxopts) and report.messages:
        raise BuildError(f"WeasyPrint reported {len(report.messages)} problem(s) rendering {target.name}")
    pending.replace(target)
    print(f"handbook: wrote {target} ({report.pages} pages)")
    return target
