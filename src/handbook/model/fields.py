"""Every kind of number the handbook reads, with its plausible range, declared once.

The dosing data file, a regimen file and a sheet's options (command line, batch CSV) all take
their numbers through these types, so a bound is written in one place. In files (TOML) a number
must be a number: ``"50"`` is refused. On the command line and in a CSV every value is text, and
the same types read it from text. The ranges are far wider than any sensible dose and far below
what breaks the arithmetic (``1e26`` mg): they catch typos, not clinical judgement, which the
handbook's own range checks make.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

PLACES = 2  # handbook.model.units prints 2 decimal places; more would print a rounded, wrong dose


@dataclass(frozen=True)
class Kind:
    """A kind of number: its bounds (``low`` exclusive unless ``inclusive``), whole or not, its unit."""

    low: Decimal
    high: Decimal
    whole: bool = False
    inclusive: bool = False
    unit: str = ""

    def describe(self) -> str:
        low = "at least" if self.inclusive else "more than"
        return f"{'a whole number' if self.whole else 'a number'} {low} {self.low} and at most {self.high}"


def _kind(low: float, high: float, *, whole: bool = False, inclusive: bool = False, unit: str = "") -> Kind:
    return Kind(Decimal(str(low)), Decimal(str(high)), whole, inclusive, unit)


# The table of plausible ranges. README "Bad input" points here.
KINDS: dict[str, Kind] = {
    "dose_mg": _kind(0, 1_000, unit="mg"),  # one intranasal dose or step
    "concentration_mg_per_ml": _kind(0, 500, unit="mg/mL"),  # compounded sprays: 100 mg/mL; FDA saw up to 200
    "volume_ml_per_spray": _kind(0, 1, unit="mL"),  # metered nasal pumps give about 0.1 mL
    "wait_minutes": _kind(1, 120, whole=True, inclusive=True, unit="minutes"),
    "watch_hours": _kind(1, 48, whole=True, inclusive=True, unit="hours"),
    "response_check_hours": _kind(1, 336, whole=True, inclusive=True, unit="hours"),
    "day": _kind(1, 365, whole=True, inclusive=True),
    "doses_per_week": _kind(1, 7, whole=True, inclusive=True),
    "weeks": _kind(1, 52, whole=True, inclusive=True),
    "months": _kind(1, 120, whole=True, inclusive=True),
    "weight_kg": _kind(20, 300, unit="kg"),
    "mg_per_kg": _kind(0, 1_000, unit="mg/kg"),  # clinical doses are 0.1 to 10; rat studies reach 300
    "fraction": _kind(0, 1),  # bioavailability relative to IV
    "count": _kind(0, 1_000_000, whole=True, inclusive=True),
    "quantity": _kind(0, 1_000_000, inclusive=True),  # any other figure the chapters cite: not negative
    "usd": _kind(0, 100_000, unit="USD"),
}


def _from_file(value: Any) -> Any:
    """A TOML value: an int or a float (never a bool, never text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"must be a number, got {value!r}")  # noqa: TRY004  pydantic reports ValueError only
    return Decimal(str(value))


def _from_text(value: Any) -> Any:
    """A command-line or CSV value: text written as a plain number (``50``, ``0.1``)."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value!r}")  # noqa: TRY004  pydantic reports ValueError only
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise ValueError(f"must be a number, got {value!r}")  # noqa: TRY004  pydantic reports ValueError only
    text = value.strip()
    if len(text) > 20 or not text or any(c not in "0123456789.-+" for c in text):
        raise ValueError(f"must be a number written like 50 or 0.1, got {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be a number written like 50 or 0.1, got {value!r}") from None


def _checker(kind: Kind) -> Any:
    def check(number: Decimal) -> Decimal:
        if not number.is_finite():
            raise ValueError(f"must be a finite number, got {number}")
        too_low = number < kind.low if kind.inclusive else number <= kind.low
        if too_low or number > kind.high:
            raise ValueError(f"must be {kind.describe()}, got {_show(number)}")
        if kind.whole and number != number.to_integral_value():
            raise ValueError(f"must be a whole number, got {_show(number)}")
        if number != round(number, PLACES):
            raise ValueError(f"use at most {PLACES} decimal places, got {_show(number)}")
        return number

    return check


def _show(number: Decimal) -> str:
    return format(number.normalize(), "f") if number.is_finite() and abs(number) < 10**12 else str(number)


def file_number(name: str) -> Any:
    """The type of a number of kind ``name`` in a TOML file."""
    return Annotated[Decimal, BeforeValidator(_from_file), AfterValidator(_checker(KINDS[name]))]


def text_number(name: str) -> Any:
    """The type of a number of kind ``name`` typed on the command line or in a CSV cell; blank is None."""
    check = _checker(KINDS[name])

    def parse(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return check(_from_text(value))

    return Annotated[Decimal | None, BeforeValidator(parse)]


def _ordered(pair: list[Decimal]) -> list[Decimal]:
    if pair[0] > pair[1]:
        raise ValueError(f"must be [low, high] with low <= high, got [{_show(pair[0])}, {_show(pair[1])}]")
    return pair


def file_range(name: str) -> Any:
    """``[low, high]`` in a TOML file: exactly two numbers of kind ``name``, in order."""
    return Annotated[list[file_number(name)], Field(min_length=2, max_length=2), AfterValidator(_ordered)]
