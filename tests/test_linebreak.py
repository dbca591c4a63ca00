"""handbook.linebreak: a run of text that exactly fills a line keeps all its words on that line."""

from __future__ import annotations

from handbook.weasy import load as load_weasyprint

RUN = "A meta-analysis of placebo-controlled trials is reported by the source as finding no difference "


def _first_lines(width_pt: float) -> list[str]:
    weasyprint = load_weasyprint()
    html = (f'<p style="width: {width_pt:.2f}pt; font: 10pt serif; margin: 0">{RUN}'
            '<span>[Kishimoto et al., 2016]</span> and more words after it.</p>')
    page = weasyprint.HTML(string=html).render().pages[0]
    return ["".join(getattr(text, "text", "") for text in box.descendants())
            for box in page._page_box.descendants() if type(box).__name__ == "LineBox"]


def _run_width() -> tuple[float, float]:
    """Where the run alone fits: its width without, then with, its trailing space."""
    weasyprint = load_weasyprint()

    def width(text: str) -> float:
        page = weasyprint.HTML(string=f'<p style="font: 10pt serif; margin: 0; white-space: pre">{text}</p>'
                               ).render().pages[0]
        return max(box.width for box in page._page_box.descendants() if type(box).__name__ == "TextBox")

    return width(RUN.rstrip()) * 0.75, width(RUN) * 0.75  # px to pt


def test_a_run_that_fills_the_line_stays_together_at_every_width() -> None:
    trimmed, full = _run_width()
    steps = 12
    for i in range(steps + 1):  # every width from "fits without its space" to "fits with it"
        first = _first_lines(trimmed + (full - trimmed) * i / steps + 0.01)[0]
        assert first.count(" ") > 3, f"only {first!r} on the first line at {trimmed:.2f}+{i}/{steps} of a space"


def test_install_wraps_weasyprint_once() -> None:
    load_weasyprint()
    from weasyprint.layout import inline

    wrapped = inline.split_first_line
    load_weasyprint()
    assert inline.split_first_line is wrapped  # a second load does not wrap the wrapper
