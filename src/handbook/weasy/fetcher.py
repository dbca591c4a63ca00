"""A WeasyPrint URL fetcher that reads only the project's own files.

The renderer must fetch nothing from the network and no file outside the folders it is
given (the build output and the package's assets). Every other request is refused and
logged by WeasyPrint as a failed fetch; with ``strict=True`` it stops the render.
It is built on WeasyPrint's public ``URLFetcher`` class (new in 68), so nothing here needs retiring.
"""

from __future__ import annotations

import base64
import mimetypes
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from . import load

load()  # before the import below, which would otherwise load WeasyPrint the slow way

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class RefusedURLError(ValueError):
    """A URL the fetcher will not open; the message says why."""


class FatalRefusalError(FatalURLFetchingError):
    """Raised instead of RefusedURLError in strict mode, so WeasyPrint aborts the render."""


class SafeFetcher(URLFetcher):
    """Serve ``data:`` URIs and regular files inside ``roots``; refuse everything else."""

    def __init__(self, roots: Iterable[Path | str], *, strict: bool = False) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.strict = strict
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except RefusedURLError as err:
            self.refused.append(url)
            if self.strict:
                raise FatalRefusalError(str(err)) from None
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return _data_response(url)
        if scheme != "file":
            raise RefusedURLError(f"refused {url!r}: only the project's own files may be read")
        parsed = urllib.parse.urlsplit(url)
        if parsed.netloc not in ("", "localhost"):
            raise RefusedURLError(f"refused {url!r}: a file URL may not name a host")
        path = Path(urllib.parse.unquote(parsed.path)).resolve()  # follows symlinks and ".."
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURLError(f"refused {url!r}: outside the allowed folders")
        if not path.is_file():
            raise RefusedURLError(f"refused {url!r}: not a regular file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            mime = "font/woff2"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime})


def _data_response(url: str) -> URLFetcherResponse:
    header, _, payload = url[len("data:"):].partition(",")
    params = header.split(";")
    mime = params[0] or "text/plain"
    body = base64.b64decode(payload) if "base64" in params[1:] else urllib.parse.unquote_to_bytes(payload)
    return URLFetcherResponse(url[:64], body=body, headers={"Content-Type": mime})
