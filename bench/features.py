"""Copies of the print document with one print feature switched off (or on), to time what each costs.

The real stylesheet is only read. Each variant is the print HTML with its stylesheet link
pointed at a copy of the CSS (font URLs made absolute) and one extra ``<style>`` at the end
of ``<head>``, so its rules come last in the cascade. Every variant is rendered the way the
floor is, by WeasyPrint alone, so the difference from the floor is the feature's cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from handbook.project import FONTS_DIR, TEMPLATES_DIR

PRINT_CSS = TEMPLATES_DIR / "book" / "handbook.css"  # handbook.book.render.PRINT_CSS, without importing WeasyPrint here

# WeasyPrint alone: the floor. argv: HTML OUT.pdf [PDF_VARIANT]
FLOOR_CODE = (
    "import sys, weasyprint\n"
    "kw = {'pdf_variant': sys.argv[3]} if len(sys.argv) > 3 else {}\n"
    "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], **kw)\n"
)


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    css: str = ""  # appended rules; empty means the document as built
    pdf_variant: str = ""  # e.g. pdf/ua-1 (tags)
    shipped: bool = True  # False: a feature we do not ship, measured to show why


VARIANTS = (
    Variant("tags", "+ tags (PDF/UA-1), as we ship", pdf_variant="pdf/ua-1"),
    Variant("no-toc-pages", "− contents page numbers (target-counter in the contents)",
            ".toc-link::after { content: none; }"),
    Variant("no-toc-leaders", "− dot leaders in the contents (page numbers kept)",
            '.toc-link::after { content: "  " target-counter(attr(href url), page); }'),
    Variant("no-margin-boxes", "− running heads and “page X of Y” (margin boxes)",
            "@page { @top-left { content: none; } @top-right { content: none; } "
            "@bottom-left { content: none; } @bottom-right { content: none; } }\n"
            "@page :left, :right { @bottom-left { content: none; } }"),
    Variant("no-bookmarks", "− PDF bookmarks", "h1, h2, h3, h4, h5, h6 { bookmark-level: none; }"),
    Variant("intext-pages", "+ “(p. N)” after every in-text link (not shipped)",
            'main a.reference.internal::after { content: " (p. " target-counter(attr(href url), page) ")"; }',
            shipped=False),
)

_LINK = re.compile(r'<link rel="stylesheet" href="[^"]*handbook\.css">')


def css_copy(source_css: Path = PRINT_CSS) -> str:
    """The print stylesheet with its font URLs made absolute, so the copy works from any folder."""
    text = source_css.read_text(encoding="utf-8")
    return text.replace("url(../fonts/", f"url({FONTS_DIR.as_uri()}/")


def write_variant(print_html: Path, variant: Variant, folder: Path) -> Path:
    """Write ``folder/<key>.html`` (and its CSS) and return the HTML's path."""
    folder.mkdir(parents=True, exist_ok=True)
    css = folder / "handbook.css"
    if not css.exists():
        css.write_text(css_copy(), encoding="utf-8")
    html = print_html.read_text(encoding="utf-8")
    html, links = _LINK.subn(f'<link rel="stylesheet" href="{css.as_uri()}">', html, count=1)
    if links != 1:
        raise ValueError(f"no link to handbook.css in {print_html}")
    if variant.css:
        html = html.replace("</head>", f"<style>/* bench variant: {variant.key} */\n{variant.css}</style>\n</head>", 1)
    target = folder / f"{variant.key}.html"
    target.write_text(html, encoding="utf-8")
    return target
