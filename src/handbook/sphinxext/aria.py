"""ARIA fixes to Sphinx's and docutils' HTML that axe-core reports as critical.

* Toctree captions are ``<p role="heading">`` without ``aria-level`` (sphinx-doc/sphinx#14030,
  fix proposed in #14437): add ``aria-level="2"``, the level ARIA 1.1 implied.
* Citations are ``role="doc-biblioentry"`` inside ``role="list"``; that DPUB role is deprecated and
  not a list item, so the list has no allowed children: use ``role="listitem"``.
"""

from __future__ import annotations

from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


class HandbookHTMLTranslator(HTML5Translator):
    def visit_title(self, node: Any) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            for i in range(len(self.body) - 1, -1, -1):
                if 'role="heading"' in self.body[i]:
                    self.body[i] = self.body[i].replace('role="heading"', 'role="heading" aria-level="2"', 1)
                    break

    def visit_citation(self, node: Any) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def setup_aria(app: Sphinx) -> None:
    app.set_translator("html", HandbookHTMLTranslator, override=True)
