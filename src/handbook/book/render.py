"""Render the print document to a tagged PDF with WeasyPrint, reading only the project's files."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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


def render_pdf(print_html: Path, target: Path, *, allowed_roots: list[Path]) -> RenderReport:
    """Render ``print_html`` (a file inside an allowed root) to ``target`` as PDF/UA-1."""
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
    return report
