"""Honest labels: one label per claim, a label always after a citation, prices always dated.

Read from the MyST sources, where the claims are written.
"""

from __future__ import annotations

import re
from collections import defaultdict

from conftest import ROOT

SOURCES = sorted((ROOT / "source").rglob("*.md"))
FACT = re.compile(r"\{fact\}`([a-z_.0-9-]+)")
CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")
LABEL = re.compile(r"\{evidence\}`([a-z-]+)`")


def claims() -> list[tuple[str, str, frozenset[str], str]]:
    """(file, claim, the figures it states, its label) for every label.

    A claim is the text a label closes: from the start of its paragraph, list item or table cell,
    or from the label before it, up to the label.
    """
    found = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*#]|\d+\.)\s)|\|", text):
            start = 0
            for match in LABEL.finditer(block):
                claim = re.sub(r"\s+", " ", block[start:match.start()]).strip()
                found.append((path.name, claim, frozenset(FACT.findall(claim)), match.group(1)))
                start = match.end()
    return found


def test_a_claim_carries_the_same_label_wherever_it_appears() -> None:
    # A claim is recognised by the figures it states: the same set of figures with two different
    # labels is one claim labelled two ways (the reviewers found "up to 1 mg/kg" as both).
    labels: dict[frozenset[str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, sentence, facts, label in claims():
        if facts:
            labels[facts][label].append(f"{name}: {sentence[:90]}")
    twice = {tuple(sorted(facts)): dict(kinds) for facts, kinds in labels.items() if len(kinds) > 1}
    assert twice == {}, twice


def test_every_label_follows_a_citation() -> None:
    bare = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in LABEL.finditer(text):
            before = text[max(0, match.start() - 400):match.start()]
            last_cite, last_label = before.rfind("{cite:"), before.rfind("{evidence}")
            if last_cite == -1 or last_cite < last_label:
                bare.append(f"{path.relative_to(ROOT)}: …{before[-80:]}")
    assert bare == [], bare


def test_a_labelled_anecdote_is_never_called_a_study() -> None:
    # The author's anecdotes (800 mg given safely, ravers' first doses, years of maintenance) rest on
    # the source page alone: a label of a study kind there would upgrade an anecdote.
    studies = {"meta-analysis", "rct", "observational", "lab"}
    upgraded = [f"{name}: {sentence[:100]}" for name, sentence, _, label in claims()
                if label in studies and {k.strip() for c in CITE.findall(sentence) for k in c.split(",")}
                == {"alexander2021peer"}]
    assert upgraded == [], upgraded


def test_every_price_says_its_year() -> None:
    undated = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in SOURCES
               for m in re.finditer(r"\$\{fact\}`[^`]+`", path.read_text(encoding="utf-8"))]
    assert undated == [], "write prices with {price}, which prints the year: " + ", ".join(undated)
