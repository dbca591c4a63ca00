"""Numbers as printed, and the dosing data's arithmetic."""

from decimal import Decimal
from pathlib import Path

import pytest

from handbook.model.dosing import DosingDataError, load_dosing
from handbook.model.units import format_number, format_quantity, format_range


@pytest.mark.parametrize(("value", "text"), [
    (0.5, "0.5"), (10.0, "10"), (Decimal("1.4E+2"), "140"), (7098, "7,098"), (0.1, "0.1"), (1.25, "1.25"),
])
def test_numbers_have_no_trailing_zero_and_keep_the_leading_zero(value, text):
    assert format_number(value) == text


def test_quantities_have_a_space_before_the_unit():
    assert format_quantity(10, "mg") == "10 mg"
    assert format_range([50, 80], "mg") == "50 to 80 mg"


def test_spray_strength_is_concentration_times_volume():
    data = load_dosing()
    spray = data.section("spray")
    assert data.regimen.mg_per_spray == Decimal(str(spray["concentration_mg_per_ml"])) * Decimal(
        str(spray["volume_ml_per_spray"]))
    assert data.regimen.mg_per_spray == 10


def test_each_step_dose_is_sprays_times_mg_per_spray():
    data = load_dosing()
    for step in data.regimen.steps:
        assert step.dose_mg == step.sprays * data.regimen.mg_per_spray
    assert [s.dose_mg for s in data.regimen.steps] == [10, 30, 50]


def test_full_dose_lies_in_the_documented_intranasal_range():
    data = load_dosing()
    low, high = data.intranasal_range_mg
    assert low <= data.regimen.full_dose.dose_mg <= high


def test_route_equivalents_for_the_reference_patient():
    data = load_dosing()
    assert data.iv_dose_mg == 35  # 0.5 mg/kg x 70 kg
    assert data.route_equivalents_mg == {"iv": 35, "intranasal": 70, "sublingual": 140, "oral": 175}


def test_course_total_and_recreational_exposure_are_computed_not_typed():
    data = load_dosing()
    assert data.iv_course_cumulative_mg == 8 * 35  # 280 mg, not the source's "about 3 g"
    assert data.recreational_lifetime_g == Decimal(6) * 52 * Decimal("6.5") * Decimal("3.5")


def test_a_broken_data_file_names_the_field(tmp_path):
    bad = tmp_path / "dosing.toml"
    text = Path(load_dosing().origin).read_text(encoding="utf-8")
    bad.write_text(text.replace("concentration_mg_per_ml = 100", "concentration_mg_per_ml = -5"), encoding="utf-8")
    with pytest.raises(DosingDataError, match=r"spray\.concentration_mg_per_ml"):
        load_dosing(bad)
