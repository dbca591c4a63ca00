"""The FHIR mapping, written once: code systems, codes, units and the handbook's own extensions.

handbook.fhir.read and handbook.fhir.write take every system, code and unit from here, so the two
directions cannot drift apart. The structures are FHIR R4's, read and checked with fhir.resources'
R4B models: R4B (4.3) changed none of the elements used here (MedicationRequest, Dosage, Timing,
Medication.ingredient.strength as a Ratio, Patient, Practitioner, Organization, Bundle).

Units are UCUM. A spray is the UCUM annotation ``{spray}`` (a count, like ``{tbl}`` for tablets):
UCUM has no unit for it, and an annotation is what FHIR examples use for such counts.
"""

from __future__ import annotations

from decimal import Decimal

UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
DOSE_RATE_TYPE = "http://terminology.hl7.org/CodeSystem/dose-rate-type"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# Dosage.route: SNOMED CT 46713006 |Nasal route|, the only route the sheet prints.
NASAL_ROUTE_CODE = "46713006"
NASAL_ROUTE = {"coding": [{"system": SNOMED, "code": NASAL_ROUTE_CODE, "display": "Nasal route"}],
               "text": "intranasal"}

# Dosage.doseAndRate.type: the dose in mg is the prescriber's; the sprays are worked out from it.
ORDERED = {"coding": [{"system": DOSE_RATE_TYPE, "code": "ordered", "display": "Ordered"}]}
CALCULATED = {"coding": [{"system": DOSE_RATE_TYPE, "code": "calculated", "display": "Calculated"}]}

# What the sheet prints that FHIR has no element for, as extensions on a Dosage (their url is a
# logical name: the handbook publishes no StructureDefinition). An order without them gets the
# handbook's standard values, as a regimen file without those fields does.
EXTENSION = "urn:ketamine-handbook:fhir:extension:"
COMPANION = EXTENSION + "companion"  # valueBoolean: a trusted adult stays for this step and its watch
WATCH = EXTENSION + "watch"  # valueDuration: how long the patient rests and is watched after a dose
RESPONSE_CHECK = EXTENSION + "response-check"  # valueDuration: when to tell the prescriber it has not helped

# Statuses the sheet prints; any other (cancelled, stopped, entered-in-error, ...) is refused.
PRINTABLE_STATUSES = ("active", "draft")
STATUS = "draft"  # what `handbook fhir` writes: a plan for the prescriber to sign, not a signed order
INTENT = "order"


class Units:
    """One kind of quantity: UCUM codes and the spellings a human ``unit`` may use, each to a factor."""

    def __init__(self, what: str, base: str, codes: dict[str, Decimal], spellings: dict[str, str]) -> None:
        self.what = what  # "dose", "volume", ...: for messages
        self.base = base  # the unit values are converted to
        self.codes = codes  # UCUM code -> factor to the base unit
        self.spellings = spellings  # lower-case spelling -> UCUM code

    def code_for(self, unit: str) -> str | None:
        return self.spellings.get(unit.strip().lower())


def _spell(**codes: tuple[str, ...]) -> dict[str, str]:
    return {spelling: code for code, spellings in codes.items() for spelling in spellings}


MASS = Units("dose", "mg", {"ug": Decimal("0.001"), "mg": Decimal(1), "g": Decimal(1000)}, _spell(
    ug=("ug", "µg", "μg", "mcg", "microgram", "micrograms"),
    mg=("mg", "milligram", "milligrams", "milligramme", "milligrammes"),
    g=("g", "gram", "grams", "gramme", "grammes")))
SPRAY_CODE = "{spray}"
SPRAYS = Units("dose", "{spray}", {SPRAY_CODE: Decimal(1), "{sprays}": Decimal(1)}, _spell(
    **{SPRAY_CODE: ("spray", "sprays", "{spray}", "{sprays}")}))
VOLUME = Units("volume", "mL", {"mL": Decimal(1), "L": Decimal(1000)}, _spell(
    mL=("ml", "millilitre", "millilitres", "milliliter", "milliliters"), L=("l", "litre", "litres", "liter", "liters")))
# Durations, in minutes. Timing's periodUnit and durationUnit use the same codes (UnitsOfTime).
TIME = Units("time", "min", {"min": Decimal(1), "h": Decimal(60), "d": Decimal(1440), "wk": Decimal(10080)}, _spell(
    min=("min", "mins", "minute", "minutes"), h=("h", "hr", "hrs", "hour", "hours"), d=("d", "day", "days"),
    wk=("wk", "week", "weeks")))
DOSE_UNITS = (MASS, SPRAYS)
ALL_UNITS = (MASS, SPRAYS, VOLUME, TIME)

# Words for each UCUM code the writer uses, singular and plural.
UNIT_WORDS = {"mg": ("mg", "mg"), "mL": ("mL", "mL"), SPRAY_CODE: ("spray", "sprays"), "min": ("minute", "minutes"),
              "h": ("hour", "hours"), "d": ("day", "days"), "wk": ("week", "weeks")}


def quantity(value: Decimal | int, code: str) -> dict[str, object]:
    """A UCUM Quantity (or Duration) as FHIR JSON, with the unit in words."""
    singular, many = UNIT_WORDS[code]
    return {"value": value, "unit": singular if value == 1 else many, "system": UCUM, "code": code}
