"""A patient's regimen: the handbook's standard titration, changed by a regimen file and by flags.

Doses are kept in mg and turned into sprays here, so a dose that is not a whole number of
sprays, or a full dose outside the handbook's intranasal range, is caught before anything is
drawn. Every error names the flag or the regimen-file field to fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .dosing import DosingData, Regimen, TitrationStep
from .errors import InputError
from .units import format_number, format_quantity, format_range

# What a regimen file may set; anything else is refused so a typo cannot be silently ignored.
FILE_FIELDS: dict[str, frozenset[str]] = {
    "spray": frozenset({"concentration_mg_per_ml", "volume_ml_per_spray"}),
    "titration": frozenset({"wait_between_sprays_minutes", "watch_hours", "response_check_hours", "steps"}),
    "maintenance": frozenset({"doses_per_week", "weeks"}),
}
STEP_FIELDS = frozenset({"dose_mg", "day"})

# Hard limits that keep a render small; the one-page check decides the real fit.
MAX_STEPS = 8
MAX_SPRAYS_PER_STEP = 20
MAX_DAY = 365
PLACES = 2  # units.format_number prints 2 decimal places; more would print a rounded, wrong dose

ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")


@dataclass(frozen=True)
class RegimenOverrides:
    """What the user asked to change. Numbers are still raw (text from the CLI or CSV)."""

    regimen_file: Path | None = None
    dose: str | None = None
    mg_per_ml: str | None = None
    ml_per_spray: str | None = None
    allow_dose_outside_range: bool = False


@dataclass
class _Draft:
    """The regimen while it is being assembled; each value remembers who set it (for error messages)."""

    concentration: Decimal
    volume: Decimal
    wait: int
    watch: int
    response_check: int
    doses_per_week: int
    weeks: int
    steps: list[tuple[int, Decimal, str]]  # (day, dose in mg, label of whoever set the dose)
    strength_label: str = "dosing data"
    names: list[str] | None = None  # the data file's step names, while the steps are still its own


# -- parsing single values -------------------------------------------------------------
def parse_positive(value: Any, label: str, unit: str = "") -> Decimal:
    """A number above 0 with at most 2 decimal places, from TOML or from text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InputError(label, f"must be a number, got {value!r}")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise InputError(label, f"must be a number, got {value!r}") from None
    if not number.is_finite():
        raise InputError(label, f"must be a finite number, got {value!r}")
    if number <= 0:
        raise InputError(label, f"must be more than 0, got {value!r}")
    if number != round(number, PLACES):
        raise InputError(label, f"use at most {PLACES} decimal places, got {value!r}")
    return number


def parse_whole(value: Any, label: str, *, maximum: int | None = None) -> int:
    """A whole number of at least 1 (days, minutes, hours, doses, weeks)."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdecimal():
            number = parse_positive(text, label)  # gives the precise complaint (negative, not a number...)
            raise InputError(label, f"must be a whole number, got {format_number(number)!r}")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(label, f"must be a whole number, got {value!r}")
    if value < 1:
        raise InputError(label, f"must be at least 1, got {value!r}")
    if maximum is not None and value > maximum:
        raise InputError(label, f"must be at most {maximum}, got {value!r}")
    return value


# -- the regimen file ------------------------------------------------------------------
def read_regimen_file(path: Path, label: str = "--regimen") -> dict[str, Any]:
    """Read and shape-check a regimen TOML file; unknown tables and fields are errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(label, f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(label, f"cannot read {path}: {err.__class__.__name__}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(label, f"{path.name} is not valid TOML: {err}") from None
    for table, value in raw.items():
        if table not in FILE_FIELDS:
            raise InputError(f"{label} {table}", f"unknown field; allowed: {', '.join(FILE_FIELDS)}")
        if not isinstance(value, dict):
            raise InputError(f"{label} {table}", "must be a table, like [" + table + "]")
        for key in value:
            if key not in FILE_FIELDS[table]:
                allowed = ", ".join(sorted(FILE_FIELDS[table]))
                raise InputError(f"{label} {table}.{key}", f"unknown field; allowed: {allowed}")
    steps = raw.get("titration", {}).get("steps")
    if steps is not None:
        if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
            raise InputError(f"{label} titration.steps", "must be one or more [[titration.steps]] tables")
        for i, step in enumerate(steps, start=1):
            for key in step:
                if key not in STEP_FIELDS:
                    allowed = ", ".join(sorted(STEP_FIELDS))
                    raise InputError(f"{label} titration.steps[{i}].{key}", f"unknown field; allowed: {allowed}")
            if "dose_mg" not in step:
                raise InputError(f"{label} titration.steps[{i}]", "missing dose_mg")
    return raw


def _apply_file(draft: _Draft, raw: Mapping[str, Any], label: str) -> None:
    spray, titration, maintenance = (raw.get(t, {}) for t in ("spray", "titration", "maintenance"))
    if "concentration_mg_per_ml" in spray:
        name = f"{label} spray.concentration_mg_per_ml"
        draft.concentration = parse_positive(spray["concentration_mg_per_ml"], name)
        draft.strength_label = name
    if "volume_ml_per_spray" in spray:
        name = f"{label} spray.volume_ml_per_spray"
        draft.volume = parse_positive(spray["volume_ml_per_spray"], name)
        draft.strength_label = name
    for key, attr in (("wait_between_sprays_minutes", "wait"), ("watch_hours", "watch"),
                      ("response_check_hours", "response_check")):
        if key in titration:
            setattr(draft, attr, parse_whole(titration[key], f"{label} titration.{key}", maximum=10_000))
    for key, attr in (("doses_per_week", "doses_per_week"), ("weeks", "weeks")):
        if key in maintenance:
            maximum = 7 if key == "doses_per_week" else 520
            setattr(draft, attr, parse_whole(maintenance[key], f"{label} maintenance.{key}", maximum=maximum))
    if "steps" in titration:
        steps = titration["steps"]
        if len(steps) > MAX_STEPS:
            raise InputError(f"{label} titration.steps",
                                  f"{len(steps)} steps will not fit on one page; use at most {MAX_STEPS}")
        draft.steps = []
        draft.names = None
        previous_day = 0
        for i, step in enumerate(steps, start=1):
            name = f"{label} titration.steps[{i}]"
            dose = parse_positive(step["dose_mg"], f"{name}.dose_mg")
            day = parse_whole(step["day"], f"{name}.day", maximum=MAX_DAY) if "day" in step else previous_day + 1
            if day <= previous_day:
                raise InputError(f"{name}.day", f"must come after the day before it (day {previous_day})")
            if day > MAX_DAY:
                raise InputError(f"{name}.day", f"must be at most {MAX_DAY}, got {day}")
            draft.steps.append((day, dose, f"{name}.dose_mg"))
            previous_day = day


# -- putting it together ---------------------------------------------------------------
def build_regimen(
    data: DosingData,
    overrides: RegimenOverrides,
    *,
    option: Callable[[str], str] = lambda name: f"--{name}",
) -> tuple[Regimen, list[str]]:
    """The regimen to print, and any warnings. ``option`` spells an option's name for messages
    (``--dose`` on the command line, ``dose`` in a batch CSV)."""
    base = data.regimen
    draft = _Draft(
        concentration=base.concentration_mg_per_ml,
        volume=base.volume_ml_per_spray,
        wait=base.wait_between_sprays_minutes,
        watch=base.watch_hours,
        response_check=base.response_check_hours,
        doses_per_week=base.maintenance_doses_per_week,
        weeks=base.maintenance_weeks,
        steps=[(s.day, s.dose_mg, "dosing data") for s in base.steps],
        names=[s.name for s in base.steps],
    )
    if overrides.regimen_file is not None:
        _apply_file(draft, read_regimen_file(overrides.regimen_file, option("regimen")), option("regimen"))
    if overrides.mg_per_ml is not None:
        draft.concentration = parse_positive(overrides.mg_per_ml, option("mg-per-ml"))
        draft.strength_label = option("mg-per-ml")
    if overrides.ml_per_spray is not None:
        draft.volume = parse_positive(overrides.ml_per_spray, option("ml-per-spray"))
        draft.strength_label = option("ml-per-spray")
    if overrides.dose is not None:
        day, _, _ = draft.steps[-1]
        draft.steps[-1] = (day, parse_positive(overrides.dose, option("dose")), option("dose"))

    warnings = _check_doses(data, draft, overrides.allow_dose_outside_range, option)
    mg_per_spray = draft.concentration * draft.volume
    if mg_per_spray != round(mg_per_spray, PLACES):
        raise InputError(draft.strength_label,
                              f"{format_quantity(draft.concentration, 'mg')} per mL times "
                              f"{format_quantity(draft.volume, 'mL')} gives {mg_per_spray} mg a spray, "
                              f"which cannot be printed exactly; use a rounder strength")
    names = draft.names or _step_names(len(draft.steps))
    steps = []
    for i, (day, dose, label) in enumerate(draft.steps):
        sprays = dose / mg_per_spray
        if sprays != sprays.to_integral_value():
            who = label if label != "dosing data" else draft.strength_label
            raise InputError(who, f"the {names[i].lower()} of {format_quantity(dose, 'mg')} is not a whole "
                                       f"number of sprays at {format_quantity(mg_per_spray, 'mg')} a spray")
        if sprays > MAX_SPRAYS_PER_STEP:
            raise InputError(label, f"the {names[i].lower()} needs {format_number(sprays)} sprays; "
                                         f"at most {MAX_SPRAYS_PER_STEP} fit on the sheet")
        key = "full" if i == len(draft.steps) - 1 else f"test-{i + 1}"
        steps.append(TitrationStep(key, names[i], day, int(sprays), mg_per_spray, draft.wait))

    regimen = Regimen(
        concentration_mg_per_ml=draft.concentration,
        volume_ml_per_spray=draft.volume,
        wait_between_sprays_minutes=draft.wait,
        watch_hours=draft.watch,
        response_check_hours=draft.response_check,
        steps=tuple(steps),
        maintenance_doses_per_week=draft.doses_per_week,
        maintenance_weeks=draft.weeks,
    )
    return regimen, warnings


def _check_doses(data: DosingData, draft: _Draft, allow: bool, option: Callable[[str], str]) -> list[str]:
    _, full, full_label = draft.steps[-1]
    names = draft.names or _step_names(len(draft.steps))
    for (_, dose, label), name in zip(draft.steps[:-1], names, strict=False):
        if dose >= full:
            who = label if full_label == "dosing data" else full_label
            raise InputError(who, f"the full dose ({format_quantity(full, 'mg')}) must be more than "
                                       f"the {name.lower()} ({format_quantity(dose, 'mg')})")
    low, high = data.intranasal_range_mg
    if low <= full <= high:
        return []
    where = (f"{format_quantity(full, 'mg')} is outside the handbook's intranasal range "
             f"of {format_range((low, high), 'mg')}")
    if not allow:
        raise InputError(full_label, f"{where}; give {option('allow-dose-outside-range')} to print it anyway")
    return [f"{full_label}: {where}; printing it because {option('allow-dose-outside-range')} was given"]


def _step_names(count: int) -> list[str]:
    """``First test dose``, ``Second test dose``, ..., ``Full dose``; as the data file names them."""
    return [f"{ORDINALS[i]} test dose" for i in range(count - 1)] + ["Full dose"]
