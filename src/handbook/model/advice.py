"""The patient sheet's words, held once in the data file and rendered on the sheet and in chapter 7.

Each piece of advice is a sentence or two with placeholders (``{watch}``, ``{emergency}``) that
are filled from the regimen and the country (or the numbers a prescriber typed). The sheet and
the handbook's "What the patient sheet says" section render the same entries, so they cannot
say different things; the handbook adds each entry's citations and evidence label.

``**bold**`` is the only markup; a placeholder with no value (an A4 sheet without a country)
prints as a line to write on.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Any, Literal, get_args

from .regimen import Regimen
from .units import format_number, format_quantity, plural

NBSP = "\u00a0"
# The sheet's sections, in reading order; the template places them on the page.
Section = Literal["title", "about", "ready", "use", "steps", "feel", "help", "after", "safe"]
SECTIONS: tuple[str, ...] = get_args(Section)
PLACEHOLDERS = frozenset({
    "mg_per_spray", "ml_per_spray", "concentration", "watch", "companion", "response_check", "full_dose",
    "per_week", "weeks", "total_doses", "emergency", "crisis_line", "crisis_name", "crisis_how",
})


@dataclass(frozen=True)
class Contacts:
    """The numbers a sheet prints: a country's, or what a prescriber typed (None prints a blank line)."""

    emergency: str | None
    crisis_line: str | None
    crisis_name: str
    crisis_how: str


BLANK_CONTACTS = Contacts(None, None, "a crisis line", "call")


@dataclass(frozen=True)
class Part:
    kind: str  # "text", "bold" or "blank"
    text: str = ""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def values(regimen: Regimen, contacts: Contacts) -> dict[str, str | None]:
    """What each placeholder says for this regimen and these contacts (None: a blank line)."""
    total = regimen.maintenance_total_doses
    return {
        "mg_per_spray": quantity(regimen.mg_per_spray, "mg"),
        "ml_per_spray": quantity(regimen.volume_ml_per_spray, "mL"),
        "concentration": quantity(regimen.concentration_mg_per_ml, "mg"),
        "watch": count(regimen.watch_hours, "hour"),
        "companion": companion_steps(regimen),
        "response_check": count(regimen.response_check_hours, "hour"),
        "full_dose": quantity(regimen.full_dose.dose_mg, "mg"),
        "per_week": per_week(regimen.maintenance_doses_per_week),
        "weeks": count(regimen.maintenance_weeks, "week"),
        "total_doses": count(total, "dose"),
        "emergency": contacts.emergency,
        "crisis_line": contacts.crisis_line,
        "crisis_name": contacts.crisis_name,
        "crisis_how": contacts.crisis_how,
    }


def render(text: str, filled: dict[str, str | None]) -> list[Part]:
    """The text with its placeholders filled, split into plain, bold and blank parts."""
    parts: list[Part] = []
    for index, chunk in enumerate(re.split(r"\*\*", text)):
        bold = index % 2 == 1
        for literal, name, _, _ in string.Formatter().parse(chunk):
            if literal:
                parts.append(Part("bold" if bold else "text", literal))
            if name:
                value = filled[name]
                parts.append(Part("blank") if value is None else Part("bold" if bold else "text", value))
    merged: list[Part] = []
    for part in parts:  # "**Call {emergency} now**" is one bold run, not three
        if merged and part.kind == merged[-1].kind != "blank":
            merged[-1] = Part(part.kind, merged[-1].text + part.text)
        elif merged and merged[-1].kind == "blank" and part.text.startswith(" "):
            merged.append(Part(part.kind, NBSP + part.text[1:]))  # a space after a blank line must not collapse
        else:
            merged.append(part)
    return merged


CONTACT_FIELDS = frozenset({"emergency", "crisis_line"})  # None here prints a blank line to fill in


def applies(text: str, filled: dict[str, str | None]) -> bool:
    """An entry whose regimen placeholder has no value (no step with a companion) is left out."""
    return all(filled[name] is not None for name in placeholders(text) - CONTACT_FIELDS)


def plain(parts: list[Part], blank: str = "____") -> str:
    return "".join(blank if part.kind == "blank" else part.text for part in parts)


def quantity(value: Any, unit: str) -> str:
    """handbook.model.units' ISMP quantity, with a no-break space so "10" and "mg" never land on two lines."""
    return format_quantity(value, unit).replace(" ", NBSP, 1)


def count(number: int, word: str) -> str:
    return plural(number, word).replace(" ", NBSP, 1)


def per_week(number: int) -> str:
    # ISMP: write frequencies in words ("3 times weekly"), never "TIW" and the like.
    return {1: "once a week", 2: "twice a week"}.get(number, f"{format_number(number)}{NBSP}times a week")


def companion_steps(regimen: Regimen) -> str | None:
    """Which steps a trusted adult stays for, as the data file (or a regimen file) marks them."""
    steps = [step for step in regimen.steps if step.companion]
    if not steps:
        return None
    if len(steps) == len(regimen.steps):
        tests = len(regimen.test_steps)
        return "each step (the test doses and your first full dose)" if tests else "your first full dose"
    if steps == list(regimen.test_steps):
        return "each test dose"
    return " and ".join(f"the {step.name.lower()}" for step in steps)


# -- the steps and the log, worded as the sheet prints them ------------------------------------------
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_date(date: dt.date, *, short: bool = False) -> str:
    """``Tuesday, December 1, 2026`` (``Tue, Dec 1, 2026`` short): words and the year, so a mistyped
    day, month or year shows."""
    weekday, month = _WEEKDAYS[date.weekday()], _MONTHS[date.month - 1]
    if short:
        weekday, month = weekday[:3], month[:3]
    return f"{weekday}, {month} {date.day}, {date.year}"


def steps_intro(regimen: Regimen, start: dt.date | None) -> list[str]:
    """The sentences above the step boxes."""
    lines = [f"You start on {format_date(start)}."] if start else []
    if regimen.consecutive_days:
        lines.append("Do one step a day.")
    if any(step.sprays > 1 for step in regimen.steps):
        lines.append(f"Wait {count(regimen.wait_between_sprays_minutes, 'minute')} between sprays.")
    lines.append(f"Rest for {count(regimen.watch_hours, 'hour')} after each step.")
    return lines


@dataclass(frozen=True)
class StepLine:
    number: str
    name: str
    day: str
    date: str
    dose: str
    sprays: str
    ticks: tuple[str, ...]


def step_lines(regimen: Regimen, start: dt.date | None) -> list[StepLine]:
    """What each step box says."""
    return [StepLine(
        number=format_number(number),
        name=step.name,
        day=f"Day {format_number(step.day)}",
        date=format_date(start + dt.timedelta(days=step.day - 1), short=True) if start else "",
        dose=quantity(step.dose_mg, "mg"),
        sprays=count(step.sprays, "spray"),
        ticks=tuple(format_number(i) for i in range(1, step.sprays + 1)),
    ) for number, step in enumerate(regimen.steps, start=1)]


def log_rows(regimen: Regimen) -> list[str]:
    """One row a planned dose: the titration steps, then each maintenance dose."""
    return [step.name for step in regimen.steps] + [
        f"Dose {i} of {regimen.maintenance_total_doses}" for i in range(1, regimen.maintenance_total_doses + 1)]
