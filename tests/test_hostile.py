"""Hostile and careless input, one class at a time: nothing destroyed, no crash, no nonsense printed.

Each class of failure from the hostile-input review has cases here, some of them new. The property
tests (test_fuzz.py) then try generated inputs of every kind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_handbook
from helpers.sheets import one_error_line, page_count, run_cli, sheet

from handbook.cli import main
from handbook.model.dosing import load_dosing
from handbook.model.errors import DosingDataError


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


# -- outputs that would destroy something ---------------------------------------------------------
def test_a_fifo_or_a_link_to_a_device_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    link = tmp_path / "null.pdf"
    link.symlink_to("/dev/null")
    for target, needle in ((fifo, "not a regular file"), (link, "symbolic link")):
        assert main(["sheet", "-o", str(target)]) == 2
        one_error_line(capsys.readouterr().err, "-o", needle)
    assert fifo.is_fifo() and link.is_symlink() and str(link.readlink()) == "/dev/null"


@pytest.mark.parametrize("name", ["dosing.toml", "notes.txt", "sheet", "sheet.PDF.bak"])
def test_only_a_pdf_name_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    (tmp_path / name).write_text("keep me", encoding="utf-8")
    assert main(["sheet", "-o", str(tmp_path / name)]) == 2
    one_error_line(capsys.readouterr().err, "-o", ".pdf")
    assert (tmp_path / name).read_text(encoding="utf-8") == "keep me"


def test_the_regimen_file_is_never_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.pdf"  # a TOML file with an unlucky name
    plan.write_text("[maintenance]\nweeks = 3\n", encoding="utf-8")
    assert main(["sheet", "--regimen", str(plan), "-o", str(plan)]) == 2
    one_error_line(capsys.readouterr().err, "-o", "this run reads")
    assert plan.read_text(encoding="utf-8") == "[maintenance]\nweeks = 3\n"


def test_a_batch_never_writes_over_its_csv_or_outside_its_folder(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    csv_file = out / "rows.pdf"
    text = "patient,output\nAnn,rows.pdf\nBo,../bo.pdf\nCy,cy.pdf\n"
    csv_file.write_text(text, encoding="utf-8")
    assert main(["sheet", "--batch", str(csv_file), "--out-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 2: output:" in err and "this run reads" in err
    assert "line 3: output:" in err and "plain file name" in err
    assert csv_file.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in out.iterdir()) == ["cy.pdf", "rows.pdf"]
    assert not (tmp_path / "bo.pdf").exists()


def test_a_missing_out_dir_is_created(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("patient\nAnn\n", encoding="utf-8")
    out = tmp_path / "new" / "sheets"
    assert main(["sheet", "--batch", str(rows), "--out-dir", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["patient-sheet-line-2.pdf"]


def test_a_file_name_too_long_for_the_file_system_is_one_line(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sheet", "-o", str(tmp_path / ("x" * 300 + ".pdf"))]) == 2
    line = one_error_line(capsys.readouterr().err, "-o", "too long")
    assert len(line) < 200


# -- numbers that crashed --------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["--ml-per-spray", "9" * 27], ["--mg-per-ml", "1e26"], ["--dose", "100000000000"]])
def test_huge_numbers_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], args) -> None:
    code, _ = sheet(tmp_path, *args)
    assert code == 2
    one_error_line(capsys.readouterr().err, args[0])
    assert list(tmp_path.iterdir()) == []


def test_a_huge_number_in_one_row_does_not_stop_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("patient,dose\nAnn,1e27\nBo,60\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sheet", "--batch", str(rows), "--out-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "rows.csv line 2: dose:" in err and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["patient-sheet-line-3.pdf"]


def test_a_regimen_file_number_out_of_range_names_its_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text("[maintenance]\nweeks = 1e30\n", encoding="utf-8")
    code, _ = sheet(tmp_path, "--regimen", str(plan))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen maintenance.weeks")


# -- a data file checked in full -------------------------------------------------------------------
DATA = (ROOT / "dosing.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "field"), [
    ("wait_between_sprays_minutes = 10", "wait_between_sprays_minutes = -10", "titration.wait_between_sprays_minutes"),
    ("watch_hours = 3", "watch_hours = -3", "titration.watch_hours"),
    ("doses_per_week = 2", "doses_per_week = -2", "maintenance.doses_per_week"),
    ("weight_kg = 70", "weight_kg = -70", "reference_patient.weight_kg"),
    ("iv_cost_per_infusion = 800", "iv_cost_per_infusion = -800", "costs.iv_cost_per_infusion"),
    ('key = "test-2"\nname = "Second test dose"\nday = 2', 'key = "test-2"\nname = "Second test dose"\nday = "2"',
     "titration.steps[2].day"),
    ("dose_range_mg = [50, 80]", "dose_range_mg = [80, 50]", "intranasal.dose_range_mg"),
    ("dose_range_mg = [50, 80]", "dose_range_mg = [50, 65, 80]", "intranasal.dose_range_mg"),
    ("median_weeks_reported = [2, 4]", "median_weeks_reported = [4, 2]", "relapse.median_weeks_reported"),
    ("exercise_rise_mmhg = 60", 'exercise_rise_mmhg = "60"', "blood_pressure.exercise_rise_mmhg"),
    ('key = "full"\nname = "Full dose"\nday = 3', 'key = "full"\nname = "Full dose"\nday = 1', "steps[3].day"),
    ("weeks = 4", "weeks = 4\nweekz = 5", "maintenance.weekz"),
])
def test_every_field_of_the_data_file_is_checked(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in DATA
    bad = tmp_path / "dosing.toml"
    bad.write_text(DATA.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DosingDataError) as caught:
        load_dosing(bad)
    assert field in str(caught.value) and str(bad) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_build_with_a_bad_data_file_fails_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "dosing.toml"
    bad.write_text(DATA.replace("watch_hours = 3", "watch_hours = -3"), encoding="utf-8")
    result = run_handbook("html", "--out", str(tmp_path / "out"), "--sphinxopts",
                          f"-W -q -D handbook_dosing_file={bad}", check=False)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "titration.watch_hours" in lines[0] and "Traceback" not in result.stderr


# -- inputs without limits -------------------------------------------------------------------------
def test_endless_or_huge_regimen_files_are_refused_before_they_are_read(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 10_000, encoding="utf-8")
    for path, needle in ((Path("/dev/zero"), "not a regular file"), (fifo, "not a regular file"), (big, "limit")):
        started = time.monotonic()
        code, _ = sheet(tmp_path, "--regimen", str(path))
        assert code == 2 and time.monotonic() - started < 10
        one_error_line(capsys.readouterr().err, "--regimen", needle)


def test_deeply_nested_toml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text("spray = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, _ = sheet(tmp_path, "--regimen", str(plan))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen")


# -- silent misreads -------------------------------------------------------------------------------
def test_an_unterminated_quote_in_a_csv_is_not_merged_into_a_name(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text('patient,phone\nAnn,"555-0100\nBo,555-0101\nCy,555-0102\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sheet", "--batch", str(rows), "--out-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "rows.csv" in err and "Traceback" not in err
    assert not list(out.glob("*.pdf")) if out.exists() else True


def test_a_number_written_as_text_in_a_regimen_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[titration.steps]]\ndose_mg = "10"\n[[titration.steps]]\ndose_mg = 50\n', encoding="utf-8")
    code, _ = sheet(tmp_path, "--regimen", str(plan))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen titration.steps[1].dose_mg", "number")


@pytest.mark.parametrize("doses", [(30, 10, 50), (10, 10, 50), (10, 30, 30)])
def test_test_doses_that_go_down_or_repeat_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       doses: tuple[int, ...]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text("".join(f"[[titration.steps]]\ndose_mg = {d}\n" for d in doses), encoding="utf-8")
    code, _ = sheet(tmp_path, "--regimen", str(plan))
    assert code == 2
    one_error_line(capsys.readouterr().err, "--regimen titration.steps[", "must be more than")


# -- usage errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["sheet", "--nope"], ["sheet", "--dose"], ["sheet", "-o"], ["bogus"]])
def test_usage_errors_are_one_line_pointing_at_help(args: list[str]) -> None:
    result = run_cli(args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].endswith("--help") and "usage:" not in result.stderr


# -- signals and leftovers -------------------------------------------------------------------------
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_batch_leaves_whole_files_only(tmp_path: Path, signum: int, code: int) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("patient\n" + "".join(f"Patient {i}\n" for i in range(60)), encoding="utf-8")
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "handbook", "sheet", "--batch", str(rows), "--out-dir", str(out)],
                               cwd=ROOT, env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(out.glob("*.pdf"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signum) if signum == signal.SIGINT else process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in stderr, stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], "a hidden partial file is left"
    pdfs = list(out.glob("*.pdf"))
    assert 0 < len(pdfs) < 60
    assert all(page_count(pdf) == 1 for pdf in pdfs)
    assert list(temp.iterdir()) == [], "a temporary folder is left"


def test_a_terminated_sheet_leaves_nothing(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "handbook", "sheet", "-o", str(tmp_path / "x.pdf")], cwd=ROOT,
                               env={**os.environ, "TMPDIR": str(temp)}, stderr=subprocess.PIPE, text=True)
    time.sleep(0.6)  # WeasyPrint is loading or laying out the page
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    # 143: our handler ran and cleaned up; -15: killed while Python was still starting, before
    # anything was written; 0: it finished first.
    assert process.returncode in (0, 143, -signal.SIGTERM)
    assert list(temp.iterdir()) == []
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "tmp")
    assert left in ([], ["x.pdf"])


# -- build failures that buried the reason ---------------------------------------------------------
@pytest.fixture(scope="module")
def broken_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    source = tmp_path_factory.mktemp("broken") / "source"
    shutil.copytree(ROOT / "source", source)
    return source


def test_a_refused_url_fails_the_build_naming_the_chapter_and_keeps_the_old_pdf(broken_source: Path,
                                                                                tmp_path: Path) -> None:
    chapter = broken_source / "chapters" / "06-routes.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + "\n![A remote picture](https://example.org/remote.png)\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "pdf").mkdir(parents=True)
    previous = out / "pdf" / "ketamine-handbook-letter.pdf"
    previous.write_bytes(b"%PDF-1.7 the previous build")
    try:
        result = run_handbook("pdf", "--paper", "letter", "--source", str(broken_source), "--out", str(out),
                              check=False)
    finally:
        chapter.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "https://example.org/remote.png" in lines[0] and "chapters/06-routes.md" in lines[0]
    assert previous.read_bytes() == b"%PDF-1.7 the previous build"
    assert [p.name for p in (out / "pdf").iterdir()] == ["ketamine-handbook-letter.pdf"]


def test_an_image_from_outside_the_project_never_reaches_the_build(broken_source: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not for the site")
    chapter = broken_source / "chapters" / "06-routes.md"
    original = chapter.read_text(encoding="utf-8")
    relative = os.path.relpath(secret, chapter.parent)
    chapter.write_text(original + f"\n![secret]({relative})\n", encoding="utf-8")
    out = tmp_path / "out"
    try:
        result = run_handbook("html", "--source", str(broken_source), "--out", str(out), check=False)
    finally:
        chapter.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "outside the source folder" in result.stderr and "Traceback" not in result.stderr
    copied = [p for p in out.rglob("*") if p.is_file() and p.read_bytes() == secret.read_bytes()]
    assert copied == []
