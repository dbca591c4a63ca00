"""The one door to WeasyPrint: the handbook touches WeasyPrint's internals only through this package.

:func:`load` imports WeasyPrint, checks that its version is one these touches were tested on, and
installs the fixes that patch WeasyPrint's own code (:mod:`.linebreak`, :mod:`.subset`). Every module here
that reaches past WeasyPrint's public API says which upstream issue or change would retire it:

* :mod:`.libraries`: WeasyPrint found without running gcc and ld (WeasyPrint #1125);
* :mod:`.subset`: HarfBuzz's font subsetter from PyPI where the system has none (WeasyPrint #2885);
* :mod:`.linebreak`: a word stranded on its own line when a run exactly fills it;
* :mod:`.uastyles`: a short user-agent stylesheet instead of the full HTML5 one (the sheet);
* :mod:`.fonts`: the font folder WeasyPrint leaves in the temporary directory (WeasyPrint #2090);
* :mod:`.artifacts`: running heads and page numbers marked ``/Artifact`` (WeasyPrint #1836);
* :mod:`.framestack`: deep layout recursion without CPython remapping frame memory (CPython gh-142183);
* :mod:`.fetcher`: the URL fetcher that reads only the project's own files (public API).

Importing this package is cheap: WeasyPrint itself loads on the first :func:`load`.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

# WeasyPrint versions the touches above were written and tested on (the lock file pins one of them).
TESTED_VERSIONS = ("70.",)
# Set to 1 to try an untested WeasyPrint anyway (the touches may then do nothing, or fail).
UNTESTED_ENV = "HANDBOOK_ALLOW_UNTESTED_WEASYPRINT"
PDF_VARIANT = "pdf/ua-1"


class UntestedWeasyPrintError(RuntimeError):
    """The installed WeasyPrint is not a version the workarounds here were tested on."""


def load() -> ModuleType:
    """``import weasyprint`` quickly, check its version, install :mod:`.linebreak` and :mod:`.subset`."""
    from . import libraries, linebreak, subset

    if "weasyprint" not in sys.modules:
        with libraries.quick_library_lookup():
            import weasyprint
    weasyprint = sys.modules["weasyprint"]
    check_version(weasyprint.__version__)
    linebreak.install()
    subset.install()
    return weasyprint


def check_version(version: str) -> None:
    """Refuse a WeasyPrint the private touches were not tested on, unless told to try it."""
    if version.startswith(TESTED_VERSIONS) or os.environ.get(UNTESTED_ENV) == "1":
        return
    tested = ", ".join(f"{v}x" for v in TESTED_VERSIONS)
    raise UntestedWeasyPrintError(
        f"WeasyPrint {version} is installed, but the handbook's WeasyPrint workarounds were tested on "
        f"{tested} only: run `make` to install the locked version, or set {UNTESTED_ENV}=1 to try this one")
