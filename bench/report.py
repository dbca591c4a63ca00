"""Write the benchmark's results: ``results.json`` (everything) and ``results.md`` (the tables).

The results are a plain dict (see :func:`new_results`), filled in as the groups finish, so a
partial run still leaves a readable report.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

COMMAND = "make bench"  # which runs python -m bench


def new_results(meta: dict[str, Any]) -> dict[str, Any]:
    return {"meta": meta, "groups": [], "ratios": [], "features": [], "scale": [], "pdfs": {}, "notes": []}


def add_group(results: dict[str, Any], key: str, title: str, runs: int, cases: list[dict[str, Any]]) -> None:
    """``cases``: dicts with ``key``, ``label``, ``stats`` (Stats.as_dict()) and ``samples``."""
    results["groups"] = [g for g in results["groups"] if g["key"] != key]
    results["groups"].append({"key": key, "title": title, "runs": runs, "cases": cases})


def case_stats(results: dict[str, Any], key: str) -> dict[str, Any] | None:
    for group in results["groups"]:
        for case in group["cases"]:
            if case["key"] == key:
                return case["stats"]
    return None


def median(results: dict[str, Any], key: str, *, cpu: bool = False) -> float:
    stats = case_stats(results, key)
    if not stats or not stats["n"]:
        return math.nan
    return stats.get("cpu_median_s", math.nan) if cpu else stats["median_s"]


def add_ratio(results: dict[str, Any], label: str, value: float, *, target: str = "", met: bool | None = None,
              unit: str = "x", cpu: float = math.nan) -> None:
    """A comparison of medians: ``value`` by wall time (judged against the target), ``cpu`` by CPU time."""
    results["ratios"].append({"label": label, "value": value, "cpu": cpu, "unit": unit, "target": target,
                              "met": None if math.isnan(value) else met})


# -- formatting ------------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _mb(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def _value(ratio: dict[str, Any], key: str = "value") -> str:
    value = ratio.get(key, math.nan)
    if value is None or math.isnan(value):
        return "–"
    if ratio["unit"] == "x":
        return f"{value:.2f}x"
    return f"{value:.2f} {ratio['unit']}"


def _met(ratio: dict[str, Any]) -> str:
    return {True: "yes", False: "**no**", None: ""}[ratio["met"]]


def case_table(groups: list[dict[str, Any]]) -> list[str]:
    lines = ["| Measurement | median s | min s | max s | CPU s | peak MB | runs |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for group in groups:
        lines.append(f"| **{group['title']}** | | | | | | |")
        for case in group["cases"]:
            st = case["stats"]
            runs = f"{st['n']}" + (f" ({st['failures']} failed: {st['error']})" if st["failures"] else "")
            lines.append(f"| {case['label']} | {_s(st['median_s'])} | {_s(st['min_s'])} | {_s(st['max_s'])} "
                         f"| {_s(st.get('cpu_median_s'))} | {_mb(st['peak_rss_mb'])} | {runs} |")
    return lines


def ratio_table(ratios: list[dict[str, Any]]) -> list[str]:
    lines = ["| Comparison (medians) | wall | CPU | target | met |", "|---|---:|---:|---|---|"]
    lines += [f"| {r['label']} | {_value(r)} | {_value(r, 'cpu')} | {r['target']} | {_met(r)} |" for r in ratios]
    return lines


def feature_table(features: list[dict[str, Any]]) -> list[str]:
    lines = ["| Print feature (WeasyPrint alone on our print HTML) | wall s | CPU s | CPU vs floor |",
             "|---|---:|---:|---:|"]
    for f in features:
        delta = f.get("cpu_delta_s", math.nan)
        text = "" if delta is None or math.isnan(delta) else f"{delta:+.2f} s ({f['cpu_delta_pct']:+.0f}%)"
        lines.append(f"| {f['label']} | {_s(f['median_s'])} | {_s(f.get('cpu_s'))} | {text} |")
    return lines


def scale_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| Chapters | HTML s (-j 1) | HTML s (-j auto) | HTML peak MB | PDF s | PDF pages | PDF peak MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['factor']}x = {r['chapters']} | {_s(r.get('html_j1'))} | {_s(r.get('html_jauto'))} "
              f"| {_mb(r.get('html_peak_mb'))} | {_s(r.get('pdf'))} | {r.get('pages') or '–'} "
              f"| {_mb(r.get('pdf_peak_mb'))} |" for r in rows]
    return lines


def pdf_table(pdfs: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["| PDF | pages | bookmarks | links | tagged | dropped links (No anchor) | KB |",
             "|---|---:|---:|---:|---|---:|---:|"]
    for name, f in pdfs.items():
        lines.append(f"| {name} | {f.get('pages', '–')} | {f.get('bookmarks', '–')} | {f.get('links', '–')} "
                     f"| {'yes' if f.get('tagged') else 'no'} | {f.get('anchor_errors', '–')} "
                     f"| {f.get('size_kb', '–')} |")
    return lines


def meta_lines(meta: dict[str, Any]) -> list[str]:
    return [f"- {key}: {value}" for key, value in meta.items()]


def markdown(results: dict[str, Any]) -> str:
    out = ["# Benchmark results", "", (f"Made by `{COMMAND}`; every sample is a fresh process, cases interleaved "
                                       "round by round; peak MB is the largest resident set of the process tree."), "",
           *meta_lines(results["meta"]), ""]
    if results["ratios"]:
        out += ["## Targets and ratios", "", *ratio_table(results["ratios"]), ""]
    if results["groups"]:
        out += ["## Timings", "", *case_table(results["groups"]), ""]
    if results["features"]:
        out += ["## What each print feature costs", "", *feature_table(results["features"]), ""]
    if results["scale"]:
        out += ["## Growth: the handbook with 1, 4 and 16 times its chapters", "", *scale_table(results["scale"]), ""]
    if results["pdfs"]:
        out += ["## What each PDF holds", "", *pdf_table(results["pdfs"]), ""]
    if results["notes"]:
        out += ["## Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    return "\n".join(out)


README_CASES = ("html-clean", "html-edit", "pdf-clean", "pdf-edit", "simplepdf-clean", "simplepdf-edit", "floor",
                "sheet-cli", "sheet-batch")


def readme_section(results: dict[str, Any]) -> str:
    """The short version for the README (at most 40 lines): targets, the main timings, growth."""
    meta = results["meta"]
    out = ["## Speed", "",
           (f"`{COMMAND}` (`python -m bench`, {meta.get('total time', '')}) on "
            f"{meta.get('machine', 'this machine')}, {meta.get('date', '')}. Medians of interleaved cold runs: "
            f"{meta.get('runs', '?')}. Full tables, the cost of each print feature and what each PDF holds are in "
            "`build/bench/results.md`."), ""]
    targets = [r for r in results["ratios"] if r["target"][:1] in {"≤", "<"} or r["unit"] == "/s"]
    out += [*ratio_table(targets), ""]
    rows = case_table([{**g, "cases": [c for c in g["cases"] if c["key"] in README_CASES]}
                       for g in results["groups"]])
    out += [*rows[:2], *[r for r in rows[2:] if not r.startswith("| **")], ""]
    if results["scale"]:
        out += [*scale_table(results["scale"]), ""]
    jobs = [f"{r['label'].split(', ')[1].split(':')[0]} {_value(r)}" for r in results["ratios"]
            if r["label"].startswith("HTML from clean, ") and "-j auto / -j 1" in r["label"]]
    if jobs:
        out += [f"HTML build time with `-j auto` relative to `-j 1`: {', '.join(jobs)}.", ""]
    growth = [f"{r['label'].split(', ')[1]}: {_value(r)}" for r in results["ratios"] if "per added chapter" in r["label"]]
    if growth:
        out += [f"Seconds per added chapter (HTML, then PDF): {'; '.join(growth)}.", ""]
    return "\n".join(out)


def _jsonable(value: Any) -> Any:
    """NaN (a case with no good run) becomes null: JSON has no NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def write(results: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(_jsonable(results), indent=2, default=str), encoding="utf-8")
    (folder / "README-section.md").write_text(readme_section(results), encoding="utf-8")
    target = folder / "results.md"
    target.write_text(markdown(results), encoding="utf-8")
    return target
