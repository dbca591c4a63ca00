"""The benchmark: build and sheet speed, side by side with sphinx-simplepdf and WeasyPrint's floor.

``python -m bench`` (``make bench``) writes ``build/bench/results.md`` and
``results.json``. It reports; it never fails the build. The pieces, one job each:

* :mod:`.timing`: run a command in a fresh process, interleave cases, median/min/max, peak memory;
* :mod:`.scale`: copies of the sources with N times the chapters (labels renamed);
* :mod:`.ours`, :mod:`.theirs`, :mod:`.features`, :mod:`.sheets`: what is run;
* :mod:`.pdfinfo`: what each PDF holds; :mod:`.report`: the tables;
* :mod:`.run`: the plan (what, how often, in which order).
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from .run import main as run_main

    return run_main(argv)
