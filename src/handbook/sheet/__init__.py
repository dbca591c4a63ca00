"""The patient instruction sheet: one printed page, generated from the handbook's dosing data.

``handbook sheet`` (cli.py) and ``make`` (through :func:`build_default_sheets`) both end in
render.make_sheet: check the options, render the HTML, refuse a second page, write atomically.
"""

from __future__ import annotations

from pathlib import Path

PAPERS = ("letter", "a4")


def build_default_sheets(out_dir: Path) -> list[Path]:
    """Write the blank standard sheets, ``patient-sheet-letter.pdf`` and ``patient-sheet-a4.pdf``."""
    from .options import default_options  # importing the package stays cheap
    from .render import make_sheet

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [make_sheet(default_options(paper=paper), out_dir / f"patient-sheet-{paper}.pdf",
                       output_label="out_dir") for paper in PAPERS]


__all__ = ["PAPERS", "build_default_sheets"]
