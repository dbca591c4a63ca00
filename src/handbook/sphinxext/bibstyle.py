"""The reference-list style: pybtex's ``plain`` order, with DOI, PMID and PMCID always shown.

A referring doctor reading on paper finds a work by its DOI or PubMed number, so each
entry prints them in full, each as a link too.
"""

from __future__ import annotations

from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, optional, sentence

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
PMC = "https://pmc.ncbi.nlm.nih.gov/articles/"


class HandbookStyle(UnsrtStyle):
    default_sorting_style = "author_year_title"

    def format_web_refs(self, e):
        pmid, pmcid = field("pmid", raw=True), field("pmcid", raw=True)
        parts = [
            optional[self.format_doi(e)],
            optional[join["PMID ", href(join[PUBMED, pmid, "/"])[pmid]]],
            optional[join["PMCID ", href(join[PMC, pmcid, "/"])[pmcid]]],
        ]
        # A DOI already is the stable link; print the URL only where there is none.
        if "doi" not in e.fields:
            parts.append(optional[self.format_url(e)])
        parts.append(optional[join["accessed ", field("urldate", raw=True)]])
        return sentence[*parts]
