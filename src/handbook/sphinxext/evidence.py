"""Evidence labels: ``{evidence}`rct``` marks a claim with the kind of evidence behind it.

The label is a sphinx-design badge (``sd-badge``) with one colour per kind, but the kind is always
written in words, so it survives printing in black and white and reads out in a screen reader; the
colours live in the site's CSS, the printed look in the book's. ``{evidence-legend}`` prints the list.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from handbook.model.evidence import EVIDENCE_LEVELS

logger = logging.getLogger(__name__)

def evidence_label(level: str) -> nodes.inline:
    label, meaning = EVIDENCE_LEVELS[level]
    node = nodes.inline("", "", classes=["sd-badge", "evidence", f"evidence-{level}"])
    node += nodes.inline("", "Evidence: ", classes=["evidence-prefix"])
    node += nodes.inline("", label, classes=["evidence-level"])
    node["title"] = meaning
    return node


class EvidenceRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        level = self.text.strip()
        if level not in EVIDENCE_LEVELS:
            logger.warning("{evidence}: unknown level %r; use one of %s", level, ", ".join(EVIDENCE_LEVELS),
                           location=self.get_location(), type="handbook", subtype="evidence")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        return [evidence_label(level)], []


class EvidenceLegend(SphinxDirective):
    """A definition list of every evidence level, strongest first."""

    def run(self) -> list[nodes.Node]:
        dl = nodes.definition_list(classes=["evidence-legend"])
        for level, (_, meaning) in EVIDENCE_LEVELS.items():
            item = nodes.definition_list_item()
            term = nodes.term()
            term += evidence_label(level)
            item += term
            item += nodes.definition("", nodes.paragraph("", meaning))
            dl += item
        return [dl]


def setup_evidence(app: Sphinx) -> None:
    app.add_role("evidence", EvidenceRole())
    app.add_directive("evidence-legend", EvidenceLegend)
