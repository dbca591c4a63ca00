"""The sheet and FHIR: an electronic prescription in (``handbook sheet --fhir``), a regimen out (``handbook fhir``).

codes.py holds the mapping (code systems, codes, units, the handbook's extensions), written once;
parse.py reads a file as FHIR; read.py turns an order into the values the sheet's options take;
write.py builds the MedicationRequest from a regimen and the model's words; cli.py is the command line.
Configuration flows one way: dosing.toml -> handbook.model -> handbook.sheet.options -> here.
"""

from __future__ import annotations

from pathlib import Path


def build_standard_plan(out_dir: Path) -> Path:
    """Write the standard regimen's FHIR MedicationRequest beside the blank sheets (``make``)."""
    from handbook.project import FHIR_PLAN_FILE
    from handbook.sheet.options import default_options

    from .write import write_plan

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_plan(default_options(), out_dir / FHIR_PLAN_FILE, label="out_dir")


__all__ = ["build_standard_plan"]
