"""Where things live. The package is installed editable from the repository, so paths are repo-relative."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parents[1]
SOURCE_DIR = ROOT / "source"
DOSING_DATA = SOURCE_DIR / "_data" / "dosing.toml"
BIBFILE = ROOT / "references.bib"
TEMPLATES_DIR = ROOT / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"


def build_dir() -> Path:
    """The output folder: ``build/`` at the root, or ``$HANDBOOK_BUILD_DIR`` (tests build elsewhere)."""
    return Path(os.environ.get("HANDBOOK_BUILD_DIR") or ROOT / "build").resolve()
