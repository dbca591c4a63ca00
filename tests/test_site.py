"""The HTML site: every page built, every internal link lands, the PDF offered for download."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

CHAPTERS = [
    "at-a-glance", "quick-reference", "screening",
    "chapters/01-getting-ketamine", "chapters/02-finding-a-prescriber", "chapters/03-how-to-prescribe",
    "chapters/04-safety", "chapters/05-effectiveness", "chapters/06-routes", "chapters/07-dose",
    "chapters/08-duration-and-maintenance", "chapters/09-ketamine-assisted-psychotherapy",
    "chapters/10-mechanism", "chapters/11-when-to-offer",
    "appendix/disclaimer", "appendix/since-source", "appendix/evidence-levels", "appendix/glossary", "appendix/review-notes", "appendix/changelog",
    "appendix/references",
]


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_chapter_page_exists_and_is_in_the_navigation(built):
    index = _soup(built.html / "index.html")
    # The landing page shows cards by task; the chapter list is the sidebar's (the toctrees are hidden).
    nav = {a["href"].removesuffix(".html") for a in index.select(".sidebar-tree a.reference.internal")}
    for doc in CHAPTERS:
        assert (built.html / f"{doc}.html").is_file(), doc
        assert doc in nav, f"{doc} missing from the contents"


def test_every_internal_link_lands_on_a_page_and_anchor(built):
    broken = []
    pages = sorted(built.html.rglob("*.html"))
    id_cache: dict[Path, set[str]] = {}
    for page in pages:
        for a in _soup(page).find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append((page.name, href))
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in id_cache:
                    id_cache[target] = {t["id"] for t in _soup(target).find_all(id=True)}
                if parts.fragment not in id_cache[target]:
                    broken.append((page.name, href))
    assert not broken, broken[:10]


def download_links(html_dir: Path) -> dict[str, set[str]]:
    """Every page's links into downloads/, resolved to paths inside the site."""
    found = {}
    for page in html_dir.rglob("*.html"):
        hrefs = {a["href"] for a in _soup(page).find_all("a", href=True) if "downloads/" in a["href"]}
        found[str(page.relative_to(html_dir))] = {
            str((page.parent / href).resolve().relative_to(html_dir.resolve())) for href in hrefs}
    return found


def test_every_page_links_the_pdf_handbook_in_both_sizes_and_every_link_lands(built):
    links = download_links(built.html)
    both = {"downloads/ketamine-handbook-letter.pdf", "downloads/ketamine-handbook-a4.pdf"}
    missing = [page for page, targets in links.items() if not both <= targets]
    assert missing == [], f"pages without both PDF sizes: {missing[:5]}"
    dead = sorted({t for targets in links.values() for t in targets if not (built.html / t).is_file()})
    assert dead == []
    dose = links["chapters/07-dose.html"]
    assert {"downloads/patient-sheet-letter.pdf", "downloads/patient-sheet-a4.pdf"} <= dose


def test_a_build_of_one_paper_size_links_only_that_size(tmp_path):
    from conftest import run_handbook

    run_handbook("build", "--paper", "a4", "--out", str(tmp_path))
    links = download_links(tmp_path / "html")
    handbook = {t for targets in links.values() for t in targets if "ketamine-handbook" in t}
    assert handbook == {"downloads/ketamine-handbook-a4.pdf"}
    assert (tmp_path / "html" / "downloads" / "ketamine-handbook-a4.pdf").is_file()


def test_every_page_carries_edition_and_review_date(built):
    from handbook import __version__
    from handbook.model.dosing import load_dosing

    reviewed = load_dosing().last_reviewed.isoformat()
    for page in built.html.rglob("*.html"):
        if page.name in {"genindex.html", "search.html"}:
            continue
        text = page.read_text(encoding="utf-8")
        assert f"Edition {__version__}" in text and reviewed in text, page


def test_print_stylesheet_hides_navigation(built):
    css = (built.html / "_static" / "handbook.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".sidebar-drawer" in css
