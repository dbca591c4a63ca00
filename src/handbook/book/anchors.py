"""One naming rule for ids that collide when pages are merged for print.

The Sphinx extension (links) and the print composer (ids) must agree, so both use this.
The first page to use an id keeps it; a later page's copy becomes ``<page-slug>-<id>``.
"""

from __future__ import annotations

import re


def page_slug(docname: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-").lower()


def renamed_id(docname: str, anchor: str) -> str:
    return f"{page_slug(docname)}-{anchor}"
