"""ARIA fixes to Sphinx's and docutils' HTML that axe-core reports as critical.

* Toctree captions are ``<p role="heading">`` without ``aria-level`` (sphinx-doc/sphinx#14030,
  fix proposed in #14437): add ``aria-level="2"``, the level ARIA 1.1 implied.
* Citations are ``role="doc-biblioentry"`` inside ``role="list"``; that DPUB role is deprecated and
  not a list item, so the list has no allowed children: use ``role="listitem"``.
* furo wraps every table in a ``div.table-wrapper`` that scrolls sideways when the table is too
  wide (axe: scrollable-region-focusable). The wrapper becomes a focusable, labelled region, so a
  keyboard user can scroll it; the site's CSS keeps tables from needing it at phone width.
  furo also copies the table's id onto its wrapper, so a captioned table's id is on the page twice
  (Nu HTML Checker: duplicate ID): the id stays on the table only.
* sphinx-design (0.8, tested) gives each tab's ``<label for=…>`` an ``aria-controls``; a label tied to
  a form control may carry no ARIA (HTML in ARIA, w3c/html-aria#556), so the Nu HTML Checker
  rejects it. The radio button and its label already work by keyboard and screen reader without it,
  so it is dropped. No sphinx-design issue found for it (searched 2026-12-02); retire this when
  sphinx-design stops writing it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator


class HandbookHTMLTranslator(HTML5Translator):
    def visit_title(self, node: Any) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            for i in range(len(self.body) - 1, -1, -1):
                if 'role="heading"' in self.body[i]:
                    self.body[i] = self.body[i].replace('role="heading"', 'role="heading" aria-level="2"', 1)
                    break

    def dispatch_visit(self, node: Any) -> None:
        # sphinx-design and MyST register their own container visitors, which replace a method
        # here; wrapping the dispatch works whichever visitor draws the <div>.
        if node.tagname == "sd_tab_label":
            node.attributes.pop("aria_controls", None)
        super().dispatch_visit(node)
        if isinstance(node, nodes.container) and "table-wrapper" in node.get("classes", ()):
            title = next((child.astext() for table in node.findall(nodes.table)
                          for child in table.children if isinstance(child, nodes.title)), None)
            if title is None:  # no caption: name the table by its column headings
                heads = [entry.astext() for head in node.findall(nodes.thead) for entry in head.findall(nodes.entry)]
                title = "Table: " + ", ".join(heads) if heads else "Table"
            self.body[-1] = self.body[-1].replace(
                "<div ", f'<div tabindex="0" role="region" aria-label="{self.attval(title)}" ', 1)

    def visit_citation(self, node: Any) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


class OneIdPerTable(SphinxPostTransform):
    """Runs after furo's table wrapping (priority 500) and takes the copied ids off the wrapper."""

    default_priority = 501

    def run(self, **kwargs: Any) -> None:
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" in wrapper.get("classes", ()) and any(
                    isinstance(child, nodes.table) for child in wrapper.children):
                wrapper["ids"] = []


def setup_aria(app: Sphinx) -> None:
    app.set_translator("html", HandbookHTMLTranslator, override=True)
    app.add_post_transform(OneIdPerTable)
