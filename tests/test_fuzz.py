"""Property tests (Hypothesis): for any sheet options, regimen file or batch row, the tool either
writes exactly one one-page PDF, or exits 2 with one line and writes nothing. Never a traceback,
never a partial file.

The suite runs a bounded number of examples (profile "suite"); ``make fuzz`` runs many more
(HYPOTHESIS_PROFILE=fuzz) and prints Hypothesis's statistics.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import tomli_w
from helpers.sheets import page_count
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from handbook.cli import main

settings.register_profile("suite", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

NUMBERISH = st.one_of(
    st.sampled_from(["50", "60", "70", "80"]),  # valid full doses, so that many examples print a sheet
    st.sampled_from(["10", "50", "60", "0.1", "100", "0", "-5", "1e26", "nan", "inf", "", " ", "5O", "1,5", "0x10",
                     "99999999999999999999999999", "0.123", "١٠", "10 mg"]),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="latin-1", categories=("L", "Zs", "Nd", "P")), max_size=30),
    st.sampled_from(["", "Zoë Łukasiewicz", "<b>bold</b>", "Dr. Rao & Partners", "{{ s.title }}", "x" * 200,
                     "a\x00b", "abc\u202edcba", "王药房", "Ann\nBo", "555-0100"]),
    st.text(max_size=40),
)
DATES = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "30/09/2026", "9999-12-31", ""]), st.text(max_size=12))
FLAGS = st.sampled_from(["yes", "no", "", "maybe", "1", "0", "true"])
OPTIONS = st.fixed_dictionaries({}, optional={
    "--patient": TEXT, "--prescriber": TEXT, "--phone": TEXT, "--pharmacy": TEXT,
    "--emergency-number": TEXT, "--start": DATES, "--paper": st.sampled_from(["letter", "a4", "A4", "legal", ""]),
    "--dose": NUMBERISH, "--mg-per-ml": NUMBERISH, "--ml-per-spray": NUMBERISH,
})
NUMBER = st.one_of(st.integers(min_value=-10**28, max_value=10**28), st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([10, 30, 50, 0.1, 100, 1.0e26]), st.text(max_size=5), st.booleans())
STEP = st.fixed_dictionaries({"dose_mg": NUMBER}, optional={"day": NUMBER, "companion": st.booleans(),
                                                            "extra": st.integers()})
REGIMEN = st.fixed_dictionaries({}, optional={
    "spray": st.fixed_dictionaries({}, optional={"concentration_mg_per_ml": NUMBER, "volume_ml_per_spray": NUMBER}),
    "titration": st.fixed_dictionaries({}, optional={
        "wait_between_sprays_minutes": NUMBER, "watch_hours": NUMBER, "response_check_hours": NUMBER,
        "steps": st.lists(STEP, max_size=10)}),
    "maintenance": st.fixed_dictionaries({}, optional={"doses_per_week": NUMBER, "weeks": NUMBER}),
    "unknown": st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
})


def run(args: list[str]) -> tuple[int, str]:
    """``handbook ARGS`` in this process; (exit code, what it printed on stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


def _toml(value: dict) -> str:
    try:
        return tomli_w.dumps(value)
    except (TypeError, ValueError):  # nan, inf or an empty key: write what a careless user might
        return "[spray]\nconcentration_mg_per_ml = nan\n"


def _check_one(code: int, err: str, folder: Path, out: Path) -> None:
    event("wrote a sheet" if code == 0 else "refused")
    assert "Traceback" not in err
    names = sorted(p.name for p in folder.iterdir())
    if code == 0:
        assert names == [out.name] and page_count(out) == 1
    else:
        assert code == 2, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("handbook sheet"), lines
        assert names == [], f"a refused sheet wrote {names}"


@given(options=OPTIONS, flags=st.lists(st.sampled_from(["--large-print", "--allow-dose-outside-range"]), unique=True))
def test_any_options_give_one_page_or_one_line(options: dict, flags: list) -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "out"
        folder.mkdir()
        out = folder / "sheet.pdf"
        args = [item for pair in options.items() for item in pair] + flags
        _check_one(*run(["sheet", "-o", str(out), *args]), folder, out)


@given(regimen=REGIMEN, dose=st.one_of(st.none(), NUMBERISH))
def test_any_regimen_file_gives_one_page_or_one_line(regimen: dict,
                                                     dose: str | None) -> None:
    with tempfile.TemporaryDirectory() as work:
        plan = Path(work) / "plan.toml"
        plan.write_text(_toml(regimen), encoding="utf-8")
        folder = Path(work) / "out"
        folder.mkdir()
        out = folder / "sheet.pdf"
        _check_one(*run(["sheet", "-o", str(out), "--regimen", str(plan), *(["--dose", dose] if dose else [])]),
                   folder, out)


CELL = st.one_of(TEXT, NUMBERISH, st.sampled_from(['"', '""', '"a,b"', "a\"b", ",", "\r"]))


@given(rows=st.lists(st.fixed_dictionaries({"patient": CELL}, optional={"dose": NUMBERISH, "start": DATES,
                                                                        "output": CELL, "large-print": FLAGS}),
                     min_size=1, max_size=3))
def test_any_batch_rows_give_whole_sheets_or_one_line_each(rows: list) -> None:
    columns = sorted({key for row in rows for key in row})
    with tempfile.TemporaryDirectory() as work:
        table = Path(work) / "rows.csv"
        lines = [",".join(columns)] + [",".join(row.get(c, "").replace("\n", " ") for c in columns) for row in rows]
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
        folder = Path(work) / "out"
        code, err = run(["sheet", "--batch", str(table), "--out-dir", str(folder)])
        assert code in (0, 2) and "Traceback" not in err
        made = sorted(folder.iterdir()) if folder.exists() else []
        assert [p.name for p in made if p.name.startswith(".")] == [], "a hidden partial file is left"
        assert all(p.suffix == ".pdf" and page_count(p) == 1 for p in made)
        problems = [line for line in err.splitlines() if line.strip()]
        assert all(line.startswith("handbook sheet: ") for line in problems)
        if code == 0:  # every row that is not blank printed (blank rows are skipped)
            assert len(made) == sum(1 for row in rows if any(cell.strip() for cell in row.values()))
