"""The renderer reads only the project's own files: each refusal, tried for real with WeasyPrint."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from handbook.weasy.fetcher import FatalRefusalError, RefusedURLError, SafeFetcher


@pytest.fixture
def sandbox(tmp_path):
    root = tmp_path / "allowed"
    root.mkdir()
    (root / "ok.css").write_text("p { color: red }", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (root / "escape.css").symlink_to(outside)
    return root, outside


@pytest.mark.parametrize("url", [
    "https://example.org/style.css",
    "http://127.0.0.1:9/x.png",
    "ftp://example.org/x",
    "file:///etc/passwd",
    "file://otherhost/etc/passwd",
    "file:///dev/urandom",
])
def test_refuses_network_and_system_files(sandbox, url):
    root, _ = sandbox
    with pytest.raises(RefusedURLError):
        SafeFetcher([root]).fetch(url)


def test_refuses_a_symlink_or_dotdot_leading_outside(sandbox):
    root, _ = sandbox
    fetcher = SafeFetcher([root])
    with pytest.raises(RefusedURLError, match="outside"):
        fetcher.fetch((root / "escape.css").as_uri())
    with pytest.raises(RefusedURLError, match="outside"):
        fetcher.fetch(root.as_uri() + "/../secret.txt")
    with pytest.raises(RefusedURLError, match="regular file"):
        fetcher.fetch(root.as_uri())


def test_serves_files_inside_and_data_uris(sandbox):
    root, _ = sandbox
    fetcher = SafeFetcher([root])
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_strict_mode_stops_a_real_render_that_reaches_out(sandbox):
    root, _ = sandbox
    page = '<html lang="en"><title>t</title><img src="https://example.org/x.png" alt="x"></html>'
    fetcher = SafeFetcher([root], strict=True)
    with pytest.raises(FatalRefusalError):
        HTML(string=page, base_url=str(root / "index.html"), url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == ["https://example.org/x.png"]


def test_css_import_and_background_outside_are_refused_in_a_render(sandbox):
    root, outside = sandbox
    page = (f'<html lang="en"><title>t</title><style>@import url("{outside.as_uri()}");'
            f'p {{ background: url(file:///etc/hostname) }}</style><p>x</p></html>')
    fetcher = SafeFetcher([root])
    HTML(string=page, base_url=str(root / "index.html"), url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted([outside.as_uri(), "file:///etc/hostname"])
