"""Visual regression for the default patient sheet: its page rendered to PNG, compared with a stored image.

The references are ``tests/reference/patient-sheet-{letter,a4}.png``, rendered by pdfium at 50 dpi. When a
change to the sheet's look is intended, refresh them and look at them before committing:

    UPDATE_REFERENCE=1 pytest tests/test_sheet_visual.py

Tolerance, measured on this sheet at 50 dpi: filling in an 8-letter name changes 0.1 % of the pixels; moving
one box by 1 mm changes 1.5 % or more; a 2 mm shift 9 %. So up to 0.5 % of pixels may differ (by more than
32 of 255 grey levels) and the mean difference may be up to 1.0: font anti-aliasing and a new edition
number pass, a layout break fails. On failure the render and a diff image are written under
``<build>/visual/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers.pdfs import render
from PIL import Image, ImageChops, ImageStat

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
DPI = 50
MAX_CHANGED_PERCENT = 0.5
CHANGED_LEVEL = 32
MAX_MEAN_DIFFERENCE = 1.0


def render_pages(pdf: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for number, image in enumerate(render(pdf, DPI), start=1):
        pages.append(out_dir / f"{pdf.stem}-{number}.png")
        image.save(pages[-1])
    return pages


def compare(reference: Image.Image, actual: Image.Image) -> tuple[float, float, Image.Image]:
    """Mean absolute difference (0–255), percent of pixels changed by more than CHANGED_LEVEL, diff image."""
    difference = ImageChops.difference(reference.convert("RGB"), actual.convert("RGB")).convert("L")
    histogram = difference.histogram()
    changed = 100 * sum(histogram[CHANGED_LEVEL + 1:]) / sum(histogram)
    return ImageStat.Stat(difference).mean[0], changed, difference


def diff_picture(reference: Image.Image, actual: Image.Image, difference: Image.Image) -> Image.Image:
    """Reference | render | changes in red over a faded render: what a person needs to see the break."""
    faded = Image.blend(actual.convert("RGB"), Image.new("RGB", actual.size, "white"), 0.7)
    mask = difference.point(lambda v: 255 if v > CHANGED_LEVEL else 0)
    faded.paste(Image.new("RGB", actual.size, (220, 0, 0)), mask=mask)
    picture = Image.new("RGB", (actual.width * 3 + 20, actual.height), "white")
    for i, image in enumerate((reference.convert("RGB"), actual.convert("RGB"), faded)):
        picture.paste(image, (i * (actual.width + 10), 0))
    return picture


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_default_sheet_matches_reference(built, paper: str) -> None:
    pdf = built.sheets / f"patient-sheet-{paper}.pdf"
    assert pdf.exists(), f"handbook build wrote no {pdf.name}"
    work = built.out / "visual"
    pages = render_pages(pdf, work)
    assert len(pages) == 1, f"{pdf.name} has {len(pages)} pages; the sheet must be one page"
    reference_file = REFERENCE_DIR / f"patient-sheet-{paper}.png"

    if os.environ.get("UPDATE_REFERENCE"):
        REFERENCE_DIR.mkdir(exist_ok=True)
        shutil.copyfile(pages[0], reference_file)
        pytest.skip(f"reference rewritten: {reference_file} (look at it before committing)")
    assert reference_file.exists(), (
        f"no reference image {reference_file}; create it with UPDATE_REFERENCE=1 pytest tests/test_sheet_visual.py")

    with Image.open(reference_file) as reference, Image.open(pages[0]) as actual:
        reference.load()
        actual.load()
        if reference.size != actual.size:
            pytest.fail(f"{pdf.name} renders at {actual.size}, the reference at {reference.size} (paper size changed?)")
        mean, changed, difference = compare(reference, actual)
        if mean > MAX_MEAN_DIFFERENCE or changed > MAX_CHANGED_PERCENT:
            diff_file = work / f"patient-sheet-{paper}-diff.png"
            diff_picture(reference, actual, difference).save(diff_file)
            bbox = difference.point(lambda v: 255 if v > CHANGED_LEVEL else 0).getbbox()
            pytest.fail(
                f"{pdf.name} no longer looks like {reference_file.name}: {changed:.2f} % of pixels changed "
                f"(limit {MAX_CHANGED_PERCENT} %), mean difference {mean:.2f} (limit {MAX_MEAN_DIFFERENCE}); "
                f"changes within {bbox} px at {DPI} dpi.\nSee {diff_file} (reference | now | changes in red). "
                "If the change is intended: UPDATE_REFERENCE=1 pytest tests/test_sheet_visual.py")
