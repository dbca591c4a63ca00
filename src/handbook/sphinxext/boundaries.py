"""Nothing from outside the source folder reaches the build.

An image or download path such as ``../../etc/hostname`` resolves outside ``source/``, and Sphinx
would copy that file into the site. Each such file is named in a warning (an error under ``-W``)
and dropped from the files Sphinx copies.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


def outside(srcdir: Path, filename: str | Path) -> bool:
    path = (srcdir / filename).resolve()
    return not path.is_relative_to(srcdir.resolve())


def drop_outside_files(app: Sphinx, env: BuildEnvironment) -> None:
    srcdir = Path(env.srcdir)
    for files, kind in ((env.images, "image"), (env.dlfiles, "download")):
        for filename in [name for name in files if outside(srcdir, name)]:
            docnames, _ = files.pop(filename)
            logger.warning("%s %s is outside the source folder and is not copied into the build (used in %s)",
                           kind, filename, ", ".join(sorted(docnames)), type="handbook", subtype="outside")


def setup_boundaries(app: Sphinx) -> None:
    app.connect("env-check-consistency", drop_outside_files)
