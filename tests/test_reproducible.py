"""Two clean builds of one commit give the same PDF, byte for byte; A4 on request."""

from __future__ import annotations

from conftest import BUILD_EPOCH, run_handbook
from helpers.pdfs import page_size


def test_two_clean_a4_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        run_handbook("pdf", "--paper", "a4", "--out", str(out), env={"SOURCE_DATE_EPOCH": BUILD_EPOCH})
    pdf_one = first / "pdf" / "ketamine-handbook-a4.pdf"
    pdf_two = second / "pdf" / "ketamine-handbook-a4.pdf"
    assert pdf_one.read_bytes() == pdf_two.read_bytes()
    width, height = page_size(pdf_one)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
