"""Render with a short user-agent stylesheet instead of WeasyPrint's whole HTML5 one.

WeasyPrint matches every element against its full HTML5 defaults (about 250 rules). The patient
sheet uses a handful of elements and a batch renders it a hundred times, so it renders with
``templates/sheet/html-defaults.css``: WeasyPrint's own values for those elements only.

``HTML._ua_stylesheets`` is WeasyPrint's hook for this, not public API (checked on 70.0). Were it
renamed, the override would be silently ignored and the full defaults used, which print the same
sheet, a little slower. Retire this if WeasyPrint gains a public option for user-agent
stylesheets; none is requested upstream as of this writing.
"""

from __future__ import annotations

from typing import Any

from . import load


def html_class_with_defaults(defaults: Any) -> type:
    """A subclass of ``weasyprint.HTML`` whose user-agent stylesheet is ``defaults`` (a ``weasyprint.CSS``)."""
    weasyprint = load()

    class HTMLWithShortDefaults(weasyprint.HTML):
        def _ua_stylesheets(self, *args: Any, **kwargs: Any) -> list[Any]:
            return [defaults]

    return HTMLWithShortDefaults
