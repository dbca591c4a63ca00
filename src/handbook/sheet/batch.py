"""``handbook sheet --batch FILE.csv --out-dir DIR``: many sheets in one process.

Each row is checked and rendered on its own: a bad row is reported with its line number and the
other rows still print. The exit code is 2 if any row failed, so a script notices.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from handbook.model.errors import InputError
from handbook.model.files import read_text
from handbook.outputs import check_output_path, shown
from handbook.project import SHEET_STEM

from .options import OPTION_NAMES, options_from_values
from .render import files_read, load_shared_resources, make_sheet

OUTPUT_COLUMN = "output"
MAX_CSV_BYTES = 2_000_000  # about 10,000 rows of a dozen columns
MAX_ROWS = 10_000


def _columns() -> set[str]:
    return {*OPTION_NAMES, OUTPUT_COLUMN}


def column_name(header: str) -> str:
    """``--Mg_per_ml`` and ``mg-per-ml`` name the same column."""
    return header.strip().lower().removeprefix("--").replace("_", "-")


def _column(name: str) -> str:
    return name  # in a batch, a message names the CSV column as the header spells it (normalised)


def run_batch(csv_path: Path, out_dir: Path, defaults: Mapping[str, Any]) -> int:
    """Make one sheet per row. Options given on the command line fill cells the CSV leaves blank."""
    text = read_text(csv_path, "--batch", max_bytes=MAX_CSV_BYTES)
    rows = parse_batch(text, shown(csv_path))
    _make_folder(out_dir)

    base = {key: value for key, value in defaults.items() if value is not None}
    used: dict[str, int] = {}
    messages: list[tuple[int, str]] = []  # (line, message), printed in line order at the end
    jobs: list[tuple[int, Any, Path]] = []
    for line, row in rows:  # check every row first: cheap, and a bad row never reaches the renderer
        try:
            values = row_values(row, base)
            name = values.pop(OUTPUT_COLUMN, None) or f"{SHEET_STEM}-line-{line}.pdf"
            out = out_dir / plain_file_name(name)
            if out.name in used:
                raise InputError(OUTPUT_COLUMN, f"{out.name} is already used by line {used[out.name]}")
            options = options_from_values(values, option=_column)
            check_output_path(out, OUTPUT_COLUMN, reads=(csv_path, *files_read(options)))
            used[out.name] = line
            jobs.append((line, options, out))
            messages += [(line, f"{csv_path.name} line {line}: warning: {w}") for w in options.warnings]
        except InputError as err:
            messages.append((line, f"{csv_path.name} line {line}: {err}"))
    failed = len(rows) - len(jobs)
    done: list[tuple[int, str | None]] = []
    try:
        _render_all(jobs, done, csv_path)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM (handbook.cli): every file written is whole
        written = sum(1 for _, problem in done if problem is None)
        print(f"handbook sheet: interrupted: wrote {written} of {len(rows)} sheets to {shown(out_dir)}; "
              "no partial file is left", file=sys.stderr)
        interrupt.reported = True  # type: ignore[attr-defined]
        raise
    failed += sum(1 for _, problem in done if problem is not None)
    messages += [(line, f"{csv_path.name} line {line}: {problem}") for line, problem in done if problem]
    for _, message in sorted(messages, key=lambda item: item[0]):
        print(f"handbook sheet: {message}", file=sys.stderr)
    written = sum(1 for _, problem in done if problem is None)
    print(f"handbook sheet: wrote {written} of {len(rows)} sheets to {shown(out_dir)}")
    return 2 if failed else 0


def parse_batch(text: str, source: str, *, max_rows: int = MAX_ROWS) -> list[tuple[int, dict[str, str] | None]]:
    """The rows of a batch CSV's text: (line, {column: cell}, or None for a row with too many cells).

    ``source`` names the CSV in messages. A bad header, broken quoting, no rows or more than
    ``max_rows`` rows is an InputError for the whole file (``--batch``).
    """
    try:
        rows = list(_rows(csv.reader(io.StringIO(text, newline=""), strict=True), source))
    except csv.Error as err:
        raise InputError("--batch", f"{source} is not valid CSV: {err}") from None
    if not rows:
        raise InputError("--batch", f"{source} has no rows below its header")
    if len(rows) > max_rows:
        raise InputError("--batch", f"{source} has {len(rows):,} rows; the limit is {max_rows:,} a batch")
    return rows


def row_values(row: dict[str, str] | None, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """One row's values (``defaults`` fill its blank cells), the ``output`` cell included; InputError("row")
    for a malformed row."""
    if row is None:
        raise InputError("row", "has more cells than the header has columns")
    if any("\n" in cell or "\r" in cell for cell in row.values()):
        raise InputError("row", "a cell holds a line break: is a quote left open?")
    return {**defaults, **{key: value for key, value in row.items() if value.strip()}}


def _make_folder(out_dir: Path) -> None:
    """``--out-dir`` is created when missing; it must be a folder."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError("--out-dir", f"{shown(out_dir)} is not a folder") from None
    except OSError as err:
        raise InputError("--out-dir", f"cannot make {shown(out_dir)}: {err.strerror or err}") from None
    if not out_dir.is_dir():
        raise InputError("--out-dir", f"{shown(out_dir)} is not a folder")


# Rows waiting to be rendered; module-level so forked workers inherit them instead of unpickling.
_JOBS: list[tuple[int, Any, Path]] = []
_READS: list[Path] = []  # the CSV: no output may be it


def _render_one(index: int) -> tuple[int, str | None]:
    line, options, out = _JOBS[index]
    try:
        make_sheet(options, out, option=_column, output_label=OUTPUT_COLUMN, reads=_READS)
    except InputError as err:
        return line, str(err)
    return line, None


def _render_all(jobs: list[tuple[int, Any, Path]], done: list[tuple[int, str | None]], csv_path: Path) -> None:
    """Render every job, appending (line, problem or None) to ``done`` as each finishes.

    WeasyPrint renders one page at a time on one core, so a batch spreads the sheets over
    worker processes. They are forked once the fonts, stylesheet and template are loaded, so
    they share them. Forking before the first sheet rather than after it keeps the second core
    busy from the start: about 0.13 s less for 100 sheets (four runs each way, side by side).
    ``make bench`` measures the whole batch.
    """
    _JOBS[:] = jobs
    _READS[:] = [csv_path]
    thresholds = gc.get_threshold()
    workers = min(os.cpu_count() or 1, len(jobs))
    try:
        load_shared_resources()
        # What is loaded now lives as long as the process: the garbage collector need not walk
        # it again (nor touch the workers' shared pages), and collecting less often saved
        # about 5% of each sheet's time (measured side by side, 20 sheets each).
        gc.freeze()
        gc.set_threshold(100_000, 50, 50)
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
            try:
                done.extend(pool.imap_unordered(_render_one, range(len(jobs)), chunksize=1))
                # Done: the workers are told to stop through their queue. Pool.terminate (what
                # `with Pool()` does) signals them instead, and a SIGTERM that lands just before a
                # worker blocks on the queue's lock is lost: that worker, and the batch, then wait
                # forever (seen once in the test suite).
                pool.close()
            except BaseException:
                pool.terminate()  # Ctrl-C, SIGTERM or a bug: stop the sheets being written now
                raise
            finally:
                pool.join()
        else:
            done.extend(_render_one(i) for i in range(len(jobs)))
    finally:
        _JOBS.clear()
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C to the main process, and ends cleanly when the pool stops it.

    SystemExit (not KeyboardInterrupt) unwinds the sheet being written, so its hidden temporary
    file is removed, and multiprocessing prints no traceback for it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _rows(reader: Any, source: str) -> Any:
    """(line number, {column: cell} or None if malformed) for each non-blank row; the header is checked first."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("--batch", f"{source} is empty") from None
    columns = [column_name(h) for h in header]
    allowed = _columns()
    for original, name in zip(header, columns, strict=True):
        if name not in allowed:
            raise InputError("--batch", f"unknown column {original!r}; allowed: {', '.join(sorted(allowed))}")
    if len(set(columns)) != len(columns):
        raise InputError("--batch", "a column appears twice in the header")
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num  # a quoted cell may span lines; report where the row starts
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            yield start, None  # more cells than columns: reported as a bad row
            continue
        yield start, dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))


def plain_file_name(name: str) -> str:
    """An output name must stay inside --out-dir: no folders, no hidden files."""
    name = name.strip()
    if "/" in name or "\\" in name or name.startswith(".") or not name or "\0" in name:
        raise InputError(OUTPUT_COLUMN, f"{name!r} must be a plain file name such as sheet-1.pdf")
    return name
