"""Each chapter and appendix as a PDF of its own: cut from the book's layout, so it keeps the book's tags,
bookmarks, running heads and page numbers, and closes with the works it cites."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers.pdfs import outline, page_texts
from pypdf import PdfReader
from test_site import CHAPTERS

from handbook import project
from handbook.model.dosing import load_dosing
from handbook.model.papers import PAPERS


def chapter_pdf(built, docname: str, paper: str) -> Path:
    return built.out / "pdf" / project.CHAPTER_PDF_DIR / PAPERS[paper].file_name(project.chapter_pdf_stem(docname))


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_chapter_has_a_tagged_pdf_with_bookmarks_and_dated_pages(built, paper: str) -> None:
    data = load_dosing()
    footer = (f"Edition {project.EDITION} · last reviewed {data.last_reviewed.isoformat()} · "
              f"next review due {data.next_review.isoformat()}")
    for docname in CHAPTERS:
        pdf = chapter_pdf(built, docname, paper)
        assert pdf.is_file(), f"no PDF for {docname}"
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], f"{pdf.name} is not tagged"
        assert str(root["/Lang"]).startswith("en")
        marks = outline(pdf)
        assert marks and marks[0][0] == 0 and marks[0][2] == 0, f"{pdf.name}: no bookmark for its first page"
        assert reader.metadata.title.endswith(marks[0][1]), (reader.metadata.title, marks[0][1])
        for number, text in enumerate(page_texts(pdf), start=1):
            assert footer in " ".join(text.split()), f"{pdf.name} page {number} lacks the edition and review dates"
            assert marks[0][1].split(". ", 1)[-1] in text, f"{pdf.name} page {number} has no running head"


def test_a_chapter_closes_with_the_works_it_cites(built) -> None:
    text = " ".join(" ".join(page_texts(chapter_pdf(built, "chapters/05-effectiveness", "letter"))).split())
    references = text.split("References cited in this chapter", 1)
    assert len(references) == 2, "the chapter has no reference list of its own"
    assert "Kishimoto" in references[1] and "Anand" in references[1]
    assert "Cognitive Behavioral Therapy to Sustain" not in references[1]  # cited in chapter 8, not here


def test_a_link_to_another_chapter_names_it_and_its_handbook_page(built) -> None:
    book_pages = {title: page + 1 for depth, title, page in outline(built.pdf) if depth == 0}
    review_notes = next(page for title, page in book_pages.items() if title.startswith("Review notes"))
    text = " ".join(" ".join(page_texts(chapter_pdf(built, "chapters/04-safety", "letter"))).split())
    assert f"Review notes: corrections to the source, p. {review_notes}" in text
    # and its pages are the handbook's: the chapter's first page number is the book's
    safety = book_pages["4. Safety"]
    assert f"Page {safety} of " in page_texts(chapter_pdf(built, "chapters/04-safety", "letter"))[0]


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_no_link_in_a_chapter_pdf_goes_nowhere(built, paper: str) -> None:
    dead = []
    for docname in CHAPTERS:
        pdf = chapter_pdf(built, docname, paper)
        with pikepdf.open(pdf) as document:
            pages = {page.obj.objgen for page in document.pages}
            names = document.Root.get("/Names")
            named = set()
            if names is not None and "/Dests" in names:
                tree = pikepdf.NameTree(names.Dests)
                named = {str(key) for key in tree}
            for number, page in enumerate(document.pages, start=1):
                for annot in page.obj.get("/Annots", []):
                    if annot.get("/Subtype") != "/Link":
                        continue
                    dest = annot.get("/Dest")
                    action = annot.get("/A")
                    if dest is None and action is not None and action.get("/S") == "/GoTo":
                        dest = action.get("/D")
                    if dest is None:
                        if action is None or action.get("/S") != "/URI":
                            dead.append(f"{pdf.name} p{number}: a link with no target")
                        continue
                    if isinstance(dest, pikepdf.Array):
                        if dest[0].objgen not in pages:
                            dead.append(f"{pdf.name} p{number}: to a page not in this PDF")
                    elif str(dest) not in named:
                        dead.append(f"{pdf.name} p{number}: to {dest}, not in this PDF")
    assert dead == [], dead[:10]


def test_every_page_of_the_site_links_its_chapter_pdf(built) -> None:
    for docname in CHAPTERS:
        page = (built.html / f"{docname}.html").read_text(encoding="utf-8")
        for paper in PAPERS:
            name = PAPERS[paper].file_name(project.chapter_pdf_stem(docname))
            assert re.search(rf'href="(\.\./)*downloads/chapters/{re.escape(name)}"', page), (docname, paper)
            assert (built.html / "downloads" / "chapters" / name).is_file()
