"""Links on the site to the PDFs the build publishes in ``downloads/`` at the site's root.

File names and labels come from the paper table (handbook.model.papers). Links are made
relative to the page, so they work from any folder and from a file:// copy. The paragraphs are
web-only: the PDF handbook drops them (class ``only-web``).

* ``{patient-sheet-links}``: the blank patient sheets, in every paper size;
* ``{handbook-pdf-links}``: the PDF handbook;
* page templates get ``handbook_pdf``, the handbook's file name, through ``html_context``.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

from handbook import project
from handbook.model.papers import DEFAULT_PAPER, PAPERS


def downloads(stem: str) -> list[tuple[str, str]]:
    """(label, file name) of a PDF in every paper size."""
    return [(paper.label, paper.file_name(stem)) for paper in PAPERS.values()]


class PatientSheetLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        up = "../" * self.env.docname.count("/")
        links = " or ".join(
            f'<a href="{escape(up)}downloads/{escape(name)}">{escape(label)}</a>'
            for label, name in downloads(project.SHEET_STEM)
        )
        html = f'<p class="only-web sheet-downloads">Print the patient instruction sheet: {links} (PDF, one page).</p>'
        return [nodes.raw("", html, format="html")]


class HandbookPdfLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        up = "../" * self.env.docname.count("/")
        paper = PAPERS[DEFAULT_PAPER]
        html = (f'<p class="only-web download-links"><a href="{escape(up)}downloads/'
                f'{escape(paper.file_name(project.PDF_STEM))}">Download the handbook as a PDF</a> '
                f'({escape(paper.label)}) to print it.</p>')
        return [nodes.raw("", html, format="html")]


def publish_file_names(app: Sphinx, config: Config) -> None:
    config.html_context = {"handbook_pdf": PAPERS[DEFAULT_PAPER].file_name(project.PDF_STEM), **config.html_context}


def setup_downloads(app: Sphinx) -> None:
    app.add_directive("patient-sheet-links", PatientSheetLinks)
    app.add_directive("handbook-pdf-links", HandbookPdfLinks)
    app.connect("config-inited", publish_file_names)
