"""The processes that render the web app's sheets, each render with a time limit.

WeasyPrint lays a page out on one core and holds the GIL, so the sheets are rendered in worker
processes, not threads: a busy render never stalls the server, and the renders use every core.
The workers are forked from a fork server (``multiprocessing``'s "forkserver") that has loaded
the fonts and stylesheet once (:mod:`.preload`): forking from the server itself, which runs
threads, would not be safe.

The time limit is kept inside the worker: an interval timer interrupts the render after
:data:`RENDER_SECONDS` and the worker answers :class:`TimedOut`, then takes the next sheet. The
server waits at most :data:`WAIT_SECONDS` for a sheet, queue included, and then answers "busy".
"""

from __future__ import annotations

import asyncio
import gc
import io
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.util import find_spec
from types import FrameType

from handbook.model.errors import InputError
from handbook.sheet.options import SheetOptions, cli_option

RENDER_SECONDS = 10.0  # a sheet takes about 0.1 s of CPU; 100 times that is a stuck render
WAIT_SECONDS = 60.0  # the longest a request waits for its sheet, time in the queue included
PREVIEW_DPI = 96  # the preview's resolution: a Letter page is 816 x 1056 pixels


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    png: bytes = b""  # the first page, when a preview was asked for


@dataclass(frozen=True)
class Refused:
    """The sheet cannot be made as asked (it would need a second page): the CLI's message."""

    label: str
    message: str

    def error(self) -> InputError:
        return InputError(self.label, self.message)


@dataclass(frozen=True)
class TimedOut:
    seconds: float


Outcome = Rendered | Refused | TimedOut


class RenderTimeoutError(Exception):
    """Raised inside a worker by its interval timer."""


def preview_available() -> bool:
    """The PNG preview needs pypdfium2 and Pillow (see the README)."""
    return find_spec("pypdfium2") is not None and find_spec("PIL") is not None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# -- in a worker --------------------------------------------------------------------------------
def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise RenderTimeoutError


def _worker_ready() -> None:
    """Each worker: Ctrl-C is the server's business; resources are loaded (a no-op after the preload)."""
    from handbook.sheet.render import load_shared_resources

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    load_shared_resources()
    gc.set_threshold(100_000, 50, 50)  # as the batch does: about 5% less time a sheet


def _ping() -> int:
    return os.getpid()


def render_job(options: SheetOptions, preview: bool, seconds: float, batch: bool = False) -> Outcome:
    """Render one sheet in memory, within ``seconds``; a batch row's messages name its CSV column."""
    from handbook.sheet.render import sheet_pdf_bytes

    from .forms import batch_column

    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        pdf = sheet_pdf_bytes(options, option=batch_column if batch else cli_option)
        png = preview_png(pdf) if preview else b""
    except InputError as err:
        return Refused(err.label, err.message)
    except RenderTimeoutError:
        return TimedOut(seconds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return Rendered(pdf, png)


def preview_png(pdf: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """The first page of ``pdf`` as a PNG, drawn by pdfium (Chromium's PDF engine) from those very bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# -- in the server ------------------------------------------------------------------------------
class RenderPool:
    """``processes`` workers; :meth:`render` waits for one sheet without blocking the event loop."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.preload"])
        self._executor = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_worker_ready)

    async def start(self) -> None:
        """Start every worker now, so the first requests do not wait for them."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _ping) for _ in range(self.processes)))

    async def render(self, options: SheetOptions, *, seconds: float = RENDER_SECONDS, preview: bool = False,
                     batch: bool = False) -> Outcome:
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._executor, render_job, options, preview, seconds, batch)
        try:
            return await asyncio.wait_for(job, WAIT_SECONDS)
        except (TimeoutError, RenderTimeoutError):  # the queue was too long, or the timer fired at the very end
            return TimedOut(seconds)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
