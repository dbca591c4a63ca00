"""Render the PDF in a second process, which loads WeasyPrint while Sphinx runs in this one.

Loading WeasyPrint takes about 0.3 s (``handbook.weasy.libraries``; 0.55 s with a plain import). The
PDF step cannot start before Sphinx has written the page, but the loading can: a child forked
before Sphinx starts loads it on the other core, then waits for the one job it will get.
Without ``fork`` (or with one core) the render simply happens here.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from handbook.weasy.fonts import remove_font_folders

from .render import ChapterPdf, RenderReport, render_pdf


class WarmRenderer:
    """``with WarmRenderer() as renderer:``, then ``submit(html, pdf, allowed_roots=[...])``,
    other work in this process, and ``result()``: the render goes on meanwhile on the other core.
    """

    def __init__(self) -> None:
        self._process: Any = None
        self._connection: Connection | None = None
        self._job: tuple[Path, Path, list[Path], tuple[ChapterPdf, ...]] | None = None

    def __enter__(self) -> Self:
        if (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._connection, child_end = context.Pipe()
            self._process = context.Process(target=_serve, args=(child_end,), daemon=True,
                                            name="handbook-pdf")
            self._process.start()
            child_end.close()
        return self

    def submit(self, print_html: Path, target: Path, *, allowed_roots: list[Path],
               chapters: tuple[ChapterPdf, ...] = ()) -> None:
        """Start the render; :meth:`result` waits for it."""
        self._job = (print_html, target, allowed_roots, chapters)
        if self._connection is not None:
            self._connection.send(self._job)

    def result(self) -> RenderReport:
        """The report of the submitted render; raises what the render raised."""
        if self._job is None:
            raise RuntimeError("result() before submit()")
        if self._connection is None:
            print_html, target, allowed_roots, chapters = self._job
            return render_pdf(print_html, target, allowed_roots=allowed_roots, chapters=chapters)
        try:
            ok, value = self._connection.recv()
        except EOFError:
            raise RuntimeError(f"the PDF renderer process ended without a result "
                               f"(exit code {self._process.exitcode})") from None
        if not ok:
            raise value
        return value

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._connection is not None:
            self._connection.close()  # the child's recv() ends: it exits
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()


def _serve(connection: Connection) -> None:
    from handbook.weasy import fetcher  # noqa: F401  the point of this process: load WeasyPrint while Sphinx runs

    try:
        job = connection.recv()
    except EOFError:
        return  # the build failed before the PDF step
    print_html, target, allowed_roots, chapters = job
    try:
        result: tuple[bool, Any] = (True, render_pdf(print_html, target, allowed_roots=allowed_roots,
                                                     chapters=chapters))
    except Exception as error:  # noqa: BLE001  any failure is handed to the parent, which raises it
        result = (False, error)
    finally:
        remove_font_folders()  # a forked child ends without running atexit handlers
    try:
        connection.send(result)
    except (pickle.PicklingError, TypeError, AttributeError):
        connection.send((False, RuntimeError(f"{type(result[1]).__name__}: {result[1]}")))
