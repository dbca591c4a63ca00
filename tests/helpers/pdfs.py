"""Reading real PDFs in tests: pypdf for structure, poppler's pdftotext for words and their boxes."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

from pypdf import PdfReader


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


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


def word_boxes(pdf: Path, first: int = 1, last: int | None = None) -> list[tuple[int, float, float, float, float, str]]:
    """(page number, xMin, yMin, xMax, yMax, word) from ``pdftotext -bbox``; also the page sizes."""
    args = ["pdftotext", "-bbox", "-f", str(first)] + (["-l", str(last)] if last else []) + [str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    words = []
    page = first - 1
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            words.append((page, *map(float, m.groups()[:4]), unescape(m.group(5))))
    return words


def page_size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width), float(box.height)
