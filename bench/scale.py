"""Copies of the handbook's sources for the benchmark: 1x, or N times the chapters.

Everything is written under ``build/bench``; ``source/`` is only read. Copy ``k`` (k >= 2)
of a chapter gets its own file, its labels renamed ``LABEL-xK`` and its references to
chapter labels pointed at its own copy, so every cross-reference resolves and every label
is unique; the copies are listed in the chapters' toctree after the originals.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

CHAPTER_DIR = "chapters"
LABEL = re.compile(r"^\((?P<label>[A-Za-z0-9_.:-]+)\)=[ \t]*$", re.MULTILINE)
# A directive's own label (a dropdown, a figure): ":name: label" among its options.
NAME_OPTION = re.compile(r"^:name:[ \t]+(?P<label>[A-Za-z0-9_.:-]+)[ \t]*$", re.MULTILINE)
# {ref}`label`, {numref}`text <label>`, and Markdown links to a label: [text](#label)
ROLE_REF = re.compile(r"\{(?P<role>ref|numref)\}`(?P<body>[^`]*)`")
HASH_LINK = re.compile(r"\]\(#(?P<label>[A-Za-z0-9_.:-]+)\)")
TOCTREE_CHAPTER = re.compile(rf"^{CHAPTER_DIR}/\S+[ \t]*$", re.MULTILINE)
FIRST_HEADING = re.compile(r"^# (?P<title>.+)$", re.MULTILINE)
EDIT_MARK = "<!-- bench edit -->"


@dataclass(frozen=True)
class ScaledSource:
    """A generated source tree and what it holds."""

    path: Path
    factor: int
    chapters: tuple[str, ...]  # docnames, originals first
    labels: tuple[str, ...]  # labels defined in chapter files, all copies

    @property
    def first_chapter(self) -> Path:
        return self.path / f"{self.chapters[0]}.md"


def chapter_labels(text: str) -> list[str]:
    return [m["label"] for pattern in (LABEL, NAME_OPTION) for m in pattern.finditer(text)]


def copy_label(label: str, copy: int) -> str:
    return f"{label}-x{copy}"


def rename_labels(text: str, labels: set[str], copy: int) -> str:
    """Rename the chapter labels defined or referenced in ``text`` to those of copy ``copy``."""

    def target(label: str) -> str:
        return copy_label(label, copy) if label in labels else label

    def role(match: re.Match[str]) -> str:
        body = match["body"]
        explicit = re.fullmatch(r"(?P<text>.*)<(?P<label>[^<>]+)>", body, re.DOTALL)
        body = f"{explicit['text']}<{target(explicit['label'])}>" if explicit else target(body)
        return f"{{{match['role']}}}`{body}`"

    text = LABEL.sub(lambda m: f"({target(m['label'])})=", text)
    text = NAME_OPTION.sub(lambda m: f":name: {target(m['label'])}", text)
    text = ROLE_REF.sub(role, text)
    text = HASH_LINK.sub(lambda m: f"](#{target(m['label'])})", text)
    return FIRST_HEADING.sub(lambda m: f"# {m['title']} (copy {copy})", text, count=1)


def make_scaled_source(source: Path, dest: Path, factor: int) -> ScaledSource:
    """Copy ``source`` to ``dest`` (replacing it) with ``factor`` times the chapters."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    source, dest = source.resolve(), dest.resolve()
    if dest == source or source in dest.parents:
        raise ValueError(f"refusing to write inside the real sources: {dest}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("_build", "__pycache__", ".*"))
    originals = sorted((dest / CHAPTER_DIR).glob("*.md"))
    texts = {path: path.read_text(encoding="utf-8") for path in originals}
    labels = {label for text in texts.values() for label in chapter_labels(text)}
    docnames = [f"{CHAPTER_DIR}/{path.stem}" for path in originals]
    all_labels = sorted(labels)
    for copy in range(2, factor + 1):
        for path, text in texts.items():
            name = f"{path.stem}-x{copy}"
            (path.parent / f"{name}.md").write_text(rename_labels(text, labels, copy), encoding="utf-8")
            docnames.append(f"{CHAPTER_DIR}/{name}")
        all_labels += sorted(copy_label(label, copy) for label in labels)
    if factor > 1:
        _extend_toctree(dest / "index.md", docnames[len(originals):])
    return ScaledSource(dest, factor, tuple(docnames), tuple(all_labels))


def _extend_toctree(index: Path, docnames: list[str]) -> None:
    text = index.read_text(encoding="utf-8")
    entries = list(TOCTREE_CHAPTER.finditer(text))
    if not entries:
        raise ValueError(f"no '{CHAPTER_DIR}/...' entries in the toctree of {index}")
    end = entries[-1].end()
    index.write_text(text[:end] + "".join(f"\n{name}" for name in docnames) + text[end:], encoding="utf-8")


def edit_chapter(path: Path, n: int) -> None:
    """An author's edit: append a paragraph (a different one each time, so the page really changes)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{EDIT_MARK}\nA sentence added by the benchmark, edit {n}.\n")
