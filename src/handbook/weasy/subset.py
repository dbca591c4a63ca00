"""Fast font subsetting on a machine without Debian's ``libharfbuzz-subset0``.

WeasyPrint cuts each embedded font down to the glyphs a PDF uses. It does that with the system's
HarfBuzz subsetter when it finds one, and otherwise with fontTools, warning each time. Side by side
in one run (``make bench``), the fontTools route made a patient sheet about 2.4x slower.

The ``uharfbuzz`` wheel from PyPI carries the same HarfBuzz subsetter. Where WeasyPrint found no
system subsetter, :func:`install` makes its ``Font.subset`` run the two HarfBuzz passes WeasyPrint 70
makes itself (``Font._harfbuzz_subset`` in ``weasyprint/pdf/fonts.py``: keep the used glyphs with
their ids, then drop the unused ones after the last) through uharfbuzz instead. Where the system
subsetter is present nothing changes.

Retire this when WeasyPrint requires HarfBuzz's subsetter and drops the fontTools route
(Kozea/WeasyPrint pull request #2885, open, waiting for April 2027) or subsets with uharfbuzz
itself (suggested in pull request #2713).
"""

from __future__ import annotations

from typing import Any

# The tables WeasyPrint 70 drops from every subset font: layout and bitmap tables a PDF never reads.
DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")

_installed = False


def fast_subsetter_available() -> bool:
    """Whether PDFs get HarfBuzz's subsetter: the system's library, or the uharfbuzz wheel (cheap to ask)."""
    import importlib.util

    from .libraries import harfbuzz_subset_available

    return harfbuzz_subset_available() or importlib.util.find_spec("uharfbuzz") is not None


def system_subsetter_found() -> bool:
    """Whether WeasyPrint found HarfBuzz's own subsetter library (call after WeasyPrint is imported)."""
    from weasyprint.pdf import fonts

    return fonts.harfbuzz_subset is not None


def install() -> bool:
    """Route WeasyPrint's fontTools fallback through uharfbuzz; True when the route is in use."""
    global _installed
    if _installed:
        return True
    if system_subsetter_found():
        return False
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:  # not installed: WeasyPrint's own fontTools fallback stays
        return False
    from weasyprint.pdf.fonts import Font

    Font.subset = _subset
    _installed = True
    return True


def _subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """``weasyprint.pdf.fonts.Font.subset``, with HarfBuzz's subsetter from the uharfbuzz wheel."""
    import uharfbuzz as hb

    if not to_unicode:
        return
    flags = hb.SubsetFlags
    notdef = flags.NOTDEF_OUTLINE if font.missing else flags.DEFAULT

    used = hb.SubsetInput()
    used.glyph_set.update(sorted(to_unicode))
    used.flags = flags.RETAIN_GIDS | flags.PASSTHROUGH_UNRECOGNIZED | flags.DESUBROUTINIZE | notdef
    used.drop_table_tag_set.update(_tag(name) for name in DROPPED_TABLES)

    trimmed = hb.SubsetInput()  # glyph ids stay; the empty ones after the last used glyph go
    trimmed.glyph_set.update(range(max(to_unicode) + 1))
    trimmed.flags = (flags.PASSTHROUGH_UNRECOGNIZED | flags.DESUBROUTINIZE | notdef
                     | (flags.DEFAULT if hinting else flags.NO_HINTING))
    try:
        face = hb.subset(hb.Face(hb.Blob(font.file_content), font.index), used)
        data = hb.subset(face, trimmed).blob.data
    except RuntimeError:  # as WeasyPrint does when HarfBuzz cannot subset: keep the whole font
        return
    if data:
        font.file_content = bytes(data)


def _tag(name: str) -> int:
    """An OpenType table tag as HarfBuzz's 32-bit number (``hb_tag_from_string``)."""
    return int.from_bytes(name.encode("ascii"), "big")
