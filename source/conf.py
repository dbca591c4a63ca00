"""Sphinx configuration for the ketamine handbook (site and print).

Project facts (title, edition, build date, the dosing data file) come from ``handbook.project``;
the review date is published by ``handbook.sphinxext`` from the data file it is told to read.
"""

from __future__ import annotations

from handbook import project as facts

# -- Project information -------------------------------------------------------------
project = facts.FULL_TITLE
author = facts.AUTHOR
version = release = facts.EDITION
build_date = facts.build_date().isoformat()
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
myst_substitutions: dict[str, str] = {}  # handbook.sphinxext adds "edition" and "last_reviewed"

# -- Citations -----------------------------------------------------------------------
bibtex_bibfiles = [str(facts.BIBFILE)]
bibtex_default_style = "handbook"
bibtex_reference_style = "author_year"
# Unique, stable anchors: pages merged for print must not share ids (README, "Known traps").
bibtex_cite_id = "cite-{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"

# -- Handbook extensions -------------------------------------------------------------
handbook_dosing_file = str(facts.DOSING_FILE)

# -- HTML output ---------------------------------------------------------------------
html_theme = "furo"
html_title = facts.FULL_TITLE
# The fonts the PDF uses, served with the site (they land in _static/source-*/, with their licences).
html_static_path = ["_static", str(facts.FONTS_DIR)]
html_css_files = ["handbook.css"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
templates_path = ["_templates"]
_fonts = {"font-stack": '"Source Serif 4", Georgia, serif', "font-stack--headings": '"Source Sans 3", Arial, sans-serif'}
html_theme_options = {
    # The text is filled in by _templates/page.html (it needs pathto for the link).
    "announcement": "edition",
    "navigation_with_keys": True,
    "light_css_variables": _fonts,
    "dark_css_variables": _fonts,
}
