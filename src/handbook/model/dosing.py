"""The dosing data model: ``dosing.toml`` read, checked against its schema, and given its derived figures.

Everything the handbook or the patient sheet prints as a number comes from here. Raw values are
the file's, each checked by the schema below (types, signs, plausible ranges from
handbook.model.fields, ordered days and doses); derived values (mg per spray, route equivalents,
course totals) are computed by the properties of :class:`DosingData`, so nobody types them by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from handbook.project import DOSING_FILE

from .advice import PLACEHOLDERS, Section, placeholders
from .errors import DosingDataError, InputError, first_problem
from .evidence import EVIDENCE_LEVELS
from .fields import file_number, file_range
from .regimen import DATA, Draft, DraftStep, Regimen, build_regimen
from .units import format_quantity

ROUTES = ("iv", "intranasal", "sublingual", "oral")
ROUTE_NAMES = {"iv": "intravenous", "intranasal": "intranasal", "sublingual": "sublingual", "oral": "oral"}
MAX_FILE_BYTES = 1_000_000  # the data file is about 8 kB; anything this big is not it

Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,20}$")]


def exact(value: float | Decimal) -> Decimal:
    """Arithmetic in decimals, so 100 mg/mL x 0.1 mL is exactly 10 mg, not 10.000000000000002."""
    return Decimal(str(value))


# -- the schema ------------------------------------------------------------------------------
class Table(BaseModel):
    """A table of the data file: no unknown fields, no text where a number belongs."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Cited(Table):
    source: Text  # the references.bib key the table's figures come from


class FactTable(Cited):
    """A table of figures the chapters cite: each a number that is not negative, or a [low, high] range."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, file_number("quantity") | file_range("quantity")]  # type: ignore[valid-type]


class Document(Table):
    last_reviewed: dt.date
    review_interval_months: file_number("months")


class ReferencePatient(Table):
    weight_kg: file_number("weight_kg")


class Costs(Cited):
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    price_year: file_number("count")
    iv_cost_per_infusion: file_number("usd")
    iv_course_infusions: file_number("count")
    iv_course_weeks: file_number("count")
    iv_session_hours: file_range("quantity")
    esketamine_cost_per_month: file_number("usd")
    compounded_cost_per_dose: file_number("usd")
    kap_cost_per_session: file_number("usd")
    kap_session_hours: file_number("quantity")


class Iv(Cited):
    dose_mg_per_kg: file_number("mg_per_kg")
    max_dose_mg_per_kg: file_number("mg_per_kg")
    infusion_max_hours: file_number("quantity")
    infusion_dose_range_mg: file_range("dose_mg")
    infusion_minutes: file_number("quantity")
    course_doses: file_number("count")


class Intranasal(Cited):
    dose_range_mg: file_range("dose_mg")
    esketamine_dose_range_mg: file_range("dose_mg")
    esketamine_mg_per_device: file_number("dose_mg")


class Oral(Cited):
    dose_mg_per_kg: file_number("mg_per_kg")
    fixed_doses_mg: Annotated[list[file_number("dose_mg")], Field(min_length=1, max_length=10)]


class Bioavailability(Cited):
    iv: file_number("fraction")
    intranasal: file_number("fraction")
    sublingual: file_number("fraction")
    oral: file_number("fraction")


class Spray(Cited):
    concentration_mg_per_ml: file_number("concentration_mg_per_ml")
    volume_ml_per_spray: file_number("volume_ml_per_spray")


class Step(Table):
    key: Key
    name: Text
    day: file_number("day")
    dose_mg: file_number("dose_mg")
    companion: bool  # a trusted adult stays with the patient for this step and its watch


class Titration(Cited):
    wait_between_sprays_minutes: file_number("wait_minutes")
    watch_hours: file_number("watch_hours")
    response_check_hours: file_number("response_check_hours")
    steps: Annotated[list[Step], Field(min_length=1, max_length=8)]

    @model_validator(mode="after")
    def _steps(self) -> Titration:
        keys = [step.key for step in self.steps]
        if keys[-1] != "full" or keys.count("full") != 1 or len(set(keys)) != len(keys):
            raise ValueError("steps must have unique keys and end with the one step keyed 'full'")
        return self  # days and doses in order, whole sprays: checked by build_regimen


class Maintenance(Cited):
    doses_per_week: file_number("doses_per_week")
    weeks: file_number("weeks")
    continue_months: file_number("months")


class BloodPressure(FactTable):
    stop_symptoms: Annotated[list[Text], Field(min_length=1, max_length=10)]


class Effectiveness(FactTable):
    effect_size_ssri: file_number("quantity")
    effect_size_ketamine_range: file_range("quantity")


class Recreational(FactTable):
    years_of_use: file_number("quantity")
    days_per_week: Annotated[file_number("quantity"), Field(le=7)]
    grams_per_dose: file_number("quantity")


class Country(Table):
    """Emergency and crisis numbers of one country, for the patient sheet (``--country``)."""

    name: Text
    emergency: Annotated[str, StringConstraints(pattern=r"^[0-9 -]{2,15}$")]
    crisis_line: Annotated[str, StringConstraints(pattern=r"^[0-9 -]{2,15}$")]
    crisis_name: Text
    crisis_how: Literal["call", "call or text"]
    source: Annotated[list[Text], Field(min_length=1)]


class Advice(Table):
    """One piece of the patient sheet's advice: its words, and where the handbook says it comes from."""

    section: Section
    text: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    cite: Annotated[list[Text], Field(min_length=1)]
    evidence: Text | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> Advice:
        unknown = placeholders(self.text) - PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown placeholder {min(unknown)!r}; known: {', '.join(sorted(PLACEHOLDERS))}")
        if self.text.count("**") % 2:
            raise ValueError("has an unclosed ** (bold)")
        if self.evidence is not None and self.evidence not in EVIDENCE_LEVELS:
            raise ValueError(f"unknown evidence level {self.evidence!r}; known: {', '.join(EVIDENCE_LEVELS)}")
        return self


class SheetTable(Table):
    """The patient sheet's words: section headings, advice, and which country each paper defaults to."""

    default_country: dict[Text, Text]
    headings: dict[Section, Text]
    advice: Annotated[list[Advice], Field(min_length=1)]


class Telemedicine(Cited):
    flexibilities_end: dt.date


class DosingFile(Table):
    """The whole data file. The sheet needs the first eight tables; the rest hold figures that
    chapters cite, and a chapter citing a figure from a missing table fails the build by name."""

    document: Document
    reference_patient: ReferencePatient
    costs: Costs | None = None
    iv: Iv
    intranasal: Intranasal
    oral: Oral | None = None
    bioavailability: Bioavailability
    spray: Spray
    titration: Titration
    maintenance: Maintenance
    blood_pressure: BloodPressure | None = None
    effectiveness: Effectiveness | None = None
    relapse: FactTable | None = None
    recreational: Recreational | None = None
    urinary: FactTable | None = None
    liver: FactTable | None = None
    liver_noppers: FactTable | None = None
    addiction_bonnet: FactTable | None = None
    panic_bp: FactTable | None = None
    esketamine_suicide_trial: FactTable | None = None
    spravato_rems: FactTable | None = None
    high_dose_anecdote: FactTable | None = None
    murrough_relapse: FactTable | None = None
    retry_stopping: FactTable | None = None
    source_errors: FactTable | None = None
    andrade_oral_range: FactTable | None = None
    fda_nasal_spray_alert: FactTable | None = None
    prescription: FactTable | None = None
    controlled: FactTable | None = None
    telemedicine: Telemedicine | None = None
    esketamine_bp: FactTable | None = None
    label_dissociation: FactTable | None = None
    han_meta: FactTable | None = None
    riva_posse_abstract: FactTable | None = None
    hemodynamic_meta: FactTable | None = None
    elekt_d: FactTable | None = None
    cbt_rct: FactTable | None = None
    liver_case_series: FactTable | None = None
    # The patient sheet's words and numbers (a Sphinx test root may leave them out).
    countries: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")], Country] = {}
    sheet: SheetTable | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DosingFile:
        if self.iv.dose_mg_per_kg > self.iv.max_dose_mg_per_kg:
            raise ValueError("iv.dose_mg_per_kg must not be more than iv.max_dose_mg_per_kg")
        if self.bioavailability.iv != 1:
            raise ValueError("bioavailability.iv must be 1: the other routes are fractions of IV")
        for paper, country in (self.sheet.default_country if self.sheet else {}).items():
            if country not in self.countries:
                raise ValueError(f"sheet.default_country.{paper}: no country {country!r} in [countries]")
        return self


# -- the model -------------------------------------------------------------------------------
class DosingData:
    """The checked data file, with every derived figure as a property."""

    def __init__(self, raw: Mapping[str, Any], origin: str = "dosing data") -> None:
        self.origin = origin
        try:
            self.file = DosingFile.model_validate(raw)
        except ValidationError as err:
            problem = first_problem(err, origin, DosingFile)
            raise DosingDataError(problem.label, problem.message) from None
        self.raw: dict[str, Any] = self.file.model_dump(exclude_none=True)
        self.regimen  # noqa: B018  built now, so a wrong step is reported when the file is read

    # -- raw sections --------------------------------------------------------------
    def section(self, name: str) -> Mapping[str, Any]:
        return self.raw[name]

    @property
    def last_reviewed(self) -> dt.date:
        return self.file.document.last_reviewed

    @property
    def next_review(self) -> dt.date:
        """The date the next review is due: the last review plus the interval, same day of the month."""
        last, months = self.last_reviewed, int(self.file.document.review_interval_months)
        year, month = divmod(last.month - 1 + months, 12)
        year, month = last.year + year, month + 1
        return dt.date(year, month, min(last.day, calendar.monthrange(year, month)[1]))

    @property
    def weight_kg(self) -> Decimal:
        return self.file.reference_patient.weight_kg

    # -- derived: the spray and the titration --------------------------------------
    def draft(self) -> Draft:
        """The standard regimen, not yet checked: where a sheet's regimen file and flags start from."""
        spray, titration, maintenance = self.file.spray, self.file.titration, self.file.maintenance
        return Draft(
            concentration_mg_per_ml=spray.concentration_mg_per_ml,
            volume_ml_per_spray=spray.volume_ml_per_spray,
            wait_between_sprays_minutes=int(titration.wait_between_sprays_minutes),
            watch_hours=int(titration.watch_hours),
            response_check_hours=int(titration.response_check_hours),
            doses_per_week=int(maintenance.doses_per_week),
            weeks=int(maintenance.weeks),
            steps=[DraftStep(int(s.day), s.dose_mg, s.companion, s.name, s.key,
                             f"{DATA} titration.steps[{i}].dose_mg") for i, s in enumerate(titration.steps, 1)],
        )

    @cached_property
    def regimen(self) -> Regimen:
        """The standard regimen, as the data file gives it, checked like any other."""
        try:
            regimen, _ = build_regimen(self.draft(), dose_range_mg=self.intranasal_range_mg)
        except InputError as err:
            label = err.label.replace(DATA, self.origin, 1) if err.label.startswith(DATA) else f"{self.origin} {err.label}"
            raise DosingDataError(label, err.message) from None
        return regimen

    @property
    def intranasal_range_mg(self) -> tuple[Decimal, Decimal]:
        low, high = self.file.intranasal.dose_range_mg
        return low, high

    # -- derived: the reference patient and routes ---------------------------------
    @property
    def iv_dose_mg(self) -> Decimal:
        return self.file.iv.dose_mg_per_kg * self.weight_kg

    @property
    def iv_max_dose_mg(self) -> Decimal:
        return self.file.iv.max_dose_mg_per_kg * self.weight_kg

    @property
    def oral_weight_dose_mg(self) -> Decimal:
        return self._table("oral").dose_mg_per_kg * self.weight_kg

    @property
    def route_equivalents_mg(self) -> dict[str, Decimal]:
        """Dose by route that delivers as much drug as the standard IV dose, for the reference patient."""
        fractions = self.file.bioavailability
        return {route: self.iv_dose_mg / getattr(fractions, route) for route in ROUTES}

    @property
    def iv_course_cost(self) -> Decimal:
        costs = self._table("costs")
        return costs.iv_cost_per_infusion * costs.iv_course_infusions

    @property
    def iv_course_cumulative_mg(self) -> Decimal:
        """Total ketamine in a typical infusion course (the source's "about 8 doses" of the standard dose)."""
        return self.file.iv.course_doses * self.iv_dose_mg

    @property
    def recreational_lifetime_g(self) -> Decimal:
        rec = self._table("recreational")
        return rec.years_of_use * 52 * rec.days_per_week * rec.grams_per_dose

    @property
    def recreational_to_course_ratio(self) -> Decimal:
        return (self.recreational_lifetime_g * 1000) / self.iv_course_cumulative_mg

    @property
    def effect_size_ratio_range(self) -> tuple[Decimal, Decimal]:
        eff = self._table("effectiveness")
        low, high = (v / eff.effect_size_ssri for v in eff.effect_size_ketamine_range)
        return low, high

    @property
    def intranasal_sprays_range(self) -> tuple[Decimal, Decimal]:
        low, high = self.intranasal_range_mg
        return low / self.regimen.mg_per_spray, high / self.regimen.mg_per_spray

    # -- lookup by dotted name (the `{fact}` role) ---------------------------------
    def _table(self, name: str) -> Any:
        table = getattr(self.file, name)
        if table is None:
            raise KeyError(f"{self.origin} has no [{name}] table")
        return table

    def derived_names(self) -> list[str]:
        """Every derived figure's name, as chapters write it after ``derived.``."""
        steps = [f"step.{s.key}.{what}" for s in self.regimen.steps
                 for what in ("dose_mg", "sprays", "day", "duration_minutes", "watch")]
        return [*DERIVED, *(f"equivalent_mg.{route}" for route in ROUTES), *steps]

    def derived(self, name: str) -> Any:
        """One derived figure by name (``mg_per_spray``, ``step.full.sprays``); KeyError if unknown."""
        if name in DERIVED:
            return DERIVED[name](self)
        kind, _, rest = name.partition(".")
        if kind == "equivalent_mg" and rest in ROUTES:
            return self.route_equivalents_mg[rest]
        if kind == "step":
            key, _, what = rest.rpartition(".")
            step = next((s for s in self.regimen.steps if s.key == key), None)
            if step is not None and what in ("dose_mg", "sprays", "day", "duration_minutes"):
                return getattr(step, what)
            if step is not None and what == "watch":  # as the titration table words it
                hours = format_quantity(self.regimen.watch_hours, "hours")
                return f"{hours} with a companion" if step.companion else hours
        raise KeyError(f"unknown derived figure {name!r}; known: {', '.join(sorted(self.derived_names()))}")

    def lookup(self, name: str) -> Any:
        """Find a value by dotted name: ``iv.dose_mg_per_kg`` (raw) or ``derived.mg_per_spray``."""
        if name.startswith("derived."):
            return self.derived(name.removeprefix("derived."))
        node: Any = self.raw
        for part in name.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]  # one item of a list: ``oral.fixed_doses_mg.2``
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise KeyError(f"no value {name!r} in {self.origin}")
        return node


# Derived figures by the name chapters use after ``derived.`` (steps and routes are added by name).
DERIVED: dict[str, Any] = {
    "mg_per_spray": lambda d: d.regimen.mg_per_spray,
    "iv_dose_mg": lambda d: d.iv_dose_mg,
    "iv_max_dose_mg": lambda d: d.iv_max_dose_mg,
    "oral_weight_dose_mg": lambda d: d.oral_weight_dose_mg,
    "iv_course_cost": lambda d: d.iv_course_cost,
    "iv_course_cumulative_mg": lambda d: d.iv_course_cumulative_mg,
    "iv_course_cumulative_g": lambda d: d.iv_course_cumulative_mg / 1000,
    "recreational_lifetime_g": lambda d: d.recreational_lifetime_g,
    "recreational_to_course_ratio": lambda d: d.recreational_to_course_ratio.to_integral_value(),
    "effect_size_ratio_range": lambda d: list(d.effect_size_ratio_range),
    "intranasal_sprays_range": lambda d: list(d.intranasal_sprays_range),
    "maintenance_total_doses": lambda d: d.regimen.maintenance_total_doses,
    "full_dose_mg": lambda d: d.regimen.full_dose.dose_mg,
    "full_dose_sprays": lambda d: d.regimen.full_dose.sprays,
    "bottle_mg": lambda d: d._table("prescription").bottle_ml * d.regimen.concentration_mg_per_ml,
    "full_doses_per_bottle": lambda d: (d._table("prescription").bottle_ml * d.regimen.concentration_mg_per_ml
                                        / d.regimen.full_dose.dose_mg).to_integral_value(rounding="ROUND_FLOOR"),
    "next_review": lambda d: d.next_review.isoformat(),
    "iv_course_cumulative_mg_at_cost_course": lambda d: d._table("costs").iv_course_infusions * d.iv_dose_mg,
    # The steps a trusted adult stays for, as the data file marks them: "the first test dose, ... and the full dose".
    "companion_steps": lambda d: _names([s.name.lower() for s in d.regimen.steps if s.companion]) or "no step",
}


def _names(names: list[str]) -> str:
    names = [f"the {name}" for name in names]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def load_dosing(path: Path | str | None = None) -> DosingData:
    """Read and check the dosing TOML (the project's own by default); DosingDataError names file and field."""
    path = Path(path) if path else DOSING_FILE
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DosingDataError(str(path), f"is larger than {MAX_FILE_BYTES:,} bytes; it is not the data file")
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DosingDataError(str(path), f"cannot be read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise DosingDataError(str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise DosingDataError(str(path), f"is not valid TOML: {err}") from None
    except RecursionError:
        raise DosingDataError(str(path), "is nested too deeply to be the data file") from None
    return DosingData(raw, origin=str(path))
