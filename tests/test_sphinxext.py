"""The local Sphinx extensions and the book composer, on small test roots (sphinx.testing).

Each root carries its own tiny dosing.toml, so a clinical edit of the handbook's data cannot
change what these tests see; their numbers differ from the handbook's on purpose.
"""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from handbook.book.compose import BookInfo, compose, last_reviewed_of


@pytest.mark.sphinx("html", testroot="handbook-ext", freshenv=True)
def test_figures_labels_and_boxes_come_from_the_roots_own_data(app, warning):
    app.build(force_all=True)
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "0.6 mg/kg" in html and "20 mg" in html and "40 to 100 mg" in html
    assert "Evidence: </span><span class=\"evidence-level\">Randomised trials" in html
    assert "Key points" in html
    assert "Day 2: full dose" in html and "60 mg" in html  # titration table from the root's data
    assert html.count("2 hours with a companion") == 2  # the companion flag of each step
    assert 'alt="Bar chart: dose by route' in html
    assert "PMID 123456" in html and "doi:10.1000/cited" in html
    assert '<meta name="handbook-last-reviewed" content="2020-02-02">' in html
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


def _article(html: str) -> str:
    return str(BeautifulSoup(html, "html.parser").select_one("div.body, article") or "")


def test_a_parallel_build_equals_a_serial_one(make_app, rootdir, tmp_path, monkeypatch):
    """Six pages read by two processes: nothing an extension keeps in the environment is lost."""
    from sphinx.builders import Builder

    parallel_reads = []
    real = Builder._read_parallel
    monkeypatch.setattr(Builder, "_read_parallel",
                        lambda self, docnames, nproc: parallel_reads.append(nproc) or real(self, docnames, nproc))
    pages = {}
    for jobs in (1, 2):
        srcdir = tmp_path / f"jobs-{jobs}"
        shutil.copytree(rootdir / "test-parallel", srcdir)
        app = make_app("html", srcdir=srcdir, parallel=jobs, freshenv=True)
        app.build(force_all=True)
        app.cleanup()  # unregister its nodes, so the second app starts as the first did
        warnings = [line for line in app._warning.getvalue().splitlines() if "WARNING" in line]
        assert warnings == [], warnings
        pages[jobs] = {name: _article((app.outdir / f"{name}.html").read_text(encoding="utf-8"))
                       for name in ("one", "two", "three", "four", "five", "six")}
    assert parallel_reads == [2], "the second build was not read in parallel"
    assert pages[2] == pages[1]
    assert all("20 mg" in body and "Randomised trials" in body for body in pages[2].values())


@pytest.mark.sphinx("singlehtml", testroot="book", freshenv=True)
def test_the_composer_gives_every_id_one_owner_and_points_every_link(app, warning):
    app.build(force_all=True)
    single = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="#document-second#', single), "Sphinx's singlehtml bug is what this mends"
    info = BookInfo("T", "S", "A", "Au", "Sub", "K", "1", "2026-01-01", last_reviewed_of(single))
    soup = BeautifulSoup(compose(single, info, "print.css"), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "an id is defined twice"
    hrefs = [a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")]
    assert hrefs and [h for h in hrefs if h not in ids] == []
    first, second = soup.select("section.chapter")
    # Both pages had a "summary" section; the second page's copy is renamed, past its own label.
    assert first.find(id="summary") is not None
    assert second.find(id="summary") is None and second.find(id="second-summary") is not None
    assert second.find(id="second-summary-2") is not None
    assert second.find("a", string="our own summary")["href"] == "#second-summary-2"
    assert first.find("a", string="our summary")["href"] == "#summary"
    assert first.find("a", string="second chapter")["href"] == f"#{second['id']}"
    assert info.last_reviewed == "2020-02-02"
