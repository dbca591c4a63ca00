"""Run a command as it would run with a given font subsetter, for the side-by-side measurement.

``python -m bench.subsetter system|uharfbuzz|fonttools MODULE ARGS...``

* ``system``: Debian's libharfbuzz-subset0, as WeasyPrint finds it (needs the package);
* ``uharfbuzz``: the system library hidden, so the handbook routes subsetting through the
  uharfbuzz wheel (:mod:`handbook.weasy.subset`), as on a machine without the package;
* ``fonttools``: both hidden, so WeasyPrint falls back to fontTools, as it would without either.

The route is set before WeasyPrint renders anything and before the book's renderer forks, so the
child renders the same way.
"""

from __future__ import annotations

import runpy
import sys

ROUTES = ("system", "uharfbuzz", "fonttools")


def main() -> None:
    route, module, *args = sys.argv[1:]
    if route not in ROUTES:
        raise SystemExit(f"route must be one of {', '.join(ROUTES)}")
    if route == "fonttools":
        sys.modules["uharfbuzz"] = None  # type: ignore[assignment]  # makes `import uharfbuzz` fail
    from handbook.weasy import libraries

    with libraries.quick_library_lookup():
        import weasyprint  # noqa: F401
    from weasyprint.pdf import fonts

    if route == "system" and fonts.harfbuzz_subset is None:
        raise SystemExit("the system subsetter (libharfbuzz-subset0) is not installed")
    if route != "system":
        fonts.harfbuzz_subset = None
    from handbook import weasy

    weasy.load()  # installs the uharfbuzz route where it applies
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
