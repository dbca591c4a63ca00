"""The patient sheet, timed in one process: ours against WeasyPrint alone on the same HTML.

``python -m bench.sheets --json OUT.json --out-dir DIR [--pairs N] [--sheets N]``

* ours: ``write_sheet_pdf(html, path)`` (cached fonts and stylesheet, the sheet's short HTML
  defaults in place of WeasyPrint's user-agent stylesheet, the render run by
  ``handbook.framestack.call_with_room``, page check, atomic write);
* floor: WeasyPrint alone on the same finished HTML with the same stylesheet, fonts and PDF
  variant: ``HTML(string=html, base_url=BASE_URL).write_pdf(path, stylesheets=..., font_config=...,
  pdf_variant=...)``, with WeasyPrint's default fetcher;
* rate: the whole job for N different sheets (options checked, HTML, PDF written) with ``make_sheet``.

Both are warmed up once first (fonts load on the first render), then alternated pair by pair.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

PATIENT_NAMES = ("Alex Morgan", "Sam Lee", "Jordan Rivera", "Casey Nguyen", "Riley Okafor", "Taylor Brooks")


def write_batch_csv(path: Path, rows: int) -> Path:
    """A CSV for ``handbook sheet --batch``: ``rows`` sheets, each with its own patient and file name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient", "output"])
        writer.writerows([f"{PATIENT_NAMES[i % len(PATIENT_NAMES)]} {i + 1}", f"sheet-{i + 1:03d}.pdf"]
                         for i in range(rows))
    return path


def measure(out_dir: Path, pairs: int, sheets: int) -> dict[str, float]:
    from weasyprint import HTML

    from handbook.sheet.options import default_options, options_from_values
    from handbook.sheet.render import (
        BASE_URL,
        PDF_VARIANT,
        font_config,
        make_sheet,
        render_sheet_html,
        stylesheets,
        write_sheet_pdf,
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_sheet_html(default_options())
    css, fonts = stylesheets(), font_config()

    def ours() -> None:
        write_sheet_pdf(html, out_dir / "ours.pdf")

    def floor() -> None:
        HTML(string=html, base_url=BASE_URL).write_pdf(out_dir / "floor.pdf", stylesheets=list(css),
                                                       font_config=fonts, pdf_variant=PDF_VARIANT)

    start = time.perf_counter()
    ours()
    first = time.perf_counter() - start
    floor()
    times: dict[str, list[float]] = {"ours": [], "floor": []}
    for n in range(pairs):
        for name, job in ((("ours", ours), ("floor", floor)) if n % 2 == 0 else (("floor", floor), ("ours", ours))):
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(sheets):
        options = options_from_values({"patient": f"{PATIENT_NAMES[i % len(PATIENT_NAMES)]} {i + 1}"})
        make_sheet(options, out_dir / f"rate-{i % 10}.pdf")
    elapsed = time.perf_counter() - start
    return {
        "first_sheet_s": first,
        "ours_s": statistics.median(times["ours"]),
        "floor_s": statistics.median(times["floor"]),
        "sheets_per_s": sheets / elapsed,
        "sheets": sheets,
        "pairs": pairs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sheets")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--sheets", type=int, default=50)
    args = parser.parse_args(argv)
    result = measure(args.out_dir, args.pairs, args.sheets)
    args.json.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
