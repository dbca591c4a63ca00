"""The ``{fact}`` role: print a number from the dosing data file, so prose never types one by hand.

``{fact}`iv.dose_mg_per_kg mg/kg``` renders "0.5 mg/kg"; a list renders as a range
("50 to 80 mg"); ``derived.*`` names reach the computed figures (see handbook.model.dosing).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from handbook import project
from handbook.model.dosing import DosingData, DosingDataError, load_dosing
from handbook.model.units import format_number, format_quantity, format_range

logger = logging.getLogger(__name__)

_CACHE: dict[tuple[Path, float], DosingData] = {}



def dosing_for(env: BuildEnvironment) -> DosingData:
    """The dosing data named by ``handbook_dosing_file`` (relative to the source folder), read once."""
    return _dosing(Path(env.srcdir), env.config.handbook_dosing_file)


def _dosing(srcdir: Path, setting: str) -> DosingData:
    path = (srcdir / setting).resolve()
    try:
        key = (path, path.stat().st_mtime)
    except OSError as err:
        raise DosingDataError(str(path), f"cannot be read: {err.strerror or err}") from None
    if key not in _CACHE:
        _CACHE[key] = load_dosing(path)
    return _CACHE[key]


def publish_review_date(app: Sphinx, config: Config) -> None:
    """The review date and edition, from the configured data file, for MyST substitutions and page templates."""
    try:
        data = _dosing(Path(app.srcdir), config.handbook_dosing_file)
    except DosingDataError as err:  # one paragraph naming the file and field, not a Sphinx traceback
        raise ConfigError(f"the dosing data file is wrong: {err}") from None
    reviewed, next_review = data.last_reviewed.isoformat(), data.next_review.isoformat()
    config.html_context = {"last_reviewed": reviewed, "next_review": next_review, **config.html_context}
    if hasattr(config, "myst_substitutions"):
        config.myst_substitutions = {"last_reviewed": reviewed, "next_review": next_review, "edition": project.EDITION,
                                     **config.myst_substitutions}


def add_review_date_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """``<meta name="handbook-last-reviewed">``: the book's cover reads the date the pages were built from."""
    reviewed, next_review = context.get("last_reviewed"), context.get("next_review")
    if reviewed and next_review:
        context["metatags"] = context.get("metatags", "") + (
            f'<meta name="{project.REVIEW_META}" content="{reviewed}">\n'
            f'<meta name="{project.NEXT_REVIEW_META}" content="{next_review}">\n')


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def render_value(value: object, unit: str = "") -> str:
    if isinstance(value, dt.date):  # "December 31, 2026": words, so day and month cannot be swapped
        return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"
    if isinstance(value, list | tuple):
        return format_range(value, unit)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_quantity(value, unit)
    if isinstance(value, str):
        return f"{value} {unit}".strip()
    raise TypeError(f"cannot print a {type(value).__name__}")


class FactRole(SphinxRole):
    """Inline value from the data file; an unknown name is a build warning (an error under ``-W``)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        name, _, unit = self.text.strip().partition(" ")
        self.env.note_dependency(str(Path(self.env.srcdir) / self.config.handbook_dosing_file))
        try:
            text = render_value(dosing_for(self.env).lookup(name), unit.strip())
        except (KeyError, TypeError, ValueError, DosingDataError) as err:
            logger.warning("{fact}: %s", err.args[0] if err.args else err, location=self.get_location(),
                           type="handbook", subtype="fact")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        return [nodes.inline(self.rawtext, text, classes=fact_classes(text))], []


def fact_classes(text: str) -> list[str]:
    """A figure and its unit stay on one line; a fact that is a phrase wraps like the words around it."""
    return ["fact"] if len(text.split()) <= SHORT_FACT_WORDS else ["fact", "fact-phrase"]


SHORT_FACT_WORDS = 4


class PriceRole(SphinxRole):
    """``{price}`costs.esketamine_cost_per_month``` renders "$6,400 (2021 prices)": a price never appears undated."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        name = self.text.strip()
        self.env.note_dependency(str(Path(self.env.srcdir) / self.config.handbook_dosing_file))
        try:
            data = dosing_for(self.env)
            costs = data.file.costs
            if costs is None or costs.currency != "USD":
                raise KeyError("{price} needs a [costs] table priced in USD")
            text = f"${format_number(data.lookup(name), places=0)} ({int(costs.price_year)} prices)"
        except (KeyError, TypeError, ValueError, DosingDataError) as err:
            logger.warning("{price}: %s", err.args[0] if err.args else err, location=self.get_location(),
                           type="handbook", subtype="price")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        return [nodes.inline(self.rawtext, text, classes=["fact", "price"])], []


def setup_facts(app: Sphinx) -> None:
    app.add_config_value("handbook_dosing_file", str(project.DOSING_FILE), "env", types=frozenset({str}))
    app.add_role("fact", FactRole())
    app.add_role("price", PriceRole())
    app.connect("config-inited", publish_review_date)
    app.connect("html-page-context", add_review_date_meta)


__all__ = ["dosing_for", "format_number", "render_value", "setup_facts"]
