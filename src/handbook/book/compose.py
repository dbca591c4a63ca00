"""Compose the print document (a book) from Sphinx's single-page HTML.

Sphinx's ``singlehtml`` output is a web page: theme chrome, permalinks, the master page's own
text and the pages inlined one after another. The PDF needs a book: a cover, a contents list,
then one chapter after another with ``h1`` chapter titles, every id unique across the whole
document and every link pointing at the id its target has there. This module does that DOM pass;
``templates/book/handbook.html.j2`` is the book's skeleton.

Two measured problems are mended here (README, "Known traps"):

* Sphinx >= 8.2 writes cross-page links as ``#document-chapter#anchor`` in singlehtml
  (sphinx#14221); no id matches, and WeasyPrint silently drops the link.
* Docutils ids (``id1``, a section slug such as ``summary``) are unique only within one page;
  merged, they collide ("Anchor defined twice") and links jump to the wrong place.

The rule for both: the first page (in reading order) to use an id keeps it; a later page's copy
becomes ``<page-slug>-<id>``, and every link is pointed at the id its target has after that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from bs4 import BeautifulSoup, Tag

from handbook import project

DOC_MARKER = "document-"
TEMPLATE = "handbook.html.j2"


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
    next_review: str = ""
    paper: str = "letter"


@dataclass(frozen=True)
class Chapter:
    docname: str  # the source page: ``chapters/04-safety``
    anchor: str  # its section's id in the print document
    title: str  # as its heading reads: ``4. Safety``


def compose(singlehtml: str, info: BookInfo, stylesheet_url: str) -> str:
    """Return the print document (HTML) built from the singlehtml page's text."""
    return compose_with_chapters(singlehtml, info, stylesheet_url)[0]


def compose_with_chapters(singlehtml: str, info: BookInfo, stylesheet_url: str) -> tuple[str, list[Chapter]]:
    """The print document, and its chapters in reading order (each becomes a PDF of its own too)."""
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
    merged = MergedIds(chapters)
    merged.rename_ids()
    merged.point_links()
    add_chapter_references(chapters)
    html = _template().render(book=info, stylesheet_url=stylesheet_url, contents=_contents(chapters),
                              body="\n".join(str(section) for _, section in chapters))
    listed = [Chapter(docname, section["id"], _chapter_title(section)) for docname, section in chapters
              if section.get("id")]
    return html, listed


def read_singlehtml(folder: Path) -> str:
    return (folder / "index.html").read_text(encoding="utf-8")


def last_reviewed_of(singlehtml: str) -> str:
    """The review date the Sphinx build printed (``handbook.sphinxext.facts`` writes it as a meta tag)."""
    return _meta(singlehtml, project.REVIEW_META)


def next_review_of(singlehtml: str) -> str:
    """The date the next review is due, as the Sphinx build printed it."""
    return _meta(singlehtml, project.NEXT_REVIEW_META)


def _meta(singlehtml: str, name: str) -> str:
    found = re.search(rf'<meta name="{name}" content="([^"]+)"', singlehtml)
    if found is None:
        raise ValueError(f"no <meta name={name!r}> in the single-page HTML (is handbook.sphinxext loaded?)")
    return found.group(1)


# -- pages into chapters ------------------------------------------------------------------
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
    _unfold_panels(section)


def _unfold_panels(section: Tag) -> None:
    """On paper nothing can be clicked open: every tab panel and dropdown is printed, each under its title.

    sphinx-design's tabs are radio buttons, labels and panels; its dropdowns are ``<details>``. Each
    becomes a titled panel in reading order (the title a paragraph, so the book's bookmarks stay chapters
    and sections).
    """
    for tab_set in section.select("div.sd-tab-set"):
        for radio in tab_set.find_all("input", recursive=False):
            radio.decompose()
        for label in tab_set.select(":scope > label.sd-tab-label"):
            title = _new_tag("p", "panel-title", label.get_text(" ", strip=True))
            label.replace_with(title)
        tab_set["class"] = ["panels"]
    for details in section.select("details.sd-dropdown"):
        summary = details.find("summary")
        title = _new_tag("p", "panel-title", summary.get_text(" ", strip=True) if summary else "")
        body = details.select_one(".sd-summary-content")
        panel = _new_tag("div", "panel")
        if details.get("id"):
            panel["id"] = details["id"]
        panel.append(title)
        for child in list((body or details).children):
            if child is not summary:
                panel.append(child.extract())
        details.replace_with(panel)


def _new_tag(name: str, css_class: str, text: str = "") -> Tag:
    tag = BeautifulSoup("", "html.parser").new_tag(name, attrs={"class": css_class})
    if text:
        tag.string = text
    return tag


def _promote_headings(section: Tag) -> None:
    """singlehtml nests chapters under the master title (h2, h3, ...); in the book a chapter is h1."""
    for level in range(2, 7):
        for heading in section.find_all(f"h{level}"):
            heading.name = f"h{level - 1}"
    first = section.find("h1")
    if first is not None:
        first["class"] = [*first.get("class", []), "chapter-title"]


# -- ids and links of the merged page ----------------------------------------------------------
def page_slug(docname: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-").lower()


class MergedIds:
    """The ids of all chapters in one page, and the links between them."""

    def __init__(self, chapters: list[tuple[str, Tag]]) -> None:
        self.chapters = chapters
        self.first_section = {docname: section.get("id") for docname, section in chapters}
        taken: set[str] = set()
        pending: list[tuple[str, str]] = []  # (page, id) copies that must be renamed
        self.defined: dict[str, set[str]] = {}  # page -> the ids it defines, as Sphinx wrote them
        for docname, section in chapters:
            ids = _ids_in_order(section)
            self.defined[docname] = set(ids)
            for node_id in ids:
                if node_id in taken:
                    pending.append((docname, node_id))
                taken.add(node_id)
        self.renamed: dict[tuple[str, str], str] = {}
        for docname, node_id in pending:
            new_id = base = f"{page_slug(docname)}-{node_id}"
            count = 2
            while new_id in taken:  # the new name may itself be an id somewhere: count up
                new_id, count = f"{base}-{count}", count + 1
            taken.add(new_id)
            self.renamed[(docname, node_id)] = new_id

    def merged(self, docname: str, anchor: str) -> str:
        """The id that ``anchor`` of page ``docname`` has in the merged page."""
        return self.renamed.get((docname, anchor), anchor)

    def rename_ids(self) -> None:
        """A later page's copy of an id gets the page's prefix."""
        for docname, section in self.chapters:
            for node in [section, *section.find_all(id=True)]:
                node_id = node.get("id")
                if node_id:
                    node["id"] = self.merged(docname, node_id)

    def point_links(self) -> None:
        """``#anchor`` (same page) and ``#document-page#anchor`` (another page) point at merged ids.

        A link into another chapter also says where that is on paper (the book's CSS adds the page
        from ``target-counter``): the chapter's PDF keeps the words when its link has nowhere to go.
        """
        titles = {docname: _chapter_title(section) for docname, section in self.chapters}
        for docname, section in self.chapters:
            for link in section.find_all("a", href=True):
                href = link["href"]
                if not href.startswith("#"):
                    continue
                if href.startswith("#" + DOC_MARKER):
                    target, _, anchor = href[1 + len(DOC_MARKER):].partition("#")
                    anchor = anchor or self.first_section.get(target) or ""
                    if anchor:
                        link["href"] = "#" + self.merged(target, anchor)
                        if target != docname and not anchor.startswith(CITE_PREFIX):
                            _mark_cross_chapter(link, titles.get(target, ""))
                else:
                    link["href"] = "#" + self.merged(docname, href[1:])


def _chapter_title(section: Tag) -> str:
    heading = section.find("h1")
    if heading is None:
        return ""
    number, title = _heading_text(heading)
    return f"{number}. {title}" if number else title


def _mark_cross_chapter(link: Tag, chapter: str) -> None:
    """``to-chapter`` when the link's words name the chapter, else ``to-section`` with the chapter named."""
    words = link.get_text(" ", strip=True)
    if not chapter or words == chapter or words == chapter.split(". ", 1)[-1]:
        link["class"] = [*link.get("class", []), "to-chapter"]
    else:
        link["class"] = [*link.get("class", []), "to-section"]
        link["data-chapter"] = chapter
        number = chapter.split(". ", 1)[0]
        link["data-chapter-short"] = f"ch. {number}" if number.isdigit() else chapter


# -- each chapter's own references --------------------------------------------------------------
CITE_PREFIX = "cite-"


def add_chapter_references(chapters: list[tuple[str, Tag]]) -> None:
    """Close each chapter with the works it cites, in order of first citation, its citations pointing there.

    A chapter printed on its own (its own PDF) then carries its references; the full list stays in the
    References appendix.
    """
    entries = {node["id"]: node for _, section in chapters for node in section.select("div.citation[id]")}
    for docname, section in chapters:
        if section.select_one("div.citation"):  # the References appendix itself
            continue
        cited: list[str] = []
        for link in section.select(f'a[href^="#{CITE_PREFIX}"]'):
            key = link["href"][1:]
            if key in entries:
                if key not in cited:
                    cited.append(key)
                link["href"] = f"#{page_slug(docname)}-{key}"
        if not cited:
            continue
        block = _new_tag("section", "chapter-references")
        block["id"] = f"{page_slug(docname)}-references"
        block.append(_new_tag("h2", "chapter-references-title", "References cited in this chapter"))
        for key in cited:
            entry = BeautifulSoup(str(entries[key]), "html.parser").div
            entry["id"] = f"{page_slug(docname)}-{key}"
            block.append(entry)
        section.append(block)


def _ids_in_order(section: Tag) -> list[str]:
    return [node["id"] for node in [section, *section.find_all(id=True)] if node.get("id")]


# -- contents and skeleton --------------------------------------------------------------------
def _heading_text(heading: Tag) -> tuple[str, str]:
    number = heading.select_one(".section-number")
    number_text = number.get_text(strip=True).rstrip(".") if number else ""
    title = heading.get_text(" ", strip=True)
    if number:
        title = title.removeprefix(number.get_text(" ", strip=True)).strip()
    return number_text, title


def _contents(chapters: list[tuple[str, Tag]]) -> list[dict[str, object]]:
    """The contents list, chapter by chapter; CSS adds dot leaders and page numbers with target-counter()."""
    items: list[dict[str, object]] = []
    for _, section in chapters:
        heading = section.find("h1")
        if heading is None or not section.get("id"):
            continue
        number, title = _heading_text(heading)
        subs = []
        if number:  # sub-sections only for numbered chapters, to keep the list to two pages
            for sub in section.find_all("section", recursive=False):
                if "chapter-references" in sub.get("class", []):
                    continue
                sub_heading = sub.find("h2")
                if sub_heading is not None and sub.get("id"):
                    sub_number, sub_title = _heading_text(sub_heading)
                    subs.append({"anchor": sub["id"], "number": sub_number, "title": sub_title})
        items.append({"anchor": section["id"], "number": number, "title": title, "sections": subs})
    return items


def css_string(text: str) -> str:
    """Text made safe inside a CSS string in double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(project.TEMPLATES_DIR / "book"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env.get_template(TEMPLATE)
