"""``{key-points}``: the box that opens each chapter, readable on its own by a busy clinician."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class KeyPoints(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        box = nodes.admonition("", classes=["key-points"])
        box += nodes.title("", "Key points")
        self.state.nested_parse(self.content, self.content_offset, box)
        self.set_source_info(box)
        return [box]


def setup_keypoints(app: Sphinx) -> None:
    app.add_directive("key-points", KeyPoints)
