"""Write numbers and doses the way ISMP asks: no trailing zero, a leading zero, a space before the unit."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

Number = int | float | Decimal


def format_number(value: Number, *, places: int = 2) -> str:
    """Format a number for print: ``0.5``, ``10``, ``7,098``; never ``.5`` or ``10.0``."""
    if isinstance(value, bool):  # bool is an int; never print True as 1
        raise TypeError("a boolean is not a number")
    quantised = round(Decimal(str(value)), places)
    text = f"{quantised:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    return text


def format_quantity(value: Number, unit: str = "") -> str:
    """``format_quantity(10, "mg")`` gives ``"10 mg"`` (a space, never ``10mg``)."""
    number = format_number(value)
    return f"{number} {unit}" if unit else number


def format_range(values: Sequence[Number], unit: str = "", *, joiner: str = " to ") -> str:
    """``[50, 80]`` with ``mg`` gives ``"50 to 80 mg"``; words, not a dash, so it cannot read as minus."""
    if len(values) != 2:
        raise ValueError(f"a range needs two values, got {len(values)}")
    low, high = (format_number(v) for v in values)
    text = f"{low}{joiner}{high}"
    return f"{text} {unit}" if unit else text


def plural(count: Number, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "spray")`` is ``"1 spray"``; ``plural(3, "spray")`` is ``"3 sprays"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"
