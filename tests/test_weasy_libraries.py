"""handbook.weasy.libraries: WeasyPrint loads the same libraries, without running gcc or ld to find them."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from handbook.weasy.libraries import _ldconfig_listing, harfbuzz_subset_available, library_finder, quick_library_lookup

# What WeasyPrint 70 asks find_library for: the names ldconfig knows, and names no system has.
FOUND = ("gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0")
NOT_FOUND = ("libgobject-2.0-0", "pango-1.0-0", "libharfbuzz-vector.0.dylib", "libfontconfig-1.dll")

needs_ldconfig = pytest.mark.skipif(_ldconfig_listing() is None, reason="no /sbin/ldconfig -p here: nothing to speed up")


@needs_ldconfig
@pytest.mark.parametrize("name", FOUND + NOT_FOUND)
def test_quick_lookup_answers_like_find_library(name: str) -> None:
    quick = library_finder(_ldconfig_listing() or b"")
    assert quick(name) == ctypes.util.find_library(name)


def test_find_library_is_restored_even_after_an_error() -> None:
    original = ctypes.util.find_library
    with pytest.raises(RuntimeError), quick_library_lookup():
        raise RuntimeError("a failed import")
    assert ctypes.util.find_library is original


@needs_ldconfig
def test_loading_weasyprint_runs_ldconfig_once_and_never_gcc_or_ld() -> None:
    # A fresh interpreter, so WeasyPrint really loads; every program it starts is recorded.
    script = """
import json, subprocess, sys
started = []
real = subprocess.Popen.__init__
def record(self, args, *rest, **kwargs):
    started.append(args if isinstance(args, str) else " ".join(map(str, args)))
    real(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = record
import handbook.weasy.fetcher
import weasyprint.text.ffi as ffi
print(json.dumps({"started": started, "subset": ffi.harfbuzz_subset is not None}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["started"] == ["/sbin/ldconfig -p"]
    # Found whenever the system has it (Debian's libharfbuzz-subset0); else WeasyPrint uses fontTools.
    assert result["subset"] == harfbuzz_subset_available(), "the quick lookup missed HarfBuzz's subsetter"
