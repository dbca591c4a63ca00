"""Accessibility of the PDFs (the handbook and the default patient sheet), read with pypdf.

What WeasyPrint 70 writes for ``pdf_variant="pdf/ua-1"``, checked from the file itself: a structure tree,
/MarkInfo /Marked, /Lang, /DisplayDocTitle, embedded fonts, /Alt on figures, headings in order. Running
heads and page numbers (CSS margin boxes): WeasyPrint 70 gives them MCIDs whose structure elements are
never linked into the tree; our finisher (handbook.artifacts) rewrites that content as /Artifact marked
content, as PDF/UA-1 asks. The tests assert that margin text is /Artifact and that no body text is left
out of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
HEADING = re.compile(r"/H([1-6])$")


@pytest.fixture(scope="module", params=["handbook", "sheet"])
def pdf(request: pytest.FixtureRequest, built) -> Path:
    return built.pdf if request.param == "handbook" else built.sheets / "patient-sheet-letter.pdf"


@pytest.fixture(scope="module")
def reader(pdf: Path) -> PdfReader:
    return PdfReader(pdf)


def is_true(value) -> bool:
    """A PDF boolean that is true (pypdf's BooleanObject is truthy even when false)."""
    return getattr(value, "value", value) is True


def struct_elements(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every structure element reachable from /StructTreeRoot, in document (reading) order."""
    def walk(node) -> Iterator[DictionaryObject]:
        obj = node.get_object()
        if isinstance(obj, ArrayObject):
            for kid in obj:
                yield from walk(kid)
        elif isinstance(obj, DictionaryObject) and "/S" in obj:
            yield obj
            if "/K" in obj:
                yield from walk(obj.raw_get("/K"))
    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K"))


def tagged_content(reader: PdfReader) -> set[tuple[int, int]]:
    """(page index, MCID) of every piece of marked content that the structure tree reaches."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    found: set[tuple[int, int]] = set()

    def walk(node, page: int | None) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, DictionaryObject):
            if "/Pg" in node:
                page = pages.get(node.raw_get("/Pg").idnum, page)
            if node.get("/Type") == "/MCR":
                found.add((pages.get(node.raw_get("/Pg").idnum, page) if "/Pg" in node else page, int(node["/MCID"])))
            elif "/K" in node and node.get("/Type") != "/OBJR":
                walk(node.raw_get("/K"), page)
        elif isinstance(node, int):
            found.add((page, int(node)))

    walk(reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K"), None)
    return found


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


@dataclass(frozen=True)
class TextRun:
    """One text-showing operator: where it starts (points from the top) and the marked content around it."""

    y: float
    marks: tuple[tuple[str, int | None], ...]

    @property
    def artifact(self) -> bool:
        return any(tag == "/Artifact" for tag, _ in self.marks)

    @property
    def mcid(self) -> int | None:
        ids = [mcid for _, mcid in self.marks if mcid is not None]
        return ids[-1] if ids else None


def text_runs(reader: PdfReader, index: int) -> list[TextRun]:
    """Walk a page's content stream (and its form XObjects), tracking the CTM, text matrix and marked content."""
    page = reader.pages[index]
    height = float(page.mediabox.top)
    runs: list[TextRun] = []

    def walk(contents, resources, ctm: tuple[float, ...], marks: tuple) -> None:
        saved: list[tuple[float, ...]] = []
        tm = tlm = IDENTITY
        leading = 0.0
        for operands, op in ContentStream(contents, reader).operations:
            if op == b"q":
                saved.append(ctm)
            elif op == b"Q":
                ctm = saved.pop()
            elif op == b"cm":
                ctm = _mul(tuple(float(x) for x in operands), ctm)
            elif op in (b"BMC", b"BDC"):
                props = operands[1] if len(operands) > 1 else None
                mcid = int(props["/MCID"]) if isinstance(props, DictionaryObject) and "/MCID" in props else None
                marks = (*marks, (str(operands[0]), mcid))
            elif op == b"EMC":
                marks = marks[:-1]
            elif op == b"BT":
                tm = tlm = IDENTITY
            elif op == b"Tm":
                tm = tlm = tuple(float(x) for x in operands)
            elif op in (b"Td", b"TD"):
                tm = tlm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), tlm)
                if op == b"TD":
                    leading = -float(operands[1])
            elif op == b"TL":
                leading = float(operands[0])
            elif op in (b"T*", b"'", b'"'):
                tm = tlm = _mul((1, 0, 0, 1, 0, -leading), tlm)
            if op in (b"Tj", b"TJ", b"'", b'"'):
                runs.append(TextRun(height - _mul(tm, ctm)[5], marks))
            elif op == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(x) for x in xobject.get("/Matrix", IDENTITY))
                    walk(xobject, xobject.get("/Resources", resources), _mul(matrix, ctm), marks)

    walk(page.get_contents(), page["/Resources"], IDENTITY, ())
    return runs


def test_tagged_as_pdf_ua(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "no structure tree: the PDF is not tagged"
    assert is_true(root["/MarkInfo"].get("/Marked")), "/MarkInfo /Marked is not true"
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode("utf-8")
    assert sum(1 for _ in struct_elements(reader)) > 20


def test_language_and_title(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert str(root.get("/Lang", "")).startswith("en"), f"/Lang is {root.get('/Lang')!r}"
    assert is_true(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")), "the title is not displayed"
    assert (reader.metadata.title or "").strip(), "no document title to display"


def test_headings_nested_without_skipped_levels(reader: PdfReader, pdf: Path) -> None:
    levels = [int(m[1]) for e in struct_elements(reader) if (m := HEADING.match(str(e["/S"])))]
    assert levels, "no H1–H6 elements in the structure tree"
    assert levels[0] == 1, f"the first heading is H{levels[0]}"
    skips = [f"H{a} → H{b} (heading {i + 2})" for i, (a, b) in enumerate(pairwise(levels))
             if b > a + 1]
    assert not skips, f"{pdf.name}: skipped heading levels: {skips}"
    if pdf.name.startswith("ketamine-handbook"):
        assert levels.count(1) >= 11, "fewer H1s than chapters"


def test_figures_have_alt_text(reader: PdfReader, pdf: Path) -> None:
    figures = [e for e in struct_elements(reader) if e["/S"] == "/Figure"]
    missing = [i for i, e in enumerate(figures) if not str(e.get("/Alt", "")).strip()]
    assert not missing, f"{pdf.name}: figures without /Alt: {missing} of {len(figures)}"
    if pdf.name.startswith("ketamine-handbook"):
        assert figures, "the handbook's dose chart is not tagged as a Figure"
        assert any("mg" in str(e["/Alt"]) for e in figures), "the chart's /Alt does not give the doses"


def _fonts(resources, seen: set[int]) -> Iterator[tuple[str, DictionaryObject]]:
    resources = resources.get_object() if resources is not None else None
    if not resources:
        return
    for name, ref in (resources.get("/Font") or {}).items():
        yield name, ref.get_object()
    for ref in (resources.get("/XObject") or {}).values():
        if ref.idnum not in seen:
            seen.add(ref.idnum)
            yield from _fonts(ref.get_object().get("/Resources"), seen)


def test_every_font_embedded(reader: PdfReader, pdf: Path) -> None:
    problems, seen, checked = [], set(), 0
    for page in reader.pages:
        for name, font in _fonts(page.get("/Resources"), seen):
            checked += 1
            if font["/Subtype"] == "/Type3":
                continue  # glyphs drawn by the PDF itself
            described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                   "/FontFile3")):
                problems.append(f"{name} {font.get('/BaseFont')}")
    assert checked, "no fonts found"
    assert not problems, f"{pdf.name}: fonts not embedded: {sorted(set(problems))}"


def test_running_heads_and_page_numbers_are_artifacts(reader: PdfReader, pdf: Path) -> None:
    """All body text is tagged; text in the margin boxes is outside the logical structure."""
    tagged = tagged_content(reader)
    pages_with_margin_text, problems = 0, []
    for index in range(len(reader.pages)):
        runs = text_runs(reader, index)
        unmarked = [r for r in runs if not r.marks]
        problems += [f"page {index + 1}: text at y {r.y:.0f} pt is outside any marked content" for r in unmarked]
        body = [r for r in runs if r.marks and not r.artifact and (index, r.mcid) in tagged]
        outside = [r for r in runs if r.marks and r not in body]
        problems += [f"page {index + 1}: margin text at y {r.y:.0f} pt is not marked /Artifact"
                     for r in outside if not r.artifact]
        if not body:
            continue
        top, bottom = min(r.y for r in body), max(r.y for r in body)
        problems += [f"page {index + 1}: untagged text at y {r.y:.0f} pt, inside the body ({top:.0f}–{bottom:.0f})"
                     for r in outside if top <= r.y <= bottom]
        if outside:
            pages_with_margin_text += 1
            # The margin boxes: the text nearest the page's top and bottom edges is theirs.
            if any(r.y > bottom for r in outside):
                lowest = max(runs, key=lambda r: r.y)
                assert lowest in outside, f"page {index + 1}: the page number is tagged as content"
    assert not problems, f"{pdf.name}:\n" + "\n".join(problems[:20])
    # Every page but the handbook's cover carries a running head or page number.
    cover = 1 if pdf.name.startswith("ketamine-handbook") else 0
    assert pages_with_margin_text >= len(reader.pages) - cover, (
        f"{pdf.name}: only {pages_with_margin_text} of {len(reader.pages)} pages have margin-box text")
