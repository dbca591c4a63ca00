"""The handbook's substance: coverage, own words, citations, evidence labels and data-driven figures."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pybtex.database
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SHARED
from helpers.pdfs import outline, page_texts
from test_site import CHAPTERS

from handbook.model.dosing import load_dosing
from handbook.model.units import format_quantity
from handbook.sphinxext.dosing_tables import titration_rows

SOURCES = sorted((ROOT / "source").rglob("*.md"))
FORBIDDEN_LINKS = re.compile(r"sci-hub|libgen|z-lib|fbclid|utm_[a-z]+=|via%3Dihub|\?via=ihub", re.IGNORECASE)
# A dose, volume, pressure or price typed as digits: these must come from the data file ({fact}).
TYPED_FIGURE = re.compile(r"(?<![\w.{`])\d[\d,.]*\s?(?:mg/kg|mg|mL|mmHg)\b|\$\d")


def test_every_chapter_of_the_source_is_here_in_order(built):
    tops = [title for depth, title, _ in outline(built.pdf) if depth == 0]
    numbered = [t for t in tops if re.match(r"\d+\.? ", t)]
    assert [int(t.split(".")[0].split()[0]) for t in numbered] == list(range(1, 12))
    assert len(CHAPTERS) + 1 == len(tops)  # + the contents page


@pytest.mark.skipif(not (SHARED / "tools" / "overlap-check").exists(), reason="../shared/tools/overlap-check not present")
def test_no_run_of_ten_words_is_copied_from_the_source():
    result = subprocess.run([str(SHARED / "tools" / "overlap-check"), "source", "templates"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_no_piracy_hosts_or_tracking_parameters_anywhere(built):
    files = [*SOURCES, ROOT / "references.bib", *built.html.rglob("*.html"), built.print_html,
             *(ROOT / "templates").glob("*")]
    offenders = [str(f) for f in files if f.is_file() and FORBIDDEN_LINKS.search(f.read_text(encoding="utf-8"))]
    assert not offenders


def test_every_reference_has_a_stable_identifier():
    bib = pybtex.database.parse_file(ROOT / "references.bib")
    for key, entry in bib.entries.items():
        fields = entry.fields
        assert any(f in fields for f in ("doi", "pmid", "url", "howpublished")), key
        if "doi" in fields:
            assert not fields["doi"].startswith("http"), key
        if "url" in fields:
            assert fields["url"].startswith("https://"), key


def test_every_reference_is_cited_and_every_citation_resolves(built):
    bib = pybtex.database.parse_file(ROOT / "references.bib")
    refs = BeautifulSoup((built.html / "appendix" / "references.html").read_text(encoding="utf-8"), "html.parser")
    listed = {div["id"].removeprefix("cite-") for div in refs.select('[id^="cite-"]')}
    assert listed == set(bib.entries)  # the build fails on an uncited entry or an unknown key
    cited = set()
    for page in built.html.rglob("*.html"):
        cited |= set(re.findall(r'href="[^"]*#cite-([\w-]+)"', page.read_text(encoding="utf-8")))
    assert cited == set(bib.entries)


def test_doses_in_prose_come_from_the_data_file():
    typed = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("**Source:**"):  # review notes quote what the source said
                continue
            stripped = re.sub(r"\{fact\}`[^`]*`", "", line)
            if TYPED_FIGURE.search(stripped):
                typed.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not typed, "\n".join(typed)


def test_dosing_chapter_shows_the_data_files_titration(built):
    soup = BeautifulSoup((built.html / "chapters" / "07-dose.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("table.titration-steps")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    assert rows == titration_rows(load_dosing())
    data = load_dosing()
    for step in data.regimen.steps:  # the dose printed is sprays x mg per spray
        assert format_quantity(step.sprays * data.regimen.mg_per_spray, "mg") in rows[data.regimen.steps.index(step)]


def test_route_equivalents_are_the_data_files_arithmetic(built):
    soup = BeautifulSoup((built.html / "chapters" / "07-dose.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("table.route-equivalents")
    printed = [tr.find_all("td")[-1].get_text(strip=True) for tr in table.select("tbody tr")]
    data = load_dosing()
    expected = [format_quantity(data.iv_dose_mg / Decimal(str(data.section("bioavailability")[r])), "mg")
                for r in ("iv", "intranasal", "sublingual", "oral")]
    assert printed == expected
    chart = soup.select_one("figure.dose-chart img")
    assert chart is not None and all(e in chart["alt"] for e in expected)


def test_evidence_labels_show_as_words_in_site_and_pdf(built):
    soup = BeautifulSoup((built.html / "chapters" / "04-safety.html").read_text(encoding="utf-8"), "html.parser")
    badges = soup.select("span.sd-badge.evidence")
    assert len(badges) >= 5
    assert all(badge.get_text().startswith("Evidence: ") for badge in badges)  # words, never colour alone
    pdf_text = " ".join(page_texts(built.pdf))
    for label in ("Evidence: Meta-analysis", "Evidence: Randomised trials", "Evidence: Observational or case reports",
                  "Evidence: Expert practice", "Evidence: Author's judgement"):
        assert label in pdf_text.replace("’", "'"), label


def test_each_chapter_opens_with_key_points(built):
    for doc in CHAPTERS:
        if not doc.startswith("chapters/"):
            continue
        soup = BeautifulSoup((built.html / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        first_box = soup.select_one("article section > h1 ~ *")
        assert first_box is not None and "key-points" in first_box.get("class", []), doc


def test_quick_reference_prints_on_one_page(built):
    tops = [(title, page) for depth, title, page in outline(built.pdf) if depth == 0]
    names = [t for t, _ in tops]
    index = next(i for i, t in enumerate(names) if "quick reference" in t.lower())
    # The card is one page; the works it cites follow on the next (each chapter closes with its own).
    card = page_texts(built.pdf)[tops[index][1]]
    assert "References cited in this chapter" not in card
    assert "Schedule III" in card, "the quick reference runs onto a second page"  # its last rule
    assert "References cited in this chapter" in page_texts(built.pdf)[tops[index][1] + 1]
