"""``handbook serve``: the patient sheet as a local web page (Starlette).

Routes: ``GET /`` the form page; ``POST /sheet`` the PDF; ``POST /preview`` its first page as a
PNG; ``POST /batch`` a zip of PDFs and a report; ``/static`` the page's CSS; ``/fonts`` its fonts.

What it promises (tests/test_serve_*.py check each): nothing a user sends is written to disk or to a
log (sheets render in memory; a FHIR order is read from memory; a regimen upload lives in a private
temporary folder only while it is read; the access log says the method, the path and the status, never
a query or a body); every response says ``Cache-Control: no-store``; the page loads nothing from elsewhere and runs no script
(Content-Security-Policy); a request above :data:`MAX_REQUEST_BYTES` is refused unread.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import time
import zipfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handbook import __version__
from handbook.model.errors import DosingDataError, InputError
from handbook.model.regimen import MAX_REGIMEN_FILE_BYTES
from handbook.project import FONTS_DIR, SHEET_STEM, TEMPLATES_DIR

from . import forms
from .pool import RENDER_SECONDS, Refused, Rendered, RenderPool, TimedOut, cpu_count, preview_available

TEMPLATE_DIR = TEMPLATES_DIR / "serve"
MAX_REQUEST_BYTES = 256_000  # a FHIR order (125 kB) and a regimen file (64 kB), or a batch CSV (100 kB), and the typed fields
MAX_FIELD_BYTES = 16_000  # one typed field; the sheet refuses text above 1,200 characters anyway
PROCESSES_ENV = "HANDBOOK_SERVE_PROCESSES"  # render processes for each server process (set by handbook serve)
# Only this server's own files; no script at all; no framing; forms post back here only.
CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
log = logging.getLogger("handbook.serve")


# -- the page -----------------------------------------------------------------------------------
@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # what a user typed is shown as text, never as markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(*, typed: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
                batch_error: str = "", notice: str = "", status: int = 200) -> HTMLResponse:
    """The form page; ``errors`` maps a field to its message ("" for the sheet as a whole)."""
    errors = dict(errors or {})
    groups = forms.form_groups()
    order = [f.name for group in groups for f in group.fields]
    first = next((name for name in order if name in errors), "")
    html = _environment().get_template("page.html.j2").render(
        groups=groups, typed=dict(typed or {}), errors=errors, first_error=first, batch_error=batch_error,
        notice=notice, preview=preview_available(), version=__version__,
        labels={f.name: f.label for group in groups for f in group.fields},
        limits={"csv": forms.MAX_WEB_CSV_BYTES, "rows": forms.MAX_WEB_ROWS,
                "seconds": RENDER_SECONDS},
    )
    return HTMLResponse(html, status_code=status)


async def home(request: Request) -> Response:
    return render_page()


# -- one sheet ----------------------------------------------------------------------------------
async def _read_form(request: Request, files: int) -> FormData:
    return await request.form(max_files=files, max_fields=len(forms.field_names()) + 4, max_part_size=MAX_FIELD_BYTES)


async def _upload(form: FormData, name: str) -> forms.Upload | None:
    item = form.get(name)
    if not isinstance(item, UploadFile):
        return None
    return forms.Upload(item.filename or "", await item.read())


async def _checked_sheet(request: Request) -> tuple[Any, dict[str, str], Response | None]:
    """(options, what was typed, None) or (None, typed, the page with the error beside its field)."""
    file_fields = forms.field_names("file")
    form = await _read_form(request, files=len(file_fields))
    typed = forms.typed_values((k, v) for k, v in form.multi_items() if isinstance(v, str))
    uploads = {name: upload for name in file_fields if (upload := await _upload(form, name)) is not None}
    await form.close()
    try:
        options = await run_in_threadpool(forms.check_sheet_form, typed, uploads)
    except DosingDataError:
        raise  # the project's own data is broken: a server error, not the user's
    except InputError as err:
        return None, typed, _refused(err, typed, uploads)
    return options, typed, None


def _refused(err: InputError, typed: Mapping[str, str], uploads: Mapping[str, forms.Upload]) -> HTMLResponse:
    field, message = forms.error_place(err)
    chosen = [forms.upload_name(u.filename, name) for name, u in uploads.items() if u.filename and name != field]
    notice = ""
    if chosen:
        notice = (f"Choose {', '.join(chosen)} again before you send the form: a browser does not keep a chosen "
                  "file when a page comes back.")
    return render_page(typed=typed, errors={field: message}, notice=notice, status=400)


async def sheet(request: Request) -> Response:
    return await _sheet_or_preview(request, preview=False)


async def preview(request: Request) -> Response:
    if not preview_available():
        return render_page(errors={"": "the preview needs the pypdfium2 and Pillow packages, which are not "
                                       "installed here; the PDF itself works"}, status=501)
    return await _sheet_or_preview(request, preview=True)


async def _sheet_or_preview(request: Request, *, preview: bool) -> Response:
    options, typed, refused = await _checked_sheet(request)
    if refused is not None:
        return refused
    outcome = await _pool(request).render(options, seconds=request.app.state.render_seconds, preview=preview)
    if isinstance(outcome, Refused):
        return _refused(outcome.error(), typed, {})
    if isinstance(outcome, TimedOut):
        return render_page(typed=typed, errors={"": _too_slow(outcome)}, status=503)
    assert isinstance(outcome, Rendered)
    if preview:
        return Response(outcome.png, media_type="image/png")
    name = f"{SHEET_STEM}-{options.paper}.pdf"  # never the patient's name: it would end up in a Downloads folder
    return Response(outcome.pdf, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _too_slow(outcome: TimedOut) -> str:
    return (f"the sheet was not ready within {outcome.seconds:g} seconds and was stopped; nothing was kept. "
            "Try again; if it happens again, the server is too busy")


def _pool(request: Request) -> RenderPool:
    return request.app.state.pool


# -- a batch ------------------------------------------------------------------------------------
async def batch(request: Request) -> Response:
    form = await _read_form(request, files=1)
    upload = await _upload(form, "batch")
    await form.close()
    if upload is None or not (upload.filename or upload.data):
        return render_page(batch_error="choose a CSV file with one row per sheet", status=400)
    try:
        plan = await run_in_threadpool(forms.plan_batch, upload)
    except InputError as err:
        return render_page(batch_error=err.message, status=400)
    pool = _pool(request)
    # At most one job per render process waits for this batch, so single sheets asked for
    # meanwhile are not queued behind hundreds of rows.
    slots = asyncio.Semaphore(pool.processes)

    async def one(options: Any) -> Any:
        async with slots:
            return await pool.render(options, seconds=request.app.state.render_seconds, batch=True)

    outcomes = await asyncio.gather(*(one(options) for _, options, _ in plan.jobs))
    messages = list(plan.messages)
    archive = io.BytesIO()
    made = 0
    with zipfile.ZipFile(archive, "w") as zipped:
        for (line, _, name), outcome in zip(plan.jobs, outcomes, strict=True):
            if isinstance(outcome, Rendered):
                zipped.writestr(zipfile.ZipInfo(name, date_time=time.localtime()[:6]), outcome.pdf)
                made += 1
            elif isinstance(outcome, Refused):
                messages.append((line, f"{plan.source} line {line}: {outcome.error()}"))
            else:
                messages.append((line, f"{plan.source} line {line}: {_too_slow(outcome)}"))
        report = [message for _, message in sorted(messages, key=lambda item: item[0])]
        report.append(f"made {made} of {plan.rows} sheets")
        zipped.writestr(forms.REPORT_NAME, "\n".join(report) + "\n")
    return Response(archive.getvalue(), media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{SHEET_STEM}s.zip"'})


# -- what every response passes through ---------------------------------------------------------
class RequestTooLargeError(Exception):
    pass


class Guard:
    """Around every route: the security headers, the request size limit, a path-only access log, and a
    500 that says nothing about the request (the exception's type is logged, never its message)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_guarded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_REQUEST_BYTES:
                    raise RequestTooLargeError
            return message

        try:
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
                raise RequestTooLargeError
            await self.app(scope, receive_limited, send_guarded)
        except RequestTooLargeError:
            if not status:
                await _too_large()(scope, receive, send_guarded)
        except Exception as err:  # noqa: BLE001  a bug: answer 500 and log its type only, never the data
            log.error("%s %s: %s", scope["method"], scope["path"], type(err).__name__)
            if not status:
                await PlainTextResponse("Internal error: nothing was kept. Please try again.",
                                        status_code=500)(scope, receive, send_guarded)
        finally:
            # The path only: no query string, no client address, never a body.
            log.info("%s %s %s", scope["method"], scope["path"], status)


def _too_large() -> HTMLResponse:
    return render_page(errors={"": (f"the form sent more than {MAX_REQUEST_BYTES:,} bytes, the most this server "
                                    f"takes: a FHIR order may have {forms.MAX_WEB_ORDER_BYTES:,} bytes, a regimen file "
                                    f"{MAX_REGIMEN_FILE_BYTES:,} and a batch CSV {forms.MAX_WEB_CSV_BYTES:,}")}, status=413)


# -- the app ------------------------------------------------------------------------------------
def create_app(*, processes: int | None = None, render_seconds: float = RENDER_SECONDS) -> Starlette:
    """The web app; ``processes`` render processes (default: one per CPU), each sheet within ``render_seconds``."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = RenderPool(processes or cpu_count())
        try:
            await pool.start()
            app.state.pool = pool
            yield
        finally:
            await run_in_threadpool(pool.close)

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/sheet", sheet, methods=["POST"]),
            Route("/preview", preview, methods=["POST"]),
            Route("/batch", batch, methods=["POST"]),
            Mount("/static", StaticFiles(directory=TEMPLATE_DIR / "static"), name="static"),
            Mount("/fonts", StaticFiles(directory=FONTS_DIR / "source-sans-3"), name="fonts"),
        ],
        lifespan=lifespan,
    )
    app.state.render_seconds = render_seconds
    app.add_middleware(Guard)
    return app


def app_from_env() -> Starlette:
    """The factory ``handbook serve`` gives uvicorn (one call in each server process)."""
    processes = os.environ.get(PROCESSES_ENV, "")
    return create_app(processes=int(processes) if processes.isdigit() else None)
