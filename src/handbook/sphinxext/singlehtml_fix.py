"""Make Sphinx's single-page output safe to merge into one PDF.

Two measured problems (README, "Known traps"):

* Sphinx >= 8.2 writes cross-page links as ``#document-chapter#anchor`` in singlehtml
  (sphinx#14221); no id matches, and WeasyPrint silently drops the link.
* Docutils ids (``id1``, a section slug such as ``summary``) are unique only within one
  page; merged, they collide ("Anchor defined twice") and links jump to the wrong place.

Here every link is pointed at the id it will have in the merged page: the first page to
use an id keeps it, later pages' copies are renamed by the print composer with the same
rule (handbook.anchors). Ids themselves stay as Sphinx made them, because section and
figure numbers are looked up by them.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from handbook.book.anchors import renamed_id

DOC_PREFIX = "#document-"


def walk_with_docname(node: nodes.Node, docname: str) -> Iterator[tuple[nodes.Element, str]]:
    """Every element with the page it came from.

    Walks ``children`` top-down: ``inline_all_toctrees`` moves children into
    ``start_of_file`` nodes without resetting their ``parent``, so parents cannot be trusted.
    """
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    if isinstance(node, nodes.Element):
        yield node, docname
        for child in node.children:
            yield from walk_with_docname(child, docname)


def id_owners(tree: nodes.document, master: str) -> dict[str, str]:
    """Each id -> the first page (in reading order) that defines it."""
    owners: dict[str, str] = {}
    for node, docname in walk_with_docname(tree, master):
        for node_id in node.get("ids", ()):
            owners.setdefault(node_id, docname)
    return owners


def merged_anchor(owners: dict[str, str], docname: str, anchor: str) -> str:
    return anchor if owners.get(anchor, docname) == docname else renamed_id(docname, anchor)


def fix_references(tree: nodes.document, master: str) -> int:
    """Rewrite every link to the id it has in the merged page; return how many hrefs were mended."""
    owners = id_owners(tree, master)
    fixed = 0
    for node, docname in walk_with_docname(tree, master):
        refid = node.get("refid")
        if refid:
            node["refid"] = merged_anchor(owners, docname, refid)
        refuri = node.get("refuri", "")
        if refuri.startswith(DOC_PREFIX) and "#" in refuri[1:]:
            target_doc, _, anchor = refuri[len(DOC_PREFIX):].partition("#")
            node["refuri"] = "#" + merged_anchor(owners, target_doc, anchor)
            fixed += 1
    return fixed


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name == "singlehtml" and docname == app.config.root_doc:
        fix_references(doctree, docname)


def setup_singlehtml_fix(app: Sphinx) -> None:
    app.connect("doctree-resolved", on_doctree_resolved)
