"""Regimen files and batch CSVs through the real command: valid ones make one-page sheets, bad ones are
refused with the field (or the CSV line) named, and a bad batch row does not stop the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from helpers.pdfs import pdf_text
from helpers.sheets import min_font_size, one_error_line, page_count, sheet

from handbook.cli import main
from handbook.model.regimen import FileStep, RegimenFile

EXAMPLE = ROOT / "examples" / "regimen.toml"


def regimen(tmp_path: Path, text: str) -> str:
    path = tmp_path / "regimen.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_example_file_prints_the_standard_sheet(tmp_path: Path) -> None:
    code, with_file = sheet(tmp_path, "--regimen", str(EXAMPLE), name="file.pdf")
    assert code == 0
    code, default = sheet(tmp_path, name="default.pdf")
    assert code == 0
    assert pdf_text(with_file) == pdf_text(default)


def test_example_file_documents_every_field() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for table, field in RegimenFile.model_fields.items():
        assert f"[{table}]" in text
        for name in set(field.annotation.__args__[0].model_fields) - {"steps"}:
            assert f"{name} =" in text, name
    assert "[[titration.steps]]" in text
    for name in FileStep.model_fields:
        assert f"{name} =" in text, name


VALID = {
    "four-steps": """
        [[titration.steps]]
        dose_mg = 10
        [[titration.steps]]
        dose_mg = 20
        [[titration.steps]]
        dose_mg = 40
        [[titration.steps]]
        dose_mg = 60
        [maintenance]
        doses_per_week = 3
        weeks = 6
    """,
    "strong-spray": """
        [spray]
        concentration_mg_per_ml = 200
        volume_ml_per_spray = 0.1
        [titration]
        wait_between_sprays_minutes = 5
        watch_hours = 4
        [[titration.steps]]
        dose_mg = 20
        day = 1
        [[titration.steps]]
        dose_mg = 80
        day = 3
        [maintenance]
        doses_per_week = 1
        weeks = 8
    """,
    "many-sprays": """
        [spray]
        concentration_mg_per_ml = 50
        [[titration.steps]]
        dose_mg = 10
        [[titration.steps]]
        dose_mg = 30
        [[titration.steps]]
        dose_mg = 60
    """,
    "five-steps": """
        [[titration.steps]]
        dose_mg = 10
        [[titration.steps]]
        dose_mg = 20
        [[titration.steps]]
        dose_mg = 30
        [[titration.steps]]
        dose_mg = 40
        [[titration.steps]]
        dose_mg = 60
        day = 9
    """,
    "full-dose-only": """
        [[titration.steps]]
        dose_mg = 70
    """,
}


@pytest.mark.parametrize("name", sorted(VALID))
@pytest.mark.parametrize("args", [["--paper", "letter"], ["--paper", "letter", "--large-print"],
                                  ["--paper", "a4", "--large-print"]], ids=["letter", "letter-lp", "a4-lp"])
def test_valid_regimens_fit_one_page(tmp_path: Path, name: str, args: list[str]) -> None:
    code, out = sheet(tmp_path, "--regimen", regimen(tmp_path, VALID[name]), *args)
    assert code == 0
    assert page_count(out) == 1
    assert min_font_size(out) >= (14 if "--large-print" in args else 12)


def test_regimen_values_reach_the_sheet(tmp_path: Path) -> None:
    code, out = sheet(tmp_path, "--regimen", regimen(tmp_path, VALID["strong-spray"]))
    assert code == 0
    text = " ".join(pdf_text(out).split())
    for expected in ("20 mg (1 spray)", "80 mg (4 sprays)", "Wait 5 minutes between sprays.", "Day 3",
                     "Rest for 4 hours after each step.",
                     "once a week for 8 weeks (8 doses)", "200 mg per mL", "Each spray gives 20 mg (0.1 mL)"):
        assert expected in text, expected


def test_too_many_steps_refused_not_shrunk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    steps = "".join(f"[[titration.steps]]\ndose_mg = {10 * i}\n" for i in range(1, 9))
    code, _ = sheet(tmp_path, "--large-print", "--dose", "80", "--regimen", regimen(tmp_path, steps))
    assert code == 2
    line = one_error_line(capsys.readouterr().err, "--regimen", "steps")
    assert "fewer" in line
    assert [p.name for p in tmp_path.iterdir()] == ["regimen.toml"]


@pytest.mark.parametrize(("text", "field"), [
    ("[spray]\nstrength = 100\n", "spray.strength"),
    ("[dosing]\nx = 1\n", "dosing"),
    ("[[titration.steps]]\ndose = 10\n", "titration.steps[1].dose"),
    ("[[titration.steps]]\nday = 1\n", "titration.steps[1]"),
    ("[[titration.steps]]\ndose_mg = 15\n[[titration.steps]]\ndose_mg = 50\n", "titration.steps[1].dose_mg"),
    ("[[titration.steps]]\ndose_mg = 10\n[[titration.steps]]\ndose_mg = 90\n", "titration.steps[2].dose_mg"),
    ("[[titration.steps]]\ndose_mg = 10\nday = 2\n[[titration.steps]]\ndose_mg = 50\nday = 2\n",
     "titration.steps[2].day"),
    ("[titration]\nwatch_hours = 0\n", "titration.watch_hours"),
    ("[titration]\nwait_between_sprays_minutes = 2.5\n", "titration.wait_between_sprays_minutes"),
    ("[maintenance]\ndoses_per_week = -2\n", "maintenance.doses_per_week"),
    ("[spray]\nconcentration_mg_per_ml = \"lots\"\n", "spray.concentration_mg_per_ml"),
    ("this is = not [toml", "not valid TOML"),
])
def test_bad_regimen_file_names_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          text: str, field: str) -> None:
    code, out = sheet(tmp_path, "--regimen", regimen(tmp_path, text))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen", field)
    assert not out.exists()


def test_missing_regimen_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = sheet(tmp_path, "--regimen", str(tmp_path / "nope.toml"))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen", "no such file")


# -- batch ------------------------------------------------------------------------------
def test_batch_reports_the_bad_row_and_prints_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "patients.csv"
    csv.write_text(
        "patient,prescriber,dose,start,output\n"
        "Ann Lee,Dr. Rao,60,2026-03-02,ann.pdf\n"
        "Bob Roe,Dr. Rao,abc,2026-03-02,bob.pdf\n"
        "\n"
        "Zoë Łukasiewicz-Ørsted,Dr. Rao,,,\n",
        encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code = main(["sheet", "--batch", str(csv), "--out-dir", str(out_dir), "--paper", "a4"])
    assert code == 2
    captured = capsys.readouterr()
    line = one_error_line(captured.err, "patients.csv line 3", "dose")
    assert "Bob" not in line  # the message names the line, not the person
    assert "wrote 2 of 3 sheets" in captured.out
    assert sorted(p.name for p in out_dir.iterdir()) == ["ann.pdf", "patient-sheet-line-5.pdf"]
    assert "Ann Lee" in pdf_text(out_dir / "ann.pdf")
    assert "Zoë Łukasiewicz-Ørsted" in pdf_text(out_dir / "patient-sheet-line-5.pdf")
    for pdf in out_dir.iterdir():
        assert page_count(pdf) == 1


def test_batch_all_good_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("--patient,large_print\nAnn,yes\nBob,no\n", encoding="utf-8")
    assert main(["sheet", "--batch", str(csv), "--out-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().err == ""
    big, small = (tmp_path / f"patient-sheet-line-{n}.pdf" for n in (2, 3))
    assert min_font_size(big) >= 14 and min_font_size(small) == 12


@pytest.mark.parametrize(("text", "needle"), [
    ("patient,colour\nAnn,red\n", "colour"),
    ("patient\n", "no rows"),
])
def test_batch_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["sheet", "--batch", str(csv), "--out-dir", str(out_dir)]) == 2
    one_error_line(capsys.readouterr().err, "--batch", needle)
    assert list(out_dir.iterdir()) == []


def test_batch_output_names_stay_in_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "p.csv"
    csv.write_text("patient,output\nAnn,../escape.pdf\nBob,ok.pdf\nCy,ok.pdf\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["sheet", "--batch", str(csv), "--out-dir", str(out_dir)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "line 2: output" in err[0] and "line 4: output" in err[1]
    assert [p.name for p in out_dir.iterdir()] == ["ok.pdf"]
    assert not (tmp_path / "escape.pdf").exists()
