"""The PDF handbook, read back as a reader would meet it (pypdf and pdfium on the real file)."""

from __future__ import annotations

import itertools
import os
import re
import stat

import pytest
from bs4 import BeautifulSoup
from helpers.pdfs import lines, outline, page_size, page_texts, words
from pypdf import PdfReader

from handbook import __version__
from handbook.model.dosing import load_dosing

MM = 72 / 25.4


def test_cover_says_what_it_is_which_edition_and_when(built):
    cover = page_texts(built.pdf)[0]
    assert "Ketamine for Depression" in cover
    assert "For clinicians".upper() in cover.upper()
    assert __version__ in cover
    assert "2026-01-01" in cover  # SOURCE_DATE_EPOCH of the test build
    assert load_dosing().last_reviewed.isoformat() in cover


def test_contents_page_numbers_match_where_chapters_start(built):
    texts = page_texts(built.pdf)
    marks = {title: page + 1 for depth, title, page in outline(built.pdf) if depth == 0}
    contents = "\n".join(t for t in texts[1:4] if "Contents" in t)
    entries = re.findall(r"^(?:\d+\s+)?(.+?)[\s.]*\.\s*(\d+)\s*$", contents, flags=re.MULTILINE)
    assert len(entries) >= 15, contents[:500]
    checked = 0
    for title, number in entries:
        title = re.sub(r"\s+", " ", title).strip(" .")
        match = [page for mark, page in marks.items() if mark.endswith(title)]
        if match:
            assert int(number) == match[0], f"contents says {title!r} is on p. {number}, it starts on p. {match[0]}"
            checked += 1
    assert checked >= 15


def test_bookmarks_mirror_the_chapter_headings_without_link_glyphs(built):
    soup = BeautifulSoup(built.print_html.read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h1, nav.contents h1")]
    top = [title for depth, title, _ in outline(built.pdf) if depth == 0]
    assert [re.sub(r"\s+", " ", t) for t in top] == [re.sub(r"\s+", " ", h) for h in headings]
    every = [title for _, title, _ in outline(built.pdf)]
    assert len(every) > len(top)  # sections nest under chapters
    assert not [t for t in every if "¶" in t or "#" in t]


def test_chapters_are_numbered_and_running_heads_name_them(built):
    texts = page_texts(built.pdf)
    marks = [(t, p) for d, t, p in outline(built.pdf) if d == 0]
    numbered = [t for t, _ in marks if re.match(r"\d+\.? ", t)]
    assert len(numbered) == 11
    title, page = next((t, p) for t, p in marks if t.startswith("4"))
    following = texts[page + 1] if page + 1 < len(texts) else texts[page]
    assert title.split(" ", 1)[1] in following  # running head on the chapter's next page


def test_every_page_has_edition_review_date_and_page_x_of_y(built):
    texts = page_texts(built.pdf)
    total = len(texts)
    reviewed = load_dosing().last_reviewed.isoformat()
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {total}" in text
        assert f"Edition {__version__}" in text and reviewed in text


def test_metadata_tags_language_and_title_bar(built):
    reader = PdfReader(built.pdf)
    meta = reader.metadata
    assert meta.title == "Ketamine for Depression"
    assert meta.author and meta.subject and "ketamine" in (meta.get("/Keywords") or "")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith("en")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_every_font_is_embedded_and_ships_with_the_project(built):
    reader = PdfReader(built.pdf)
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names and all(n.startswith(("Source-Serif-4", "Source-Sans-3")) for n in names), names


def test_letter_by_default(built):
    width, height = page_size(built.pdf)
    assert (round(width), round(height)) == (612, 792)


def test_no_text_runs_past_the_margins(built):
    width, _ = page_size(built.pdf)
    found = words(built.pdf)
    assert found
    # 20 mm margins; 2 mm of slack for italic overhang and rounding.
    outside = [w for w in found if w.x_min < 18 * MM or w.x_max > width - 18 * MM]
    assert not outside, outside[:5]


def test_no_word_is_stranded_on_a_line_of_its_own(built):
    """A single word alone on a line, its sentence going on below, is a layout slip (handbook.linebreak)."""
    stranded = []
    for line, below in itertools.pairwise(lines(built.pdf)):
        word = line.text.lstrip("•").strip()
        # A web address too long for one line is broken where it can be; that is not a stranded word.
        if (line.page == below.page and word and " " not in word and "/" not in word and word[-1].isalpha()
                and below.text[:1].islower() and len(below.text) > 50 and abs(line.x_min - below.x_min) <= 2):
            stranded.append(f"p{line.page}: {word!r} above {below.text[:40]!r}")
    assert not stranded, stranded


def test_links_resolve_and_weasyprint_reported_nothing(built):
    html = built.print_html.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert len(ids) == len(soup.find_all(id=True)), "an id is defined twice"
    internal = [a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")]
    assert internal and not [h for h in internal if h.startswith("document-") and "#" in h]
    assert not [h for h in internal if h not in ids]
    log = (built.out / "print" / "weasyprint-letter.log").read_text(encoding="utf-8")
    assert log == "", log  # no "No anchor", no "Anchor defined twice", no refused fetch


def test_citations_link_to_references_that_show_doi_or_pmid(built):
    texts = page_texts(built.pdf)
    refs = "\n".join(texts[-8:])
    assert "doi:10.1017/S0033291716000064" in refs.replace("\n", "")
    assert "PMID 26867988" in refs
    reader = PdfReader(built.pdf)
    internal_links = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if (annot.get("/Subtype") == "/Link" and "/Dest" in annot) or ("/A" in annot and annot["/A"].get("/S") == "/GoTo"):
                internal_links += 1
    assert internal_links > 100


def test_pdfs_are_readable_by_others_like_any_new_file(built):
    # Written through a private temporary file; the result must not keep its 0600 mode, or a web
    # server could not serve the site's download links.
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    downloads = built.html / "downloads"
    pdfs = [built.pdf, *downloads.glob("*.pdf"), *(built.out / "sheet").glob("*.pdf")]
    assert len(pdfs) >= 4
    for pdf in pdfs:
        assert stat.S_IMODE(pdf.stat().st_mode) == expected, f"{pdf} has mode {oct(pdf.stat().st_mode)}"


def test_every_tab_and_dropdown_is_printed_open_under_its_title(built):
    """On paper nothing can be clicked open: the route tabs and the closed dropdowns print whole, in order."""
    text = " ".join(" ".join(page_texts(built.pdf)).split())
    expected = [
        ("4.5. Liver", "The long-infusion case reports in detail", "liver injury began after"),
        ("Effect sizes", "Where the two ends of the ketamine range come from", "Upper figure"),
        ("7.1. The three routes", "Intravenous", "The usual IV dose", "Intranasal", "The usual intranasal dose",
         "Oral", "There is less agreement on an oral dose"),
    ]
    for sequence in expected:
        start = text.find(sequence[0])
        assert start != -1, sequence[0]
        for phrase in sequence[1:]:
            found = text.find(phrase, start)
            assert found != -1, f"{phrase!r} is not printed after {sequence[0]!r}"
            start = found
    html = built.print_html.read_text(encoding="utf-8")
    assert "<details" not in html and 'type="radio"' not in html


def test_evidence_badges_print_as_text_labels(built):
    text = " ".join(" ".join(page_texts(built.pdf)).split())
    assert "Evidence: Meta-analysis" in text and "Evidence: Drug label or regulator" in text


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_no_word_is_split_across_lines_without_a_hyphen(built, paper):
    """A name or word cut in two at a line end ("No" / "ppers") with no hyphen is a layout slip."""
    printed = lines(built.out / "pdf" / f"ketamine-handbook-{paper}.pdf")
    # Words seen whole: inside lines only, since a fragment is always at a line's start or end.
    vocabulary = {w.text.strip(".,;:()[]") for line in printed for w in line.words[1:-1]}
    split = []
    for line, below in itertools.pairwise(printed):
        if line.page != below.page or not line.words or not below.words:
            continue
        head, tail = line.words[-1].text, below.words[0].text
        if not (head[-1:].isalpha() and tail[:1].islower()):
            continue
        tail_word = tail.strip(".,;:()[]")
        joined = head.strip("([") + tail_word
        if joined in vocabulary and tail_word not in vocabulary:
            split.append(f"p{line.page}: {head!r} / {tail!r}")
    assert split == [], split[:10]
