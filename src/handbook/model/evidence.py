"""The kinds of evidence a claim can rest on, named by what the cited work is.

A label always follows a citation and describes that cited work, the same label wherever the
claim appears. Strongest first.
"""

from __future__ import annotations

#: level key -> (label, what it means)
EVIDENCE_LEVELS: dict[str, tuple[str, str]] = {
    "meta-analysis": ("Meta-analysis", "A pooled analysis of several controlled trials."),
    "rct": ("Randomised trials", "One or more randomised, controlled trials."),
    "observational": (
        "Observational or case reports",
        "Cohorts, surveys, chart reviews, case series or single case reports, with no randomised comparison.",
    ),
    "lab": ("Laboratory or animal studies", ("Work in cells, tissue or animals, or a review of such work; "
                                            "it shows a mechanism, not an effect in patients.")),
    "regulator": ("Drug label or regulator", "A drug's FDA-approved label, or a regulator's notice, rule or page."),
    "summary": ("Secondary summary", ("A reference work that summarises other studies, such as a point-of-care "
                                     "summary or a drug database monograph.")),
    "manufacturer": ("Manufacturer information", ("What a drug's maker publishes for patients or clinicians, "
                                                 "beyond the label itself.")),
    "expert": ("Expert practice or consensus", ("What experienced prescribers report doing, or what a panel of "
                                               "experts agreed, without formal study.")),
    "author": ("Author's judgement", "The source author's own reasoning, anecdote or clinical opinion."),
    "editors": ("Editors' judgement", ("A cautious rule this handbook's editors chose where no source gives one; "
                                      "the citations say what it rests on.")),
}
