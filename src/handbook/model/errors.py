"""The one error type the sheet code raises for bad input, so the CLI can print it as one line."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input for a sheet. ``label`` names the option, column or regimen field; the CLI prints
    ``handbook sheet: <label>: <message>`` and exits 2."""

    def __init__(self, label: str, message: str) -> None:
        super().__init__(f"{label}: {message}")
        self.label = label
        self.message = message
