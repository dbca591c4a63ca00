"""The sheet is safe for a patient alone at home, and says nothing the handbook does not (issue 13).

Read from the real PDFs: the session build's default sheets and sheets made here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers.pdfs import pdf_text
from helpers.sheets import one_error_line, page_count, sheet, squash

from handbook.model.dosing import load_dosing
from handbook.sphinxext.dosing_tables import titration_rows

FOOTER = re.compile(r"Edition \S+ · reviewed \S+ · page \d+ of \d+")
FORM = re.compile(r"^(Name:|Prescriber:|Date:)|^[\d\s]+$")  # labels of lines to fill in, tick numbers


def printed_lines(text: str) -> list[str]:
    """Every run of words the sheet prints (a line, cut where a sentence ends), but its footer, form
    labels and tick numbers. Two columns may share an extracted line, so lines are cut at . ? !"""
    runs = []
    for line in text.splitlines():
        line = " ".join(line.replace("Date:", " ").split())
        if not line or FOOTER.search(line):
            continue
        runs += [run for run in re.split(r"(?<=[.?!])\s+", line) if run and not FORM.search(run)]
    return runs


def has(text: str, phrase: str) -> bool:
    """``phrase`` is in ``text`` whatever the line breaks (pypdf may split a line inside a word)."""
    return squash(phrase) in squash(text)


@pytest.fixture(scope="module")
def letter_text(built) -> str:
    return pdf_text(built.sheets / "patient-sheet-letter.pdf")


@pytest.fixture(scope="module")
def chapter_7(built) -> str:
    html = (built.html / "chapters" / "07-dose.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article").get_text(" ")


def test_every_sentence_on_the_default_sheet_is_in_the_handbook(letter_text: str, chapter_7: str) -> None:
    # Line by line: every line of words on the sheet (a sentence or a part of one) is in chapter 7.
    lines = printed_lines(letter_text)
    assert len(lines) > 40, lines
    missing = [line for line in lines if not has(chapter_7, line)]
    assert missing == [], f"sheet text chapter 7 does not print: {missing}"


def test_the_sheet_says_when_to_get_help(letter_text: str) -> None:
    for sign in ("hard to wake", "breathe slowly or weakly", "faint", "chest pain", "trouble breathing",
                 "very bad headache", "blurry sight", "after 3 hours", "Call 911 now", "thoughts of hurting yourself",
                 "988", "No sleeping pills, opioids", "No alcohol"):
        assert has(letter_text, sign), sign


def test_the_sheet_states_status_and_expectations_honestly(letter_text: str) -> None:
    for right in ("not FDA-approved for any use", "About half of people feel better", "unlikely at the test doses"):
        assert has(letter_text, right), right
    for wrong in ("approved, but not for depression", "This is common", "You should feel better"):
        assert not has(letter_text, wrong), wrong


def test_the_sheet_explains_the_spray(letter_text: str) -> None:
    for phrase in ("prime it", "not doses", "Blow your nose first", "Sit down", "do not take an extra one",
                   "out of sight and reach of children", "locked away"):
        assert has(letter_text, phrase), phrase


def test_the_companion_rule_is_one_rule_everywhere(letter_text: str, chapter_7: str) -> None:
    data = load_dosing()
    flagged = [step for step in data.regimen.steps if step.companion]
    assert flagged, "the data file marks no step with a companion"
    rows = titration_rows(data)
    for step, row in zip(data.regimen.steps, rows, strict=True):
        assert row[3].endswith("with a companion") == step.companion, row
    assert has(letter_text, "the test doses and your first full dose")
    assert squash(data.derived("companion_steps")) in squash(chapter_7)


def test_an_a4_sheet_prints_no_us_numbers_unless_asked(built, tmp_path: Path) -> None:
    text = pdf_text(built.sheets / "patient-sheet-a4.pdf")
    assert "911" not in text and "988" not in text and has(text, "Call now")  # a line to write the number on
    code, out = sheet(tmp_path, "--paper", "a4", "--country", "gb", name="gb.pdf")
    assert code == 0
    gb = pdf_text(out)
    assert has(gb, "Call 999 now") and has(gb, "116 123") and has(gb, "Samaritans") and "911" not in gb
    code, out = sheet(tmp_path, "--paper", "a4", "--country", "us", name="us.pdf")
    assert code == 0 and has(pdf_text(out), "Call 911 now")


def test_an_unknown_country_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = sheet(tmp_path, "--country", "xx")
    assert code == 2
    one_error_line(capsys.readouterr().err, "--country", "us, ca, gb, au")


def test_dates_carry_the_year_and_one_a_day_only_when_true(tmp_path: Path) -> None:
    code, out = sheet(tmp_path, "--start", "2027-01-30", name="dated.pdf")
    assert code == 0
    text = " ".join(pdf_text(out).split())
    assert "You start on Saturday, January 30, 2027." in text
    assert "Sat, Jan 30, 2027" in text and "Mon, Feb 1, 2027" in text
    assert "Do one step a day." in text
    plan = tmp_path / "gaps.toml"
    plan.write_text("[[titration.steps]]\ndose_mg = 10\nday = 1\n[[titration.steps]]\ndose_mg = 50\nday = 4\n",
                    encoding="utf-8")
    code, out = sheet(tmp_path, "--regimen", str(plan), name="gaps.pdf")
    assert code == 0
    text = " ".join(pdf_text(out).split())
    assert "Do one step a day." not in text and "Day 4" in text


def test_the_log_page_has_a_row_for_every_planned_dose(tmp_path: Path) -> None:
    regimen = load_dosing().regimen
    code, out = sheet(tmp_path, "--log-page", name="log.pdf")
    assert code == 0 and page_count(out) == 2
    text = " ".join(pdf_text(out).split())
    total = regimen.maintenance_total_doses
    assert f"Dose {total} of {total}" in text and "Full dose" in text
    assert "new log page" not in text
    long = tmp_path / "long.toml"
    long.write_text("[maintenance]\ndoses_per_week = 7\nweeks = 52\n", encoding="utf-8")
    code, out = sheet(tmp_path, "--log-page", "--regimen", str(long), name="long.pdf")
    assert code == 0 and page_count(out) == 2
    assert "When the table is full, go on with a new log page." in " ".join(pdf_text(out).split())
