"""sphinx-simplepdf on a copy of our sources, as a user would add it.

What changes in the copy (and nowhere else): ``conf.py`` gets
``extensions.append("sphinx_simplepdf")``, and the build uses ``-b simplepdf``. simplepdf
sets its own theme, so furo is not used for its PDF, and a template of ours that extends
furo's (``_templates/page.html``) would stop the build ("'furo/page.html' not found"): such
templates are left out of the copy. :func:`make_simplepdf_source` says what it changed. Strict flags are not passed: simplepdf's
``weasyprint`` sub-process prints CSS warnings about its own theme, and its links carry
Sphinx's singlehtml bug (sphinx#14221), which WeasyPrint reports as "No anchor" errors
(counted in the results, not fixed: that is simplepdf as shipped).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CONF_LINE = '\nextensions.append("sphinx_simplepdf")  # added by bench\n'
PDF_NAME = "handbook.pdf"


def make_simplepdf_source(source: Path, dest: Path) -> list[str]:
    """Copy ``source`` to ``dest``, add sphinx_simplepdf to its extensions; return what was changed."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    conf = dest / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + CONF_LINE, encoding="utf-8")
    changes = ["conf.py: added `extensions.append(\"sphinx_simplepdf\")`"]
    for template in sorted((dest / "_templates").rglob("*.html")):
        if "furo/" in template.read_text(encoding="utf-8"):
            template.unlink()
            changes.append(f"removed `{template.relative_to(dest)}` (it extends furo's template, which simplepdf's "
                           "theme does not have)")
    return changes


def simplepdf_argv(source: Path, out: Path, *, jobs: str | None = None) -> list[str]:
    return [sys.executable, "-m", "sphinx", "-b", "simplepdf", "-q", "-D", f"simplepdf_file_name={PDF_NAME}",
            *(["-j", jobs] if jobs else []), "-d", str(out / "doctrees"), str(source), str(out / "simplepdf")]


def simplepdf_pdf(out: Path) -> Path:
    return out / "simplepdf" / PDF_NAME


def child_env() -> dict[str, str]:
    """simplepdf runs the ``weasyprint`` script by name: put this interpreter's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env
