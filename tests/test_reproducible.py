"""A second clean build of one commit gives the same PDFs as the test session's build, byte for byte."""

from __future__ import annotations

import pytest
from conftest import BUILD_EPOCH, run_handbook
from helpers.pdfs import page_size

from handbook.model.papers import PAPERS

POINTS = {"letter": (612, 792), "a4": (595, 842)}


@pytest.fixture(scope="module")
def second_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("again")
    run_handbook("pdf", "--out", str(out), env={"SOURCE_DATE_EPOCH": BUILD_EPOCH})
    return out


@pytest.mark.parametrize("paper", PAPERS)
def test_a_second_clean_build_is_byte_identical(built, second_build, paper):
    name = PAPERS[paper].file_name("ketamine-handbook")
    first, second = built.out / "pdf" / name, second_build / "pdf" / name
    assert first.read_bytes() == second.read_bytes()
    width, height = page_size(first)
    assert (round(width), round(height)) == POINTS[paper]
