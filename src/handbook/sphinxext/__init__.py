"""Local Sphinx extensions for the handbook: data-driven figures, evidence labels, checks.

Add ``"handbook.sphinxext"`` to ``extensions``; each module registers its own pieces.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from handbook import __version__


def setup(app: Sphinx) -> dict[str, Any]:
    from . import (  # imported here so importing the package stays cheap
        aria,
        boundaries,
        citations_check,
        dosing_tables,
        downloads,
        evidence,
        facts,
        keypoints,
        pybtex_cache,
        sheet_words,
    )

    pybtex_cache.setup_pybtex_cache(app)
    aria.setup_aria(app)

    facts.setup_facts(app)
    dosing_tables.setup_dosing_tables(app)
    downloads.setup_downloads(app)
    evidence.setup_evidence(app)
    keypoints.setup_keypoints(app)
    sheet_words.setup_sheet_words(app)
    citations_check.setup_citations_check(app)
    boundaries.setup_boundaries(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
