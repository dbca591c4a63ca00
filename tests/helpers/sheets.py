"""Helpers for the patient-sheet tests: run the real CLI, read the real PDF. No tests here."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader

from handbook.cli import main

ROOT = Path(__file__).resolve().parents[2]


def sheet(tmp_path: Path, *args: str, name: str = "sheet.pdf") -> tuple[int, Path]:
    """Run ``handbook sheet -o tmp_path/name ARGS`` in this process; (exit code, output path)."""
    out = tmp_path / name
    code = main(["sheet", "-o", str(out), *args])
    return code, out


def run_cli(args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m handbook ARGS`` in a fresh process (the real command, cold)."""
    return subprocess.run([sys.executable, "-m", "handbook", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd or ROOT, timeout=120, check=False)


def one_error_line(stderr: str, *needles: str) -> str:
    """The single stderr line of a refused input; it names the option or field."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    line = lines[0]
    assert line.startswith("handbook sheet: "), line
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def squash(text: str) -> str:
    """Text without any whitespace, to find strings that a line break may have split."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def font_sizes(pdf: Path) -> list[tuple[float, str]]:
    """(size in pt, text) for every run of visible text: the Tf size scaled by the text and page matrices."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: object, size: float) -> None:
        if text.strip():
            scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2])) * math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2]))
            runs.append((round(size * scale, 2), text))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    assert runs, "no text found in the PDF"
    return runs


def min_font_size(pdf: Path) -> float:
    return min(size for size, _ in font_sizes(pdf))
