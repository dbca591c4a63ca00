"""The benchmark plan: what is measured, against what, how many times, in which order.

Groups run most-important first and the report is rewritten after each, so a run that is
stopped early still leaves its tables in ``build/bench/results.md``.
"""

from __future__ import annotations

import argparse
import ctypes.util
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from handbook.project import SOURCE_DIR, build_dir

from . import report
from .features import FLOOR_CODE, VARIANTS, write_variant
from .pdfinfo import anchor_errors, pdf_facts_in_child
from .scale import ScaledSource, edit_chapter, make_scaled_source
from .sheets import write_batch_csv
from .subsetter import ROUTES
from .theirs import child_env, make_simplepdf_source, simplepdf_argv, simplepdf_pdf
from .timing import Case, run_interleaved, run_once

PY = sys.executable
GROUPS = ("core", "sheets", "subsetter", "chapters", "features", "scale")
BATCH_SHEETS = 100
HTTP_CONCURRENCY = 8  # requests in flight against `handbook serve`: a few clinicians at once, more than its CPUs


def ours_argv(command: str, source: Path, out: Path, jobs: str | None = None) -> list[str]:
    return [PY, "-m", "bench.ours", command, "--source", str(source), "--out", str(out),
            *(["-j", jobs] if jobs else [])]


def render_argv(out: Path) -> list[str]:
    return [PY, "-m", "bench.ours", "render", "--out", str(out)]


def floor_argv(html: Path, pdf: Path, pdf_variant: str = "") -> list[str]:
    return [PY, "-c", FLOOR_CODE, str(html), str(pdf), *([pdf_variant] if pdf_variant else [])]


def remove(*paths: Path) -> Callable[[int], None]:
    def prepare(_: int) -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    return prepare


def edit_then_remove(chapter: Path, *paths: Path) -> Callable[[int], None]:
    def prepare(n: int) -> None:
        edit_chapter(chapter, n)
        remove(*paths)(n)
    return prepare


def exists(*paths: Path) -> Callable[[], str]:
    return lambda: next((f"{p} was not written" for p in paths if not p.exists()), "")


def ours_pdf(out: Path) -> Path:
    return out / "pdf" / "ketamine-handbook-letter.pdf"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.dir: Path = args.out
        self.logs = self.dir / "logs"
        self.started = time.monotonic()
        self.results = report.new_results(self.meta())
        self.env = child_env()

    # -- plumbing ----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        minutes = (time.monotonic() - self.started) / 60
        print(f"[{minutes:5.1f} min] {text}", flush=True)

    def meta(self) -> dict[str, Any]:
        def version(name: str) -> str:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                return "not installed"
        return {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "versions": f"Sphinx {version('sphinx')}, WeasyPrint {version('weasyprint')}, "
                        f"sphinx-simplepdf {version('sphinx-simplepdf')}",
            "harfbuzz-subset": "yes" if ctypes.util.find_library("harfbuzz-subset") else "no (fontTools fallback)",
            "runs": (f"{self.args.runs} a case at 1x, {2 * self.args.runs} for the cold sheet, "
                     f"{self.args.feature_runs} for print features, "
                     + ", ".join(f"{self.args.scale_runs.get(f, 1)} at {f}x" for f in self.args.scales if f != 1)),
            "code": code_version(),
            "load average at start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "benchmark process": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
                                 "(a child's peak memory cannot read lower than this)",
        }

    def untimed(self, label: str, argv: list[str], env: dict[str, str] | None = None) -> bool:
        sample = run_once(argv, log=self.logs / f"setup-{label}.log", env=env or self.env)
        self.say(f"setup {label}: {sample.seconds:.1f} s" + ("" if sample.ok else f" FAILED (exit {sample.returncode})"))
        if not sample.ok:
            self.results["notes"].append(f"setup step {label!r} failed; see {self.logs / f'setup-{label}.log'}")
        return sample.ok

    def group(self, key: str, title: str, cases: list[Case], runs: int) -> None:
        self.say(f"{title}: {len(cases)} cases x {runs} runs")
        for case in cases:
            case.env = case.env or self.env
        run_interleaved(cases, runs, log_dir=self.logs, progress=self.say)
        report.add_group(self.results, key, title, runs, [
            {"key": c.key, "label": c.label, "stats": c.stats.as_dict(), "samples": [asdict(s) for s in c.samples]}
            for c in cases])
        self.save()

    def save(self) -> None:
        self.results["meta"]["total time"] = f"{(time.monotonic() - self.started) / 60:.1f} min so far"
        report.write(self.results, self.dir)

    def median(self, key: str, *, cpu: bool = False) -> float:
        return report.median(self.results, key, cpu=cpu)

    # -- the groups --------------------------------------------------------------------------
    def core(self) -> None:
        one = self.dir / "1x"
        src = make_scaled_source(SOURCE_DIR, one / "source", 1)
        sp_src = one / "simplepdf-source"
        self.results["notes"] += [f"sphinx-simplepdf's copy of the sources: {c}" for c in make_simplepdf_source(
            src.path, sp_src)]
        self.ref = one / "ref"
        remove(self.ref)(0)
        if not self.untimed("ref-pdf", ours_argv("pdf", src.path, self.ref)):
            return
        print_html = self.ref / "print" / "handbook-letter.html"
        self.group("html", "Site (HTML), 1x, from clean", [
            Case("html-clean", "HTML build from clean (`handbook html`: -j auto)", ours_argv("html", src.path, one / "html"),
                 prepare=remove(one / "html")),
            Case("html-clean-j1", "HTML build from clean, -j 1",
                 ours_argv("html", src.path, one / "html-j1", "1"), prepare=remove(one / "html-j1")),
        ], self.args.runs)
        self.group("pdf", "PDF handbook, 1x, from clean", [
            Case("pdf-clean", "ours: PDF build from clean (`handbook pdf`: -j auto)", ours_argv("pdf", src.path, one / "pdf"),
                 prepare=remove(one / "pdf"), check=exists(ours_pdf(one / "pdf"))),
            Case("pdf-clean-j1", "ours: PDF build from clean, -j 1",
                 ours_argv("pdf", src.path, one / "pdf-j1", "1"),
                 prepare=remove(one / "pdf-j1"), check=exists(ours_pdf(one / "pdf-j1"))),
            Case("simplepdf-clean", "sphinx-simplepdf: PDF from clean", simplepdf_argv(sp_src, one / "simplepdf"),
                 prepare=remove(one / "simplepdf"), check=exists(simplepdf_pdf(one / "simplepdf"))),
            Case("floor", "floor: WeasyPrint alone on our print HTML", floor_argv(print_html, one / "floor.pdf"),
                 prepare=remove(one / "floor.pdf"), check=exists(one / "floor.pdf")),
            Case("render", "ours: the PDF step alone (`render_pdf`, tags, safe fetcher)", render_argv(self.ref),
                 prepare=remove(self.ref / "render"), check=exists(self.ref / "render" / "handbook.pdf")),
            Case("floor-tags", "floor with tags: WeasyPrint alone, `pdf_variant=\"pdf/ua-1\"`",
                 floor_argv(print_html, one / "floor-tags.pdf", "pdf/ua-1"),
                 prepare=remove(one / "floor-tags.pdf"), check=exists(one / "floor-tags.pdf")),
            Case("singlehtml", "ours: the Sphinx step alone (singlehtml)", ours_argv("singlehtml", src.path,
                 one / "singlehtml"), prepare=remove(one / "singlehtml")),
        ], self.args.runs)
        self.edit_groups()
        pdfs = {"ours (`handbook pdf`)": (ours_pdf(self.ref), "pdf-clean"),
                "sphinx-simplepdf": (simplepdf_pdf(one / "simplepdf"), "simplepdf-clean"),
                "floor (WeasyPrint alone, untagged)": (one / "floor.pdf", "floor")}
        facts = pdf_facts_in_child([path for path, _ in pdfs.values()])
        self.results["pdfs"] = {name: {**facts.get(str(path), {}), "anchor_errors": anchor_errors(
            self.logs / f"{log}.log")} for name, (path, log) in pdfs.items()}
        self.save()

    def edit_groups(self) -> None:
        edit = self.dir / "1x-edit"
        src = make_scaled_source(SOURCE_DIR, edit / "source", 1)
        sp_src = edit / "simplepdf-source"
        make_simplepdf_source(src.path, sp_src)
        remove(edit / "ours", edit / "simplepdf")(0)
        cases = []
        if self.untimed("edit-html", ours_argv("html", src.path, edit / "ours")):
            cases.append(Case("html-edit", "ours: HTML rebuild after editing one chapter",
                              ours_argv("html", src.path, edit / "ours"), prepare=edit_then_remove(src.first_chapter)))
        if self.untimed("edit-pdf", ours_argv("pdf", src.path, edit / "ours")):
            cases.append(Case("pdf-edit", "ours: PDF rebuild after editing one chapter",
                              ours_argv("pdf", src.path, edit / "ours"),
                              prepare=edit_then_remove(src.first_chapter, ours_pdf(edit / "ours")),
                              check=exists(ours_pdf(edit / "ours"))))
        if self.untimed("edit-simplepdf", simplepdf_argv(sp_src, edit / "simplepdf")):
            sp_chapter = sp_src / src.first_chapter.relative_to(src.path)
            cases.append(Case("simplepdf-edit", "sphinx-simplepdf: PDF rebuild after editing one chapter",
                              simplepdf_argv(sp_src, edit / "simplepdf"),
                              prepare=edit_then_remove(sp_chapter, simplepdf_pdf(edit / "simplepdf")),
                              check=exists(simplepdf_pdf(edit / "simplepdf"))))
        if cases:
            self.group("edit", "After editing one chapter, 1x", cases, self.args.runs)

    def sheets(self) -> None:
        folder = self.dir / "sheets"
        remove(folder)(0)
        folder.mkdir(parents=True)
        csv_file = write_batch_csv(folder / "batch.csv", BATCH_SHEETS)
        batch_dir = folder / "batch"
        self.group("sheet-cold", "Patient sheet from a cold CLI", [
            Case("sheet-cli", "ours: default sheet, cold CLI (`python -m handbook sheet -o X`)",
                 [PY, "-m", "handbook", "sheet", "-o", str(folder / "cli.pdf")],
                 prepare=remove(folder / "cli.pdf"), check=exists(folder / "cli.pdf")),
            Case("import-weasyprint", "`python -c \"import weasyprint\"`", [PY, "-c", "import weasyprint"]),
        ], 2 * self.args.runs)

        def batch_check() -> str:
            count = len(list(batch_dir.glob("*.pdf")))
            return "" if count == BATCH_SHEETS else f"{count} of {BATCH_SHEETS} sheets written"

        def batch_prepare(n: int) -> None:
            remove(batch_dir)(n)
            batch_dir.mkdir()

        inproc: list[dict[str, float]] = []

        def inproc_check() -> str:
            path = folder / "inproc.json"
            if not path.exists():
                return "no result written"
            inproc.append(json.loads(path.read_text(encoding="utf-8")))
            return ""

        http: list[dict[str, float]] = []

        def http_check() -> str:
            path = folder / "http.json"
            if not path.exists():
                return "no result written"
            http.append(json.loads(path.read_text(encoding="utf-8")))
            return ""

        self.group("sheet-batch", "Patient sheets in one process", [
            Case("sheet-batch", f"ours: {BATCH_SHEETS} sheets, one batch process (`handbook sheet --batch`)",
                 [PY, "-m", "handbook", "sheet", "--batch", str(csv_file), "--out-dir", str(batch_dir)],
                 prepare=batch_prepare, check=batch_check),
            Case("sheet-inproc", "in one process: 8 pairs ours/floor, then 20 sheets (whole run)",
                 [PY, "-m", "bench.sheets", "--json", str(folder / "inproc.json"),
                  "--out-dir", str(folder / "inproc"), "--pairs", "8", "--sheets", "20"],
                 prepare=remove(folder / "inproc.json"), check=inproc_check),
            Case("sheet-http", f"over HTTP: `handbook serve`, {BATCH_SHEETS} sheets {HTTP_CONCURRENCY} at a time "
                 "(whole run: start, warm-up, stop)",
                 [PY, "-m", "bench.serve", "--json", str(folder / "http.json"), "--requests", str(BATCH_SHEETS),
                  "--concurrency", str(HTTP_CONCURRENCY)],
                 prepare=remove(folder / "http.json"), check=http_check),
        ], self.args.runs)
        self.results["sheet_inproc"] = inproc
        self.results["sheet_http"] = http
        self.save()

    def subsetter(self) -> None:
        """The sheet and the PDF with each font subsetter, side by side (``bench.subsetter``)."""
        folder = self.dir / "subsetter"
        remove(folder)(0)
        folder.mkdir(parents=True)
        routes = [r for r in ROUTES if r != "system" or ctypes.util.find_library("harfbuzz-subset")]
        if "system" not in routes:
            self.results["notes"].append("subsetter: libharfbuzz-subset0 is not installed, so the system route "
                                         "was not measured")
        wrap = [PY, "-m", "bench.subsetter"]
        sheets = [Case(f"subset-sheet-{r}", f"default sheet, cold CLI, subsetter: {r}",
                       [*wrap, r, "handbook", "sheet", "-o", str(folder / f"sheet-{r}.pdf")],
                       prepare=remove(folder / f"sheet-{r}.pdf"), check=exists(folder / f"sheet-{r}.pdf"))
                  for r in routes]
        self.group("subset-sheet", "Patient sheet by font subsetter", sheets, 2 * self.args.runs)
        pdfs = [Case(f"subset-pdf-{r}", f"PDF handbook from clean (Letter), subsetter: {r}",
                     [*wrap, r, "bench.ours", "pdf", "--source", str(SOURCE_DIR), "--out", str(folder / f"pdf-{r}")],
                     prepare=remove(folder / f"pdf-{r}"), check=exists(ours_pdf(folder / f"pdf-{r}")))
                for r in routes]
        self.group("subset-pdf", "PDF handbook by font subsetter", pdfs, self.args.runs)

    def chapters(self) -> None:
        """What each chapter's own PDF costs: the whole build (`make`) with and without them, side by side."""
        folder = self.dir / "chapters"
        remove(folder)(0)
        argv = [PY, "-m", "bench.ours", "build", "--source", str(SOURCE_DIR)]
        self.group("chapters", "The whole build (`make`), with and without the chapter PDFs", [
            Case("build-chapters", "`handbook build`: site, sheets, book in both sizes and every chapter's PDF",
                 [*argv, "--out", str(folder / "with")], prepare=remove(folder / "with"),
                 check=exists(folder / "with" / "pdf" / "chapters" / "04-safety-letter.pdf")),
            Case("build-no-chapters", "`handbook build` without the chapter PDFs (the build before them)",
                 [*argv, "--out", str(folder / "without"), "--no-chapter-pdfs"], prepare=remove(folder / "without"),
                 check=exists(ours_pdf(folder / "without"))),
        ], self.args.runs)

    def features(self) -> None:
        print_html = getattr(self, "ref", self.dir / "1x" / "ref") / "print" / "handbook-letter.html"
        if not print_html.exists():
            self.results["notes"].append("print features not measured: no print HTML (run the core group)")
            return
        folder = self.dir / "features"
        remove(folder)(0)
        cases = [Case("feature-floor", "floor: as built, untagged", floor_argv(print_html, folder / "floor.pdf"))]
        for variant in VARIANTS:
            html = print_html if not variant.css else write_variant(print_html, variant, folder)
            cases.append(Case(f"feature-{variant.key}", variant.label,
                              floor_argv(html, folder / f"{variant.key}.pdf", variant.pdf_variant)))
        self.group("features", "Print features (WeasyPrint alone, 1x)", cases, self.args.feature_runs)
        floor = self.median("feature-floor", cpu=True)
        self.results["features"] = [{"key": "floor", "label": "floor: our print HTML and CSS as built, untagged",
                                     "median_s": self.median("feature-floor"), "cpu_s": floor,
                                     "cpu_delta_s": math.nan, "cpu_delta_pct": math.nan}]
        for variant in VARIANTS:
            cpu = self.median(f"feature-{variant.key}", cpu=True)
            self.results["features"].append({"key": variant.key, "label": variant.label,
                                             "median_s": self.median(f"feature-{variant.key}"), "cpu_s": cpu,
                                             "cpu_delta_s": cpu - floor, "cpu_delta_pct": 100 * (cpu - floor) / floor,
                                             "shipped": variant.shipped})
        self.save()

    def scale(self) -> None:
        for factor in self.args.scales:
            if factor == 1:
                continue
            base = self.dir / f"scale-{factor}"
            src = make_scaled_source(SOURCE_DIR, base / "source", factor)
            cases = []
            if factor in self.args.compare_jobs:
                cases.append(Case(f"scale{factor}-html-j1", f"HTML from clean, {factor}x, -j 1",
                                  ours_argv("html", src.path, base / "html-j1", "1"), prepare=remove(base / "html-j1")))
            cases += [
                Case(f"scale{factor}-html-jauto", f"HTML from clean, {factor}x, -j auto",
                     ours_argv("html", src.path, base / "html", "auto"), prepare=remove(base / "html")),
                Case(f"scale{factor}-pdf-jauto", f"PDF from clean, {factor}x, -j auto",
                     ours_argv("pdf", src.path, base / "pdf", "auto"), prepare=remove(base / "pdf"),
                     check=exists(ours_pdf(base / "pdf"))),
            ]
            runs = self.args.scale_runs.get(factor, 1)
            self.group(f"scale{factor}", f"Scale: {factor}x chapters ({len(src.chapters)}), {runs} run(s)", cases,
                       runs)
            self.scale_row(factor, src, f"scale{factor}-html-j1", f"scale{factor}-html-jauto",
                           f"scale{factor}-pdf-jauto", ours_pdf(base / "pdf"))

    def scale_row(self, factor: int, src: ScaledSource | int, html_j1: str, html_jauto: str, pdf: str,
                  pdf_path: Path) -> None:
        chapters = len(src.chapters) if isinstance(src, ScaledSource) else src
        pdf_stats = report.case_stats(self.results, pdf) or {}
        html_stats = report.case_stats(self.results, html_jauto) or {}
        row = {"factor": factor, "chapters": chapters, "html_j1": self.median(html_j1),
               "html_jauto": self.median(html_jauto), "html_peak_mb": html_stats.get("peak_rss_mb", math.nan),
               "pdf": self.median(pdf), "pdf_peak_mb": pdf_stats.get("peak_rss_mb", math.nan),
               "pages": pdf_facts_in_child([pdf_path]).get(str(pdf_path), {}).get("pages")}
        self.results["scale"] = sorted([r for r in self.results["scale"] if r["factor"] != factor] + [row],
                                       key=lambda r: r["factor"])
        self.save()

    # -- conclusions -------------------------------------------------------------------------
    def ratios(self) -> None:
        m = self.median
        self.results["ratios"] = []

        def cpu(key: str) -> float:
            return self.median(key, cpu=True)

        def ratio(label: str, ours: str, theirs: str, target: float | None = None) -> None:
            value = m(ours) / m(theirs)
            report.add_ratio(self.results, label, value, target=f"≤ {target:g}x" if target else "",
                             met=(value <= target) if target else None, cpu=cpu(ours) / cpu(theirs))

        ratio("PDF from clean: ours / sphinx-simplepdf", "pdf-clean", "simplepdf-clean", 1.0)
        ratio("PDF after editing one chapter: ours / sphinx-simplepdf", "pdf-edit", "simplepdf-edit", 1.0)
        ratio("PDF step: ours (`render_pdf`) / floor", "render", "floor", 1.2)
        ratio("PDF step: ours / floor with tags (the same output)", "render", "floor-tags", 1.2)
        ratio("whole PDF build: ours / floor", "pdf-clean", "floor", 1.2)
        inproc = self.results.get("sheet_inproc") or []
        if inproc:
            per_run = sorted(r["ours_s"] / r["floor_s"] for r in inproc)
            value = per_run[len(per_run) // 2]
            report.add_ratio(self.results, "one sheet in one process: ours / WeasyPrint alone (same HTML, warm)",
                             value, target="≤ 1.1x", met=value <= 1.1)
        extra = m("sheet-cli") - m("import-weasyprint")
        report.add_ratio(self.results, "default sheet, cold CLI, minus `python -c \"import weasyprint\"`", extra,
                         target="≤ 0.3 s", met=extra <= 0.3, unit="s", cpu=cpu("sheet-cli") - cpu("import-weasyprint"))
        batch = m("sheet-batch")
        report.add_ratio(self.results, f"{BATCH_SHEETS} sheets in one batch process", batch, target="< 5 s",
                         met=batch < 5, unit="s", cpu=cpu("sheet-batch"))
        if inproc:
            rates = sorted(r["sheets_per_s"] for r in inproc)
            report.add_ratio(self.results, "sheets per second in one process (warm, whole job)",
                             rates[len(rates) // 2], unit="/s")
        http = self.results.get("sheet_http") or []
        if http:  # the web app against the batch, measured in the same rounds
            rates = sorted(r["sheets_per_s"] for r in http)
            over_http = rates[len(rates) // 2]
            in_batch = BATCH_SHEETS / batch
            report.add_ratio(self.results, f"sheets per second over HTTP (`handbook serve`, warm, {HTTP_CONCURRENCY} "
                             "at a time)", over_http, unit="/s")
            report.add_ratio(self.results, f"sheets per second in one batch process ({BATCH_SHEETS} sheets, whole "
                             "job)", in_batch, unit="/s")
            report.add_ratio(self.results, "sheets per second: over HTTP / in one batch process", over_http / in_batch)
            report.add_ratio(self.results, "CPU seconds per sheet in the batch (what sizes a task queue)",
                             cpu("sheet-batch") / BATCH_SHEETS, unit="s")
        for kind, what in (("sheet", "default sheet, cold CLI"), ("pdf", "PDF handbook")):
            if report.case_stats(self.results, f"subset-{kind}-system"):
                ratio(f"{what}: uharfbuzz wheel / system libharfbuzz-subset0", f"subset-{kind}-uharfbuzz",
                      f"subset-{kind}-system", 1.5)
                ratio(f"{what}: fontTools fallback / system libharfbuzz-subset0", f"subset-{kind}-fonttools",
                      f"subset-{kind}-system")
        if report.case_stats(self.results, "build-chapters"):
            ratio("whole build: with chapter PDFs / without", "build-chapters", "build-no-chapters", 1.3)
        ratio("HTML from clean, 1x: -j auto / -j 1", "html-clean", "html-clean-j1")
        ratio("PDF from clean, 1x: -j auto / -j 1", "pdf-clean", "pdf-clean-j1")
        for factor in self.args.compare_jobs:
            if factor != 1:
                ratio(f"HTML from clean, {factor}x: -j auto / -j 1", f"scale{factor}-html-jauto",
                      f"scale{factor}-html-j1")
        self.growth()
        self.save()

    def growth(self) -> None:
        rows = self.results["scale"]
        for kind in ("html_jauto", "pdf"):
            for a, b in itertools.pairwise(rows):
                added = b["chapters"] - a["chapters"]
                if added > 0 and not math.isnan(b[kind] - a[kind]):
                    report.add_ratio(self.results, f"{'HTML' if kind == 'html_jauto' else 'PDF'} cost per added "
                                     f"chapter, {a['factor']}x → {b['factor']}x", (b[kind] - a[kind]) / added,
                                     target="flat = linear", unit="s")

    def run(self) -> int:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.say(f"benchmark into {self.dir}; groups: {', '.join(self.args.only)}")
        if "core" in self.args.only:
            self.core()
            self.scale_row(1, _chapter_count(), "html-clean-j1", "html-clean", "pdf-clean",
                           ours_pdf(self.dir / "1x" / "pdf"))
        if "sheets" in self.args.only:
            self.sheets()
        if "subsetter" in self.args.only:
            self.subsetter()
        if "chapters" in self.args.only:
            self.chapters()
        if "features" in self.args.only:
            self.features()
        if "scale" in self.args.only:
            self.scale()
        self.ratios()
        self.results["notes"] += NOTES
        self.results["meta"]["load average at end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        if code_version().split("digest ")[-1] != self.results["meta"]["code"].split("digest ")[-1]:
            self.results["notes"].append(f"The code changed during the run (now {code_version()}): the groups "
                                         "were not all measured on the same code; run the benchmark again.")
        self.save()
        self.results["meta"]["total time"] = f"{(time.monotonic() - self.started) / 60:.1f} min"
        target = report.write(self.results, self.dir)
        self.say(f"wrote {target}")
        return 0


def code_version() -> str:
    """The commit, and a digest of what the builds read (sources, package minus the benchmark, templates).

    The digest, not the commit, tells whether the code changed during a run: committing the
    same files does not change it, editing one does.
    """
    root = SOURCE_DIR.parent
    digest = hashlib.sha256()
    for folder in (root / "source", root / "src" / "handbook", root / "templates"):
        for path in sorted(folder.rglob("*")):
            parts = path.relative_to(root).parts
            if path.is_file() and "__pycache__" not in parts and "bench" not in parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for name in ("references.bib", "pyproject.toml"):
        if (root / name).is_file():
            digest.update((root / name).read_bytes())
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = "no git"
    return f"{head}, files digest {digest.hexdigest()[:12]}"


def _chapter_count() -> int:
    return len(list((SOURCE_DIR / "chapters").glob("*.md")))


NOTES = [
    ("sphinx-simplepdf builds a copy of our sources changed only as listed above. It sets its own theme, runs "
     "the `weasyprint` CLI in a sub-process with its default flags (no tags), and is not run with -W (its theme "
     "CSS makes WeasyPrint warn)."),
    ("Its links suffer Sphinx's singlehtml bug (sphinx#14221): the 'dropped links' column counts WeasyPrint's "
     "'No anchor' errors; our build mends them (handbook.book.compose), theirs runs as shipped."),
    ("The floor is `weasyprint.HTML(filename=print_html).write_pdf(out)` in a fresh process on the print HTML our "
     "build made: same CSS and fonts, no tags, WeasyPrint's default fetcher."),
    ("Scaled handbooks copy each chapter with renamed labels (bench.scale) under build/bench/scale-N; "
     "the front matter and appendices are not copied, so pages grow a little less than N-fold."),
    "Edits append a paragraph to the first chapter of a copy of the sources before each timed rebuild.",
    ("Every `handbook pdf` case makes the one Letter PDF the others make, without the chapters' own PDFs; "
     "what those cost is measured on the whole build (`make`), with and without them."),
    ("The HTTP case (bench.serve) starts `handbook serve`, warms its render processes, times the requests alone "
     "for its sheets per second, then stops it. Its CPU column leaves out the render processes (children of "
     "multiprocessing's fork server, which no one waits for): read the batch's CPU per sheet instead."),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: build/bench)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each 1x case (default: %(default)s)")
    parser.add_argument("--scale-runs", default="4=3,16=1",
                        help="runs per scale factor, FACTOR=RUNS,... (default: %(default)s; others: 1)")
    parser.add_argument("--feature-runs", type=int, default=3, help="runs of each print-feature variant")
    parser.add_argument("--scales", default="1,4,16", help="chapter multipliers (default: %(default)s)")
    parser.add_argument("--compare-jobs", default="1,4,16",
                        help="scales where -j 1 is measured beside -j auto (default: %(default)s)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"groups to run (default: {','.join(GROUPS)})")
    args = parser.parse_args(argv)
    args.out = (args.out or build_dir() / "bench").resolve()
    args.scales = [int(x) for x in args.scales.split(",") if x]
    args.scale_runs = {int(k): int(v) for k, _, v in (x.partition("=") for x in args.scale_runs.split(",") if x)}
    args.compare_jobs = [int(x) for x in args.compare_jobs.split(",") if x]
    args.only = [x for x in args.only.split(",") if x]
    unknown = set(args.only) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    return Bench(parse_args(argv)).run()
