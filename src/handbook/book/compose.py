"""Compose the print document from Sphinx's single-page HTML.

Sphinx's ``singlehtml`` output is a web page: theme chrome, permalinks, the master page's
own text and the chapters inlined one after another. The PDF needs a book: a cover, a
contents list, then one chapter after another with ``h1`` chapter titles and ids that are
unique across the whole document. This module does that DOM pass and nothing else.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from .anchors import renamed_id

DOC_MARKER = "document-"


@dataclass(frozen=True)
class BookInfo:
    """What the cover, the running heads and the PDF metadata say."""

    title: str
    subtitle: str
    audience: str
    author: str
    subject: str
    keywords: str
    edition: str
    build_date: str
    last_reviewed: str
    paper: str = "letter"


def compose(singlehtml: str, info: BookInfo, stylesheet_url: str) -> str:
    """Return the print document (HTML) built from the singlehtml page's text."""
    soup = BeautifulSoup(singlehtml, "html.parser")
    article = soup.select_one("article[role=main]") or soup.select_one("div.body")
    if article is None:
        raise ValueError("no main article in the single-page HTML (theme changed?)")
    chapters = _extract_chapters(article)
    if not chapters:
        raise ValueError("no chapters found in the single-page HTML (toctree missing?)")
    for docname, section in chapters:
        _clean(section)
        _promote_headings(section)
        section["class"] = [*section.get("class", []), "chapter", "chapter-" + docname.replace("/", "-")]
        section["data-doc"] = docname
    _dedupe_ids(chapters)
    body = "\n".join(str(section) for _, section in chapters)
    return _document(info, stylesheet_url, _contents(chapters), body)


def _extract_chapters(article: Tag) -> list[tuple[str, Tag]]:
    """Each inlined page: the ``<span id="document-NAME">`` marker and the section after it."""
    chapters = []
    for marker in article.select(f'span[id^="{DOC_MARKER}"]'):
        docname = marker["id"].removeprefix(DOC_MARKER)
        section = marker.find_next_sibling("section")
        if section is not None:
            chapters.append((docname, section.extract()))
    return chapters


def _clean(section: Tag) -> None:
    for node in section.select("a.headerlink, .only-web, script"):
        node.decompose()
    # Furo repeats a table's id on its scrolling wrapper; keep it on the table only.
    for wrapper in section.select("div.table-wrapper[id]"):
        del wrapper["id"]


def _promote_headings(section: Tag) -> None:
    """singlehtml nests chapters under the master title (h2, h3, ...); in the book a chapter is h1."""
    for level in range(2, 7):
        for heading in section.find_all(f"h{level}"):
            heading.name = f"h{level - 1}"
    first = section.find("h1")
    if first is not None:
        first["class"] = [*first.get("class", []), "chapter-title"]


def _dedupe_ids(chapters: list[tuple[str, Tag]]) -> None:
    """Same rule as the Sphinx extension's links: the first page keeps an id, later pages rename theirs."""
    seen: set[str] = set()
    for docname, section in chapters:
        for node in [section, *section.find_all(id=True)]:
            node_id = node.get("id")
            if not node_id:
                continue
            if node_id in seen:
                node_id = node["id"] = renamed_id(docname, node_id)
            seen.add(node_id)


def _heading_text(heading: Tag) -> tuple[str, str]:
    number = heading.select_one(".section-number")
    number_text = number.get_text(strip=True).rstrip(".") if number else ""
    title = heading.get_text(" ", strip=True)
    if number:
        title = title.removeprefix(number.get_text(" ", strip=True)).strip()
    return number_text, title


def _contents(chapters: list[tuple[str, Tag]]) -> str:
    """The contents list; CSS adds dot leaders and page numbers with target-counter()."""
    items = []
    for _, section in chapters:
        heading = section.find("h1")
        if heading is None or not section.get("id"):
            continue
        number, title = _heading_text(heading)
        subs = []
        if number:  # sub-sections only for numbered chapters, to keep the list to two pages
            for sub in section.find_all("section", recursive=False):
                sub_heading = sub.find("h2")
                if sub_heading is not None and sub.get("id"):
                    sub_number, sub_title = _heading_text(sub_heading)
                    subs.append(_toc_item(sub["id"], sub_number, sub_title, "toc-section"))
        nested = f'<ol class="toc-sections">{"".join(subs)}</ol>' if subs else ""
        items.append(_toc_item(section["id"], number, title, "toc-chapter", nested))
    return f'<ol class="toc">{"".join(items)}</ol>'


def _toc_item(anchor: str, number: str, title: str, css: str, nested: str = "") -> str:
    num = f'<span class="toc-number">{html.escape(number)}</span> ' if number else ""
    return (f'<li class="{css}"><a class="toc-link" href="#{html.escape(anchor)}">{num}'
            f'<span class="toc-title">{html.escape(title)}</span></a>{nested}</li>')


def _document(info: BookInfo, stylesheet_url: str, contents: str, body: str) -> str:
    e = html.escape
    running = (
        f"@page {{ size: {info.paper}; }}\n"
        f'@page :left, :right {{ @bottom-left {{ content: "Edition {_css_string(info.edition)} · '
        f'last reviewed {_css_string(info.last_reviewed)}"; }} }}'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(info.title)}</title>
<meta name="author" content="{e(info.author)}">
<meta name="description" content="{e(info.subject)}">
<meta name="keywords" content="{e(info.keywords)}">
<meta name="dcterms.created" content="{e(info.build_date)}">
<meta name="dcterms.modified" content="{e(info.build_date)}">
<link rel="stylesheet" href="{e(stylesheet_url)}">
<style>{running}</style>
</head>
<body>
<section class="cover" aria-label="Cover">
<p class="cover-audience">{e(info.audience)}</p>
<h1 class="cover-title">{e(info.title)}</h1>
<p class="cover-subtitle">{e(info.subtitle)}</p>
<p class="cover-facts"><strong>Edition</strong> {e(info.edition)}<br>
<strong>Built</strong> {e(info.build_date)}<br>
<strong>Last reviewed</strong> {e(info.last_reviewed)}</p>
<p class="cover-note">Off-label use of a controlled medicine is discussed throughout. Check every dose against
the current data file and local rules before prescribing.</p>
</section>
<nav class="contents" aria-label="Contents">
<h1 class="contents-title">Contents</h1>
{contents}
</nav>
<main>
{body}
</main>
</body>
</html>
"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def read_singlehtml(folder: Path) -> str:
    return (folder / "index.html").read_text(encoding="utf-8")
