"""Render the print document to a tagged PDF with WeasyPrint, reading only the project's files."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbook.outputs import write_atomically
from handbook.project import PDF_STEM, TEMPLATES_DIR
from handbook.weasy.artifacts import mark_margin_artifacts
from handbook.weasy.framestack import call_with_room

PRINT_CSS = TEMPLATES_DIR / "book" / "handbook.css"
# WeasyPrint's own notice that it fell back to fontTools: we say it once, our way, instead.
_QUIET = ("hb-subset", "will be unsupported", "fontTools")


class RenderRefusedError(Exception):
    """The renderer refused to read a file or URL (it reads only the project's own files)."""


@dataclass
class RenderReport:
    """What WeasyPrint said while rendering; tests assert it is empty."""

    messages: list[str] = field(default_factory=list)
    pages: int = 0
    chapter_pages: dict[str, tuple[int, int]] = field(default_factory=dict)  # anchor -> first, last page (1-based)


@dataclass(frozen=True)
class ChapterPdf:
    """One chapter cut from the book's own layout: its pages, bookmarks, tags and running heads."""

    anchor: str  # the id the chapter's section has in the book
    title: str  # for the PDF's metadata
    target: Path


class _Collector(logging.Handler):
    def __init__(self, report: RenderReport) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(q in message for q in _QUIET):
            self.report.messages.append(message)


@contextmanager
def collect_weasyprint_logs(report: RenderReport) -> Iterator[None]:
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its INFO lines are noise in a build log
    logger = logging.getLogger("weasyprint")
    handler = _Collector(report)
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # reported by the caller, not printed twice
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def render_pdf(print_html: Path, target: Path, *, allowed_roots: list[Path],
               chapters: tuple[ChapterPdf, ...] = ()) -> RenderReport:
    """Render ``print_html`` (a file inside an allowed root) to ``target`` as PDF/UA-1.

    Each of ``chapters`` is then written from the same layout (WeasyPrint's ``Document.copy``): no
    second layout, and a chapter's pages are the handbook's, page numbers included, so "p. 21" in a
    chapter means page 21 of the handbook.
    """
    from handbook import weasy  # loaded here, not at `import handbook.book.render`
    from handbook.weasy.fetcher import FatalRefusalError, SafeFetcher
    from handbook.weasy.fonts import font_configuration

    weasyprint = weasy.load()

    report = RenderReport()
    fetcher = SafeFetcher([*allowed_roots, TEMPLATES_DIR], strict=True)
    with collect_weasyprint_logs(report):
        html = weasyprint.HTML(string=print_html.read_text(encoding="utf-8"), base_url=str(print_html),
                               url_fetcher=fetcher)
        try:
            document = call_with_room(lambda: html.render(font_config=font_configuration()))
        except FatalRefusalError as refusal:  # a plain exception: it crosses the process boundary intact
            raise RenderRefusedError(str(refusal)) from None
        report.pages = len(document.pages)
        data = call_with_room(lambda: document.write_pdf(pdf_variant=weasy.PDF_VARIANT, pdf_identifier=PDF_STEM.encode(),
                                                         finisher=mark_margin_artifacts))
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, lambda handle: handle.write(data))
    in_book = {anchor for page in document.pages for anchor in page.anchors}
    for chapter, (first, last) in chapter_ranges(document, chapters).items():
        report.chapter_pages[chapter.anchor] = (first + 1, last + 1)
        part = document.copy(document.pages[first:last + 1])
        part.metadata = copy.copy(document.metadata)
        part.metadata.title = f"{document.metadata.title}: {chapter.title}"
        said = RenderReport()
        with collect_weasyprint_logs(said):
            chapter_data = call_with_room(lambda part=part: part.write_pdf(
                pdf_variant=weasy.PDF_VARIANT, pdf_identifier=PDF_STEM.encode(), finisher=mark_margin_artifacts))
        # A link into another chapter has no target in this one: WeasyPrint drops it (its words, with
        # the handbook page, stay). Anything else it says is reported as for the book.
        report.messages += [m for m in said.messages if _outside_link(m) not in in_book]
        chapter.target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(chapter.target, lambda handle, data=chapter_data: handle.write(data))
    return report


_NO_ANCHOR = re.compile(r"No anchor #(\S+) for internal URI reference")


def _outside_link(message: str) -> str | None:
    found = _NO_ANCHOR.search(message)
    return found.group(1) if found else None


def chapter_ranges(document: Any, chapters: tuple[ChapterPdf, ...]) -> dict[ChapterPdf, tuple[int, int]]:
    """The first and last page index of each chapter: from its anchor's page to the page before the next."""
    if not chapters:
        return {}
    first_page = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, index)
    starts = sorted((first_page[c.anchor], c) for c in chapters if c.anchor in first_page)
    missing = [c.anchor for c in chapters if c.anchor not in first_page]
    if missing:
        raise ValueError(f"no page holds the start of {', '.join(missing)}")
    ends = [start - 1 for start, _ in starts[1:]] + [len(document.pages) - 1]
    return {chapter: (start, end) for (start, chapter), end in zip(starts, ends, strict=True)}
