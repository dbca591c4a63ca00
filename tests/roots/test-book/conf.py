extensions = ["myst_parser", "sphinxcontrib.bibtex", "handbook.sphinxext"]
bibtex_bibfiles = ["refs.bib"]
handbook_dosing_file = "dosing.toml"  # this root's own
myst_enable_extensions = ["colon_fence"]
bibtex_default_style = "handbook"
bibtex_cite_id = "cite-{key}"
myst_heading_anchors = 2
