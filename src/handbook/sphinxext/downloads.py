"""Links on the site to the PDFs the build publishes in ``downloads/`` at the site's root.

File names and labels come from the paper table (handbook.model.papers). Links are made
relative to the page, so they work from any folder and from a file:// copy. The paragraphs are
web-only: the PDF handbook drops them (class ``only-web``).

* ``{patient-sheet-links}``: the blank patient sheets, in every paper size, and the standard regimen as a
  FHIR MedicationRequest (``handbook fhir``);
* ``{handbook-pdf-links}``: the PDF handbook, in each size the build makes;
* page templates get ``handbook_pdfs``, (label, file name) of each of those, through ``html_context``,
  and each page of the book ``chapter_pdfs``, its own PDF in the same sizes.

``handbook_pdf_papers`` names the sizes the build renders (``handbook build --paper a4`` sets it), so
the site never links a PDF the build did not write.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

from handbook import project
from handbook.model.papers import PAPERS


def downloads(stem: str, papers: list[str] | None = None) -> list[tuple[str, str]]:
    """(label, file name) of a PDF in each paper size named (default: every size)."""
    return [(PAPERS[name].label, PAPERS[name].file_name(stem)) for name in (papers or PAPERS)]


def _links(env_docname: str, files: list[tuple[str, str]]) -> str:
    up = "../" * env_docname.count("/")
    return " or ".join(f'<a href="{escape(up)}downloads/{escape(name)}">{escape(label)}</a>' for label, name in files)


class PatientSheetLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        links = _links(self.env.docname, downloads(project.SHEET_STEM))
        plan = _links(self.env.docname, [("FHIR R4 MedicationRequest", project.FHIR_PLAN_FILE)])
        html = (f'<p class="only-web sheet-downloads">Print the patient instruction sheet: {links} (PDF, one page). '
                f"The same regimen for a prescribing system: {plan} (JSON).</p>")
        return [nodes.raw("", html, format="html")]


class HandbookPdfLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        links = _links(self.env.docname, downloads(project.PDF_STEM, self.config.handbook_pdf_papers))
        html = f'<p class="only-web download-links">Download the handbook as a PDF to print it: {links}.</p>'
        return [nodes.raw("", html, format="html")]


def chapter_pdf_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Every page of the book (all but the landing page) links its own PDF, in each size the build makes."""
    if pagename == app.config.root_doc or pagename not in app.env.found_docs:
        return
    stem = project.chapter_pdf_stem(pagename)
    context["chapter_pdfs"] = [(label, f"{project.CHAPTER_PDF_DIR}/{name}")
                               for label, name in downloads(stem, app.config.handbook_pdf_papers)]


def publish_file_names(app: Sphinx, config: Config) -> None:
    unknown = [name for name in config.handbook_pdf_papers if name not in PAPERS]
    if unknown or not config.handbook_pdf_papers:
        raise ConfigError(f"handbook_pdf_papers: {', '.join(unknown) or 'empty'}: choose from {', '.join(PAPERS)}")
    files = downloads(project.PDF_STEM, config.handbook_pdf_papers)
    config.html_context = {"handbook_pdfs": files, **config.html_context}


def setup_downloads(app: Sphinx) -> None:
    app.add_config_value("handbook_pdf_papers", list(PAPERS), "html", types=frozenset({list, tuple}))
    app.add_directive("patient-sheet-links", PatientSheetLinks)
    app.add_directive("handbook-pdf-links", HandbookPdfLinks)
    app.connect("config-inited", publish_file_names)
    app.connect("html-page-context", chapter_pdf_links)
