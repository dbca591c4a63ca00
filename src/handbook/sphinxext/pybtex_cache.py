"""Look up pybtex plugins once, not once per citation.

sphinxcontrib-bibtex asks pybtex for its plain-text backend for every citation it resolves,
and pybtex answers each time by scanning every installed package's entry points. Measured on
the handbook's singlehtml build: 459 scans, about half the build's time. Registering the
plugins we use as pybtex runtime plugins (the same classes) turns each lookup into a dict read.
"""

from __future__ import annotations

from pybtex.plugin import find_plugin, register_plugin
from sphinx.application import Sphinx

from handbook.sphinxext.bibstyle import HandbookStyle

#: (plugin group, name) pairs a handbook build looks up, found by counting the lookups.
USED_PLUGINS = (
    ("pybtex.backends", "plaintext"),
    ("pybtex.backends", "docutils"),
    ("pybtex.style.names", "last"),
    ("pybtex.style.names", "plain"),
    ("pybtex.style.labels", "number"),
    ("pybtex.style.sorting", "author_year_title"),
)


def cache_pybtex_plugins(app: Sphinx | None = None) -> None:
    register_plugin("pybtex.style.formatting", "handbook", HandbookStyle, force=True)
    for group, name in USED_PLUGINS:
        register_plugin(group, name, find_plugin(group, name), force=True)


def setup_pybtex_cache(app: Sphinx) -> None:
    cache_pybtex_plugins(app)
