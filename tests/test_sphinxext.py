"""The local Sphinx extensions, on minimal test roots (sphinx.testing)."""

from __future__ import annotations

import pytest


@pytest.mark.sphinx("html", testroot="handbook-ext", freshenv=True)
def test_figures_labels_and_boxes_render(app, warning):
    app.build(force_all=True)
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "0.5 mg/kg" in html and "10 mg" in html and "50 to 80 mg" in html
    assert "Evidence: </span><span class=\"evidence-level\">Randomised trials" in html
    assert "Key points" in html
    assert "Day 3: full dose" in html and "50 mg" in html  # titration table from the data
    assert 'alt="Bar chart: dose by route' in html
    assert "PMID 123456" in html and "doi:10.1000/cited" in html
    # The one uncited entry is named; nothing else warns.
    lines = [line for line in warning.getvalue().splitlines() if "WARNING" in line]
    assert len(lines) == 1 and "uncited2021" in lines[0] and "not cited anywhere" in lines[0]


@pytest.mark.sphinx("html", testroot="broken-citation", freshenv=True, confoverrides={"nitpicky": True})
def test_mistakes_are_named_in_warnings(app, warning):
    app.build(force_all=True)
    text = warning.getvalue()
    assert 'could not find bibtex key "nosuchkey2099"' in text
    assert "iv.no_such_value" in text
    assert "unknown level 'hunch'" in text
    assert "no-such-label" in text


@pytest.mark.sphinx("singlehtml", testroot="handbook-ext", freshenv=True)
def test_singlehtml_links_have_no_document_prefix(app):
    app.build(force_all=True)
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert 'href="#cite-cited2020"' in html
    assert "#document-index#" not in html


def test_extension_is_parallel_safe():
    from sphinx.application import Sphinx  # noqa: F401 - setup() needs a real app; check the metadata

    from handbook import sphinxext

    class _App:
        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    meta = sphinxext.setup(_App())
    assert meta["parallel_read_safe"] is True and meta["parallel_write_safe"] is True
