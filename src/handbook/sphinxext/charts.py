"""Charts drawn from the dosing data as plain SVG (no plotting library, byte-stable output)."""

from __future__ import annotations

from html import escape

from handbook.model.dosing import ROUTE_NAMES, DosingData
from handbook.model.units import format_quantity


def route_equivalents_svg(data: DosingData) -> tuple[str, str]:
    """A horizontal bar chart of the dose by route equal to the standard IV dose; returns (svg, alt text)."""
    equivalents = data.route_equivalents_mg
    biggest = max(equivalents.values())
    width, label_w, bar_h, gap, top = 640, 130, 34, 14, 10
    plot_w = width - label_w - 90
    height = top + len(equivalents) * (bar_h + gap)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
         f'width="{width}" height="{height}" font-family="&quot;Source Sans 3&quot;, sans-serif" font-size="18">')
    ]
    for i, (route, mg) in enumerate(equivalents.items()):
        y = top + i * (bar_h + gap)
        w = float(mg / biggest) * plot_w
        name = escape(ROUTE_NAMES[route].capitalize())
        parts.append(f'<text x="{label_w - 10}" y="{y + bar_h * 0.68:.1f}" text-anchor="end" fill="#1a1a1a">{name}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#2f5d8a"/>')
        parts.append(f'<text x="{label_w + w + 8:.1f}" y="{y + bar_h * 0.68:.1f}" fill="#1a1a1a">'
                     f'{escape(format_quantity(mg, "mg"))}</text>')
    parts.append("</svg>")
    described = "; ".join(f"{ROUTE_NAMES[r]} {format_quantity(mg, 'mg')}" for r, mg in equivalents.items())
    alt = (f"Bar chart: dose by route equal to {format_quantity(data.section('iv')['dose_mg_per_kg'], 'mg/kg')} "
           f"IV for a {format_quantity(data.weight_kg, 'kg')} patient: {described}.")
    return "\n".join(parts), alt
