"""The paper sizes everything is printed on: one table read by the CLI, the book, the sheet and the site."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    name: str  # as the command line and a batch CSV spell it
    css_size: str  # the CSS ``@page { size }`` value
    label: str  # as a reader sees it in a link
    suffix: str  # added to a file's stem: ``patient-sheet-a4.pdf``

    def file_name(self, stem: str) -> str:
        return f"{stem}{self.suffix}.pdf"


PAPERS: dict[str, Paper] = {paper.name: paper for paper in (
    Paper("letter", "letter", "US Letter", "-letter"),
    Paper("a4", "A4", "A4", "-a4"),
)}
DEFAULT_PAPER = "letter"
