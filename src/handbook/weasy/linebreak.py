"""Keep WeasyPrint from stranding one word on a line of its own.

When a run of text ends with a space and exactly fills the rest of a line, Pango lets the
space hang past the line's end and reports that the whole run fits. WeasyPrint 70 measures the
width with the space included, finds it a hair too wide, and falls back to its path for text
that cannot be split: it puts only the first word on the line and moves the rest to the next
one. In the handbook that left "In", "reported" and "patient" alone on lines of pages 18, 20
and 56, each time in a run followed by a citation or a dose.

:func:`install` wraps WeasyPrint's ``split_first_line`` where the line layout calls it. When
WeasyPrint's answer is a single word although the run, without its trailing space, fits in the
width given, it asks again with no width limit. The whole run then stays on the line, and the
caller, which discounts a trailing space when it checks for overflow, accepts it. The check
costs one more text layout, and only for lines that would hold a single word.

``handbook.weasy.load`` installs it; ``split_first_line`` is WeasyPrint's internal function
(checked on 70.0). No upstream issue covers this case yet; retire the wrapper when WeasyPrint
discounts the hanging space before it compares a run's width with the line's;
``tests/test_linebreak.py`` sweeps the widths where the case arises.
"""

from __future__ import annotations

from typing import Any

_MARK = "_handbook_keeps_words_together"


def install() -> None:
    """Wrap ``weasyprint.layout.inline.split_first_line`` once per process."""
    from weasyprint.layout import inline

    if getattr(inline.split_first_line, _MARK, False):
        return
    inline.split_first_line = keep_words_together(inline.split_first_line)


def keep_words_together(split_first_line: Any) -> Any:
    """``split_first_line`` with the stranded-word case answered correctly."""

    def split(text: str, style: Any, context: Any, max_width: float | None, justification_spacing: float,
              is_line_start: bool = True, minimum: bool = False) -> Any:
        result = split_first_line(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        length, resume_index = result[1], result[2]
        if resume_index is None or max_width is None or not text.endswith(" "):
            return result
        first_line = text.encode()[:length].decode(errors="ignore")
        if " " in first_line.strip() or not text.rstrip(" ").count(" "):
            return result  # more than one word on the line, or one word in all: nothing stranded
        trimmed = split_first_line(text.rstrip(" "), style, context, max_width, justification_spacing,
                                   is_line_start, minimum)
        if trimmed[2] is not None or trimmed[3] > max_width:
            return result  # the run really does not fit: WeasyPrint's split stands
        return split_first_line(text, style, context, None, justification_spacing, is_line_start, minimum)

    setattr(split, _MARK, True)
    return split
