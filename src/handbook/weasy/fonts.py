"""A WeasyPrint font configuration that leaves no font folder behind.

WeasyPrint copies every ``@font-face`` font into a temporary folder (2.5 MB for the handbook's
faces) and removes it only when the ``FontConfiguration`` is garbage-collected, which interpreter
exit does not promise (WeasyPrint #2090, open; a public ``cleanup()`` was proposed in #2625 and
closed unmerged). :func:`font_configuration` removes the folder when the process ends normally,
and :func:`remove_font_folders` lets a signal handler remove it too. The folder's attribute
name, ``_folder``, is WeasyPrint's private detail (checked on 70.0).
"""

from __future__ import annotations

import atexit
import shutil
from typing import Any

from . import load

_CONFIGS: list[Any] = []


def font_configuration() -> Any:
    """A new ``weasyprint.text.fonts.FontConfiguration`` whose folder is removed at exit."""
    load()
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    if not _CONFIGS:
        atexit.register(remove_font_folders)
    _CONFIGS.append(config)
    return config


def remove_font_folders() -> None:
    """Remove the font folders of every configuration made here (idempotent)."""
    for config in _CONFIGS:
        folder = getattr(config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
