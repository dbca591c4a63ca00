"""``handbook serve`` in a real browser: Debian's Chromium through Selenium, against the real uvicorn server.

Fill the form and get the one-page PDF with the typed name (Chromium downloads it into a folder set
through the DevTools protocol); a bad dose is shown beside its field with the focus on it; the whole
form works from the keyboard; axe-core finds nothing serious on the page, on a phone and a desktop.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.browser import (
    AXE_JS,
    DESKTOP,
    PHONE,
    browser_marks,
    missing_browser,
    run_axe,
    set_viewport,
    skip_or_fail,
    start_chromium,
)
from helpers.pdfs import pdf_text
from helpers.serving import Server, running_server
from pypdf import PdfReader

MISSING = missing_browser()
pytestmark = browser_marks(MISSING)

BLOCKING = {"serious", "critical"}
# Must pass whatever axe's impact rating: contrast, a label for every control, content in landmarks.
ALWAYS = {"color-contrast", "label", "landmark-one-main", "landmark-unique", "landmark-no-duplicate-banner",
          "landmark-no-duplicate-contentinfo", "region", "page-has-heading-one", "heading-order"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if MISSING:
        skip_or_fail(MISSING)
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator:
    if MISSING:
        skip_or_fail(MISSING)
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    # Headless Chromium drops downloads unless told where to put them.
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def form(chromium, server: Server, downloads: Path):
    for old in downloads.iterdir():
        old.unlink()
    set_viewport(chromium, *DESKTOP, mobile=False)
    chromium.get(server.url)
    return chromium


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def after_submit(driver, element_id: str, timeout: float = 30):
    """The element the answer page has: a click does not wait for the page it sends for."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.ID, element_id)))


def downloaded_pdf(folder: Path, timeout: float = 60) -> Path:
    """The one finished PDF Chromium saved into ``folder``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == ".pdf"]
        partial = [p for p in folder.iterdir() if p.suffix == ".crdownload"]
        if done and not partial:
            assert len(done) == 1, done
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no PDF was downloaded into {folder}: {list(folder.iterdir())}")


def test_fill_in_the_form_and_get_the_one_page_pdf(form, server: Server, downloads: Path) -> None:
    by_id(form, "f-patient").send_keys("Zoë Łukasiewicz")
    by_id(form, "f-prescriber").send_keys("Dr. Rao")
    by_id(form, "f-start").send_keys("2026-03-02")
    by_id(form, "f-dose").send_keys("60")
    form.find_element("css selector", "form.sheet button[type=submit]").click()
    pdf = downloaded_pdf(downloads)
    assert pdf.name == "patient-sheet-letter.pdf"
    assert len(PdfReader(pdf).pages) == 1
    text = pdf_text(pdf)
    assert "Zoë Łukasiewicz" in text and "Dr. Rao" in text and "60 mg" in text
    assert form.current_url == server.url  # a download: the form stays, with what was typed
    assert by_id(form, "f-patient").get_attribute("value") == "Zoë Łukasiewicz"


def test_a_bad_dose_is_shown_beside_the_field_with_the_focus_on_it(form, downloads: Path) -> None:
    by_id(form, "f-patient").send_keys("Sam <b>Lee</b>")
    by_id(form, "f-dose").send_keys("abc")
    form.find_element("css selector", "form.sheet button[type=submit]").click()
    error = after_submit(form, "e-dose")
    shown = " ".join(error.get_attribute("textContent").split())  # "Error: " is there for screen readers
    assert shown == "Error: must be a number written like 50 or 0.1, got 'abc'"
    assert error.is_displayed()
    dose = by_id(form, "f-dose")
    assert form.switch_to.active_element == dose  # autofocus: the keyboard is where the problem is
    assert dose.get_attribute("aria-invalid") == "true"
    assert "e-dose" in dose.get_attribute("aria-describedby").split()
    # Beside it: in the same field box, just above the box to mend, and in view.
    box = dose.find_element("xpath", "ancestor::div[contains(@class, 'field')][1]")
    assert error.find_element("xpath", "ancestor::div[contains(@class, 'field')][1]") == box
    gap = dose.rect["y"] - (error.rect["y"] + error.rect["height"])
    assert 0 <= gap < 24, gap
    assert by_id(form, "f-patient").get_attribute("value") == "Sam <b>Lee</b>"
    assert form.find_elements("css selector", "#main b") == []  # the typed tag is text, not markup
    assert list(downloads.iterdir()) == []  # and no PDF


def test_an_electronic_prescription_gives_its_sheet(form, downloads: Path) -> None:
    from conftest import ROOT

    by_id(form, "f-fhir").send_keys(str(ROOT / "tests" / "fhir" / "standard-titration.json"))
    form.find_element("css selector", "form.sheet button[type=submit]").click()
    pdf = downloaded_pdf(downloads)
    assert len(PdfReader(pdf).pages) == 1
    assert "Zoë Łukasiewicz" in pdf_text(pdf)  # the patient named in the order


def test_a_refused_prescription_is_shown_beside_its_upload(form, downloads: Path) -> None:
    from conftest import ROOT

    by_id(form, "f-fhir").send_keys(str(ROOT / "tests" / "fhir" / "refuse-oral-route.json"))
    form.find_element("css selector", "form.sheet button[type=submit]").click()
    error = after_submit(form, "e-fhir")
    assert "MedicationRequest.dosageInstruction[0].route" in error.text
    assert form.switch_to.active_element == by_id(form, "f-fhir")
    assert list(downloads.iterdir()) == []


def test_the_form_works_from_the_keyboard_alone(form, downloads: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    keys = ActionChains(form)
    keys.send_keys(Keys.TAB).perform()
    patient = form.switch_to.active_element
    assert patient.get_attribute("id") == "f-patient"  # the first Tab reaches the first field
    outline = form.execute_script("return getComputedStyle(arguments[0]).outlineStyle", patient)
    assert outline != "none"  # and the focus can be seen
    ActionChains(form).send_keys("Riley Okafor").send_keys(Keys.TAB).perform()
    assert form.switch_to.active_element.get_attribute("id") == "f-prescriber"
    ActionChains(form).send_keys("Dr. Ng").send_keys(Keys.ENTER).perform()  # Enter sends the form
    pdf = downloaded_pdf(downloads)
    assert "Riley Okafor" in pdf_text(pdf) and "Dr. Ng" in pdf_text(pdf)
    assert len(PdfReader(pdf).pages) == 1


def test_every_control_can_be_reached_by_tab(form) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    wanted = {e.get_attribute("id") or e.text for e in form.find_elements(
        "css selector", "form input, form select, form button")}
    reached: set[str] = set()
    for _ in range(len(wanted) + 5):
        ActionChains(form).send_keys(Keys.TAB).perform()
        active = form.switch_to.active_element
        reached.add(active.get_attribute("id") or active.text)
    assert wanted <= reached, wanted - reached


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("state", ["blank", "with an error"])
def test_axe_finds_nothing_serious_on_the_form(chromium, server: Server, size: tuple[int, int], state: str) -> None:
    set_viewport(chromium, *size, mobile=size == PHONE)
    chromium.get(server.url)
    if state != "blank":
        by_id(chromium, "f-dose").send_keys("abc")
        chromium.find_element("css selector", "form.sheet button[type=submit]").click()
        after_submit(chromium, "e-dose")
    result = run_axe(chromium, AXE_JS.read_text(encoding="utf-8"))
    bad = [v for v in result["violations"] if v["impact"] in BLOCKING or v["id"] in ALWAYS]
    assert not bad, bad
    assert {"color-contrast", "label", "region", "landmark-one-main"} <= set(result["ran"])
    width = chromium.execute_script("return document.documentElement.scrollWidth")
    assert width <= size[0], f"the page scrolls sideways at {size[0]} px ({width} px wide)"
