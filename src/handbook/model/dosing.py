"""The dosing data model: ``dosing.toml`` read, checked and given its derived figures.

Everything the handbook or the patient sheet prints as a number comes from here. Raw
values are the file's; derived values (mg per spray, step doses, route equivalents,
course totals) are computed by the properties below so nobody types them by hand.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from handbook.project import DOSING_FILE

ROUTES = ("iv", "intranasal", "sublingual", "oral")
ROUTE_NAMES = {"iv": "intravenous", "intranasal": "intranasal", "sublingual": "sublingual", "oral": "oral"}


class DosingDataError(ValueError):
    """A value in the dosing data (or a regimen built on it) is missing or wrong; the message names the field."""


def exact(value: float) -> Decimal:
    """Arithmetic in decimals, so 100 mg/mL x 0.1 mL is exactly 10 mg, not 10.000000000000002."""
    return Decimal(str(value))


@dataclass(frozen=True)
class TitrationStep:
    """One dosing session of the titration: a number of sprays, alternating nostrils."""

    key: str
    name: str
    day: int
    sprays: int
    mg_per_spray: Decimal
    wait_between_sprays_minutes: int

    @property
    def dose_mg(self) -> Decimal:
        return self.sprays * self.mg_per_spray

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


class DosingData:
    """Typed, validated view of the dosing TOML, with every derived figure as a property."""

    def __init__(self, raw: Mapping[str, Any], origin: str = "dosing data") -> None:
        self.raw = raw
        self.origin = origin
        _validate(raw, origin)

    # -- raw sections --------------------------------------------------------------
    def section(self, name: str) -> Mapping[str, Any]:
        return self.raw[name]

    @property
    def last_reviewed(self) -> dt.date:
        return self.raw["document"]["last_reviewed"]

    @property
    def weight_kg(self) -> Decimal:
        return exact(self.raw["reference_patient"]["weight_kg"])

    # -- derived: the spray and the titration --------------------------------------
    @cached_property
    def regimen(self) -> Regimen:
        spray, titration, maintenance = self.raw["spray"], self.raw["titration"], self.raw["maintenance"]
        concentration = exact(spray["concentration_mg_per_ml"])
        volume = exact(spray["volume_ml_per_spray"])
        wait = titration["wait_between_sprays_minutes"]
        steps = tuple(
            TitrationStep(s["key"], s["name"], s["day"], s["sprays"], concentration * volume, wait)
            for s in titration["steps"]
        )
        return Regimen(
            concentration_mg_per_ml=concentration,
            volume_ml_per_spray=volume,
            wait_between_sprays_minutes=wait,
            watch_hours=titration["watch_hours"],
            response_check_hours=titration["response_check_hours"],
            steps=steps,
            maintenance_doses_per_week=maintenance["doses_per_week"],
            maintenance_weeks=maintenance["weeks"],
        )

    @property
    def intranasal_range_mg(self) -> tuple[Decimal, Decimal]:
        low, high = self.raw["intranasal"]["dose_range_mg"]
        return exact(low), exact(high)

    # -- derived: the reference patient and routes ---------------------------------
    @property
    def iv_dose_mg(self) -> Decimal:
        return exact(self.raw["iv"]["dose_mg_per_kg"]) * self.weight_kg

    @property
    def iv_max_dose_mg(self) -> Decimal:
        return exact(self.raw["iv"]["max_dose_mg_per_kg"]) * self.weight_kg

    @property
    def oral_weight_dose_mg(self) -> Decimal:
        return exact(self.raw["oral"]["dose_mg_per_kg"]) * self.weight_kg

    @property
    def route_equivalents_mg(self) -> dict[str, Decimal]:
        """Dose by route that delivers as much drug as the standard IV dose, for the reference patient."""
        fractions = self.raw["bioavailability"]
        return {route: self.iv_dose_mg / exact(fractions[route]) for route in ROUTES}

    @property
    def iv_course_cost(self) -> Decimal:
        costs = self.raw["costs"]
        return exact(costs["iv_cost_per_infusion"]) * costs["iv_course_infusions"]

    @property
    def iv_course_cumulative_mg(self) -> Decimal:
        """Total ketamine in a typical infusion course (the source's "about 8 doses" of the standard dose)."""
        return self.raw["iv"]["course_doses"] * self.iv_dose_mg

    @property
    def recreational_lifetime_g(self) -> Decimal:
        rec = self.raw["recreational"]
        weeks = exact(rec["years_of_use"]) * 52
        return weeks * exact(rec["days_per_week"]) * exact(rec["grams_per_dose"])

    @property
    def recreational_to_course_ratio(self) -> Decimal:
        return (self.recreational_lifetime_g * 1000) / self.iv_course_cumulative_mg

    @property
    def effect_size_ratio_range(self) -> tuple[Decimal, Decimal]:
        eff = self.raw["effectiveness"]
        low, high = (exact(v) / exact(eff["effect_size_ssri"]) for v in eff["effect_size_ketamine_range"])
        return low, high

    @property
    def intranasal_sprays_range(self) -> tuple[Decimal, Decimal]:
        low, high = self.intranasal_range_mg
        return low / self.regimen.mg_per_spray, high / self.regimen.mg_per_spray

    # -- lookup by dotted name (the `{fact}` role) ---------------------------------
    def derived(self) -> dict[str, Any]:
        """Every derived figure, by the name chapters use after ``derived.``."""
        reg = self.regimen
        values: dict[str, Any] = {
            "mg_per_spray": reg.mg_per_spray,
            "iv_dose_mg": self.iv_dose_mg,
            "iv_max_dose_mg": self.iv_max_dose_mg,
            "oral_weight_dose_mg": self.oral_weight_dose_mg,
            "iv_course_cost": self.iv_course_cost,
            "iv_course_cumulative_mg": self.iv_course_cumulative_mg,
            "iv_course_cumulative_g": self.iv_course_cumulative_mg / 1000,
            "recreational_lifetime_g": self.recreational_lifetime_g,
            "recreational_to_course_ratio": self.recreational_to_course_ratio.to_integral_value(),
            "effect_size_ratio_range": list(self.effect_size_ratio_range),
            "intranasal_sprays_range": list(self.intranasal_sprays_range),
            "maintenance_total_doses": reg.maintenance_total_doses,
            "full_dose_mg": reg.full_dose.dose_mg,
            "full_dose_sprays": reg.full_dose.sprays,
        }
        for route, mg in self.route_equivalents_mg.items():
            values[f"equivalent_mg.{route}"] = mg
        for step in reg.steps:
            values[f"step.{step.key}.dose_mg"] = step.dose_mg
            values[f"step.{step.key}.sprays"] = step.sprays
            values[f"step.{step.key}.day"] = step.day
            values[f"step.{step.key}.duration_minutes"] = step.duration_minutes
        return values

    def lookup(self, name: str) -> Any:
        """Find a value by dotted name: ``iv.dose_mg_per_kg`` (raw) or ``derived.mg_per_spray``."""
        if name.startswith("derived."):
            derived = self.derived()
            key = name.removeprefix("derived.")
            if key not in derived:
                raise KeyError(f"unknown derived figure {key!r}; known: {', '.join(sorted(derived))}")
            return derived[key]
        node: Any = self.raw
        for part in name.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]  # one item of a list: ``oral.fixed_doses_mg.2``
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise KeyError(f"no value {name!r} in {self.origin}")
        return node


def load_dosing(path: Path | str | None = None) -> DosingData:
    """Read and check the dosing TOML (the project's own by default)."""
    path = Path(path) if path else DOSING_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise DosingDataError(f"{path}: not valid TOML: {err}") from None
    return DosingData(raw, origin=str(path))


# -- validation -----------------------------------------------------------------------
_REQUIRED: dict[str, tuple[str, ...]] = {
    "document": ("last_reviewed",),
    "reference_patient": ("weight_kg",),
    "iv": ("dose_mg_per_kg", "max_dose_mg_per_kg", "course_doses"),
    "intranasal": ("dose_range_mg",),
    "oral": ("dose_mg_per_kg",),
    "bioavailability": ROUTES,
    "spray": ("concentration_mg_per_ml", "volume_ml_per_spray"),
    "titration": ("wait_between_sprays_minutes", "watch_hours", "response_check_hours", "steps"),
    "maintenance": ("doses_per_week", "weeks"),
    "costs": ("iv_cost_per_infusion", "iv_course_infusions"),
    "effectiveness": ("effect_size_ssri", "effect_size_ketamine_range"),
    "recreational": ("years_of_use", "days_per_week", "grams_per_dose"),
}


def _positive(value: Any, field: str, origin: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise DosingDataError(f"{origin}: {field} must be a positive number, got {value!r}")


def _validate(raw: Mapping[str, Any], origin: str) -> None:
    for section, fields in _REQUIRED.items():
        if section not in raw:
            raise DosingDataError(f"{origin}: missing table [{section}]")
        for field in fields:
            if field not in raw[section]:
                raise DosingDataError(f"{origin}: missing {section}.{field}")
    if not isinstance(raw["document"]["last_reviewed"], dt.date):
        raise DosingDataError(f"{origin}: document.last_reviewed must be a date (YYYY-MM-DD)")
    for field in ("concentration_mg_per_ml", "volume_ml_per_spray"):
        _positive(raw["spray"][field], f"spray.{field}", origin)
    for route in ROUTES:
        fraction = raw["bioavailability"][route]
        _positive(fraction, f"bioavailability.{route}", origin)
        if fraction > 1:
            raise DosingDataError(f"{origin}: bioavailability.{route} must be at most 1, got {fraction!r}")
    low, high = raw["intranasal"]["dose_range_mg"]
    if not 0 < low <= high:
        raise DosingDataError(f"{origin}: intranasal.dose_range_mg must be [low, high] with 0 < low <= high")
    steps = raw["titration"]["steps"]
    if not steps:
        raise DosingDataError(f"{origin}: titration.steps is empty")
    keys = [s.get("key") for s in steps]
    if keys[-1] != "full" or keys.count("full") != 1:
        raise DosingDataError(f"{origin}: titration.steps must end with the one step keyed 'full'")
    for i, step in enumerate(steps, start=1):
        for field in ("key", "name", "day", "sprays"):
            if field not in step:
                raise DosingDataError(f"{origin}: titration.steps[{i}] is missing {field}")
        if not isinstance(step["sprays"], int) or isinstance(step["sprays"], bool) or step["sprays"] < 1:
            raise DosingDataError(f"{origin}: titration.steps[{i}].sprays must be a whole number of at least 1")
