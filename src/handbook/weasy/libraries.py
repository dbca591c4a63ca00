"""Import WeasyPrint without its slow search for Pango and HarfBuzz.

WeasyPrint opens each native library by trying a list of names. cffi hands every name that is
it cannot open directly to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``
and, when that fails, gcc and then ld (WeasyPrint issue #1125). Here 16 of the 22 names it tries
fail, and timing each call put the search at 0.21 s of a 0.54 s ``import weasyprint``: a cost
every ``handbook sheet`` paid.

While WeasyPrint loads, :func:`quick_library_lookup` answers those look-ups from one reading of
``ldconfig -p``, as find_library's first step would, and skips the gcc and ld fallbacks. A name
it cannot place costs nothing: WeasyPrint's list ends with each library's full file name
(``libpango-1.0.so.0``), which the system loader opens directly.

Retire this when WeasyPrint stops handing unresolvable names to find_library (issue #1125, open),
or when cffi resolves names itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

LDCONFIG = "/sbin/ldconfig"


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can use HarfBuzz's fast font subsetter (Debian's libharfbuzz-subset0)."""
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


@contextlib.contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Replace ``ctypes.util.find_library`` inside the block; restore it after."""
    import ctypes.util

    listing = _ldconfig_listing() if sys.platform.startswith("linux") else None
    if listing is None:  # not Linux, or no ldconfig: keep the standard search
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = library_finder(listing)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def library_finder(listing: bytes) -> Callable[[str], str | None]:
    """find_library's ldconfig step, on a listing read once: ``"pango-1.0"`` → ``"libpango-1.0.so.0"``."""

    def find_library(name: str) -> str | None:
        # An ldconfig -p line: "\tlibpango-1.0.so.0 (libc6,x86-64) => /usr/lib/.../libpango-1.0.so.0"
        found = re.search(rb"\s(lib%s\.[^\s]+)\s+\(" % re.escape(os.fsencode(name)), listing)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


def _ldconfig_listing() -> bytes | None:
    try:
        result = subprocess.run([LDCONFIG, "-p"], capture_output=True, env={"LC_ALL": "C", "LANG": "C"},
                                check=False, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 and result.stdout else None
