"""The built site in a real browser (headless Chromium): accessibility, phones, and printing a page.

Needs Debian's chromium and chromium-driver, and axe-core from npm (``npm ci --prefix tests/browser``);
without them these tests skip and say how to install them (in CI, HANDBOOK_REQUIRE_BROWSER=1 makes that a
failure). Screenshots go to ``<build>/screenshots/`` and, when set, to $HANDBOOK_SCREENSHOTS_DIR.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers.browser import (
    AXE_JS,
    DESKTOP,
    PHONE,
    browser_marks,
    missing_browser,
    run_axe,
    serve,
    set_color_scheme,
    set_viewport,
    site_pages,
    skip_or_fail,
    squash,
    start_chromium,
)
from helpers.pdfs import pdf_text, words

MISSING = missing_browser()
# Decided at collection, so a machine without a browser does not build the handbook just to skip.
pytestmark = browser_marks(MISSING)

SCREENSHOT_PAGES = {"landing": "index.html", "dosing": "chapters/07-dose.html",
                    "references": "appendix/references.html"}
SEARCH_WITH_RESULTS = "search.html?q=ketamine"
BLOCKING = {"serious", "critical"}
# Structure rules that must hold on every page whatever axe's impact rating of them.
ALWAYS = {"heading-order", "empty-heading", "page-has-heading-one", "landmark-unique", "image-alt", "svg-img-alt",
          "role-img-alt", "color-contrast"}


@dataclass
class Site:
    base: str
    pages: list[str]
    out: Path

    def url(self, page: str) -> str:
        return self.base + page


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    if MISSING:
        skip_or_fail(MISSING)
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site(chromium, built) -> Iterator[Site]:
    pages = site_pages(built.html)
    with serve(built.html) as base:
        yield Site(base=base, pages=pages, out=built.out)


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def load(driver, site: Site, page: str, *, size: tuple[int, int], mobile: bool = False, scheme: str = "light") -> None:
    set_viewport(driver, *size, mobile=mobile)
    set_color_scheme(driver, scheme)
    driver.get(site.url(page))
    driver.execute_script("return document.fonts.ready.then(() => true)")


@dataclass
class PageReport:
    """Everything measured on one page: it is loaded once per width and every check runs there."""

    axe: dict[int, dict] = field(default_factory=dict)  # width -> axe-core's result, all rules
    dark_contrast: dict | None = None  # axe's colour-contrast rule with prefers-color-scheme: dark
    headings: list = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    chart_alt: list[str] = field(default_factory=list)
    sideways: tuple[int, int, list[str]] | None = None  # phone: page width, window width, boxes that scroll
    search_results: int | None = None


@pytest.fixture(scope="module")
def reports(chromium, site: Site, axe_source: str) -> dict[str, PageReport]:
    results: dict[str, PageReport] = {}
    pages = [*site.pages, SEARCH_WITH_RESULTS]  # the search page as a reader sees it, with results
    for page in pages:
        report = results[page] = PageReport()
        load(chromium, site, page, size=DESKTOP)
        if page == SEARCH_WITH_RESULTS:
            report.search_results = chromium.execute_script(_SEARCH_RESULTS)
        report.axe[DESKTOP[0]] = run_axe(chromium, axe_source)
        if page != SEARCH_WITH_RESULTS:
            report.headings = chromium.execute_script(_HEADINGS)
            report.unlabelled = chromium.execute_script(_UNLABELLED)
            report.chart_alt = chromium.execute_script(_CHART_ALT)
            set_color_scheme(chromium, "dark")  # applies to the loaded page, as the reader's setting would
            assert chromium.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
            report.dark_contrast = run_axe(chromium, axe_source, {"runOnly": ["color-contrast"]})
            set_color_scheme(chromium, "light")
            if page in SCREENSHOT_PAGES.values():
                _screenshot(chromium, site, page, DESKTOP)
            for printed in PRINTED_PAGES.get(page, ()):
                _print_to_pdf(chromium, site, page, printed)
        load(chromium, site, page, size=PHONE, mobile=True)
        if page == SEARCH_WITH_RESULTS:
            chromium.execute_script(_SEARCH_RESULTS)
        report.axe[PHONE[0]] = run_axe(chromium, axe_source)
        if page != SEARCH_WITH_RESULTS:
            report.sideways = chromium.execute_script(_SIDEWAYS)
            if page in SCREENSHOT_PAGES.values():
                _screenshot(chromium, site, page, PHONE)
    return results


def test_axe_finds_no_serious_or_critical_violations(reports: dict[str, PageReport]) -> None:
    """axe-core (all its rules, colour contrast included) in every page, desktop and phone widths."""
    failures: dict[str, list[str]] = {}  # one line per problem, with every page where it occurs
    counts, incomplete = {}, {}
    for page, report in reports.items():
        if page == SEARCH_WITH_RESULTS:
            assert report.search_results, "the site's search found nothing for “ketamine”"
        for width, result in report.axe.items():
            assert "color-contrast" in result["ran"] or page.startswith("search.html"), f"{page}: contrast not checked"
            bad = [v for v in result["violations"] if v["impact"] in BLOCKING or v["id"] in ALWAYS]
            counts[f"{page}@{width}"] = len(result["violations"])
            incomplete.update({f"{page}@{width}:{i['id']}": i["count"] for i in result["incomplete"]})
            for v in bad:
                nodes = f"{', '.join(v['nodes'][:3])}{' …' if len(v['nodes']) > 3 else ''}"
                failures.setdefault(f"{v['id']} ({v['impact']}: {v['help']}) on {nodes}", []).append(
                    f"{page}@{width}px")
    print(f"axe: {sum(counts.values())} violations of any impact over {len(counts)} page loads; "
          f"incomplete: {incomplete}")
    assert not failures, "axe-core violations:\n" + "\n".join(
        f"- {problem}\n    in {', '.join(where)}" for problem, where in failures.items())


def test_text_contrast_in_dark_mode(reports: dict[str, PageReport]) -> None:
    """furo follows the reader's dark-mode setting; text contrast (≥ 4.5:1) must hold there too."""
    failures = [f"{page}: {', '.join(v['nodes'][:6])}" for page, report in reports.items() if report.dark_contrast
                for v in report.dark_contrast["violations"]]
    assert not failures, "text below 4.5:1 contrast in dark mode:\n" + "\n".join(failures)


def test_every_source_page_is_built_and_checked(site: Site) -> None:
    """The page list the tests walk is the real one: one page per source document, plus index and search."""
    source = Path(__file__).resolve().parents[1] / "source"
    expected = {p.relative_to(source).with_suffix(".html").as_posix()
                for p in source.rglob("*.md") if not any(part.startswith("_") for part in p.parts)}
    assert expected <= set(site.pages), f"source documents without a built page: {sorted(expected - set(site.pages))}"
    assert {"genindex.html", "search.html"} <= set(site.pages)


_SEARCH_RESULTS = """
return new Promise(done => {
  const start = Date.now();
  (function wait() {
    const found = document.querySelectorAll('#search-results li').length;
    if (found || Date.now() - start > 10000) done(found); else setTimeout(wait, 50);
  })();
});
"""


_HEADINGS = """
const main = document.querySelector('article[role=main]') || document.querySelector('main') || document.body;
return Array.from(main.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]'))
  .filter(h => h.getClientRects().length)
  .map(h => [h.matches('[role=heading]') ? Number(h.getAttribute('aria-level') || 2) : Number(h.tagName[1]),
             h.textContent.trim().replace(/\\s+/g, ' ').replace(/[#¶]$/, '')]);
"""


def test_headings_in_order(reports: dict[str, PageReport]) -> None:
    """In each page's content: one h1, first; no level skipped on the way down (h2 → h4)."""
    failures = []
    for page, report in reports.items():
        if page == SEARCH_WITH_RESULTS:
            continue
        headings = report.headings
        if not headings:
            if page != "search.html":  # the empty search form has no content headings (see the report)
                failures.append(f"{page}: no headings")
            continue
        levels = [level for level, _ in headings]
        if levels[0] != 1 or levels.count(1) != 1:
            failures.append(f"{page}: expected one h1 first, got levels {levels[:8]}")
        failures += [f"{page}: h{prev} → h{level} “{text}”"
                     for prev, (level, text) in zip(levels, headings[1:], strict=False) if level > prev + 1]
    assert not failures, "heading order:\n" + "\n".join(failures)


_UNLABELLED = """
function named(el) {
  if (el.tagName === 'IMG') return (el.getAttribute('alt') || '').trim() !== ''
                                   || el.getAttribute('role') === 'presentation';
  if ((el.getAttribute('aria-label') || '').trim()) return true;
  const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  if (ids.some(id => (document.getElementById(id)?.textContent || '').trim())) return true;
  const title = el.querySelector(':scope > title');
  return !!(title && title.textContent.trim()) || (el.getAttribute('alt') || '').trim() !== '';
}
const candidates = document.querySelectorAll(
  'img, [role=img], object, canvas, embed, article svg:not([aria-hidden=true]), figure svg');
return Array.from(candidates).filter(el => !named(el) && !el.closest('[aria-hidden=true]'))
  .map(el => el.outerHTML.slice(0, 160));
"""


def test_every_image_and_chart_has_alt_text(reports: dict[str, PageReport]) -> None:
    failures = [f"{page}: {html}" for page, report in reports.items() for html in report.unlabelled]
    assert not failures, "images or charts without alt text:\n" + "\n".join(failures)
    chart_alt = reports[SCREENSHOT_PAGES["dosing"]].chart_alt
    assert chart_alt, "the dosing chapter has no chart: this test checks nothing"
    assert all("mg" in alt for alt in chart_alt), f"the chart's alt text does not give the doses: {chart_alt}"


_CHART_ALT = "return Array.from(document.querySelectorAll('figure img'), i => i.alt)"

_SIDEWAYS = """
const out = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('pre, .highlight') || !el.getClientRects().length) continue;
  const overflow = getComputedStyle(el).overflowX;
  if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1)
    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${el.scrollWidth} > ${el.clientWidth} px)`);
}
return [document.documentElement.scrollWidth, window.innerWidth, out];
"""


def test_no_horizontal_scrolling_on_a_phone(reports: dict[str, PageReport]) -> None:
    """At 390 px nothing scrolls sideways: not the page, and not a box inside it (code blocks excepted)."""
    failures = []
    for page, report in reports.items():
        if report.sideways is None:
            continue
        scroll_width, inner_width, boxes = report.sideways
        assert inner_width == PHONE[0]
        if scroll_width > inner_width:
            failures.append(f"{page}: the page is {scroll_width} px wide in a {inner_width} px window")
        failures += [f"{page}: {box} scrolls sideways" for box in boxes]
    assert not failures, "horizontal scrolling at 390 px:\n" + "\n".join(failures)


def _screenshot(chromium, site: Site, page: str, size: tuple[int, int]) -> None:
    """A whole-page screenshot for people to look at, under the build folder (and $HANDBOOK_SCREENSHOTS_DIR)."""
    targets = [site.out / "screenshots"]
    if os.environ.get("HANDBOOK_SCREENSHOTS_DIR"):
        targets.append(Path(os.environ["HANDBOOK_SCREENSHOTS_DIR"]))
    name = next(name for name, p in SCREENSHOT_PAGES.items() if p == page)
    height = chromium.execute_script("return document.documentElement.scrollHeight")
    shot = chromium.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": height, "scale": 1}})
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}-{size[0]}.png").write_bytes(base64.b64decode(shot["data"]))


def test_screenshots_at_phone_and_desktop_widths(reports: dict[str, PageReport], site: Site) -> None:
    from PIL import Image, ImageStat

    for name in SCREENSHOT_PAGES:
        for size in (PHONE, DESKTOP):
            shot = site.out / "screenshots" / f"{name}-{size[0]}.png"
            with Image.open(shot) as image:
                assert image.width == size[0], f"{shot.name} is {image.width} px wide"
                assert image.height >= size[1] // 2, f"{shot.name} is only {image.height} px tall"
                assert ImageStat.Stat(image.convert("L")).stddev[0] > 10, f"{shot.name} looks blank"


# Text that only furo's navigation shows (announcement, sidebars, "on this page", footer links).
_NAVIGATION = """
return Array.from(document.querySelectorAll(
  '.announcement, .mobile-header, .sidebar-drawer, .toc-drawer, .related-pages, .bottom-of-page'),
  el => el.innerText || el.textContent);
"""
PAPERS = {"letter": (8.5, 11.0), "a4": (8.27, 11.69)}
PRINTED_PAGES = {page: tuple(PAPERS) for page in ("chapters/07-dose.html", "chapters/01-getting-ketamine.html")}
PRINTED: dict[tuple[str, str], tuple[Path, list[str], str]] = {}  # (page, paper) -> (PDF, navigation, article)
MARGIN_IN = 0.5
TOLERANCE_PT = 2.0  # glyph boxes overhang their advance by a fraction of a point


def _print_to_pdf(chromium, site: Site, page: str, paper: str) -> None:
    """Chromium's print-to-PDF of the loaded page, with what the page showed, for the test below."""
    width, height = PAPERS[paper]
    navigation = chromium.execute_script(_NAVIGATION)
    # The article as print shows it (every tab and dropdown open), not as the screen does.
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    article = chromium.execute_script("return document.querySelector('article[role=main]').innerText")
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = chromium.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": width, "paperHeight": height, "marginTop": MARGIN_IN, "marginBottom": MARGIN_IN,
        "marginLeft": MARGIN_IN, "marginRight": MARGIN_IN, "printBackground": True, "displayHeaderFooter": False})
    target = site.out / "browser-print" / f"{Path(page).stem}-{paper}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(pdf["data"]))
    PRINTED[(page, paper)] = (target, navigation, article)


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("page", sorted(PRINTED_PAGES))
def test_printing_a_chapter_from_the_browser(reports: dict[str, PageReport], page: str, paper: str) -> None:
    """Chromium's print-to-PDF: the chapter's text, no navigation or sidebar, nothing past the margins."""
    target, navigation, article = PRINTED[(page, paper)]
    printed, article_text = squash(pdf_text(target)), squash(article)
    nav_lines = {squash(line) for block in navigation for line in block.splitlines()}
    only_nav = sorted(line for line in nav_lines if len(line) >= 4 and line not in article_text)
    assert len(only_nav) >= 10, f"too few navigation lines to test with: {only_nav}"
    leaked = [line for line in only_nav if line in printed]
    assert not leaked, f"navigation printed with {page} ({target}): {leaked}"

    article_words = {w.strip(".,;:()[]“”\"'") for w in article_text.split()} - {""}
    printed_words = {w.strip(".,;:()[]“”\"'") for w in printed.split()}
    missing = sorted(w for w in article_words if w.isalpha() and len(w) > 3 and w not in printed_words)
    assert len(missing) <= len(article_words) // 100, f"article text missing from the print: {missing[:20]}"

    margin = MARGIN_IN * 72 - TOLERANCE_PT
    outside = [f"p{w.page} “{w.text}” at x {w.x_min:.0f}–{w.x_max:.0f}, y {w.y_min:.0f}–{w.y_max:.0f}"
               for w in words(target)
               if w.x_min < margin or w.y_min < margin
               or w.x_max > w.page_width - margin or w.y_max > w.page_height - margin]
    assert not outside, f"text beyond the {MARGIN_IN} in margins of {target}:\n" + "\n".join(outside[:20])
