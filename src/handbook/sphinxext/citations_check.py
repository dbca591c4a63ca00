"""Fail the build when references.bib holds an entry that no page cites.

sphinxcontrib-bibtex reports unknown keys itself; the opposite check (a reference list
padded with works nobody relies on) is ours. The warning names the entry.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


def uncited_keys(env: BuildEnvironment) -> list[str]:
    domain = env.get_domain("cite")
    cited = {target.key for ref in domain.citation_refs for target in ref.targets}
    return sorted(set(domain.bibdata.data.entries) - cited)


def check_all_cited(app: Sphinx, env: BuildEnvironment) -> None:
    if not app.config.handbook_require_all_cited:
        return
    for key in uncited_keys(env):
        logger.warning("bib entry %r is not cited anywhere (cite it or remove it from the .bib file)", key,
                       type="handbook", subtype="uncited")


def setup_citations_check(app: Sphinx) -> None:
    app.add_config_value("handbook_require_all_cited", True, "env", types=frozenset({bool}))
    app.connect("env-check-consistency", check_all_cited)
