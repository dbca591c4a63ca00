"""Bad and hostile input through the real ``handbook sheet`` command: one stderr line naming the
option or field, exit code 2, no traceback, no file written; and nothing written anywhere else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.sheets import one_error_line, page_count, run_cli, sheet

from handbook.cli import main


@pytest.mark.parametrize(("args", "option"), [
    (["--dose", "-5"], "--dose"),
    (["--dose", "0"], "--dose"),
    (["--dose", "abc"], "--dose"),
    (["--dose", "nan"], "--dose"),
    (["--dose", "55"], "--dose"),  # not a whole number of 10 mg sprays
    (["--dose", "100"], "--dose"),  # outside the intranasal range
    (["--dose", "30"], "--dose"),  # not more than the second test dose
    (["--mg-per-ml", "0"], "--mg-per-ml"),
    (["--mg-per-ml", "-100"], "--mg-per-ml"),
    (["--mg-per-ml", "ten"], "--mg-per-ml"),
    (["--mg-per-ml", "30"], "--mg-per-ml"),  # 3 mg a spray: 10 mg is not a whole number of sprays
    (["--ml-per-spray", "-0.1"], "--ml-per-spray"),
    (["--ml-per-spray", "0.123"], "--ml-per-spray"),
    (["--start", "2026-02-30"], "--start"),
    (["--start", "30/09/2026"], "--start"),
    (["--paper", "legal"], "--paper"),
    (["--emergency-number", ""], "--emergency-number"),
    (["--patient", "x" * 500], "--patient"),
    (["--patient", "a\x00b"], "--patient"),
    (["--patient", "abc\u202edcba"], "--patient"),
    (["--pharmacy", "王药房"], "--pharmacy"),  # no glyphs in the shipped font
])
def test_bad_value_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], option: str) -> None:
    code, _ = sheet(tmp_path, *args)
    assert code == 2
    one_error_line(capsys.readouterr().err, option)
    assert list(tmp_path.iterdir()) == []


def test_dose_outside_range_allowed_with_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sheet(tmp_path, "--dose", "100", "--allow-dose-outside-range")
    assert code == 0
    line = one_error_line(capsys.readouterr().err, "warning", "--dose", "100 mg", "50 to 80 mg")
    assert "outside" in line
    assert page_count(out) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


@pytest.mark.parametrize("where", ["missing-folder", "parent-is-a-file", "is-a-folder"])
def test_unwritable_output_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    out = {"missing-folder": tmp_path / "nope" / "x.pdf", "parent-is-a-file": tmp_path / "file.txt" / "x.pdf",
           "is-a-folder": tmp_path / "folder"}[where]
    assert main(["sheet", "-o", str(out)]) == 2
    one_error_line(capsys.readouterr().err, "-o")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder"]
    assert list((tmp_path / "folder").iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    assert main(["sheet", "-o", str(folder / "x.pdf")]) == 2
    one_error_line(capsys.readouterr().err, "-o")


def test_missing_output_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sheet"]) == 2
    one_error_line(capsys.readouterr().err, "-o")


def test_content_that_cannot_fit_is_refused_not_shrunk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = "Wolfeschlegelsteinhausenbergerdorff " * 3
    code, _ = sheet(tmp_path, "--large-print", "--patient", long, "--prescriber", long,
                      "--pharmacy", long, "--phone", long)
    assert code == 2
    line = one_error_line(capsys.readouterr().err, "shorten")
    assert any(option in line for option in ("--patient", "--prescriber", "--pharmacy", "--phone"))
    assert list(tmp_path.iterdir()) == []


def test_failed_run_keeps_an_earlier_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sheet(tmp_path)
    assert code == 0
    before = out.read_bytes()
    code, _ = sheet(tmp_path, "--dose", "abc")
    assert code == 2
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_cold_cli_bad_input_and_no_files_anywhere_else(tmp_path: Path) -> None:
    """The real command in a fresh process: personal data goes only into the requested PDF."""
    tmp, home, cache, out_dir = (tmp_path / name for name in ("tmp", "home", "cache", "out"))
    for folder in (tmp, home, cache, out_dir):
        folder.mkdir()
    env = {"TMPDIR": str(tmp), "HOME": str(home), "XDG_CACHE_HOME": str(cache)}

    bad = run_cli(["sheet", "-o", str(out_dir / "x.pdf"), "--start", "2026-02-30"], env=env, cwd=tmp_path)
    assert bad.returncode == 2
    one_error_line(bad.stderr, "--start", "2026-02-30")

    good = run_cli(["sheet", "-o", str(out_dir / "x.pdf"), "--patient", "Zoë Łukasiewicz-Ørsted",
                    "--large-print"], env=env, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert good.stderr == ""
    assert [p.name for p in out_dir.iterdir()] == ["x.pdf"]
    assert page_count(out_dir / "x.pdf") == 1
    for folder in (tmp, home, cache):
        assert list(folder.rglob("*")) == [], f"left behind in {folder.name}: {list(folder.rglob('*'))}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "home", "out", "tmp"]


def test_argparse_errors_still_exit_2(tmp_path: Path) -> None:
    result = run_cli(["sheet", "-o", str(tmp_path / "x.pdf"), "--no-such-option"])
    assert result.returncode == 2
    assert "--no-such-option" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
