"""A patient's regimen, built in one place: the data file's standard titration, then a regimen file, then flags.

Doses are held in mg, the unit a prescriber writes, from every input. They become sprays once,
here, when the strength is final: a dose that is not a whole number of sprays, days or doses out
of order, or a full dose outside the handbook's intranasal range is caught before anything is
drawn. Every error names the flag or the field that set the value.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, first_problem
from .fields import PLACES, file_number
from .files import read_text
from .units import format_number, format_quantity, format_range

MAX_STEPS = 5  # more do not fit on one large-print Letter page
MAX_SPRAYS_PER_STEP = 12  # 12 sprays 10 minutes apart already take almost 2 hours
MAX_REGIMEN_FILE_BYTES = 64_000
DATA = "dosing data"  # the label of a value nobody changed
ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")


# -- the regimen --------------------------------------------------------------------------
@dataclass(frozen=True)
class TitrationStep:
    """One dosing session of the titration: a dose given as sprays, alternating nostrils."""

    key: str
    name: str
    day: int
    dose_mg: Decimal
    mg_per_spray: Decimal
    wait_between_sprays_minutes: int
    companion: bool  # a trusted adult stays for this step and the watch after it

    @property
    def sprays(self) -> int:
        return int(self.dose_mg / self.mg_per_spray)  # whole: build_regimen has checked it

    @property
    def duration_minutes(self) -> int:
        """Time from the first spray to the last one."""
        return (self.sprays - 1) * self.wait_between_sprays_minutes

    @property
    def is_test(self) -> bool:
        return self.key != "full"


@dataclass(frozen=True)
class Regimen:
    """The intranasal regimen a patient sheet prints: spray strength, the steps, waits and maintenance."""

    concentration_mg_per_ml: Decimal
    volume_ml_per_spray: Decimal
    wait_between_sprays_minutes: int
    watch_hours: int
    response_check_hours: int
    steps: tuple[TitrationStep, ...]
    maintenance_doses_per_week: int
    maintenance_weeks: int

    @property
    def mg_per_spray(self) -> Decimal:
        return self.concentration_mg_per_ml * self.volume_ml_per_spray

    @property
    def full_dose(self) -> TitrationStep:
        return self.steps[-1]

    @property
    def test_steps(self) -> tuple[TitrationStep, ...]:
        return self.steps[:-1]

    @property
    def maintenance_total_doses(self) -> int:
        return self.maintenance_doses_per_week * self.maintenance_weeks

    @property
    def consecutive_days(self) -> bool:
        """Whether the steps fall on consecutive days (the sheet then says "one step a day")."""
        return all(b.day - a.day == 1 for a, b in itertools.pairwise(self.steps))


# -- a regimen file ------------------------------------------------------------------------
class _FileTable(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FileSpray(_FileTable):
    concentration_mg_per_ml: file_number("concentration_mg_per_ml") | None = None
    volume_ml_per_spray: file_number("volume_ml_per_spray") | None = None


class FileStep(_FileTable):
    dose_mg: file_number("dose_mg")
    day: file_number("day") | None = None  # default: the day after the step before
    companion: bool | None = None  # default: as the data file's step in the same role (test or full)


class FileTitration(_FileTable):
    wait_between_sprays_minutes: file_number("wait_minutes") | None = None
    watch_hours: file_number("watch_hours") | None = None
    response_check_hours: file_number("response_check_hours") | None = None
    steps: Annotated[list[FileStep], Field(min_length=1, max_length=MAX_STEPS)] | None = None


class FileMaintenance(_FileTable):
    doses_per_week: file_number("doses_per_week") | None = None
    weeks: file_number("weeks") | None = None


class RegimenFile(_FileTable):
    """``handbook sheet --regimen FILE.toml``: every table and field optional, nothing unknown."""

    spray: FileSpray | None = None
    titration: FileTitration | None = None
    maintenance: FileMaintenance | None = None


def read_regimen_file(path: Path, label: str = "--regimen") -> RegimenFile:
    """Read and check a regimen file; InputError names the field (``--regimen titration.steps[2].day``)."""
    text = read_text(path, label, max_bytes=MAX_REGIMEN_FILE_BYTES)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(label, f"{path.name} is not valid TOML: {err}") from None
    except RecursionError:
        raise InputError(label, f"{path.name} is nested too deeply") from None
    try:
        return RegimenFile.model_validate(raw)
    except ValidationError as err:
        raise first_problem(err, label, RegimenFile) from None
    except RecursionError:
        raise InputError(label, f"{path.name} is nested too deeply") from None


# -- building it ----------------------------------------------------------------------------
@dataclass
class DraftStep:
    day: int
    dose_mg: Decimal
    companion: bool
    name: str
    key: str
    label: str = DATA  # who set the dose, for messages
    day_label: str = ""  # who set the day, when it is not the dose's label with ``.day`` for ``.dose_mg``


@dataclass(frozen=True)
class RegimenSource:
    """A regimen file's values read from another kind of file (a FHIR order), with the name a message
    gives each field there, so an error points at the field the user wrote."""

    file: RegimenFile
    label: Callable[[str], str]  # a regimen file's field path (``titration.steps[2].dose_mg``) -> its name
    path: Path  # the file they were read from: no output may be it


@dataclass
class Draft:
    """A regimen being assembled; ``labels`` says who set each value (for error messages)."""

    concentration_mg_per_ml: Decimal
    volume_ml_per_spray: Decimal
    wait_between_sprays_minutes: int
    watch_hours: int
    response_check_hours: int
    doses_per_week: int
    weeks: int
    steps: list[DraftStep]
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, regimen: Regimen) -> Draft:
        return cls(
            concentration_mg_per_ml=regimen.concentration_mg_per_ml,
            volume_ml_per_spray=regimen.volume_ml_per_spray,
            wait_between_sprays_minutes=regimen.wait_between_sprays_minutes,
            watch_hours=regimen.watch_hours,
            response_check_hours=regimen.response_check_hours,
            doses_per_week=regimen.maintenance_doses_per_week,
            weeks=regimen.maintenance_weeks,
            steps=[DraftStep(s.day, s.dose_mg, s.companion, s.name, s.key) for s in regimen.steps],
        )

    def set(self, name: str, value: object, label: str) -> None:
        setattr(self, name, int(value) if isinstance(getattr(self, name), int) else value)
        self.labels[name] = label

    def strength_label(self) -> str:
        return self.labels.get("volume_ml_per_spray") or self.labels.get("concentration_mg_per_ml") or DATA

    def apply_file(self, file: RegimenFile, label: str | Callable[[str], str]) -> None:
        """What a regimen file sets replaces the data file's value; its steps replace all steps.

        ``label`` is the file's option (``--regimen``), or a function naming each field path.
        """
        name_of = label if callable(label) else (lambda path: f"{label} {path}")
        for table_name, table in (("spray", file.spray), ("titration", file.titration),
                                  ("maintenance", file.maintenance)):
            if table is None:
                continue
            for name, value in table:
                if value is None or name == "steps":
                    continue
                self.set(name, value, name_of(f"{table_name}.{name}"))
        if file.titration is not None and file.titration.steps is not None:
            companion_test = next((s.companion for s in self.steps if s.key != "full"), True)
            companion_full = self.steps[-1].companion
            count = len(file.titration.steps)
            steps, day = [], 0
            for i, step in enumerate(file.titration.steps):
                is_full = i == count - 1
                day = int(step.day) if step.day is not None else day + 1
                companion = step.companion if step.companion is not None else (
                    companion_full if is_full else companion_test)
                steps.append(DraftStep(day, step.dose_mg, companion, step_names(count)[i],
                                       "full" if is_full else f"test-{i + 1}",
                                       name_of(f"titration.steps[{i + 1}].dose_mg"),
                                       name_of(f"titration.steps[{i + 1}].day")))
            self.steps = steps

    def set_full_dose(self, dose_mg: Decimal, label: str) -> None:
        self.steps[-1] = replace(self.steps[-1], dose_mg=dose_mg, label=label)


def step_names(count: int) -> list[str]:
    """``First test dose``, ``Second test dose``, ..., ``Full dose``; as the data file names them."""
    return [f"{ORDINALS[i]} test dose" for i in range(count - 1)] + ["Full dose"]


def build_regimen(draft: Draft, *, dose_range_mg: tuple[Decimal, Decimal], allow_outside_range: bool = False,
                  option: Callable[[str], str] = lambda name: f"--{name}") -> tuple[Regimen, list[str]]:
    """The checked regimen, and any warnings. ``option`` spells an option's name for messages
    (``--dose`` on the command line, ``dose`` in a batch CSV)."""
    steps = draft.steps
    full = steps[-1]
    for i in range(1, len(steps)):
        before, step = steps[i - 1], steps[i]
        if step.day <= before.day:
            raise InputError(_day_label(step), f"day {step.day} must come after day {before.day} of the "
                                               f"{before.name.lower()}")
        if step.dose_mg <= before.dose_mg:
            who = step.label if _user_set(step.label) else before.label
            raise InputError(who, f"the {step.name.lower()} ({format_quantity(step.dose_mg, 'mg')}) must be more "
                                  f"than the {before.name.lower()} ({format_quantity(before.dose_mg, 'mg')})")
    warnings = _check_range(full, dose_range_mg, allow_outside_range, option)
    mg_per_spray = draft.concentration_mg_per_ml * draft.volume_ml_per_spray
    if mg_per_spray != round(mg_per_spray, PLACES):
        raise InputError(draft.strength_label(),
                         f"{format_quantity(draft.concentration_mg_per_ml, 'mg')} per mL times "
                         f"{format_quantity(draft.volume_ml_per_spray, 'mL')} gives {mg_per_spray} mg a spray, "
                         f"which cannot be printed exactly; use a rounder strength")
    built = []
    for step in steps:
        sprays = step.dose_mg / mg_per_spray
        if sprays != sprays.to_integral_value():
            who = step.label if _user_set(step.label) else draft.strength_label()
            raise InputError(who, f"the {step.name.lower()} of {format_quantity(step.dose_mg, 'mg')} is not a whole "
                                  f"number of sprays at {format_quantity(mg_per_spray, 'mg')} a spray")
        if sprays > MAX_SPRAYS_PER_STEP:
            raise InputError(step.label, f"the {step.name.lower()} needs {format_number(sprays)} sprays; "
                                         f"at most {MAX_SPRAYS_PER_STEP} fit on the sheet")
        built.append(TitrationStep(step.key, step.name, step.day, step.dose_mg, mg_per_spray,
                                   draft.wait_between_sprays_minutes, step.companion))
    regimen = Regimen(
        concentration_mg_per_ml=draft.concentration_mg_per_ml,
        volume_ml_per_spray=draft.volume_ml_per_spray,
        wait_between_sprays_minutes=draft.wait_between_sprays_minutes,
        watch_hours=draft.watch_hours,
        response_check_hours=draft.response_check_hours,
        steps=tuple(built),
        maintenance_doses_per_week=draft.doses_per_week,
        maintenance_weeks=draft.weeks,
    )
    return regimen, warnings


def _day_label(step: DraftStep) -> str:
    return step.day_label or step.label.removesuffix(".dose_mg") + ".day"


def _user_set(label: str) -> bool:
    return not label.startswith(DATA)


def _check_range(full: DraftStep, dose_range_mg: tuple[Decimal, Decimal], allow: bool,
                 option: Callable[[str], str]) -> list[str]:
    low, high = dose_range_mg
    if low <= full.dose_mg <= high:
        return []
    where = (f"{format_quantity(full.dose_mg, 'mg')} is outside the handbook's intranasal range "
             f"of {format_range((low, high), 'mg')}")
    if not allow:
        raise InputError(full.label, f"{where}; give {option('allow-dose-outside-range')} to print it anyway")
    return [f"{full.label}: {where}; printing it because {option('allow-dose-outside-range')} was given"]
