"""``handbook sheet --fhir ORDER.json`` through the real command, on orders written from the FHIR R4
specification (tests/fhir/*.json): valid orders print the sheet the same options would print, byte for
byte; what the sheet cannot express is refused in one line naming the FHIR path, exit 2, nothing written."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.pdfs import pdf_text
from helpers.sheets import one_error_line, page_count, run_cli, sheet

ORDERS = ROOT / "tests" / "fhir"
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
# The maintenance order names no Medication, so it needs the strength beside it.
STRENGTH = ("--mg-per-ml", "100")


def order(name: str) -> Path:
    return ORDERS / name


def words(pdf: Path) -> str:
    return " ".join(pdf_text(pdf).split())


def write(tmp_path: Path, resource: object, name: str = "order.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(resource, ensure_ascii=False), encoding="utf-8")
    return path


def base_order() -> dict:
    """A valid order to change one thing in: the maintenance order, its strength in a contained Medication."""
    resource = json.loads(order("maintenance-twice-weekly.json").read_text(encoding="utf-8"))
    del resource["medicationCodeableConcept"]
    resource["contained"] = [{
        "resourceType": "Medication", "id": "spray", "code": {"text": "Ketamine 100 mg/mL nasal spray"},
        "ingredient": [{"itemCodeableConcept": {"text": "ketamine"}, "strength": {
            "numerator": {"value": 100, "unit": "mg", "system": UCUM, "code": "mg"},
            "denominator": {"value": 1, "unit": "mL", "system": UCUM, "code": "mL"}}}]}]
    resource["medicationReference"] = {"reference": "#spray"}
    return resource


def test_the_base_order_prints(tmp_path: Path) -> None:
    code, out = sheet(tmp_path, "--fhir", str(write(tmp_path, base_order())))
    assert code == 0
    assert "Bo Andersen" in pdf_text(out)


# -- valid orders -------------------------------------------------------------------------------------
def same_pdf(tmp_path: Path, fhir_args: list[str], sheet_args: list[str]) -> tuple[bytes, bytes]:
    """The sheet from the order and the sheet from options, each by the real command in its own process."""
    a, b = tmp_path / "from-order.pdf", tmp_path / "from-options.pdf"
    for args, out in ((fhir_args, a), (sheet_args, b)):
        result = run_cli(["sheet", "-o", str(out), *args], env=EPOCH)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    return a.read_bytes(), b.read_bytes()


def test_the_standard_titration_in_a_bundle_prints_the_standard_sheet_with_its_names(tmp_path: Path) -> None:
    from_order, from_options = same_pdf(
        tmp_path, ["--fhir", str(order("standard-titration.json"))],
        ["--patient", "Zoë Łukasiewicz", "--prescriber", "Dr. Asha Rao", "--phone", "555-0100",
         "--pharmacy", "Main Street Pharmacy, 555-0123", "--start", "2026-03-02"])
    assert from_order == from_options


def test_two_steps_at_another_strength_in_sprays(tmp_path: Path) -> None:
    toml = tmp_path / "two.toml"
    toml.write_text("[spray]\nconcentration_mg_per_ml = 200\n[titration]\nwait_between_sprays_minutes = 5\n"
                    "[[titration.steps]]\ndose_mg = 20\nday = 1\n[[titration.steps]]\ndose_mg = 80\nday = 3\n",
                    encoding="utf-8")
    from_order, from_options = same_pdf(
        tmp_path, ["--fhir", str(order("two-step-200mg.json"))],
        ["--regimen", str(toml), "--patient", "Ann Lee", "--prescriber", "Dr. Rao", "--start", "2026-04-06"])
    assert from_order == from_options
    text = words(tmp_path / "from-order.pdf")
    for expected in ("20 mg (1 spray)", "80 mg (4 sprays)", "Wait 5 minutes between sprays.", "200 mg per mL",
                     "Mon, Apr 6, 2026", "Wed, Apr 8, 2026", "Ann Lee"):
        assert expected in text, expected


def test_maintenance_twice_a_week_for_four_weeks(tmp_path: Path) -> None:
    from_order, from_options = same_pdf(tmp_path, ["--fhir", str(order("maintenance-twice-weekly.json")), *STRENGTH],
                                        ["--patient", "Bo Andersen"])
    assert from_order == from_options
    assert "twice a week for 4 weeks (8 doses)" in words(tmp_path / "from-order.pdf")


def test_the_maintenance_schedule_is_read_from_the_order(tmp_path: Path) -> None:
    resource = base_order()
    resource["dosageInstruction"][3]["timing"]["repeat"].update(frequency=3, count=6)
    code, out = sheet(tmp_path, "--fhir", str(write(tmp_path, resource)))
    assert code == 0
    assert "3 times a week for 2 weeks (6 doses)" in words(out)
    resource["dosageInstruction"][3]["timing"]["repeat"] = {
        "frequency": 1, "period": 7, "periodUnit": "d",
        "boundsDuration": {"value": 6, "unit": "weeks", "system": "http://unitsofmeasure.org", "code": "wk"}}
    code, out = sheet(tmp_path, "--fhir", str(write(tmp_path, resource)), name="weekly.pdf")
    assert code == 0
    assert "once a week for 6 weeks (6 doses)" in words(out)


def test_a_single_dose_written_with_a_frequency_is_one_step(tmp_path: Path) -> None:
    resource = base_order()
    resource["dosageInstruction"][0]["timing"] = {"repeat": {"count": 1, "frequency": 1, "period": 1, "periodUnit": "d"}}
    code, out = sheet(tmp_path, "--fhir", str(write(tmp_path, resource)))
    assert code == 0
    assert "10 mg (1 spray)" in words(out)


def test_options_beside_the_order_override_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sheet(tmp_path, "--fhir", str(order("two-step-200mg.json")), "--patient", "Cy Young",
                      "--start", "2026-05-04", "--mg-per-ml", "100", "--dose", "60", "--paper", "a4",
                      "--large-print")
    assert code == 0, capsys.readouterr().err
    text = words(out)
    # The order's doses in sprays mean mg at the order's own strength (20 mg); at 100 mg/mL that is 2 sprays.
    for expected in ("Cy Young", "20 mg (2 sprays)", "60 mg (6 sprays)", "100 mg per mL", "Mon, May 4, 2026"):
        assert expected in text, expected
    assert "Ann Lee" not in text
    assert page_count(out) == 1


def test_an_option_beside_the_order_is_named_as_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sheet(tmp_path, "--fhir", str(order("two-step-200mg.json")), "--dose", "55")
    assert code == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("handbook sheet: --dose: "), line
    assert not out.exists()


def test_a_dose_outside_the_range_prints_with_the_flag_and_a_warning(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sheet(tmp_path, "--fhir", str(order("refuse-dose-outside-range.json")), "--allow-dose-outside-range")
    assert code == 0
    line = one_error_line(capsys.readouterr().err, "warning", "100 mg")
    assert "MedicationRequest.dosageInstruction[2].doseAndRate[0].doseQuantity" in line
    assert page_count(out) == 1


# -- orders the sheet must refuse ---------------------------------------------------------------------
REFUSED = [
    ("refuse-oral-route.json", "MedicationRequest.dosageInstruction[0].route.coding[0]", "nasal"),
    ("refuse-as-needed.json", "MedicationRequest.dosageInstruction[1].asNeededBoolean", "as needed"),
    ("refuse-dose-in-ml.json", "MedicationRequest.dosageInstruction[2].doseAndRate[0].doseQuantity.unit",
     '"mL" is not a dose unit this sheet prints'),
    ("refuse-second-medication.json", "Bundle.entry[1].resource", "second MedicationRequest"),
    ("refuse-esketamine.json", "MedicationRequest.contained[0].code.text", "esketamine"),
    ("refuse-time-of-day.json", "MedicationRequest.dosageInstruction[3].timing.repeat.timeOfDay", "time of day"),
    ("refuse-not-valid-fhir.json", "MedicationRequest.dosageInstruction[0].sequence", "whole number"),
    ("refuse-cancelled.json", "MedicationRequest.status", "cancelled"),
    ("refuse-maintenance-not-full-dose.json", "MedicationRequest.dosageInstruction[3].doseAndRate[0].doseQuantity",
     "not the full dose"),
    ("refuse-part-spray.json", "MedicationRequest.dosageInstruction[1].doseAndRate[0].doseQuantity",
     "not a whole number of sprays"),
    ("refuse-dose-outside-range.json", "MedicationRequest.dosageInstruction[2].doseAndRate[0].doseQuantity",
     "--allow-dose-outside-range"),
    ("maintenance-twice-weekly.json", "MedicationRequest.medication[x]", "--mg-per-ml"),  # no strength given
]


@pytest.mark.parametrize(("name", "path", "needle"), REFUSED, ids=[case[0] for case in REFUSED])
def test_an_order_the_sheet_cannot_print_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    name: str, path: str, needle: str) -> None:
    code, _ = sheet(tmp_path, "--fhir", str(order(name)))
    assert code == 2
    line = one_error_line(capsys.readouterr().err, needle)
    assert line.startswith(f"handbook sheet: {path}: "), line
    assert list(tmp_path.iterdir()) == []


def _change(path: list, value: object, *, delete: bool = False):
    """A change to the base order: set (or delete) the element at ``path``."""
    def apply(resource: dict) -> None:
        node = resource
        for part in path[:-1]:
            node = node[part]
        if delete:
            del node[path[-1]]
        elif isinstance(node, list) and path[-1] == len(node):
            node.append(value)
        else:
            node[path[-1]] = value
    return apply


UCUM = "http://unitsofmeasure.org"
DOSE = ["dosageInstruction", 1, "doseAndRate", 0, "doseQuantity"]
CHANGED = {
    "modifier extension": (_change(["dosageInstruction", 0, "modifierExtension"], [
        {"url": "http://example.org/fhir/not-really", "valueBoolean": True}]),
        "MedicationRequest.dosageInstruction[0].modifierExtension[0]"),
    "do not perform": (_change(["doNotPerform"], True), "MedicationRequest.doNotPerform"),
    "unit and code disagree": (_change(DOSE, {"value": 30, "unit": "mg", "system": UCUM, "code": "mL"}),
                               "MedicationRequest.dosageInstruction[1].doseAndRate[0].doseQuantity.code"),
    "not UCUM": (_change(DOSE, {"value": 30, "unit": "mg", "system": "http://snomed.info/sct", "code": "258684004"}),
                 "MedicationRequest.dosageInstruction[1].doseAndRate[0].doseQuantity.system"),
    "about a dose": (_change(DOSE, {"value": 30, "comparator": "<", "unit": "mg", "system": UCUM, "code": "mg"}),
                     "MedicationRequest.dosageInstruction[1].doseAndRate[0].doseQuantity.comparator"),
    "a range of doses": (_change(["dosageInstruction", 1, "doseAndRate", 0], {"doseRange": {
        "low": {"value": 20, "unit": "mg"}, "high": {"value": 30, "unit": "mg"}}}),
        "MedicationRequest.dosageInstruction[1].doseAndRate[0].doseRange"),
    "a second ingredient": (_change(["contained", 0, "ingredient", 1], {"itemCodeableConcept": {"text": "lidocaine"}}),
                            "MedicationRequest.contained[0].ingredient[1]"),
    "no route": (_change(["dosageInstruction", 2, "route"], None, delete=True),
                 "MedicationRequest.dosageInstruction[2].route"),
    "an extra instruction": (_change(["dosageInstruction", 0, "additionalInstruction"], [{"text": "with food"}]),
                             "MedicationRequest.dosageInstruction[0].additionalInstruction[0]"),
    "two steps with one sequence": (_change(["dosageInstruction", 1, "sequence"], 1),
                                    "MedicationRequest.dosageInstruction[1].sequence"),
    "maintenance before a step": (_change(["dosageInstruction", 3, "sequence"], 0),
                                  "MedicationRequest.dosageInstruction[3]"),
    "maintenance every three days": (_change(["dosageInstruction", 3, "timing", "repeat", "period"], 3.5),
                                     "MedicationRequest.dosageInstruction[3].timing.repeat.period"),
    "maintenance by the month": (_change(["dosageInstruction", 3, "timing", "repeat", "periodUnit"], "mo"),
                                 "MedicationRequest.dosageInstruction[3].timing.repeat.periodUnit"),
    "maintenance of no length": (_change(["dosageInstruction", 3, "timing", "repeat", "count"], None, delete=True),
                                 "MedicationRequest.dosageInstruction[3].timing.repeat"),
    "days of the week": (_change(["dosageInstruction", 3, "timing", "repeat", "dayOfWeek"], ["mon", "thu"]),
                         "MedicationRequest.dosageInstruction[3].timing.repeat.dayOfWeek"),
    "a coded schedule": (_change(["dosageInstruction", 0, "timing"], {"code": {"text": "BID"}}),
                         "MedicationRequest.dosageInstruction[0].timing.code"),
    "two dates for a step": (_change(["dosageInstruction", 0, "timing"], {"event": ["2026-03-02", "2026-03-03"]}),
                             "MedicationRequest.dosageInstruction[0].timing.event[1]"),
    "a month, not a date": (_change(["dosageInstruction", 0, "timing"], {"event": ["2026-03"]}),
                            "MedicationRequest.dosageInstruction[0].timing.event[0]"),
    "one step dated, the others not": (_change(["dosageInstruction", 0, "timing"], {"event": ["2026-03-02"]}),
                                       "MedicationRequest.dosageInstruction[1].timing"),
    "too little to dispense": (_change(["dispenseRequest", "quantity", "value"], 0.5),
                               "MedicationRequest.dispenseRequest.quantity"),
    "dispensed in bottles": (_change(["dispenseRequest", "quantity"], {"value": 1, "unit": "bottle"}),
                             "MedicationRequest.dispenseRequest.quantity.unit"),
    "a strength per tablet": (_change(["contained", 0, "ingredient", 0, "strength", "denominator"],
                                      {"value": 1, "unit": "tablet"}),
                              "MedicationRequest.contained[0].ingredient[0].strength.denominator.unit"),
    "not ketamine": (_change(["contained", 0, "code"], {"text": "Sumatriptan nasal spray"}),
                     "MedicationRequest.contained[0].code.text"),
    "no name at all": (_change(["contained", 0], {"resourceType": "Medication", "id": "spray"}),
                       "MedicationRequest.contained[0]"),
    "a dangling reference": (_change(["medicationReference"], {"reference": "#nothing"}),
                             "MedicationRequest.medicationReference.reference"),
    "an unknown contained resource": (_change(["contained", 1], {"resourceType": "Prescription"}),
                                      "MedicationRequest.contained[1].resourceType"),
    "too many steps": (lambda resource: resource.__setitem__("dosageInstruction", _steps(resource, 7)),
                       "MedicationRequest.dosageInstruction"),
}


def _steps(resource: dict, count: int) -> list[dict]:
    """``count`` single-dose steps of 10, 20, 30 ... mg, like the order's first one."""
    return [{**copy.deepcopy(resource["dosageInstruction"][0]), "sequence": i,
             "doseAndRate": [{"doseQuantity": {"value": 10 * i, "unit": "mg", "system": UCUM, "code": "mg"}}]}
            for i in range(1, count + 1)]


@pytest.mark.parametrize("case", sorted(CHANGED))
def test_a_changed_order_is_refused_naming_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    case: str) -> None:
    change, path = CHANGED[case]
    resource = base_order()
    change(resource)
    source = write(tmp_path, resource)
    code, _ = sheet(tmp_path, "--fhir", str(source))
    assert code == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"handbook sheet: {path}: "), line
    assert sorted(tmp_path.iterdir()) == [source]


@pytest.mark.parametrize(("text", "label", "needle"), [
    ('{"resourceType": "MedicationRequest",', "--fhir", "not valid JSON"),
    ('[1, 2]', "--fhir", "no resourceType"),
    ('{"hello": "world"}', "--fhir", "no resourceType"),
    ('{"resourceType": "Patient", "name": [{"text": "Ann"}]}', "resourceType", '"Patient" is not a MedicationRequest'),
    ('{"resourceType": "Prescription"}', "resourceType", "unknown resource type"),
    ('{"resourceType": "MedicationRequest", "status": "active", "status": "draft"}', "--fhir", "twice"),
    ('{"resourceType": "MedicationRequest", "dosageInstruction": [{"sequence": NaN}]}', "--fhir", "NaN"),
    ('[' * 100_000 + ']' * 100_000, "--fhir", "nested too deeply"),
    ('{"resourceType": "Bundle", "type": "collection", "entry": []}', "Bundle.entry", "no MedicationRequest"),
    ('{"resourceType": "MedicationRequest", "intent": "order", "subject": {"display": "Ann"}}',
     "MedicationRequest.status", "is missing"),
    ('\xff\xfe', "--fhir", "not UTF-8"),
])
def test_a_file_that_is_not_a_fhir_order_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     text: str, label: str, needle: str) -> None:
    source = tmp_path / "order.json"
    source.write_bytes(text.encode("latin-1") if text == "\xff\xfe" else text.encode("utf-8"))
    code, _ = sheet(tmp_path, "--fhir", str(source))
    assert code == 2
    line = one_error_line(capsys.readouterr().err, needle)
    assert line.startswith(f"handbook sheet: {label}: "), line
    assert sorted(tmp_path.iterdir()) == [source]


def test_a_huge_or_endless_order_is_refused_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.json"
    big.write_text(" " * 1_000_001, encoding="utf-8")
    for source in (big, Path("/dev/zero")):
        code, _ = sheet(tmp_path, "--fhir", str(source))
        assert code == 2
        one_error_line(capsys.readouterr().err, "--fhir", str(source))
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    code, _ = sheet(tmp_path, "--fhir", str(fifo))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--fhir", "not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.json", "fifo.json"]


@pytest.mark.parametrize(("args", "label"), [
    (["--regimen", str(ROOT / "examples" / "regimen.toml")], "--regimen"),
    (["--batch", "x.csv", "--out-dir", "out"], "--fhir"),
    (["--fhir", ""], "--fhir"),
])
def test_options_that_do_not_go_with_an_order(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              args: list[str], label: str) -> None:
    given = ["--fhir", str(order("standard-titration.json")), *args] if args[0] != "--fhir" else args
    out = tmp_path / "sheet.pdf"
    from handbook.cli import main

    argv = ["sheet", *given] if "--batch" in args else ["sheet", "-o", str(out), *given]
    assert main(argv) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"handbook sheet: {label}: "), line
    assert list(tmp_path.iterdir()) == []


def test_the_order_is_never_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "order.pdf"  # a name the sheet could write
    source.write_text(order("standard-titration.json").read_text(encoding="utf-8"), encoding="utf-8")
    before = source.read_bytes()
    from handbook.cli import main

    assert main(["sheet", "--fhir", str(source), "-o", str(source)]) == 2
    one_error_line(capsys.readouterr().err, "-o", "which this run reads")
    assert source.read_bytes() == before


# -- patient data goes onto the sheet and nowhere else --------------------------------------------------
def test_patient_data_reaches_no_log_and_no_temporary_file(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "sheet.pdf"
    result = run_cli(["sheet", "--fhir", str(order("standard-titration.json")), "-o", str(out)],
                     env={"TMPDIR": str(temp)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert list(temp.iterdir()) == []  # nothing left behind, and the only file written is the sheet
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.pdf", "tmp"]
    assert "Zoë Łukasiewicz" in pdf_text(out)


@pytest.mark.parametrize("where", ["birthDate", "name"])
def test_a_refused_order_does_not_repeat_the_patients_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           where: str) -> None:
    bundle = json.loads(order("standard-titration.json").read_text(encoding="utf-8"))
    patient = bundle["entry"][2]["resource"]
    if where == "birthDate":
        patient["birthDate"] = "Zoë Łukasiewicz"  # not a date: fhir.resources refuses it
        path = "Bundle.entry[2].resource.birthDate"
    else:
        patient["name"] = [{"text": "王小明"}]  # no glyphs in the sheet's font
        path = "Bundle.entry[2].resource.name[0].text"
    code, _ = sheet(tmp_path, "--fhir", str(write(tmp_path, bundle)))
    assert code == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"handbook sheet: {path}: "), line
    for secret in ("Zoë", "Łukasiewicz", "王", "小", "明", "738B"):
        assert secret not in line
