"""Mark running heads and page numbers as artifacts, as PDF/UA-1 asks.

WeasyPrint 70 tags the text of page-margin boxes (running heads, "Page X of Y") with
marked-content ids whose structure elements it deliberately leaves out of the tree, so a
screen reader skips them; but PDF/UA wants such content marked ``/Artifact``. This is a
WeasyPrint *finisher*: it runs on the in-memory PDF just before it is written, finds every
marked-content sequence whose structure element cannot be reached from the structure root,
and rewrites it as ``/Artifact BMC`` (removing its entry from the parent tree).

It reads pydyf's in-memory objects, not a public API (checked on WeasyPrint 70.0 with pydyf 0.13).
Retire it when WeasyPrint marks margin content as artifacts itself (WeasyPrint #1836, open).
"""

from __future__ import annotations

from typing import Any

import pydyf


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    """The object behind a pydyf reference (``b"12 0 R"``), or the value itself."""
    text = reference.decode() if isinstance(reference, bytes) else reference
    if isinstance(text, str) and text.endswith(" 0 R"):
        return pdf.objects[int(text.split()[0])]
    return reference


def _reachable(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    seen: set[int] = set()
    stack = list(root.get("K", []))
    while stack:
        item = stack.pop()
        element = _object(pdf, item)
        if element is item:
            continue  # an MCID or an inline dictionary, not an element
        if element.number in seen:
            continue
        seen.add(element.number)
        if isinstance(element, pydyf.Dictionary) and isinstance(element.get("K"), list):
            stack.extend(element["K"])
    return seen


def mark_margin_artifacts(document: Any, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: margin-box content becomes ``/Artifact`` marked content."""
    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return  # untagged PDF: nothing to do
    root = _object(pdf, root_ref)
    reachable = _reachable(pdf, root)
    nums = _object(pdf, root["ParentTree"])["Nums"]
    for position in range(0, len(nums), 2):
        page_index, mapping = nums[position], nums[position + 1]
        kids = pdf.pages["Kids"]  # pydyf keeps it flat: [number, 0, "R", number, 0, "R", ...]
        if not isinstance(mapping, list) or 3 * page_index >= len(kids):
            continue
        orphans = {mcid for mcid, ref in enumerate(mapping)
                   if _object(pdf, ref) is not ref and _object(pdf, ref).number not in reachable}
        if not orphans:
            continue
        page = pdf.objects[kids[3 * page_index]]
        contents = page["Contents"]
        for content_ref in contents if isinstance(contents, list) else [contents]:
            _rewrite(_object(pdf, content_ref), orphans)
        for mcid in orphans:
            mapping[mcid] = "null"


def _rewrite(stream: pydyf.Stream, orphans: set[int]) -> None:
    items = stream.stream
    out = []
    i = 0
    while i < len(items):
        item = items[i]
        if (i + 2 < len(items) and items[i + 2] == b"BDC" and isinstance(items[i + 1], pydyf.Dictionary)
                and items[i + 1].get("MCID") in orphans):
            out.extend(["/Artifact", b"BMC"])
            i += 3
            continue
        out.append(item)
        i += 1
    stream.stream = out
