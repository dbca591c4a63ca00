"""What the sheet says: reading grade, ISMP dose writing, agreement with the handbook's titration
table, blanks where nothing was given, and user text printed as text. All read from the real PDF."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.pdfs import pdf_text
from helpers.readability import flesch_kincaid_grade, strip_numbers
from helpers.sheets import sheet, squash

from handbook.model.dosing import load_dosing
from handbook.project import TEMPLATES_DIR
from handbook.sheet.options import default_options
from handbook.sheet.render import render_sheet_html
from handbook.sphinxext.dosing_tables import titration_rows


@pytest.fixture(scope="module")
def default_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    code, out = sheet(tmp_path_factory.mktemp("default"))
    assert code == 0
    return pdf_text(out)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- reading level -----------------------------------------------------------------------
def test_reading_grade_at_most_6_offline(default_text: str, no_network: None) -> None:
    assert "intranasal" in default_text
    grade = flesch_kincaid_grade(default_text)
    assert grade <= 6, f"Flesch-Kincaid grade {grade:.1f}"


def test_numbers_are_stripped_before_scoring() -> None:
    assert strip_numbers("Each spray gives 10 mg (0.1 mL). Take 1,000 steps.") == \
        "Each spray gives (). Take steps."


def test_hard_words_would_fail_the_grade(no_network: None) -> None:
    # The measure must be able to fail: clinician prose scores far above grade 6.
    prose = ("Intranasal racemic ketamine administration necessitates supervised observation, "
             "considering dissociative phenomenology and hemodynamic considerations.")
    assert flesch_kincaid_grade(prose) > 6


# -- ISMP dose writing -------------------------------------------------------------------
QUANTITY = re.compile(r"(?<![\w.])(\.?\d[\d,]*(?:\.\d+)?)\s*(mg|mL|ml|cc|mcg|µg)\b")


def ismp_problems(text: str) -> list[str]:
    """Every ISMP error-prone designation found in ``text``."""
    problems = []
    for number, unit in QUANTITY.findall(text):
        if number.startswith("."):
            problems.append(f"naked decimal {number}")
        if "." in number and number.endswith("0"):
            problems.append(f"trailing zero {number}")
        if unit in {"ml", "cc", "µg"}:
            problems.append(f"unit {unit}")
    checks = {
        r"\d(?:mg|mL|ml|cc|mcg)\b": "no space between number and unit",
        r"(?<![\d\w])\.\d": "naked decimal",
        r"\b\d+\.0+\s*(?:mg|mL)": "trailing zero",
        r"(?i)\bq\.?\s?o?\.?\s?d\b\.?": "qd or qod",
        r"\bIN\b": "IN for intranasal",
        r"(?i)\bcc\b": "cc",
        r"\bml\b": "ml instead of mL",
        r"(?i)mg/m[lL]|mg\s*/": "a slash in a dose",
        r"\bU\b|\bIU\b": "U or IU",
        r"(?i)\bTIW\b|\bBIW\b|\bQW\b": "abbreviated frequency",
    }
    problems += [why for pattern, why in checks.items() if re.search(pattern, text)]
    return problems


def test_doses_written_as_ismp_asks(default_text: str) -> None:
    assert ismp_problems(default_text) == []
    assert re.search(r"\bintranasal\b", default_text, re.IGNORECASE)
    assert "0.1 mL" in default_text and "10 mg" in default_text  # leading zero, space, "mL"


@pytest.mark.parametrize("bad", ["1.0 mg", ".5 mL", "10mg", "5 ml", "2 cc", "take qd", "IN spray", "10 mg/mL"])
def test_ismp_check_catches_each_error(bad: str) -> None:
    assert ismp_problems(f"Each dose is fine. {bad}.") != []


def test_custom_numbers_printed_ismp_style(tmp_path: Path) -> None:
    code, out = sheet(tmp_path, "--mg-per-ml", "50", "--ml-per-spray", "0.20", "--dose", "60")
    assert code == 0
    text = pdf_text(out)
    assert ismp_problems(text) == []
    assert "0.2 mL" in text and "50 mg per mL" in text and "60 mg" in text


# -- agreement with the handbook -------------------------------------------------------
def steps_on_sheet(text: str) -> list[tuple[str, str, str]]:
    """(step heading, day, dose) for each numbered step box, in order."""
    found = re.findall(r"Step (\d+): ([^\n]+)\n\s*(Day \d+)[^\n]*\n\s*(\d[\d.,]* mg)", text)
    return [(name.strip(), day, dose) for _, name, day, dose in found]


def test_steps_agree_with_the_handbook_table(default_text: str) -> None:
    rows = titration_rows(load_dosing())
    steps = steps_on_sheet(default_text)
    assert [dose for _, _, dose in steps] == [row[1] for row in rows]
    assert [f"{day}: {name.lower()}" for name, day, _ in steps] == [row[0] for row in rows]
    # ... and in that order in the text as a whole
    positions = [default_text.index(f"Step {i}:") for i in range(1, len(rows) + 1)]
    assert positions == sorted(positions)


def test_steps_show_sprays_wait_watch_and_tick_boxes(default_text: str) -> None:
    regimen = load_dosing().regimen
    default_text = " ".join(default_text.split())  # a phrase may wrap
    for step in regimen.steps:
        sprays = f"{step.sprays} spray" + ("s" if step.sprays > 1 else "")
        assert sprays in default_text
    assert f"Wait {regimen.wait_between_sprays_minutes} minutes between sprays." in default_text
    assert f"Rest for {regimen.watch_hours} hours after each step." in default_text
    assert "Do one step a day." in default_text  # the standard steps fall on consecutive days
    assert "Switch nostrils for each spray" in default_text
    assert f"twice a week for {regimen.maintenance_weeks} weeks" in default_text
    assert f"({regimen.maintenance_total_doses} doses)" in default_text


def test_sections_in_the_order_a_patient_needs_them(default_text: str) -> None:
    # The tagged PDF's reading order is the HTML's order (WeasyPrint tags from the DOM); pypdf's
    # extraction follows paint order instead, so the order is checked in the HTML the PDF is made from.
    headings = ["What is it for?", "How do you use the spray?", "Before each dose", "What might you feel?",
                "Your steps", "When should you get help?", "What comes after the full dose?",
                "How do you keep it safe?"]
    html = render_sheet_html(default_options())
    assert re.findall(r"<h2>([^<]+)</h2>", html) == headings
    assert all(squash(h) in squash(default_text) for h in headings)


# -- what the user typed, or blanks ------------------------------------------------------
def test_blank_lines_not_none(default_text: str) -> None:
    assert "None" not in default_text
    flat = " ".join(default_text.split())
    assert re.search(r"Name:\s*\n", default_text + "\n")
    assert "Prescriber: · Phone: · Pharmacy:" in flat  # three blank lines to write on
    assert "Call 911 now" in default_text and "988" in default_text


def test_given_contacts_and_dates_printed(tmp_path: Path) -> None:
    code, out = sheet(tmp_path, "--patient", "Ann Lee", "--prescriber", "Dr. Rao", "--phone", "555-0100",
                      "--pharmacy", "Main St Pharmacy", "--start", "2026-03-02", "--emergency-number", "112")
    assert code == 0
    text = " ".join(pdf_text(out).split())
    for expected in ("Name: Ann Lee", "Prescriber: Dr. Rao", "Phone: 555-0100", "Pharmacy: Main St Pharmacy",
                     "Call 112 now", "You start on Monday, March 2, 2026.",
                     "Mon, Mar 2, 2026", "Tue, Mar 3, 2026", "Wed, Mar 4, 2026"):
        assert expected in text, expected
    assert "911" not in text and "988" not in text  # a typed emergency number: no country's numbers


@pytest.fixture
def listening_port() -> Iterator[tuple[int, list[object]]]:
    """A local server that records any connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def test_hostile_text_printed_literally_and_nothing_fetched(
        tmp_path: Path, listening_port: tuple[int, list[object]]) -> None:
    port, hits = listening_port
    hostile = f'<b>x</b><img src="http://127.0.0.1:{port}/x.png">'
    css = f"</style><style>@import url(http://127.0.0.1:{port}/a.css)</style>"
    code, out = sheet(tmp_path, "--patient", hostile, "--pharmacy", css,
                      "--prescriber", "{{ 7*7 }} {% if 1 %}yes{% endif %}")
    assert code == 0
    text = squash(pdf_text(out))
    assert squash(hostile) in text
    assert squash(css) in text
    assert squash("{{ 7*7 }} {% if 1 %}yes{% endif %}") in text
    assert hits == []


# -- typography rules, checked in the stylesheet and the HTML ---------------------------
def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_and_typography() -> None:
    css = (TEMPLATES_DIR / "sheet" / "patient-sheet.css").read_text(encoding="utf-8")
    text_colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", css))
    # Backgrounds behind text: the page, and the tint of the step boxes and the log's header row.
    # (The list bullets' dark fill is decoration with no text on it.)
    backgrounds = {"#fff"} | {
        colour for rule in ("li.step", ".log th")
        for colour in re.findall(rf"^{re.escape(rule)} \{{[^}}]*background:\s*(#[0-9a-fA-F]{{3,6}})", css,
                                 re.MULTILINE)}
    assert text_colours and len(backgrounds) > 1
    for fg in text_colours:
        for bg in backgrounds:
            assert contrast(fg, bg) >= 4.5, (fg, bg, contrast(fg, bg))
    assert not re.search(r"text-align:\s*(justify|center|right)", css)
    assert not re.search(r"font-style:\s*(italic|oblique)", css)
    assert re.search(r"html \{[^}]*font-size: 12pt", css)
    assert re.search(r"html\.large-print \{[^}]*font-size: 14pt", css)
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)rem", css)]
    assert sizes and min(sizes) >= 1  # nothing below the body size
    html = render_sheet_html(default_options())
    assert '<html lang="en">' in html and "<title>" in html
    assert not re.search(r"<(i|em)\b", html)
