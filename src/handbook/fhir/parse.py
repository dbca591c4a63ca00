"""An order file read and checked as FHIR: JSON, a known resource, valid against fhir.resources' models.

Every way a file can fail to be a FHIR MedicationRequest (or a Bundle holding one) ends in one
InputError naming the FHIR path of the first problem (``MedicationRequest.dosageInstruction[0].sequence``),
counted from 0 as FHIRPath counts. Messages never repeat a value of text the file holds: an order
carries a patient's name, and an error line may end up in a log.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from handbook.model.errors import InputError, describe
from handbook.model.files import decode_text, read_text

MAX_ORDER_BYTES = 1_000_000  # an order with its Patient and Practitioner is a few kB
READABLE = ("MedicationRequest", "Bundle")
_PHRASES = {  # pydantic's parsing failures, in the words handbook.model.errors uses
    "int_parsing": "must be a whole number", "int_from_float": "must be a whole number",
    "decimal_parsing": "must be a number", "float_parsing": "must be a number", "bool_parsing": "must be true or false",
    "bool_type": "must be true or false", "string_type": "must be text", "list_type": "must be a list",
}
_CHOICE = re.compile(r"expected from this list \[(.*)\], but got multiple")


def fhir_path(base: str, loc: tuple[Any, ...]) -> str:
    """``("dosageInstruction", 0, "sequence")`` under ``MedicationRequest`` -> ``MedicationRequest.dosageInstruction[0].sequence``."""
    path = base
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "resource_type":
            path += ".resourceType"
        elif str(part).endswith("__ext"):  # fhir.resources' name for a primitive's extensions: "_status" in JSON
            path += f"._{str(part).removesuffix('__ext')}"
        else:
            path += f".{part}"
    return path


def load_order(path: Path, label: str = "--fhir", data: bytes | None = None) -> Any:
    """The file's resource, a fhir.resources ``MedicationRequest`` or ``Bundle`` (R4B models, R4 structures).

    ``data`` is the file's contents when they are already in memory (an upload to ``handbook serve``):
    ``path`` then only names it in messages, and nothing is read from disk.
    """
    raw = _json(path, label, data)
    kind = raw.get("resourceType") if isinstance(raw, dict) else None
    if not isinstance(kind, str):
        raise InputError(label, f"{path.name} is not a FHIR resource: it has no resourceType")
    if kind not in READABLE:
        shown = f'"{kind}"' if _known(kind) else "an unknown resource type"
        raise InputError("resourceType", f"{shown} is not a MedicationRequest, nor a Bundle holding one")
    _check_resource_types(raw, kind)
    model = _model(kind)
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        error = err.errors(include_url=False)[0]
        raise InputError(fhir_path(kind, tuple(error["loc"])), _describe(error)) from None
    except RecursionError:
        raise InputError(label, f"{path.name} is nested too deeply") from None
    except (KeyError, TypeError, ValueError) as err:  # fhir.resources fails this way on a few malformed inputs
        raise InputError(label, f"{path.name} is not valid FHIR ({type(err).__name__})") from None


def _json(path: Path, label: str, data: bytes | None) -> Any:
    if data is None:
        text = read_text(path, label, max_bytes=MAX_ORDER_BYTES)
    else:
        text = decode_text(data, path.name, label, max_bytes=MAX_ORDER_BYTES)
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        raise InputError(label, f"{path.name} is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
                         ) from None
    except _BadJsonError as err:
        raise InputError(label, f"{path.name} is not FHIR JSON: {err}") from None
    except RecursionError:
        raise InputError(label, f"{path.name} is nested too deeply") from None


class _BadJsonError(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _BadJsonError(f"{name} is not a number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _BadJsonError(f'an object has the key "{key[:40]}" twice')
        found[key] = value
    return found


def _known(kind: str) -> bool:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        get_fhir_model_class(kind)
    except (ValueError, KeyError, AttributeError):
        return False
    return True


def _model(kind: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(kind)


def _check_resource_types(raw: dict[str, Any], kind: str) -> None:
    """A contained resource or a Bundle entry of no FHIR type is named here (the models raise a KeyError)."""
    places: list[tuple[str, Any]] = [(f"{kind}.contained[{i}]", item) for i, item in enumerate(_list(raw, "contained"))]
    if kind == "Bundle":
        for i, entry in enumerate(_list(raw, "entry")):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if resource is None:
                continue
            places.append((f"Bundle.entry[{i}].resource", resource))
            places += [(f"Bundle.entry[{i}].resource.contained[{j}]", item)
                       for j, item in enumerate(_list(resource, "contained"))]
    for where, resource in places:
        inner = resource.get("resourceType") if isinstance(resource, dict) else None
        if not isinstance(inner, str) or not _known(inner):
            raise InputError(f"{where}.resourceType", "is not a FHIR resource type")


def _list(raw: Any, key: str) -> list[Any]:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, list) else []


def _describe(error: dict[str, Any]) -> str:
    """pydantic's words for one failure, without the value when it is text (it may be a name)."""
    error = dict(error)
    if isinstance(error.get("input"), str):
        error.pop("input")
    kind = str(error["type"])
    message = "is missing" if kind.endswith("missing") else _PHRASES.get(kind) or describe(error)
    choice = _CHOICE.search(message)
    if choice:
        names = [name.strip(" '") for name in choice.group(1).split(",")]
        message = f"gives more than one of {', '.join(names)}; give one"
    return " ".join(message.split())
