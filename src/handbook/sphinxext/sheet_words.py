"""``{patient-sheet-words}``: everything the default patient sheet says, with where each piece comes from.

The sheet's advice lives once, in the data file's ``[sheet]`` tables (handbook.model.advice); the
sheet prints it and this directive prints the same entries, filled in for the standard regimen
and the default (US Letter) country, each followed by its citations and evidence label. A test
reads the default sheet's PDF and finds every one of its sentences here.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from handbook.model import advice
from handbook.model.dosing import DosingData
from handbook.model.papers import DEFAULT_PAPER

from .facts import dosing_for


def default_contacts(data: DosingData) -> advice.Contacts:
    country = data.file.countries[data.file.sheet.default_country[DEFAULT_PAPER]]
    return advice.Contacts(country.emergency, country.crisis_line, country.crisis_name, country.crisis_how)


def _markdown(parts: list[advice.Part]) -> str:
    text = ""
    for part in parts:
        if part.kind == "blank":
            text += "____"
        elif part.kind == "bold":
            text += f"**{part.text.strip()}**" + (" " if part.text.endswith(" ") else "")
        else:
            text += part.text
    return text.replace("\u00a0", " ")


class PatientSheetWords(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        data = dosing_for(self.env)
        sheet, regimen = data.file.sheet, data.regimen
        filled = advice.values(regimen, default_contacts(data))
        lines: list[str] = [f"The sheet is headed “{sheet.headings['title']}”.", ""]
        for section in advice.SECTIONS[1:]:
            entries = [entry for entry in sheet.advice if entry.section == section and advice.applies(entry.text, filled)]
            extra = []
            if section == "steps":
                extra = [" ".join(advice.steps_intro(regimen, None))] + [
                    f"Step {s.number}: {s.name}. {s.day}. {s.dose} ({s.sprays})." for s in advice.step_lines(regimen, None)]
            if not entries and not extra:
                continue
            lines.append(f"**{sheet.headings[section]}**\n")
            lines += [f"- {line}" for line in extra]
            for entry in entries:
                cites = "{cite:p}`" + ",".join(entry.cite) + "`"
                label = f" {{evidence}}`{entry.evidence}`" if entry.evidence else ""
                lines.append(f"- {_markdown(advice.render(entry.text, filled))} {cites}{label}")
            lines.append("")
        container = nodes.container(classes=["patient-sheet-words"])
        container += self.parse_text_to_nodes("\n".join(lines))
        self.set_source_info(container)
        return [container]


class SheetCountries(SphinxDirective):
    """``{sheet-countries}``: the countries ``handbook sheet --country`` knows, with their numbers and sources."""

    def run(self) -> list[nodes.Node]:
        data = dosing_for(self.env)
        rows = ["| Country (`--country`) | Emergency | Crisis line | Checked at |", "|---|---|---|---|"]
        for code, country in data.file.countries.items():
            cites = "{cite:p}`" + ",".join(country.source) + "`"
            rows.append(f"| {country.name} (`{code}`) | {country.emergency} | {country.crisis_line}: "
                        f"{country.crisis_name}, {country.crisis_how} | {cites} |")
        container = nodes.container(classes=["sheet-countries"])
        container += self.parse_text_to_nodes("\n".join(rows))
        self.set_source_info(container)
        return [container]


def setup_sheet_words(app: Sphinx) -> None:
    app.add_directive("patient-sheet-words", PatientSheetWords)
    app.add_directive("sheet-countries", SheetCountries)
