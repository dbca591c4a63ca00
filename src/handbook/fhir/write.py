"""``handbook fhir``: a sheet's regimen as a FHIR R4 MedicationRequest, for a prescribing system.

The regimen comes built and checked by handbook.sheet.options (the data file's standard regimen, a
regimen file, the options), so the plan and the sheet cannot differ. Each step is a Dosage with its
``sequence``, a structured dose (mg as ordered, sprays as calculated), timing and the nasal route;
``text`` says it as a prescriber writes it, and ``patientInstruction`` in the sheet's own sentences,
rendered from the data file by handbook.model.advice:

* a titration step: its step box in words, the sentences above the step boxes, the advice of the
  sheet's "steps" section, the advice that names who stays with the patient (if someone stays for
  this step) and, on the full dose, the advice that uses the response check;
* the maintenance doses: the advice that uses the maintenance frequency.

handbook.fhir.read reads every value back, so ``handbook sheet --fhir`` prints the same sheet.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from handbook.model import advice
from handbook.model.errors import InputError
from handbook.model.regimen import Regimen, TitrationStep
from handbook.model.units import format_number, format_quantity, plural
from handbook.outputs import check_output_path, shown, write_atomically
from handbook.project import DOSING_FILE
from handbook.sheet.options import SheetOptions, dosing_data

from . import codes

MEDICATION_ID, PATIENT_ID, PRESCRIBER_ID = "ketamine-spray", "patient", "prescriber"
PLAN_EXAMPLE = "plan.json"
# Which of the sheet's advice goes on which Dosage, by the placeholders it uses.
COMPANION_WORDS = frozenset({"companion"})
FULL_DOSE_WORDS = frozenset({"response_check"})
MAINTENANCE_WORDS = frozenset({"per_week"})
STEP_SECTION = "steps"


def medication_request(options: SheetOptions) -> dict[str, Any]:
    """The MedicationRequest as FHIR JSON, checked by fhir.resources (R4B models, R4 structures)."""
    from fhir.resources.R4B.medicationrequest import MedicationRequest

    reg = options.regimen
    if reg.steps[0].day != 1:
        raise InputError("--regimen", f"the first step is on day {reg.steps[0].day}; a FHIR order starts with "
                                      "its first step, so make it day 1")
    contained: list[dict[str, Any]] = [_medication(reg)]
    plan: dict[str, Any] = {"resourceType": "MedicationRequest", "contained": contained,
                            "status": codes.STATUS, "intent": codes.INTENT,
                            "medicationReference": {"reference": f"#{MEDICATION_ID}"}}
    if options.patient:
        contained.append({"resourceType": "Patient", "id": PATIENT_ID, "name": [{"text": options.patient}]})
        plan["subject"] = {"reference": f"#{PATIENT_ID}"}
    else:  # a blank plan: FHIR requires a subject, so it says the patient is not known yet
        plan["subject"] = {"extension": [{"url": codes.DATA_ABSENT_REASON, "valueCode": "unknown"}]}
    if options.prescriber or options.phone:
        prescriber: dict[str, Any] = {"resourceType": "Practitioner", "id": PRESCRIBER_ID}
        if options.prescriber:
            prescriber["name"] = [{"text": options.prescriber}]
        if options.phone:
            prescriber["telecom"] = [{"system": "phone", "value": options.phone}]
        contained.append(prescriber)
        plan["requester"] = {"reference": f"#{PRESCRIBER_ID}"}
    plan["dosageInstruction"] = [_step(reg, step, number, options.start)
                                 for number, step in enumerate(reg.steps, 1)]
    plan["dosageInstruction"].append(_maintenance(reg, len(reg.steps) + 1))
    if options.pharmacy:
        plan["dispenseRequest"] = {"performer": {"display": options.pharmacy}}
    return MedicationRequest.model_validate(plan).model_dump(mode="json")


def plan_json(options: SheetOptions) -> str:
    """The plan as the file holds it: indented JSON, UTF-8, the same bytes for the same options."""
    return json.dumps(medication_request(options), indent=2, ensure_ascii=False) + "\n"


def write_plan(options: SheetOptions, out_path: Path, *, label: str = "-o") -> Path:
    """Check the output, then write the plan whole or not at all (never over a file this run reads)."""
    out_path = Path(out_path)
    check_output_path(out_path, label, reads=(*options.inputs, DOSING_FILE), example=PLAN_EXAMPLE)
    data = plan_json(options).encode("utf-8")
    try:
        write_atomically(out_path, lambda target: target.write(data))
    except OSError as err:
        raise InputError(label, f"cannot write {shown(out_path)}: {err.strerror or err}") from None
    return out_path


# -- the parts ------------------------------------------------------------------------------------
def _medication(reg: Regimen) -> dict[str, Any]:
    strength = format_quantity(reg.concentration_mg_per_ml, "mg/mL")
    return {
        "resourceType": "Medication", "id": MEDICATION_ID,
        "code": {"text": f"Racemic ketamine {strength} in saline, nasal spray (compounded), "
                         f"{format_quantity(reg.volume_ml_per_spray, 'mL')} a spray"},
        "form": {"text": "nasal spray"},
        "ingredient": [{"itemCodeableConcept": {"text": "ketamine (racemic)"}, "isActive": True,
                        "strength": {"numerator": codes.quantity(reg.concentration_mg_per_ml, "mg"),
                                     "denominator": codes.quantity(1, "mL")}}],
    }


def _dose(reg: Regimen, dose_mg: Any, sprays: int) -> list[dict[str, Any]]:
    return [{"type": codes.ORDERED, "doseQuantity": codes.quantity(dose_mg, "mg")},
            {"type": codes.CALCULATED, "doseQuantity": codes.quantity(sprays, codes.SPRAY_CODE)}]


def _hours(url: str, hours: int) -> dict[str, Any]:
    return {"url": url, "valueDuration": codes.quantity(hours, "h")}


def _step(reg: Regimen, step: TitrationStep, number: int, start: dt.date | None) -> dict[str, Any]:
    repeat: dict[str, Any] = {"count": 1}
    if step.sprays > 1:
        repeat["duration"], repeat["durationUnit"] = step.duration_minutes, "min"
    if start is not None:
        day = (start + dt.timedelta(days=step.day - 1)).isoformat()
        repeat["boundsPeriod"] = {"start": day, "end": day}
    elif number < len(reg.steps):  # how long this step lasts: the days until the next one
        repeat["boundsDuration"] = codes.quantity(reg.steps[number].day - step.day, "d")
    extensions = [{"url": codes.COMPANION, "valueBoolean": step.companion}, _hours(codes.WATCH, reg.watch_hours)]
    if not step.is_test:
        extensions.append(_hours(codes.RESPONSE_CHECK, reg.response_check_hours))
    return {"extension": extensions, "sequence": number, "text": _step_text(reg, step, start),
            "patientInstruction": _step_words(reg, step, number, start), "timing": {"repeat": repeat},
            "route": codes.NASAL_ROUTE, "doseAndRate": _dose(reg, step.dose_mg, step.sprays)}


def _maintenance(reg: Regimen, number: int) -> dict[str, Any]:
    full = reg.full_dose
    repeat: dict[str, Any] = {"boundsDuration": codes.quantity(reg.maintenance_weeks, "wk"),
                              "frequency": reg.maintenance_doses_per_week, "period": 1, "periodUnit": "wk"}
    if full.sprays > 1:
        repeat["duration"], repeat["durationUnit"] = full.duration_minutes, "min"
    return {"extension": [_hours(codes.WATCH, reg.watch_hours)], "sequence": number,
            "text": _maintenance_text(reg), "patientInstruction": _words(reg, MAINTENANCE_WORDS),
            "timing": {"repeat": repeat}, "route": codes.NASAL_ROUTE,
            "doseAndRate": _dose(reg, full.dose_mg, full.sprays)}


# -- the prescriber's words ----------------------------------------------------------------------------
def _dose_text(step: TitrationStep) -> str:
    return f"ketamine {format_quantity(step.dose_mg, 'mg')} ({plural(step.sprays, 'spray')}) intranasally"


def _how_text(reg: Regimen, step: TitrationStep) -> str:
    if step.sprays == 1:
        return ""
    return f", 1 spray every {plural(reg.wait_between_sprays_minutes, 'minute')}, alternating nostrils"


def _step_text(reg: Regimen, step: TitrationStep, start: dt.date | None) -> str:
    when = f"on day {format_number(step.day)}"
    if start is not None:
        when += f" ({(start + dt.timedelta(days=step.day - 1)).isoformat()})"
    watch = f"Observe for {plural(reg.watch_hours, 'hour')} after the dose"
    watch += ", with a trusted adult present." if step.companion else "."
    check = "" if step.is_test else f" Review the response at {plural(reg.response_check_hours, 'hour')}."
    return f"{step.name}: {_dose_text(step)} once {when}{_how_text(reg, step)}. {watch}{check}"


def _weekly(doses: int) -> str:
    # ISMP: frequencies in words ("3 times weekly"), never "BIW" and the like.
    return {1: "once weekly", 2: "twice weekly"}.get(doses, f"{format_number(doses)} times weekly")


def _maintenance_text(reg: Regimen) -> str:
    full = reg.full_dose
    return (f"Then, if the patient responds: {_dose_text(full)} {_weekly(reg.maintenance_doses_per_week)} for "
            f"{plural(reg.maintenance_weeks, 'week')} ({plural(reg.maintenance_total_doses, 'dose')})"
            f"{_how_text(reg, full)}. Observe for {plural(reg.watch_hours, 'hour')} after each dose. "
            "Review before going on.")


# -- the sheet's words -------------------------------------------------------------------------------
def _plain(text: str) -> str:
    return text.replace(advice.NBSP, " ")


def _advice(reg: Regimen, *, uses: frozenset[str] = frozenset(), section: str | None = None) -> list[str]:
    """The sheet's advice that uses one of ``uses`` (or is in ``section``), as the sheet renders it."""
    filled = advice.values(reg, advice.BLANK_CONTACTS)
    return [_plain(advice.plain(advice.render(entry.text, filled))) for entry in dosing_data().file.sheet.advice
            if (entry.section == section or advice.placeholders(entry.text) & uses)
            and advice.applies(entry.text, filled)]


def _words(reg: Regimen, uses: frozenset[str]) -> str:
    return " ".join(_advice(reg, uses=uses))


def _step_words(reg: Regimen, step: TitrationStep, number: int, start: dt.date | None) -> str:
    line = advice.step_lines(reg, start)[number - 1]
    words = [_plain(f"{line.name}: {line.dose} ({line.sprays}), {line.date or line.day}.")]
    words += [_plain(sentence) for sentence in advice.steps_intro(reg, start if number == 1 else None)]
    words += _advice(reg, section=STEP_SECTION)
    if step.companion:
        words += _advice(reg, uses=COMPANION_WORDS)
    if not step.is_test:
        words += _advice(reg, uses=FULL_DOSE_WORDS)
    return " ".join(words)
