"""The benchmark's own pieces (bench): fast, and no timed assertions."""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from bench import report
from bench.features import VARIANTS, css_copy, write_variant
from bench.scale import ROLE_REF, chapter_labels, edit_chapter, make_scaled_source, rename_labels
from bench.timing import Case, Sample, Stats, run_interleaved, run_once
from handbook.project import SOURCE_DIR

TINY_CONF = 'extensions = ["myst_parser"]\nroot_doc = "index"\nexclude_patterns = ["_build"]\n'
TINY_INDEX = "# Tiny\n\n```{toctree}\n:numbered:\n\nchapters/01-one\nchapters/02-two\n```\n\nSee {ref}`ch-one`.\n"
TINY_ONE = ("(ch-one)=\n# One\n\n(one-part)=\n## Part\n\nSee {ref}`ch-two` and {ref}`the part <one-part>`.\n\n"
            "```{note}\n:name: one-note\nA labelled directive, as the dropdowns are.\n```\n")
TINY_TWO = "(ch-two)=\n# Two\n\nBack to {ref}`ch-one`, {ref}`one-part`, {ref}`the note <one-note>` and [the part](#one-part).\n"


def _labels_and_refs(folder: Path) -> tuple[Counter[str], set[str]]:
    labels: Counter[str] = Counter()
    refs: set[str] = set()
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        labels.update(chapter_labels(text))
        for match in ROLE_REF.finditer(text):
            explicit = re.fullmatch(r".*<([^<>]+)>", match["body"], re.DOTALL)
            refs.add(explicit[1] if explicit else match["body"])
    return labels, refs


@pytest.fixture
def tiny_source(tmp_path: Path) -> Path:
    src = tmp_path / "tiny"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text(TINY_CONF, encoding="utf-8")
    (src / "index.md").write_text(TINY_INDEX, encoding="utf-8")
    (src / "chapters" / "01-one.md").write_text(TINY_ONE, encoding="utf-8")
    (src / "chapters" / "02-two.md").write_text(TINY_TWO, encoding="utf-8")
    return src


def test_scaled_tiny_handbook_builds_strictly(tiny_source: Path, tmp_path: Path) -> None:
    scaled = make_scaled_source(tiny_source, tmp_path / "scale-3" / "source", 3)
    assert len(scaled.chapters) == 6
    assert len(set(scaled.labels)) == len(scaled.labels) == 12
    two_x3 = (scaled.path / "chapters" / "02-two-x3.md").read_text(encoding="utf-8")
    assert "(ch-two-x3)=" in two_x3
    assert "{ref}`ch-one-x3`" in two_x3 and "](#one-part-x3)" in two_x3
    assert "# Two (copy 3)" in two_x3
    out = tmp_path / "out"
    assert build_main(["-b", "dummy", "-q", "-W", "-n", "-d", str(out / ".doctrees"),
                       str(scaled.path), str(out)]) == 0
    assert not list(tiny_source.rglob("*-x*.md")), "the original sources were written to"


def test_scaled_real_sources_have_every_chapter_unique_labels_and_resolvable_refs(tmp_path: Path) -> None:
    originals = sorted((SOURCE_DIR / "chapters").glob("*.md"))
    scaled = make_scaled_source(SOURCE_DIR, tmp_path / "scale-4" / "source", 4)
    assert len(scaled.chapters) == 4 * len(originals)
    files = sorted((scaled.path / "chapters").glob("*.md"))
    assert len(files) == len(scaled.chapters)
    labels, refs = _labels_and_refs(scaled.path)
    assert [label for label, count in labels.items() if count > 1] == []
    assert refs - set(labels) == set()
    toctree = (scaled.path / "index.md").read_text(encoding="utf-8")
    listed = re.findall(r"^chapters/\S+$", toctree, re.MULTILINE)
    assert sorted(listed) == sorted(scaled.chapters)
    assert not list((SOURCE_DIR / "chapters").glob("*-x*.md"))


def test_scaled_source_refuses_to_write_into_the_real_sources() -> None:
    with pytest.raises(ValueError, match="refusing"):
        make_scaled_source(SOURCE_DIR, SOURCE_DIR / "scaled", 2)


def test_rename_leaves_labels_outside_the_chapters_alone() -> None:
    text = "(ch-a)=\n# A\n\nSee {ref}`ch-a`, {ref}`screening` and {numref}`Table %s <ch-a>`.\n"
    renamed = rename_labels(text, {"ch-a"}, 2)
    assert "(ch-a-x2)=" in renamed and "{ref}`ch-a-x2`" in renamed
    assert "{ref}`screening`" in renamed and "{numref}`Table %s <ch-a-x2>`" in renamed


def test_edit_appends_a_new_paragraph_each_time(tiny_source: Path) -> None:
    chapter = tiny_source / "chapters" / "01-one.md"
    edit_chapter(chapter, 0)
    edit_chapter(chapter, 1)
    text = chapter.read_text(encoding="utf-8")
    assert text.startswith(TINY_ONE) and "edit 0" in text and "edit 1" in text


def test_run_once_and_interleaving(tmp_path: Path) -> None:
    sample = run_once([sys.executable, "-c", "pass"])
    assert sample.ok and sample.seconds > 0 and sample.max_rss_kb > 0 and sample.cpu_seconds > 0
    assert run_once([sys.executable, "-c", "raise SystemExit(3)"]).returncode == 3
    order: list[str] = []
    cases = [Case(key, key, [sys.executable, "-c", "pass"], prepare=lambda n, key=key: order.append(key))
             for key in "abc"]
    cases[2].check = lambda: "wrong output"
    run_interleaved(cases, 3, log_dir=tmp_path, progress=lambda _: None)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert cases[0].stats.n == 3 and cases[2].stats.n == 0 and cases[2].stats.error == "wrong output"


def test_stats_of_fake_samples() -> None:
    stats = Stats.of([Sample(2.0, 2048, 0, cpu_seconds=1.0), Sample(1.0, 4096, 0, cpu_seconds=3.0),
                      Sample(9.0, 1024, 0, cpu_seconds=2.0), Sample(0.1, 1, 1)])
    assert (stats.n, stats.median, stats.minimum, stats.maximum, stats.peak_rss_mb) == (3, 2.0, 1.0, 9.0, 4.0)
    assert stats.cpu_median == 2.0
    assert stats.failures == 1 and "exit code 1" in stats.error
    assert math.isnan(Stats.of([]).median)


def test_report_writes_tables_from_fake_timings(tmp_path: Path) -> None:
    results = report.new_results({"date": "2026-01-01", "runs": 5})
    fake = {"pdf-clean": [10.0, 11.0, 12.0], "simplepdf-clean": [12.0, 13.0, 14.0], "floor": []}
    report.add_group(results, "pdf", "PDF, 1x", 3, [
        {"key": key, "label": key,
         "stats": Stats.of([Sample(t, 100_000, 0, cpu_seconds=t / 2) for t in times]).as_dict()}
        for key, times in fake.items()])
    report.add_ratio(results, "ours / simplepdf", 11.0 / 13.0, target="≤ 1x", met=True, cpu=0.5)
    report.add_ratio(results, "ours / floor", report.median(results, "pdf-clean") / report.median(results, "floor"),
                     target="≤ 1.2x", met=False)
    results["scale"] = [{"factor": 1, "chapters": 11, "html_j1": 7.0, "html_jauto": 6.5, "html_peak_mb": 115.0,
                         "pdf": 17.0, "pdf_peak_mb": 260.0, "pages": 58}]
    md = report.write(results, tmp_path).read_text(encoding="utf-8")
    assert "| pdf-clean | 11.00 | 10.00 | 12.00 | 5.50 | 98 | 3 |" in md
    assert "| ours / simplepdf | 0.85x | 0.50x | ≤ 1x | yes |" in md
    assert "| ours / floor | – | – | ≤ 1.2x |  |" in md  # no floor runs: no number, no verdict
    assert "| 1x = 11 | 7.00 | 6.50 | 115 | 17.00 | 58 | 260 |" in md
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["groups"][0]["cases"][2]["stats"]["median_s"] is None
    section = (tmp_path / "README-section.md").read_text(encoding="utf-8")
    assert section.startswith("## Speed") and len(section.splitlines()) <= 40


def test_feature_variants_point_at_a_working_copy_of_the_css(tmp_path: Path) -> None:
    css = css_copy()
    assert "../fonts/" not in css
    for url in re.findall(r"url\((file://[^)]+)\)", css):
        assert Path(url.removeprefix("file://")).is_file()
    html = tmp_path / "print.html"
    html.write_text('<html><head><link rel="stylesheet" href="file:///x/handbook.css"><style></style></head>'
                    "<body></body></html>", encoding="utf-8")
    variant = next(v for v in VARIANTS if v.key == "no-toc-pages")
    text = write_variant(html, variant, tmp_path / "variants").read_text(encoding="utf-8")
    assert (tmp_path / "variants" / "handbook.css").as_uri() in text
    assert text.index(variant.css) > text.index("<style></style>")
