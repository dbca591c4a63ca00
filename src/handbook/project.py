"""Project facts, said once: the title, the edition, the build date, and where each input lives.

``conf.py``, the book, the sheet and the site all read them from here.

What the patient sheet needs at run time (its templates, the fonts, the dosing data) is
package data: ``handbook/resources/`` holds two links, ``templates`` and ``dosing.toml``, to the
top-level folders of the checkout, so the package finds them at the same place whether it is
installed editable or from a wheel (which carries copies). The book's own inputs (``source/``,
``references.bib``) exist only in a checkout; a build names its source folder explicitly.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from . import __version__

# -- What the handbook is -----------------------------------------------------------------
TITLE = "Ketamine for Depression"
SUBTITLE = "A Clinician's Handbook"
FULL_TITLE = f"{TITLE}: {SUBTITLE}"
AUTHOR = "The Ketamine Handbook contributors"
AUDIENCE = "For clinicians"
SUBJECT = "Ketamine and esketamine for depression: access, safety, effectiveness, dosing and maintenance"
KEYWORDS = "ketamine, esketamine, depression, treatment-resistant depression, dosing, intranasal"
EDITION = __version__
PDF_STEM = "ketamine-handbook"
SHEET_STEM = "patient-sheet"
# The standard regimen as a FHIR R4 MedicationRequest, built beside the blank sheets (handbook.fhir).
FHIR_PLAN_FILE = "ketamine-regimen.fhir.json"
CHAPTER_PDF_DIR = "chapters"  # under build/pdf and the site's downloads/


def chapter_pdf_stem(docname: str) -> str:
    """The file stem of one chapter's PDF: ``chapters/04-safety`` → ``04-safety``."""
    return docname.rsplit("/", 1)[-1]
# The page meta tag through which the Sphinx build tells the book which review date it printed.
REVIEW_META = "handbook-last-reviewed"
NEXT_REVIEW_META = "handbook-next-review"

# -- Where things are -----------------------------------------------------------------------
PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
TEMPLATES_DIR = RESOURCES_DIR / "templates"
FONTS_DIR = TEMPLATES_DIR / "fonts"
DOSING_FILE = RESOURCES_DIR / "dosing.toml"

# A checkout's own folders, for the book (an installed package has none of them).
CHECKOUT_DIR = PACKAGE_DIR.parents[1]
SOURCE_DIR = CHECKOUT_DIR / "source"
BIBFILE = CHECKOUT_DIR / "references.bib"


def build_dir() -> Path:
    """The output folder: ``build/`` in the checkout, or ``$HANDBOOK_BUILD_DIR`` (tests build elsewhere)."""
    return Path(os.environ.get("HANDBOOK_BUILD_DIR") or CHECKOUT_DIR / "build").resolve()


def build_date() -> dt.date:
    """The build date: from SOURCE_DATE_EPOCH when set, so two builds of one commit are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date()
