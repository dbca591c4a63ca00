"""What a PDF holds, so the timings can be read against what each tool produces.

``python -m bench.pdfinfo PDF...`` prints the facts as JSON. The benchmark asks
through that sub-process, so reading a 500-page PDF never grows the benchmark's own
process, whose size would otherwise show up in every child's peak memory (a child starts
as a copy of it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def pdf_facts(path: Path) -> dict[str, Any]:
    """Pages, bookmarks, link annotations and whether it is tagged; ``{}`` when pypdf is missing."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return {}
    if not path.exists():
        return {"error": f"{path} missing"}
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    links = sum(
        1 for page in reader.pages for annot in page.get("/Annots") or []
        if annot.get_object().get("/Subtype") == "/Link"
    )
    return {
        "pages": len(reader.pages),
        "bookmarks": _count_outline(reader.outline),
        "links": links,
        "tagged": "/StructTreeRoot" in root,
        "size_kb": round(path.stat().st_size / 1024),
    }


def _count_outline(items: list[Any]) -> int:
    return sum(_count_outline(item) if isinstance(item, list) else 1 for item in items)


def anchor_errors(log: Path) -> int:
    """WeasyPrint's "No anchor" errors in a build log: links it had to drop."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if "No anchor" in line)


def pdf_facts_in_child(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """:func:`pdf_facts` for each path, computed in a fresh process; keys are the paths as strings."""
    result = subprocess.run([sys.executable, "-m", "bench.pdfinfo", *map(str, paths)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return {str(p): {"error": result.stderr.strip().splitlines()[-1:]} for p in paths}
    return json.loads(result.stdout)


if __name__ == "__main__":
    print(json.dumps({arg: pdf_facts(Path(arg)) for arg in sys.argv[1:]}))
