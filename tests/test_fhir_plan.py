"""``handbook fhir -o PLAN.json`` through the real command: a MedicationRequest valid against fhir.resources,
with structured doses and timing, the prescriber's words in ``text`` and the sheet's own sentences in
``patientInstruction``; and a round trip that prints the very same PDF as ``handbook sheet``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from helpers.pdfs import pdf_text
from helpers.sheets import run_cli, sheet

from handbook.cli import main

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
NAMES = ["--patient", "Zoë Łukasiewicz", "--prescriber", "Dr. Rao", "--phone", "555-0100",
         "--pharmacy", "Main St", "--start", "2026-03-02"]
STRONG = """
[spray]
concentration_mg_per_ml = 200
volume_ml_per_spray = 0.1
[titration]
wait_between_sprays_minutes = 5
watch_hours = 4
response_check_hours = 48
[[titration.steps]]
dose_mg = 20
day = 1
companion = false
[[titration.steps]]
dose_mg = 40
day = 3
[[titration.steps]]
dose_mg = 80
day = 6
[maintenance]
doses_per_week = 3
weeks = 6
"""


def plan(tmp_path: Path, *args: str, name: str = "plan.json") -> dict:
    out = tmp_path / name
    assert main(["fhir", "-o", str(out), *args]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def squashed(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_the_standard_plan_is_a_valid_medication_request(tmp_path: Path) -> None:
    from fhir.resources.R4B.medicationrequest import MedicationRequest

    resource = plan(tmp_path)
    MedicationRequest.model_validate(resource)  # raises if fhir.resources finds it invalid
    dosages = resource["dosageInstruction"]
    assert [d["sequence"] for d in dosages] == [1, 2, 3, 4]
    for dosage in dosages:
        assert dosage["route"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "46713006",
                                                "display": "Nasal route"}
        ordered, calculated = dosage["doseAndRate"]
        assert ordered["doseQuantity"]["code"] == "mg" and calculated["doseQuantity"]["code"] == "{spray}"
    assert [d["doseAndRate"][0]["doseQuantity"]["value"] for d in dosages] == [10, 30, 50, 50]
    assert [d["doseAndRate"][1]["doseQuantity"]["value"] for d in dosages] == [1, 3, 5, 5]
    assert [d["timing"]["repeat"].get("boundsDuration", {}).get("value") for d in dosages[:3]] == [1, 1, None]
    assert dosages[3]["timing"]["repeat"] == {
        "boundsDuration": {"value": 4, "unit": "weeks", "system": "http://unitsofmeasure.org", "code": "wk"},
        "duration": 40, "durationUnit": "min", "frequency": 2, "period": 1, "periodUnit": "wk"}
    medication = resource["contained"][0]
    assert resource["medicationReference"] == {"reference": f"#{medication['id']}"}
    strength = medication["ingredient"][0]["strength"]
    assert (strength["numerator"]["value"], strength["numerator"]["code"]) == (100, "mg")
    assert (strength["denominator"]["value"], strength["denominator"]["code"]) == (1, "mL")
    assert resource["status"] == "draft"


def test_the_text_is_the_prescribers_and_spells_out_the_route(tmp_path: Path) -> None:
    texts = [d["text"] for d in plan(tmp_path)["dosageInstruction"]]
    assert texts[0].startswith("First test dose: ketamine 10 mg (1 spray) intranasally once on day 1.")
    assert "1 spray every 10 minutes, alternating nostrils" in texts[2]
    assert "Review the response at 24 hours" in texts[2]
    assert "twice weekly for 4 weeks (8 doses)" in texts[3]
    for text in texts:  # ISMP: no abbreviated route or frequency, no trailing zero
        for banned in (" IN ", " BIW", ".0 ", "q.d", "QD"):
            assert banned not in text


def test_the_patient_instruction_is_the_sheets_own_words(tmp_path: Path) -> None:
    """Every sentence of every patientInstruction is on the printed sheet, and the advice comes from dosing.toml."""
    from handbook.model import advice
    from handbook.sheet.options import default_options, dosing_data

    resource = plan(tmp_path)
    code, pdf = sheet(tmp_path)
    assert code == 0
    printed = squashed(pdf_text(pdf))
    reg = default_options().regimen
    filled = advice.values(reg, advice.BLANK_CONTACTS)
    data_words = {squashed(advice.plain(advice.render(e.text, filled))) for e in dosing_data().file.sheet.advice}
    for number, dosage in enumerate(resource["dosageInstruction"], 1):
        words = dosage["patientInstruction"]
        if number <= len(reg.steps):  # the step box, then sentences
            box, _, words = words.partition(". ")
            name, _, rest = box.partition(": ")
            assert name == reg.steps[number - 1].name
            for part in rest.split(", "):
                assert squashed(part) in printed, part
        sentences = [s.strip() + "." for s in words.rstrip(".").split(". ")]
        for sentence in sentences:
            assert squashed(sentence) in printed, sentence
    maintenance = squashed(resource["dosageInstruction"][-1]["patientInstruction"])
    assert maintenance in data_words  # rendered from the data file's entry, not typed again


@pytest.mark.parametrize(("plan_args", "print_args"), [
    ([], []),
    (NAMES, ["--paper", "a4", "--country", "gb", "--large-print", "--log-page"]),
    (["--regimen", "STRONG", *NAMES], []),
    (["--regimen", "STRONG"], ["--paper", "a4", "--large-print"]),
    (["--dose", "60", "--mg-per-ml", "50", "--ml-per-spray", "0.2", "--patient", "Ann Lee"], ["--log-page"]),
    (["--dose", "100", "--allow-dose-outside-range"], ["--allow-dose-outside-range"]),
], ids=["standard", "names", "regimen-file", "regimen-undated", "flags", "outside-range"])
def test_a_round_trip_prints_the_same_pdf_byte_for_byte(tmp_path: Path, plan_args: list[str],
                                                        print_args: list[str]) -> None:
    toml = tmp_path / "strong.toml"
    toml.write_text(STRONG, encoding="utf-8")
    plan_args = [str(toml) if a == "STRONG" else a for a in plan_args]
    plan_file, through, direct = tmp_path / "plan.json", tmp_path / "through-fhir.pdf", tmp_path / "direct.pdf"
    for args in (["fhir", "-o", str(plan_file), *plan_args],
                 ["sheet", "--fhir", str(plan_file), "-o", str(through), *print_args],
                 ["sheet", "-o", str(direct), *plan_args, *print_args]):
        result = run_cli(args, env=EPOCH)
        assert result.returncode == 0, result.stderr
    assert through.read_bytes() == direct.read_bytes()


def test_the_plan_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["fhir", "-o", str(first), *NAMES]) == 0
    assert main(["fhir", "-o", str(second), *NAMES]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert "Zoë Łukasiewicz" in first.read_text(encoding="utf-8")  # UTF-8, not escaped


def test_names_and_numbers_go_where_fhir_keeps_them(tmp_path: Path) -> None:
    resource = plan(tmp_path, *NAMES)
    contained = {item["resourceType"]: item for item in resource["contained"]}
    assert contained["Patient"]["name"] == [{"text": "Zoë Łukasiewicz"}]
    assert resource["subject"] == {"reference": f"#{contained['Patient']['id']}"}
    assert contained["Practitioner"]["telecom"] == [{"system": "phone", "value": "555-0100"}]
    assert resource["dispenseRequest"]["performer"] == {"display": "Main St"}
    bounds = [d["timing"]["repeat"]["boundsPeriod"] for d in resource["dosageInstruction"][:3]]
    assert bounds == [{"start": day, "end": day} for day in ("2026-03-02", "2026-03-03", "2026-03-04")]


def test_a_blank_plan_says_the_patient_is_not_known(tmp_path: Path) -> None:
    resource = plan(tmp_path)
    assert resource["subject"] == {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                                  "valueCode": "unknown"}]}
    assert "requester" not in resource and "dispenseRequest" not in resource


@pytest.mark.parametrize(("args", "label", "needle"), [
    (["--dose", "55"], "--dose", "whole number of sprays"),
    (["--dose", "100"], "--dose", "--allow-dose-outside-range"),
    (["--patient", "王"], "--patient", "font"),
    (["--regimen", "FIRST-DAY-2"], "--regimen", "day 2"),
])
def test_a_bad_plan_is_one_line_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    args: list[str], label: str, needle: str) -> None:
    toml = tmp_path / "r.toml"
    toml.write_text("[[titration.steps]]\ndose_mg = 10\nday = 2\n[[titration.steps]]\ndose_mg = 50\n",
                    encoding="utf-8")
    args = [str(toml) if a == "FIRST-DAY-2" else a for a in args]
    out = tmp_path / "plan.json"
    assert main(["fhir", "-o", str(out), *args]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"handbook fhir: {label}: ") and needle in lines[0], lines
    assert not out.exists()


@pytest.mark.parametrize("what", ["pdf-name", "folder", "symlink", "missing-folder", "no-output", "print-option"])
def test_the_plan_is_written_only_where_a_sheet_could_be(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         what: str) -> None:
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "target.json").write_text("{}", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(tmp_path / "target.json")
    args = {"pdf-name": ["-o", str(tmp_path / "plan.pdf")], "folder": ["-o", str(tmp_path / "folder.json")],
            "symlink": ["-o", str(tmp_path / "link.json")], "missing-folder": ["-o", str(tmp_path / "no" / "p.json")],
            "no-output": [], "print-option": ["-o", str(tmp_path / "p.json"), "--paper", "a4"]}[what]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["fhir", *args]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    if what == "print-option":  # how a sheet is printed is not part of a prescription
        assert "unrecognized arguments: --paper" in lines[0]
    else:
        assert lines[0].startswith("handbook fhir: -o: "), lines
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "target.json").read_text(encoding="utf-8") == "{}"


def test_an_existing_plan_is_replaced_whole_and_a_failed_run_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("{}", encoding="utf-8")
    assert main(["fhir", "-o", str(out)]) == 0  # as `handbook sheet -o` replaces a PDF
    good = out.read_bytes()
    assert main(["fhir", "-o", str(out), "--dose", "55"]) == 2
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]  # no hidden part file left


# -- `make`: the standard plan beside the blank sheets, offered on the dosing chapter ------------------------
def test_the_build_writes_the_standard_plan_and_the_dosing_chapter_offers_it(built) -> None:
    from handbook.fhir.write import plan_json
    from handbook.project import FHIR_PLAN_FILE
    from handbook.sheet.options import default_options

    built_plan = built.sheets / FHIR_PLAN_FILE
    assert built_plan.read_text(encoding="utf-8") == plan_json(default_options())
    assert (built.html / "downloads" / FHIR_PLAN_FILE).read_bytes() == built_plan.read_bytes()
    chapter = (built.html / "chapters" / "07-dose.html").read_text(encoding="utf-8")
    assert f'href="../downloads/{FHIR_PLAN_FILE}"' in chapter
    assert f"handbook: wrote {built_plan} (" in built.log


def test_the_fhir_wing_keeps_to_its_place_in_the_import_graph() -> None:
    """As pyproject's contracts say for the other wings: the model imports no FHIR; the FHIR wing imports
    no WeasyPrint, Sphinx or book; nothing but the FHIR wing imports fhir.resources."""
    import grimp

    graph = grimp.build_graph("handbook", include_external_packages=True)
    assert not graph.chain_exists("handbook.model", "handbook.fhir", as_packages=True)
    for forbidden in ("weasyprint", "pydyf", "sphinx", "docutils", "handbook.sphinxext", "handbook.book",
                      "handbook.weasy"):
        direct = [module for module in graph.find_children("handbook.fhir") | {"handbook.fhir"}
                  if forbidden in graph.find_modules_directly_imported_by(module)
                  or any(m.startswith(forbidden + ".") for m in graph.find_modules_directly_imported_by(module))]
        assert direct == [], (forbidden, direct)
    importers = {m for m in graph.find_modules_that_directly_import("fhir") if m.startswith("handbook.")}
    assert importers and all(m.startswith("handbook.fhir.") for m in importers), importers


def test_the_example_orders_are_valid_fhir_or_refused_on_purpose() -> None:
    """Every example order except the one made invalid on purpose passes fhir.resources' own check."""
    from fhir.resources.R4B import get_fhir_model_class

    for path in sorted((ROOT / "tests" / "fhir").glob("*.json")):
        resource = json.loads(path.read_text(encoding="utf-8"))
        model = get_fhir_model_class(resource["resourceType"])
        if path.name == "refuse-not-valid-fhir.json":
            with pytest.raises(ValueError):
                model.model_validate(resource)
        else:
            model.model_validate(resource)
