"""Tables and the chart that are drawn from the dosing data at build time.

* ``{titration-steps}``: the intranasal titration, the same steps the patient sheet prints.
* ``{route-equivalents}``: the dose by route that matches the standard IV dose.
* ``{dose-chart}``: a bar chart of those equivalents, an SVG image with alt text.
"""

from __future__ import annotations

import base64

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from handbook.model.dosing import ROUTE_NAMES, DosingData
from handbook.model.units import format_number, format_quantity, plural
from handbook.sphinxext.charts import route_equivalents_svg

from .facts import dosing_for


def make_table(headers: list[str], rows: list[list[str]], *, classes: list[str], caption: str) -> nodes.table:
    table = nodes.table(classes=classes)
    table += nodes.title("", caption)
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head = nodes.thead()
    group += head
    head += _row(headers)
    body = nodes.tbody()
    group += body
    body.extend(_row(cells) for cells in rows)
    return table


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        row += nodes.entry("", nodes.paragraph("", text))
    return row


def titration_rows(data: DosingData) -> list[list[str]]:
    """One row a step: what the patient does, with dose in mg and in sprays; shared with the sheet's test."""
    reg = data.regimen
    rows = []
    for step in reg.steps:
        if step.sprays == 1:
            how = "One spray in one nostril"
        else:
            how = (f"{plural(step.sprays, 'spray')}, alternating nostrils, "
                   f"{format_quantity(step.wait_between_sprays_minutes, 'minutes')} apart")
        rows.append([
            f"Day {step.day}: {step.name.lower()}",
            format_quantity(step.dose_mg, "mg"),
            how,
            data.derived(f"step.{step.key}.watch"),
        ])
    return rows


class TitrationSteps(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        data = dosing_for(self.env)
        reg = data.regimen
        caption = (f"Intranasal titration with the compounded spray "
                   f"({format_quantity(reg.concentration_mg_per_ml, 'mg/mL')}, "
                   f"{format_quantity(reg.volume_ml_per_spray, 'mL')} a spray = "
                   f"{format_quantity(reg.mg_per_spray, 'mg')} a spray)")
        table = make_table(["Step", "Dose", "How", "Then watch"], titration_rows(data),
                           classes=["titration-steps"], caption=caption)
        self.set_source_info(table)
        return [table]


class RouteEquivalents(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        data = dosing_for(self.env)
        fractions = data.section("bioavailability")
        rows = [
            [ROUTE_NAMES[route].capitalize(), format_number(fractions[route] * 100) + "%", format_quantity(mg, "mg")]
            for route, mg in data.route_equivalents_mg.items()
        ]
        caption = (f"Doses that deliver as much ketamine as "
                   f"{format_quantity(data.section('iv')['dose_mg_per_kg'], 'mg/kg')} IV "
                   f"for a {format_quantity(data.weight_kg, 'kg')} patient")
        table = make_table(["Route", "Relative bioavailability", "Equivalent dose"], rows,
                           classes=["route-equivalents"], caption=caption)
        self.set_source_info(table)
        return [table]


class DoseChart(SphinxDirective):
    """A figure with the SVG inlined as a data URI: no generated file in the source tree, one request fewer."""

    def run(self) -> list[nodes.Node]:
        data = dosing_for(self.env)
        svg, alt = route_equivalents_svg(data)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        figure = nodes.figure(classes=["dose-chart"])
        image = nodes.image(uri=uri, alt=alt, candidates={"*": uri})
        figure += image
        figure += nodes.caption("", "Dose equivalents by route for the reference patient, computed from the data file.")
        self.set_source_info(figure)
        return [figure]


def setup_dosing_tables(app: Sphinx) -> None:
    app.add_directive("titration-steps", TitrationSteps)
    app.add_directive("route-equivalents", RouteEquivalents)
    app.add_directive("dose-chart", DoseChart)
