"""Sphinx configuration for the ketamine handbook (site and print)."""

from __future__ import annotations

import datetime as dt
import os

from handbook import __version__
from handbook.project import BIBFILE, DOSING_FILE
from handbook.model.dosing import load_dosing

# -- Project information -------------------------------------------------------------
project = "Ketamine for Depression: A Clinician's Handbook"
author = "The Ketamine Handbook contributors"
version = release = __version__
_dosing = load_dosing()
last_reviewed = _dosing.last_reviewed.isoformat()
_epoch = os.environ.get("SOURCE_DATE_EPOCH")
build_date = (dt.datetime.fromtimestamp(int(_epoch), dt.UTC) if _epoch else dt.datetime.now(dt.UTC)).date().isoformat()
copyright = f"{build_date[:4]}, {author}"
language = "en"

# -- General configuration -----------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinx_design",
    "handbook.sphinxext",
]
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
numfig = True
today = build_date

# -- MyST ----------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution", "attrs_inline", "attrs_block"]
myst_heading_anchors = 3
myst_substitutions = {
    "edition": __version__,
    "last_reviewed": last_reviewed,
}

# -- Citations -----------------------------------------------------------------------
bibtex_bibfiles = [str(BIBFILE)]
bibtex_default_style = "handbook"
bibtex_reference_style = "author_year"
# Unique, stable anchors: pages merged for print must not share ids (README, "Known traps").
bibtex_cite_id = "cite-{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"

# -- Handbook extensions -------------------------------------------------------------
handbook_dosing_file = str(DOSING_FILE)

# -- HTML output ---------------------------------------------------------------------
html_theme = "furo"
html_title = "Ketamine for Depression: A Clinician's Handbook"
html_static_path = ["_static"]
html_css_files = ["handbook.css"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
templates_path = ["_templates"]
html_context = {"last_reviewed": last_reviewed}
html_theme_options = {
    # The text is filled in by _templates/page.html (it needs pathto for the link).
    "announcement": "edition",
    "navigation_with_keys": True,
}
