"""The patient instruction sheet: one printed page, generated from the handbook's dosing data.

``handbook sheet`` (cli.py) and ``make`` (through :func:`build_default_sheets`) both end in
render.make_sheet: check the options, render the HTML, refuse a second page, write atomically.
"""

from __future__ import annotations

from pathlib import Path


def build_default_sheets(out_dir: Path) -> list[Path]:
    """Write the blank standard sheet in every paper size: ``patient-sheet-letter.pdf``, ..."""
    from handbook.model.papers import PAPERS
    from handbook.project import SHEET_STEM

    from .options import default_options  # importing the package stays cheap
    from .render import make_sheet

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [make_sheet(default_options(paper=paper.name), out_dir / paper.file_name(SHEET_STEM),
                       output_label="out_dir") for paper in PAPERS.values()]


__all__ = ["build_default_sheets"]
