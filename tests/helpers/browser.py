"""Helpers for the real-reader tests: a local web server, headless Chromium and axe-core."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = TESTS / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# Exactly the flags, plus no QUIC; the profile folder is added per run.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic")
# In CI a missing browser is a failure, not a skip (.ci/run sets this).
REQUIRE_ENV = "HANDBOOK_REQUIRE_BROWSER"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, with the command that fixes it; None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed: pip install -e '.[test]'"
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return "Chromium is missing: apt-get install chromium chromium-driver"
    if not AXE_JS.exists():
        return "axe-core is missing: npm ci --prefix tests/browser (needs nodejs and npm)"
    return None


PHONE = (390, 844)  # the widths every page is checked at, with a screen height each
DESKTOP = (1280, 900)


def browser_marks(missing: str | None) -> list[pytest.MarkDecorator]:
    """A browser test module's ``pytestmark``, decided at collection: skipped with ``missing``'s one line
    where the browser is not installed, unless CI promised it (then the fixtures fail instead)."""
    return [pytest.mark.browser, pytest.mark.skipif(bool(missing) and not os.environ.get(REQUIRE_ENV),
                                                    reason=missing or "")]


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail when the environment promised the tools (CI)."""
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set, so this is a failure)")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def start_chromium(profile: Path):  # -> selenium.webdriver.Chrome
    """Debian's Chromium through Debian's chromedriver: Selenium Manager never downloads anything."""
    # Imported here: Selenium is optional until missing_browser() has said it is installed.
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def set_viewport(driver, width: int, height: int, *, mobile: bool) -> None:
    """An exact CSS viewport (a window size would include the browser's own frame)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def set_color_scheme(driver, scheme: str) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


_AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, arguments[0])
  .then(r => done({
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.map(n => n.target.join(' '))})),
    ran: [...r.passes, ...r.violations, ...r.incomplete].map(v => v.id),
    incomplete: r.incomplete.map(v => ({id: v.id, count: v.nodes.length})),
  }))
  .catch(e => done({error: String(e)}));
"""


def run_axe(driver, axe_source: str, options: dict | None = None) -> dict:
    """axe-core inside the loaded page; returns violations (id, impact, nodes), the rules that ran, incompletes."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(axe_source)
    result = driver.execute_async_script(_AXE_RUN, options or {})
    if "error" in result:
        raise AssertionError(f"axe-core failed in {driver.current_url}: {result['error']}")
    return result


def site_pages(html_dir: Path) -> list[str]:
    """Every built HTML page, relative to the site root (Sphinx's own folders such as _static left out)."""
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if not any(part.startswith("_") for part in rel.parts[:-1]):
            pages.append(rel.as_posix())
    return pages


def squash(text: str) -> str:
    """Whitespace collapsed, case folded: for comparing a page's text with a PDF's."""
    return " ".join(text.split()).casefold()
