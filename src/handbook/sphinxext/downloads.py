"""``{patient-sheet-links}``: links on the site to the printable patient sheets.

The sheets are PDFs the build copies into ``downloads/`` at the site's root; the link is
made relative to the page so it works from any folder and from a file:// copy. The
paragraph is web-only: the PDF handbook drops it (class ``only-web``).
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

SHEETS = (("US Letter", "patient-sheet-letter.pdf"), ("A4", "patient-sheet-a4.pdf"))


class PatientSheetLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        up = "../" * self.env.docname.count("/")
        links = " or ".join(
            f'<a href="{escape(up)}downloads/{escape(name)}">{escape(label)}</a>' for label, name in SHEETS
        )
        html = f'<p class="only-web sheet-downloads">Print the patient instruction sheet: {links} (PDF, one page).</p>'
        return [nodes.raw("", html, format="html")]


def setup_downloads(app: Sphinx) -> None:
    app.add_directive("patient-sheet-links", PatientSheetLinks)
