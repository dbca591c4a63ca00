"""sphinx-design on the site, in Chromium: tabs and dropdowns by keyboard alone, all of them printed,
and the landing page compared with a stored picture.

Needs what tests/test_browser_site.py needs (Debian's chromium and chromium-driver, npm's axe-core);
without them these tests skip and say what to install.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.browser import (
    DESKTOP,
    browser_marks,
    missing_browser,
    serve,
    set_viewport,
    skip_or_fail,
    squash,
    start_chromium,
)
from helpers.pdfs import pdf_text
from PIL import Image
from test_sheet_visual import CHANGED_LEVEL, compare, diff_picture

MISSING = missing_browser()
pytestmark = browser_marks(MISSING)

REFERENCE = Path(__file__).resolve().parent / "reference" / "landing-1280.png"
# A screenshot differs more than a PDF render between runs (text anti-aliasing, the scrollbar), so the
# limits are looser than the sheet's; a moved card or a lost one changes several percent of the page.
MAX_CHANGED_PERCENT = 1.5
MAX_MEAN_DIFFERENCE = 3.0


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, built) -> Iterator:
    if MISSING:
        skip_or_fail(MISSING)
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        with serve(built.html) as base:
            def load(name: str, size: tuple[int, int] = DESKTOP) -> None:
                set_viewport(driver, *size, mobile=size[0] < 500)
                driver.get(base + name)
                driver.execute_script("return document.fonts.ready.then(() => true)")
            driver.load = load
            yield driver
    finally:
        driver.quit()


def _visible(driver, selector: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.checkVisibility())"
        ".map(e => e.innerText.trim().slice(0, 60))", selector)


def test_route_tabs_work_by_keyboard_alone(page) -> None:
    from selenium.webdriver.common.keys import Keys

    page.load("chapters/07-dose.html")
    panels = ".sd-tab-set .sd-tab-content"
    assert [p.split()[:3] for p in _visible(page, panels)] == [["The", "usual", "IV"]]
    first_tab = page.execute_script("return document.querySelector('.sd-tab-set > input')")
    # Reach the tabs with Tab from the element before them, as a keyboard user does.
    page.execute_script("const h = document.querySelector('.sd-tab-set').closest('section').querySelector('h2');"
                        "h.setAttribute('tabindex', '-1'); h.focus();")
    active = page.switch_to.active_element
    for _ in range(10):
        if page.execute_script("return document.activeElement === arguments[0]", first_tab):
            break
        active.send_keys(Keys.TAB)
        active = page.switch_to.active_element
    assert page.execute_script("return document.activeElement === arguments[0]", first_tab), "Tab never reached the tabs"
    active.send_keys(Keys.ARROW_RIGHT)
    assert [p.split()[:3] for p in _visible(page, panels)] == [["The", "usual", "intranasal"]]
    page.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert _visible(page, panels)[0].startswith("There is less agreement on an oral dose")


def test_a_dropdown_opens_by_keyboard_alone(page) -> None:
    from selenium.webdriver.common.keys import Keys

    page.load("chapters/04-safety.html")
    summary = page.execute_script("return document.querySelector('#liver-case-reports > summary')")
    assert not page.execute_script("return document.querySelector('#liver-case-reports').open")
    page.execute_script("arguments[0].focus()", summary)
    assert page.execute_script("return document.activeElement === arguments[0]", summary), "the summary cannot take focus"
    page.switch_to.active_element.send_keys(Keys.ENTER)
    assert page.execute_script("return document.querySelector('#liver-case-reports').open")
    assert "liver injury began after" in page.execute_script(
        "return document.querySelector('#liver-case-reports').innerText")


@pytest.mark.parametrize(("name", "expected"), [
    ("chapters/04-safety.html", ["The long-infusion case reports in detail", "liver injury began after"]),
    ("chapters/05-effectiveness.html", ["Where the two ends of the ketamine range come from", "Upper figure"]),
    ("chapters/07-dose.html", ["Intravenous", "The usual IV dose", "Intranasal", "The usual intranasal dose",
                               "Oral", "There is less agreement on an oral dose"]),
])
def test_printing_from_the_browser_shows_every_tab_and_closed_dropdown_in_order(page, tmp_path, name, expected):
    page.load(name)
    pdf = page.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.5, "paperHeight": 11, "printBackground": True})
    target = tmp_path / "printed.pdf"
    target.write_bytes(base64.b64decode(pdf["data"]))
    text = squash(pdf_text(target))
    start = text.find(squash(expected[0]))
    for words in expected:  # each one after the one before: every panel, in reading order
        found = text.find(squash(words), start)
        assert found != -1, f"{words!r} is not printed after the text before it"
        start = found


def test_the_landing_page_matches_its_reference_picture(page, built) -> None:
    page.load("index.html")
    page.execute_script("document.documentElement.style.scrollbarWidth = 'none'")
    shot = base64.b64decode(page.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"])
    work = built.out / "visual"
    work.mkdir(parents=True, exist_ok=True)
    (work / "landing-1280.png").write_bytes(shot)
    if os.environ.get("UPDATE_REFERENCE"):
        shutil.copyfile(work / "landing-1280.png", REFERENCE)
        pytest.skip(f"reference rewritten: {REFERENCE} (look at it before committing)")
    assert REFERENCE.exists(), "no reference; make it with UPDATE_REFERENCE=1 pytest tests/test_browser_components.py"
    with Image.open(REFERENCE) as reference, Image.open(io.BytesIO(shot)) as actual:
        reference.load()
        actual.load()
        assert reference.size == actual.size
        mean, changed, difference = compare(reference, actual)
        if mean > MAX_MEAN_DIFFERENCE or changed > MAX_CHANGED_PERCENT:
            diff_picture(reference, actual, difference).save(work / "landing-1280-diff.png")
            bbox = difference.point(lambda v: 255 if v > CHANGED_LEVEL else 0).getbbox()
            pytest.fail(f"the landing page no longer looks like {REFERENCE.name}: {changed:.2f} % of pixels "
                        f"changed, mean {mean:.2f}, within {bbox}; see {work / 'landing-1280-diff.png'}. "
                        "If intended: UPDATE_REFERENCE=1 pytest tests/test_browser_components.py")
