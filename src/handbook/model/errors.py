"""The one error type for bad input, and the one way a validation failure becomes one line.

Every input (the dosing data file, a regimen file, a sheet option, a batch row) is checked by a
pydantic model; :func:`first_problem` turns pydantic's report into ``InputError(label, message)``,
where the label names the file and the field path (``--regimen titration.steps[2].day``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError


class InputError(ValueError):
    """Bad input. ``label`` names the option, column, file or field; the CLI prints
    ``handbook sheet: <label>: <message>`` and exits 2."""

    def __init__(self, label: str, message: str) -> None:
        super().__init__(f"{label}: {message}")
        self.label = label
        self.message = message


class DosingDataError(InputError):
    """The project's own dosing data file is wrong: a maintainer's error, not a user's."""


_PHRASES = {
    "missing": "is missing",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "int_type": "must be a whole number",
    "date_type": "must be a date written YYYY-MM-DD",
    "list_type": "must be a list",
    "model_type": "must be a table",
    "dict_type": "must be a table",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "recursion_loop": "is nested too deeply",
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``("titration", "steps", 1, "day")`` -> ``titration.steps[2].day`` (list items counted from 1)."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(error: dict[str, Any], model: type[BaseModel] | None = None) -> str:
    """One pydantic error in our words."""
    kind = error["type"]
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return message.removeprefix("Value error, ")
    if kind in ("too_long", "too_short"):
        ctx = error.get("ctx", {})
        if kind == "too_long":
            return f"has {ctx.get('actual_length')} items; use fewer: at most {ctx.get('max_length')}"
        return f"has {ctx.get('actual_length')} items; it needs at least {ctx.get('min_length')}"
    if kind == "extra_forbidden":
        allowed = _allowed_here(model, error["loc"][:-1]) if model else []
        return "unknown field" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    phrase = _PHRASES.get(kind, error["msg"])
    value = error.get("input")
    if kind != "missing" and isinstance(value, str | int | float | bool) and len(repr(value)) < 60:
        phrase += f", got {value!r}"
    return phrase


def first_problem(err: ValidationError, prefix: str, model: type[BaseModel] | None = None) -> InputError:
    """The first problem pydantic found, as ``InputError("<prefix> <field path>", <message>)``."""
    error = err.errors(include_url=False)[0]
    path = field_path(error["loc"])
    label = f"{prefix} {path}".strip() if path else prefix
    return InputError(label, describe(error, model))


def _allowed_here(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names a table at ``loc`` may have (for "unknown field; allowed: ...")."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return sorted(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``Model``, ``Model | None`` or ``list[Model]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
