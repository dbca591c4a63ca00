"""``handbook sheet --fhir ORDER.json``: a FHIR order turned into the values the sheet's options take.

One MedicationRequest (alone, or in a Bundle with its Patient, Practitioner, Medication and
pharmacy Organization) becomes what a user could have typed: the names, the phone and the start
date as option values, and the regimen as the fields of a regimen file
(:class:`handbook.model.regimen.RegimenSource`). handbook.sheet.options then checks and builds it
exactly as it does ``--regimen``: whole sprays, the documented dose range, days and doses going up,
one page. An error names the FHIR path the value came from; options given beside ``--fhir`` override
the order as they override a regimen file.

What the sheet cannot print is refused rather than dropped: another route, an "as needed" dose, a
unit it cannot convert, a second medication or ingredient, a time of day, a dose range, a modifier
extension it does not know. ``text`` and ``patientInstruction`` are not read: the sheet prints its
own words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from handbook.model.errors import InputError, describe, field_path
from handbook.model.regimen import RegimenFile, RegimenSource
from handbook.model.units import format_quantity
from handbook.sheet.options import (
    SheetOptions,
    SheetRequest,
    cli_option,
    dosing_data,
    options_from_values,
    parse_request,
)

from . import codes
from .parse import load_order

WEEK_MINUTES = Decimal(7 * 24 * 60)
DAY_MINUTES = Decimal(24 * 60)
_REPEAT_UNREAD = {
    "boundsRange": "is a range; give boundsDuration or boundsPeriod",
    "countMax": "is a range of counts; the sheet prints one",
    "durationMax": "is a range of durations; the sheet prints one",
    "frequencyMax": "is a range of frequencies; the sheet prints one",
    "periodMax": "is a range of periods; the sheet prints one",
    "dayOfWeek": "names days of the week; the sheet prints the days of the course",
    "timeOfDay": "is a time of day; the sheet prints days, not times",
    "when": "ties the dose to an event of the day; the sheet prints days, not times",
    "offset": "ties the dose to an event of the day; the sheet prints days, not times",
}


def refuse(path: str, message: str) -> NoReturn:
    raise InputError(path, message)


@dataclass(frozen=True)
class Found:
    """A resource of the order and its FHIRPath (``Bundle.entry[1].resource``, ``MedicationRequest.contained[0]``)."""

    resource: Any
    path: str


@dataclass(frozen=True)
class Order:
    """What an order says, as the sheet's options would say it."""

    values: dict[str, str]  # sheet option -> value as text (patient, prescriber, phone, pharmacy, start)
    labels: dict[str, str]  # sheet option -> the FHIR path it came from, for messages
    source: RegimenSource
    quantity: tuple[Decimal, codes.Units, str] | None = None  # dispenseRequest.quantity, in mL or sprays


def options_from_order(path: Path, given: Mapping[str, Any], data: bytes | None = None) -> SheetOptions:
    """The sheet an order asks for, with the options given beside it (``given``) overriding it.

    ``data`` is the order's contents when they are in memory (an upload): then ``path`` only names it.
    """
    typed = {name: value for name, value in given.items() if value is not None}
    if typed.get("regimen") is not None:
        raise regimen_beside_order()
    request = parse_request(typed)  # what was typed is checked first, and named as the option it is
    order = read_order(path, request, data)

    def option(name: str) -> str:
        return order.labels[name] if name in order.labels and name not in typed else cli_option(name)

    try:
        options = options_from_values({**order.values, **typed}, option=option, source=order.source)
    except InputError as err:
        raise _without_letters(err, order, typed) from None
    _check_quantity(order, options)
    return options


def regimen_beside_order() -> InputError:
    """A regimen file given with an order: refused, as the order holds the regimen (CLI and web form)."""
    return InputError(cli_option("regimen"), "not used with --fhir: the order holds the regimen")


def _without_letters(err: InputError, order: Order, typed: Mapping[str, Any]) -> InputError:
    """A name from the order that the font cannot print is refused without showing its letters (they are
    patient data, and an error line may reach a log)."""
    from_order = {order.labels[name] for name in ("patient", "prescriber", "phone", "pharmacy")
                  if name in order.labels and name not in typed}
    if err.label in from_order and "font has no letter" in err.message:
        return InputError(err.label, "has letters the sheet's font cannot print; it prints Latin, Greek and "
                                     "Cyrillic scripts")
    return err


def read_order(path: Path, request: SheetRequest | None = None, data: bytes | None = None) -> Order:
    """Read and check an order; ``request`` holds the options typed beside it (a strength, a spray volume)."""
    resources = Resources(load_order(path, data=data))
    mr = resources.request
    _check_request(mr)
    strength, strength_path = _medication(resources, mr)
    request = request or SheetRequest()
    if strength is None and request.mg_per_ml is None:
        refuse(f"{mr.path}.medication[x]", "gives no strength in mg per mL (a Medication's ingredient.strength); "
                                           "give --mg-per-ml N")
    dosages = _dosages(mr)
    regimen, labels = _regimen(mr, dosages, strength, strength_path, request)
    try:
        file = RegimenFile.model_validate(regimen)
    except ValidationError as err:
        error = err.errors(include_url=False)[0]
        name = field_path(tuple(error["loc"]))
        raise InputError(_label(labels, mr)(name), describe(error, RegimenFile)) from None
    values, names = _people(resources, mr)
    start = _start(mr, dosages)
    if start is not None:
        values["start"], names["start"] = start[0].isoformat(), start[1]
    names["regimen"] = f"{mr.path}.dosageInstruction"
    return Order(values=values, labels=names, source=RegimenSource(file, _label(labels, mr), path),
                 quantity=_quantity(mr))


# -- finding the resources ----------------------------------------------------------------------
class Resources:
    """The order's MedicationRequest and what its references lead to, in the same file."""

    def __init__(self, root: Any) -> None:
        self.entries: list[tuple[Found, str | None]] = []
        if root.get_resource_type() == "Bundle":
            for i, entry in enumerate(root.entry or []):
                if entry.resource is not None:
                    self.entries.append((Found(entry.resource, f"Bundle.entry[{i}].resource"), entry.fullUrl))
            requests = [found for found, _ in self.entries if found.resource.get_resource_type() == "MedicationRequest"]
            if not requests:
                refuse("Bundle.entry", "holds no MedicationRequest")
            if len(requests) > 1:
                refuse(requests[1].path, "is a second MedicationRequest; a sheet is for one medication")
            self.request = requests[0]
        else:
            self.request = Found(root, "MedicationRequest")

    def resolve(self, reference: Any, where: str, kind: str) -> Found | None:
        """The resource of type ``kind`` a Reference points to, contained or in the Bundle; None if not here."""
        target = getattr(reference, "reference", None)
        if not target:
            return None
        if target.startswith("#"):
            for i, item in enumerate(self.request.resource.contained or []):
                if item.id == target[1:]:
                    found = Found(item, f"{self.request.path}.contained[{i}]")
                    return found if item.get_resource_type() == kind else None
            refuse(f"{where}.reference", "points to no contained resource")
        for found, full_url in self.entries:
            resource = found.resource
            local = f"{resource.get_resource_type()}/{resource.id}"
            if target in (full_url, local) or (full_url or "").endswith(f"/{target}"):
                return found if resource.get_resource_type() == kind else None
        return None

    def extra_medications(self, used: Found | None) -> Iterator[Found]:
        for found, _ in self.entries:
            if found.resource.get_resource_type() == "Medication" and (used is None or found.path != used.path):
                yield found


# -- the request as a whole ---------------------------------------------------------------------
def _check_request(mr: Found) -> None:
    resource = mr.resource
    if resource.implicitRules:
        refuse(f"{mr.path}.implicitRules", "names rules the sheet does not know; they could change what the order means")
    for where in _modifier_extensions(resource, mr.path):
        refuse(where, "is a modifier extension the sheet does not know; it could change what the order means")
    if resource.doNotPerform:
        refuse(f"{mr.path}.doNotPerform", "is true: this order says not to give the medication")
    if resource.status not in codes.PRINTABLE_STATUSES:
        refuse(f"{mr.path}.status", f'"{resource.status}": the sheet prints an active or a draft order only')


def _modifier_extensions(node: Any, path: str) -> Iterator[str]:
    """Every modifierExtension in a resource (it may change the meaning of what holds it)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _modifier_extensions(item, f"{path}[{i}]")
        return
    if not isinstance(node, BaseModel):
        return
    for name in type(node).model_fields:
        value = getattr(node, name, None)
        if value is None or name in ("fhir_comments",):
            continue
        if name == "modifierExtension" and value:
            yield f"{path}.modifierExtension[0]"
        elif isinstance(value, BaseModel | list):
            yield from _modifier_extensions(value, f"{path}.{name}")


# -- the medication -----------------------------------------------------------------------------
def _medication(resources: Resources, mr: Found) -> tuple[Decimal | None, str]:
    """The strength in mg/mL (None if the order gives none) and its path; refuse what is not one ketamine spray."""
    request = mr.resource
    names: list[tuple[str, str]] = []  # (text, path) of every name the order gives the medication
    medication: Found | None = None
    if request.medicationCodeableConcept is not None:
        names += _concept_names(request.medicationCodeableConcept, f"{mr.path}.medicationCodeableConcept")
    if request.medicationReference is not None:
        where = f"{mr.path}.medicationReference"
        medication = resources.resolve(request.medicationReference, where, "Medication")
        if request.medicationReference.display:
            names.append((request.medicationReference.display, f"{where}.display"))
    for extra in resources.extra_medications(medication):
        refuse(extra.path, "is a second Medication; a sheet is for one medication")
    strength, strength_path = None, f"{mr.path}.medication[x]"
    if medication is not None:
        med, path = medication.resource, medication.path
        for where in _modifier_extensions(med, path):
            refuse(where, "is a modifier extension the sheet does not know; it could change what the order means")
        if med.code is not None:
            names += _concept_names(med.code, f"{path}.code")
        active = [(i, ing) for i, ing in enumerate(med.ingredient or []) if ing.isActive is not False]
        if len(active) > 1:
            refuse(f"{path}.ingredient[{active[1][0]}]", "is a second active ingredient; a sheet is for one medication")
        if active:
            i, ingredient = active[0]
            where = f"{path}.ingredient[{i}]"
            if ingredient.itemCodeableConcept is not None:
                names += _concept_names(ingredient.itemCodeableConcept, f"{where}.itemCodeableConcept")
            if ingredient.itemReference is not None and ingredient.itemReference.display:
                names.append((ingredient.itemReference.display, f"{where}.itemReference.display"))
            if ingredient.strength is not None:
                strength, strength_path = _strength(ingredient.strength, f"{where}.strength"), f"{where}.strength"
    _check_names(names, strength_path if medication is None else medication.path)
    return strength, strength_path


def _concept_names(concept: Any, path: str) -> list[tuple[str, str]]:
    found = [(concept.text, f"{path}.text")] if concept.text else []
    found += [(coding.display, f"{path}.coding[{i}].display") for i, coding in enumerate(concept.coding or [])
              if coding.display]
    return found


def _check_names(names: list[tuple[str, str]], where: str) -> None:
    """Every name the order gives the medication must say ketamine, and none esketamine or arketamine
    (other products, with other doses): a name that says something else contradicts the rest."""
    if not names:
        refuse(where, "does not name the medication; the sheet is for a ketamine nasal spray")
    for text, path in names:
        lowered = text.lower()
        for other in ("esketamine", "arketamine"):
            if other in lowered:
                refuse(path, f"names {other}; the sheet is for compounded racemic ketamine")
        if "ketamine" not in lowered:
            refuse(path, "does not name ketamine; the sheet is for a ketamine nasal spray")


def _strength(ratio: Any, path: str) -> Decimal:
    if ratio.numerator is None:
        refuse(f"{path}.numerator", "is missing")
    if ratio.denominator is None:
        refuse(f"{path}.denominator", "is missing")
    mg, _ = amount(ratio.numerator, f"{path}.numerator", (codes.MASS,))
    ml, _ = amount(ratio.denominator, f"{path}.denominator", (codes.VOLUME,))
    return mg / ml


def amount(quantity: Any, path: str, kinds: tuple[codes.Units, ...]) -> tuple[Decimal, codes.Units]:
    """A Quantity's value in the base unit of its kind (mg, sprays, mL, minutes); refuse a unit not in ``kinds``."""
    what = kinds[0].what
    if quantity.comparator is not None:
        refuse(f"{path}.comparator", f'"{quantity.comparator}": the sheet prints an exact {what}')
    by_unit = by_code = None
    if quantity.unit is not None:
        by_unit = next(((units, code) for units in kinds if (code := units.code_for(quantity.unit))), None)
        elsewhere = any(units.code_for(quantity.unit) for units in codes.ALL_UNITS if units not in kinds)
        if by_unit is None and (elsewhere or quantity.code is None):
            refuse(f"{path}.unit", f'"{_short(quantity.unit)}" is not a {what} unit this sheet prints')
    if quantity.code is not None:
        if quantity.system is not None and quantity.system != codes.UCUM:
            refuse(f"{path}.system", f"is not UCUM ({codes.UCUM}), the units this sheet reads")
        by_code = next(((units, quantity.code) for units in kinds if quantity.code in units.codes), None)
        if by_code is None:
            refuse(f"{path}.code", f'"{_short(quantity.code)}" is not a {what} unit this sheet prints')
    if by_unit and by_code and (by_unit[0] is not by_code[0]
                                or by_unit[0].codes[by_unit[1]] != by_code[0].codes[by_code[1]]):
        refuse(f"{path}.unit", f'"{_short(quantity.unit)}" and its code "{_short(quantity.code)}" are different units')
    chosen = by_code or by_unit
    if chosen is None:
        refuse(path, f"gives no unit; give the {what} in {' or '.join(u.base for u in kinds)}")
    if quantity.value is None:
        refuse(f"{path}.value", "is missing")
    units, code = chosen
    value = Decimal(quantity.value) * units.codes[code]
    if value <= 0:
        refuse(f"{path}.value", f"must be more than 0, got {quantity.value}")
    return value, units


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:19] + "…"


# -- the dosage instructions ---------------------------------------------------------------------
@dataclass
class Dosage:
    """One Dosage read: its dose (mg, sprays or both), its timing and the handbook's extensions."""

    path: str
    sequence: int | None
    mg: Decimal | None = None
    mg_path: str = ""
    sprays: Decimal | None = None
    sprays_path: str = ""
    repeating: bool = False
    date: dt.date | None = None
    date_path: str = ""
    gap_days: int | None = None  # boundsDuration of a step: days until the next step
    gap_path: str = ""
    duration_minutes: Decimal | None = None
    duration_path: str = ""
    doses_per_week: int | None = None
    frequency_path: str = ""
    weeks: Decimal | None = None
    weeks_path: str = ""
    extensions: dict[str, tuple[Any, str]] = field(default_factory=dict)

    @property
    def dose_path(self) -> str:
        return self.mg_path or self.sprays_path


def _dosages(mr: Found) -> list[Dosage]:
    """Every Dosage read and checked, in the order of ``sequence`` (or of the list, if none has one)."""
    instructions = mr.resource.dosageInstruction or []
    if not instructions:
        refuse(f"{mr.path}.dosageInstruction", "is missing: the sheet prints its steps from it")
    dosages = [_dosage(d, f"{mr.path}.dosageInstruction[{i}]") for i, d in enumerate(instructions)]
    numbered = [d for d in dosages if d.sequence is not None]
    if numbered and len(numbered) != len(dosages):
        missing = next(d for d in dosages if d.sequence is None)
        refuse(f"{missing.path}.sequence", "is missing, and the other dosage instructions have one")
    seen: dict[int, str] = {}
    for d in numbered:
        if d.sequence in seen:
            refuse(f"{d.path}.sequence", f"{d.sequence} is also the sequence of {seen[d.sequence]}; "
                                         "the sheet prints one dose a step")
        seen[d.sequence] = d.path  # type: ignore[index]
    return sorted(dosages, key=lambda d: d.sequence or 0) if numbered else dosages


def _dosage(dosage: Any, path: str) -> Dosage:
    found = Dosage(path=path, sequence=dosage.sequence)
    if dosage.asNeededBoolean:
        refuse(f"{path}.asNeededBoolean", 'is an "as needed" dose; the sheet prints planned steps only')
    if dosage.asNeededCodeableConcept is not None:
        refuse(f"{path}.asNeededCodeableConcept", 'is an "as needed" dose; the sheet prints planned steps only')
    _route(dosage.route, f"{path}.route")
    if dosage.additionalInstruction:
        refuse(f"{path}.additionalInstruction[0]", "is an instruction the sheet would not print; leave it out "
                                                   "(the sheet gives its own advice)")
    _dose(dosage, found)
    _timing(dosage.timing, found)
    for i, extension in enumerate(dosage.extension or []):
        if extension.url in (codes.COMPANION, codes.WATCH, codes.RESPONSE_CHECK):
            found.extensions[extension.url] = (extension, f"{path}.extension[{i}]")
    return found


def _route(route: Any, path: str) -> None:
    if route is None:
        refuse(path, f"is missing; the sheet is for the nasal route (SNOMED CT {codes.NASAL_ROUTE_CODE})")
    codings = route.coding or []
    if any(c.system == codes.SNOMED and c.code == codes.NASAL_ROUTE_CODE for c in codings):
        return
    if codings:
        refuse(f"{path}.coding[0]", f'"{_short(codings[0].code or "")}" is not the nasal route '
                                    f"(SNOMED CT {codes.NASAL_ROUTE_CODE}); the sheet prints nasal doses only")
    refuse(path, f"is not coded as the nasal route (SNOMED CT {codes.NASAL_ROUTE_CODE}); the sheet prints nasal "
                 "doses only")


def _dose(dosage: Any, found: Dosage) -> None:
    if not dosage.doseAndRate:
        refuse(f"{found.path}.doseAndRate", "is missing: the sheet prints a dose for each step")
    for j, dose in enumerate(dosage.doseAndRate):
        where = f"{found.path}.doseAndRate[{j}]"
        if dose.doseRange is not None:
            refuse(f"{where}.doseRange", "is a range of doses; the sheet prints one dose a step")
        for rate in ("rateQuantity", "rateRange", "rateRatio"):
            if getattr(dose, rate) is not None:
                refuse(f"{where}.{rate}", "is a rate; the sheet prints a dose in mg or sprays")
        if dose.doseQuantity is None:
            refuse(f"{where}.doseQuantity", "is missing")
        value, units = amount(dose.doseQuantity, f"{where}.doseQuantity", codes.DOSE_UNITS)
        if units is codes.MASS:
            if found.mg is not None:
                refuse(f"{where}.doseQuantity", "is a second dose in mg; the sheet prints one dose a step")
            found.mg, found.mg_path = value, f"{where}.doseQuantity"
        else:
            if found.sprays is not None:
                refuse(f"{where}.doseQuantity", "is a second dose in sprays; the sheet prints one dose a step")
            if value != value.to_integral_value():
                refuse(f"{where}.doseQuantity.value", f"must be a whole number of sprays, got {value}")
            found.sprays, found.sprays_path = value, f"{where}.doseQuantity"


def _timing(timing: Any, found: Dosage) -> None:
    path = f"{found.path}.timing"
    if timing is None:
        return  # one dose, the day after the step before
    repeat = timing.repeat
    if timing.code is not None and repeat is None:
        refuse(f"{path}.code", "is a coded schedule; the sheet reads timing.repeat")
    if timing.event:
        if len(timing.event) > 1:
            refuse(f"{path}.event[1]", "is a second date; a step is one dose on one day")
        found.date, found.date_path = _date(timing.event[0], f"{path}.event[0]"), f"{path}.event[0]"
    if repeat is None:
        return
    path += ".repeat"
    for name, problem in _REPEAT_UNREAD.items():
        if getattr(repeat, name, None):
            refuse(f"{path}.{name}", problem)
    # count 1 is one dose, whatever frequency it is written with ("once": frequency 1, period 1 d, count 1).
    found.repeating = (repeat.count or 1) > 1 or (
        repeat.count is None and (repeat.period is not None or repeat.frequency is not None))
    if repeat.duration is not None:
        found.duration_minutes = _minutes(repeat.duration, repeat.durationUnit, f"{path}.duration")
        found.duration_path = f"{path}.duration"
    if found.repeating:
        _maintenance(repeat, found, path)
        return
    if repeat.boundsPeriod is not None:
        period = repeat.boundsPeriod
        if period.start is None:
            refuse(f"{path}.boundsPeriod.start", "is missing: it is the step's date")
        if found.date is not None:
            refuse(f"{path}.boundsPeriod", "dates the step a second time (timing.event dates it); give one date")
        found.date, found.date_path = _date(period.start, f"{path}.boundsPeriod.start"), f"{path}.boundsPeriod.start"
        if period.end is not None and _date(period.end, f"{path}.boundsPeriod.end") < found.date:
            refuse(f"{path}.boundsPeriod.end", "is before its start")
    if repeat.boundsDuration is not None:
        days = _minutes_of(repeat.boundsDuration, f"{path}.boundsDuration") / DAY_MINUTES
        if days != days.to_integral_value():
            refuse(f"{path}.boundsDuration", "must be a whole number of days (the days until the next step)")
        found.gap_days, found.gap_path = int(days), f"{path}.boundsDuration"


def _maintenance(repeat: Any, found: Dosage, path: str) -> None:
    """The maintenance doses: a number a week, for a number of weeks."""
    if repeat.period is None or repeat.periodUnit is None:
        refuse(f"{path}.period", "is missing: the sheet prints maintenance doses as a number a week")
    period = _minutes(repeat.period, repeat.periodUnit, f"{path}.period")
    if period != WEEK_MINUTES:
        refuse(f"{path}.period", "the sheet prints maintenance doses a week: give period 1 and periodUnit wk")
    found.doses_per_week, found.frequency_path = repeat.frequency or 1, f"{path}.frequency"
    weeks: Decimal | None = None
    if repeat.boundsPeriod is not None:
        refuse(f"{path}.boundsPeriod", "dates the maintenance doses; give their length as boundsDuration "
                                       "(weeks) or count (doses)")
    if repeat.boundsDuration is not None:
        weeks = _minutes_of(repeat.boundsDuration, f"{path}.boundsDuration") / WEEK_MINUTES
        found.weeks_path = f"{path}.boundsDuration"
    if repeat.count is not None:
        by_count = Decimal(repeat.count) / found.doses_per_week
        if weeks is not None and by_count != weeks:
            refuse(f"{path}.count", f"{repeat.count} doses do not make the {weeks.normalize():f} weeks of "
                                    "boundsDuration")
        weeks, found.weeks_path = by_count, found.weeks_path or f"{path}.count"
    if weeks is None:
        refuse(path, "gives no length: give boundsDuration (weeks) or count (doses)")
    if weeks != weeks.to_integral_value():
        refuse(found.weeks_path, "must make a whole number of weeks")
    found.weeks = weeks


def _minutes(value: Any, unit: str | None, path: str) -> Decimal:
    if unit not in codes.TIME.codes:
        refuse(f"{path}Unit", f'"{_short(str(unit))}" is not a time unit this sheet prints (min, h, d, wk)')
    return Decimal(value) * codes.TIME.codes[unit]


def _minutes_of(duration: Any, path: str) -> Decimal:
    value, _ = amount(duration, path, (codes.TIME,))
    return value


def _date(value: Any, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    refuse(path, "must be a whole date (YYYY-MM-DD)")


# -- the regimen ----------------------------------------------------------------------------------
def _regimen(mr: Found, dosages: list[Dosage], strength: Decimal | None, strength_path: str,
             request: SheetRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """The order as a regimen file's fields (checked by RegimenFile), and each field's FHIR path."""
    steps = [d for d in dosages if not d.repeating]
    repeating = [d for d in dosages if d.repeating]
    if not steps:
        refuse(f"{mr.path}.dosageInstruction", "has no single-dose step; the sheet prints the steps up to the full dose")
    if len(repeating) > 1:
        refuse(repeating[1].path, "is a second repeating dose; the sheet prints one maintenance schedule")
    if repeating and dosages[-1] is not repeating[0]:
        refuse(repeating[0].path, "repeats, but comes before a step; the sheet prints repeating doses after the "
                                  "full dose")
    maintenance = repeating[0] if repeating else None
    labels: dict[str, str] = {"titration.steps": f"{mr.path}.dosageInstruction"}
    spray: dict[str, Any] = {}
    if strength is not None:
        spray["concentration_mg_per_ml"], labels["spray.concentration_mg_per_ml"] = strength, strength_path
    concentration = strength if strength is not None else request.mg_per_ml
    mg_per_spray, pair = _mg_per_spray(dosages)
    if mg_per_spray is not None and concentration:
        spray["volume_ml_per_spray"] = mg_per_spray / concentration
        labels["spray.volume_ml_per_spray"] = pair
    else:
        volume = request.ml_per_spray or dosing_data().file.spray.volume_ml_per_spray
        mg_per_spray = concentration * volume if concentration else None
    titration: dict[str, Any] = {"steps": []}
    for number, step in enumerate(steps, 1):
        mg = step.mg if step.mg is not None else step.sprays * mg_per_spray  # type: ignore[operator]
        entry: dict[str, Any] = {"dose_mg": mg}
        labels[f"titration.steps[{number}].dose_mg"] = step.dose_path
        companion = step.extensions.get(codes.COMPANION)
        if companion is not None:
            entry["companion"] = _boolean(*companion)
            labels[f"titration.steps[{number}].companion"] = companion[1]
        titration["steps"].append(entry)
    _days(steps, titration["steps"], labels)
    wait = _wait(dosages, mg_per_spray)
    if wait is not None:
        titration["wait_between_sprays_minutes"], labels["titration.wait_between_sprays_minutes"] = wait
    for url, name in ((codes.WATCH, "watch_hours"), (codes.RESPONSE_CHECK, "response_check_hours")):
        hours = _hours(dosages, url)
        if hours is not None:
            titration[name], labels[f"titration.{name}"] = hours
    regimen: dict[str, Any] = {"titration": titration}
    if spray:
        regimen["spray"] = spray
    if maintenance is not None:
        _check_maintenance_dose(maintenance, steps[-1], titration["steps"][-1]["dose_mg"], mg_per_spray)
        regimen["maintenance"] = {"doses_per_week": Decimal(maintenance.doses_per_week or 1),
                                  "weeks": maintenance.weeks}
        labels["maintenance.doses_per_week"] = maintenance.frequency_path
        labels["maintenance.weeks"] = maintenance.weeks_path
    return regimen, labels


def _mg_per_spray(dosages: list[Dosage]) -> tuple[Decimal | None, str]:
    """mg a spray, where the order gives a dose in both mg and sprays; they must agree everywhere."""
    first: tuple[Decimal, Dosage] | None = None
    for d in dosages:
        if d.mg is None or d.sprays is None:
            continue
        each = d.mg / d.sprays
        if first is None:
            first = (each, d)
        elif each != first[0]:
            refuse(d.sprays_path, f"{format_quantity(d.mg, 'mg')} in {format_quantity(d.sprays)} sprays is "
                                  f"{format_quantity(each.normalize(), 'mg')} a spray, but {first[1].path} has "
                                  f"{format_quantity(first[0].normalize(), 'mg')} a spray")
    return (first[0], first[1].sprays_path) if first else (None, "")


def _days(steps: list[Dosage], entries: list[dict[str, Any]], labels: dict[str, str]) -> None:
    """Each step's day: from its date, or the days (boundsDuration) the step before lasts."""
    dated = [s for s in steps if s.date is not None]
    if dated and len(dated) != len(steps):
        undated = next(s for s in steps if s.date is None)
        refuse(f"{undated.path}.timing", "dates no day, and the other steps have dates; date every step "
                                         "(timing.repeat.boundsPeriod.start) or none")
    day = 1
    for number, (step, entry) in enumerate(zip(steps, entries, strict=True), 1):
        if dated:
            day = (step.date - steps[0].date).days + 1  # type: ignore[operator]
            labels[f"titration.steps[{number}].day"] = step.date_path
        elif number > 1:
            before = steps[number - 2]
            day += before.gap_days or 1
            labels[f"titration.steps[{number}].day"] = before.gap_path or f"{before.path}.timing"
        entry["day"] = Decimal(day)


def _wait(dosages: list[Dosage], mg_per_spray: Decimal | None) -> tuple[Decimal, str] | None:
    """Minutes between sprays, from how long a dose of several sprays takes (timing.repeat.duration)."""
    found: tuple[Decimal, str] | None = None
    for d in dosages:
        if d.duration_minutes is None:
            continue
        sprays = d.sprays if d.sprays is not None else (d.mg / mg_per_spray if d.mg and mg_per_spray else None)
        if sprays is None or sprays != sprays.to_integral_value() or sprays < 2:
            continue  # one spray takes no time; a dose of part sprays is refused when the regimen is built
        wait = d.duration_minutes / (sprays - 1)
        if wait != wait.to_integral_value():
            refuse(d.duration_path, f"{format_quantity(d.duration_minutes, 'minutes')} for {format_quantity(sprays)} "
                                    "sprays is not a whole number of minutes between sprays")
        if found is not None and wait != found[0]:
            refuse(d.duration_path, f"means {format_quantity(wait, 'minutes')} between sprays, but the dose before "
                                    f"waits {format_quantity(found[0], 'minutes')}; the sheet prints one wait")
        found = found or (wait, d.duration_path)
    return found


def _hours(dosages: list[Dosage], url: str) -> tuple[Decimal, str] | None:
    """An hours extension (the watch, the response check); every dosage that has it must agree."""
    found: tuple[Decimal, str] | None = None
    for d in dosages:
        if url not in d.extensions:
            continue
        extension, path = d.extensions[url]
        if extension.valueDuration is None:
            refuse(path, "must have a valueDuration")
        hours = _minutes_of(extension.valueDuration, f"{path}.valueDuration") / 60
        if found is not None and hours != found[0]:
            refuse(f"{path}.valueDuration", f"says {format_quantity(hours, 'hours')}, but {found[1]} says "
                                            f"{format_quantity(found[0], 'hours')}; the sheet prints one")
        found = found or (hours, f"{path}.valueDuration")
    return found


def _boolean(extension: Any, path: str) -> bool:
    if extension.valueBoolean is None:
        refuse(path, "must have a valueBoolean")
    return bool(extension.valueBoolean)


def _check_maintenance_dose(maintenance: Dosage, full: Dosage, full_mg: Decimal, mg_per_spray: Decimal | None) -> None:
    mg = maintenance.mg if maintenance.mg is not None else (
        maintenance.sprays * mg_per_spray if maintenance.sprays is not None and mg_per_spray else None)
    if mg != full_mg:
        shown = format_quantity(mg, "mg") if mg is not None else "a dose"
        refuse(maintenance.dose_path, f"{shown} is not the full dose ({format_quantity(full_mg, 'mg')}, "
                                      f"{full.path}); the sheet's maintenance doses are the full dose")


def _label(labels: dict[str, str], mr: Found) -> Callable[[str], str]:
    """How a message names a regimen-file field the order set: its FHIR path."""
    def label(path: str) -> str:
        return labels.get(path) or labels.get(path.partition("[")[0]) or f"{mr.path}.dosageInstruction"

    return label


def _start(mr: Found, dosages: list[Dosage]) -> tuple[dt.date, str] | None:
    """The date of the first step: its own date, or else the start of the prescription's validity."""
    first = next(d for d in dosages if not d.repeating)
    if first.date is not None:
        return first.date, first.date_path
    dispense = mr.resource.dispenseRequest
    period = dispense.validityPeriod if dispense is not None else None
    if period is not None and period.start is not None:
        where = f"{mr.path}.dispenseRequest.validityPeriod.start"
        return _date(period.start, where), where
    return None


def _quantity(mr: Found) -> tuple[Decimal, codes.Units, str] | None:
    dispense = mr.resource.dispenseRequest
    if dispense is None or dispense.quantity is None:
        return None
    where = f"{mr.path}.dispenseRequest.quantity"
    value, units = amount(dispense.quantity, where, (codes.VOLUME, codes.SPRAYS))
    return value, units, where


def _check_quantity(order: Order, options: SheetOptions) -> None:
    """The quantity to dispense must at least hold the titration steps the sheet prints with their days."""
    if order.quantity is None:
        return
    value, units, where = order.quantity
    regimen = options.regimen
    if units is codes.VOLUME:
        needed = sum(step.dose_mg for step in regimen.steps) / regimen.concentration_mg_per_ml
        have, unit = value, "mL"
    else:
        needed, have, unit = Decimal(sum(step.sprays for step in regimen.steps)), value, "sprays"
    if have < needed:
        refuse(where, f"{format_quantity(have, unit)} is less than the {format_quantity(needed, unit)} the titration "
                      "steps use")


# -- the people -----------------------------------------------------------------------------------
def _people(resources: Resources, mr: Found) -> tuple[dict[str, str], dict[str, str]]:
    """The patient's and prescriber's names, the prescriber's phone and the pharmacy, with their paths."""
    request = mr.resource
    values: dict[str, str] = {}
    labels: dict[str, str] = {}

    def put(name: str, found: tuple[str, str] | None) -> None:
        if found is not None:
            values[name], labels[name] = found

    put("patient", _person_name(resources, request.subject, f"{mr.path}.subject", "Patient"))
    put("prescriber", _person_name(resources, request.requester, f"{mr.path}.requester", "Practitioner"))
    practitioner = resources.resolve(request.requester, f"{mr.path}.requester", "Practitioner")
    if practitioner is not None:
        put("phone", _phone(practitioner))
    dispense = request.dispenseRequest
    if dispense is not None and dispense.performer is not None:
        where = f"{mr.path}.dispenseRequest.performer"
        organization = resources.resolve(dispense.performer, where, "Organization")
        if organization is not None and organization.resource.name:
            put("pharmacy", (organization.resource.name, f"{organization.path}.name"))
        elif dispense.performer.display:
            put("pharmacy", (dispense.performer.display, f"{where}.display"))
    return values, labels


def _person_name(resources: Resources, reference: Any, where: str, kind: str) -> tuple[str, str] | None:
    if reference is None:
        return None
    person = resources.resolve(reference, where, kind)
    if person is not None:
        name = _human_name(person.resource.name or [], f"{person.path}.name")
        if name is not None:
            return name
    if reference.display:
        return reference.display, f"{where}.display"
    return None


def _human_name(names: list[Any], path: str) -> tuple[str, str] | None:
    """The name to print: the usual one, else the official one, else the first that is not old."""
    ranked = sorted((i for i, name in enumerate(names) if name.use not in ("old", "maiden")),
                    key=lambda i: {"usual": 0, "official": 1}.get(names[i].use or "", 2))
    for i in ranked:
        name = names[i]
        if name.text:
            return name.text, f"{path}[{i}].text"
        parts = [*(name.prefix or []), *(name.given or []), *([name.family] if name.family else []),
                 *(name.suffix or [])]
        if parts:
            return " ".join(parts), f"{path}[{i}]"
    return None


def _phone(practitioner: Found) -> tuple[str, str] | None:
    for i, contact in enumerate(practitioner.resource.telecom or []):
        if contact.system == "phone" and contact.value and contact.use != "old":
            return contact.value, f"{practitioner.path}.telecom[{i}].value"
    return None
