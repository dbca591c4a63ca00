"""Reading real PDFs in tests, with PyPI packages only: pypdf for structure and fonts, pypdfium2 (the PDF
engine of Chromium) for words, their boxes, lines and rendered pages. Nothing here needs a system tool.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pypdfium2
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


@dataclass(frozen=True)
class Word:
    """A word and its box, in points from the page's top left corner."""

    page: int  # from 1
    page_width: float
    page_height: float
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


@dataclass(frozen=True)
class Line:
    page: int
    x_min: float  # where its first word starts
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as pypdf extracts it."""
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def pdf_text(pdf: Path) -> str:
    """All text, NFC-normalised, no-break spaces as plain spaces, pages joined by newlines."""
    return _clean("\n".join(page_texts(pdf)))


def _pages(pdf: Path, first: int, last: int | None) -> Iterator[tuple[int, pypdfium2.PdfPage]]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        end = len(document) if last is None else min(last, len(document))
        for number in range(first, end + 1):
            yield number, document[number - 1]
    finally:
        document.close()


def words(pdf: Path, first: int = 1, last: int | None = None) -> list[Word]:
    """Every word with its box: characters joined until a space or a line break, as a reader selects them."""
    found: list[Word] = []
    for number, page in _pages(pdf, first, last):
        width, height = page.get_size()
        textpage = page.get_textpage()
        count = textpage.count_chars()
        for run in _runs(textpage.get_text_range(0, count)):
            boxes = [textpage.get_charbox(index) for index, _ in run]
            text = _clean("".join(char for _, char in run))
            top, bottom = max(b[3] for b in boxes), min(b[1] for b in boxes)
            found.append(Word(number, width, height, min(b[0] for b in boxes), height - top,
                              max(b[2] for b in boxes), height - bottom, text))
        textpage.close()
    return found


def _runs(chars: str) -> Iterator[list[tuple[int, str]]]:
    """(index, character) runs between whitespace; pdfium marks a hyphenation break with U+FFFE or U+0002."""
    run: list[tuple[int, str]] = []
    for index, char in enumerate(chars):
        if char.isspace() or char in "\ufffe\x02":
            if run:
                yield run
            run = []
        else:
            run.append((index, char))
    if run:
        yield run


def lines(pdf: Path) -> list[Line]:
    """Words gathered into printed lines (same page, overlapping vertically), left to right."""
    result: list[Line] = []
    for number, on_page in groupby(words(pdf), key=lambda w: w.page):
        rows: list[list[Word]] = []
        for word in sorted(on_page, key=lambda w: ((w.y_min + w.y_max) / 2, w.x_min)):
            middle = (word.y_min + word.y_max) / 2
            if rows and min(w.y_min for w in rows[-1]) <= middle <= max(w.y_max for w in rows[-1]):
                rows[-1].append(word)
            else:
                rows.append([word])
        for row in rows:
            row.sort(key=lambda w: w.x_min)
            body = [w for w in row if w.text != "•"] or row
            result.append(Line(number, body[0].x_min, tuple(row)))
    return result


def render(pdf: Path, dpi: int) -> list[Image.Image]:
    """Every page as an RGB image, rendered by pdfium."""
    return [page.render(scale=dpi / 72).to_pil().convert("RGB") for _, page in _pages(pdf, 1, None)]


def fonts(pdf: Path) -> list[dict[str, object]]:
    """Each font the pages use: its name and whether its program is embedded in the file."""
    seen: dict[str, dict[str, object]] = {}
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object().values() if font_dict else ()):
            font = ref.get_object()
            descriptor = _descriptor(font)
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            embedded = descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[name] = {"name": name, "embedded": embedded}
    return list(seen.values())


def _descriptor(font: DictionaryObject) -> DictionaryObject | None:
    if "/FontDescriptor" in font:
        return font["/FontDescriptor"].get_object()
    for descendant in font.get("/DescendantFonts", ()):  # Type 0 fonts keep it on their CID font
        descendant = descendant.get_object()
        if "/FontDescriptor" in descendant:
            return descendant["/FontDescriptor"].get_object()
    return None


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page index) for every bookmark, in order."""
    reader = PdfReader(pdf)
    rows: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return rows


def page_size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width), float(box.height)
