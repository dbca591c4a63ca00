"""Checkers no one here wrote, run over what a reader gets: every page of the site, the handbook in
both sizes and both blank sheets.

* the Nu HTML Checker (npm ``vnu-jar``; runs on Java): no errors on any page;
* Mozilla's PDF.js (npm ``pdfjs-dist``), in Chromium: opens each PDF and renders every page with no
  error and no warning, as a referring doctor's browser would;
* qpdf, through pikepdf: no structural problem in any PDF, each chapter's own included.

The npm packages come from ``tests/browser/package-lock.json`` (``npm ci --prefix tests/browser``).
Without Java, npm or Chromium the first two skip and say what to install (CI makes that a failure);
the qpdf check needs only PyPI packages and always runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from helpers.browser import TESTS, missing_browser, serve, skip_or_fail, start_chromium
from pypdf import PdfReader

from handbook.model.papers import PAPERS

NODE_MODULES = TESTS / "browser" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
PDFJS_BUILD = NODE_MODULES / "pdfjs-dist" / "build"
PDFJS_RENDER = TESTS / "browser" / "pdfjs-render.js"
# Our harness runs PDF.js's worker on the page's thread so its warnings can be read; PDF.js says so once.
HARNESS_NOTICE = "Warning: Setting up fake worker."


def reader_pdfs(built) -> list[Path]:
    return [*(built.out / "pdf" / f"ketamine-handbook-{paper}.pdf" for paper in sorted(PAPERS)),
            *(built.sheets / f"patient-sheet-{paper}.pdf" for paper in sorted(PAPERS))]


def test_qpdf_finds_no_structural_problem_in_any_pdf(built) -> None:
    problems = {}
    chapters = sorted((built.out / "pdf" / "chapters").glob("*.pdf"))
    assert len(chapters) > 40, "the chapters' own PDFs are missing"
    for pdf in [*reader_pdfs(built), *chapters]:
        assert pdf.is_file(), f"the build wrote no {pdf.name}"
        with pikepdf.open(pdf) as document:
            found = document.check_pdf_syntax()
        if found:
            problems[pdf.name] = found
    assert problems == {}


def test_the_nu_html_checker_finds_no_error_on_any_page(built) -> None:
    if shutil.which("java") is None:
        skip_or_fail("Java is missing for the Nu HTML Checker: apt-get install default-jre-headless")
    if not VNU_JAR.exists():
        skip_or_fail("the Nu HTML Checker is missing: npm ci --prefix tests/browser (needs nodejs and npm)")
    pages = sorted(built.html.rglob("*.html"))
    assert len(pages) > 20
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "gnu", "--skip-non-html",
                             str(built.html)], capture_output=True, text=True, check=False, timeout=600)
    errors = [line.replace(f"file:{built.html}/", "") for line in result.stderr.splitlines() if line.strip()]
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:30])
    assert result.returncode == 0, result.stdout


@pytest.mark.browser
def test_pdfjs_renders_every_page_without_an_error_or_a_warning(built, tmp_path: Path) -> None:
    reason = missing_browser() or (None if PDFJS_BUILD.exists() else
                                   "PDF.js is missing: npm ci --prefix tests/browser (needs nodejs and npm)")
    if reason:
        skip_or_fail(reason)
    site = tmp_path / "pdfjs"
    site.mkdir()
    for name in ("pdf.mjs", "pdf.worker.mjs"):
        shutil.copyfile(PDFJS_BUILD / name, site / name)
    shutil.copyfile(TESTS / "browser" / "pdfjs.html", site / "index.html")
    pdfs = reader_pdfs(built)
    for pdf in pdfs:
        shutil.copyfile(pdf, site / pdf.name)
    driver = start_chromium(tmp_path / "profile")
    driver.set_script_timeout(300)
    script = PDFJS_RENDER.read_text(encoding="utf-8")
    reports = {}
    try:
        with serve(site) as base:
            driver.get(base + "index.html")
            for pdf in pdfs:
                reports[pdf.name] = driver.execute_async_script(script, "/" + pdf.name)
    finally:
        driver.quit()
    for pdf in pdfs:
        report = reports[pdf.name]
        assert "error" not in report, f"PDF.js could not open {pdf.name}: {report['error']}"
        pages = len(PdfReader(pdf).pages)
        assert (report["pages"], report["rendered"]) == (pages, pages), (pdf.name, report)
        messages = [m for m in report["messages"] if HARNESS_NOTICE not in m]
        assert messages == [], f"PDF.js on {pdf.name}: {messages}"
