"""The build's edges: without a fast font subsetter it says once how to be faster; a failed render fails it."""

from __future__ import annotations

from handbook import build


def test_missing_fast_subsetter_is_mentioned_once(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build, "fast_subsetter_available", lambda: False)
    calls = []
    monkeypatch.setattr(build, "run_sphinx", lambda builder, source, out, **kw: calls.append(builder))
    def build_book(source, out, meanwhile=None, **kw):  # the real one runs `meanwhile` while the PDF renders
        calls.append("pdf")
        meanwhile()

    import handbook.book
    import handbook.sheet

    monkeypatch.setattr(handbook.book, "build_book", build_book)

    monkeypatch.setattr(handbook.sheet, "build_default_sheets", lambda out: calls.append("sheets") or [])
    assert build.run("build", out=str(tmp_path)) == 0
    assert calls == ["pdf", "html", "sheets"]
    assert capsys.readouterr().err.count("hint: PDFs render faster") == 1


def test_no_hint_when_the_subsetter_is_installed(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build, "fast_subsetter_available", lambda: True)
    monkeypatch.setattr(build, "run_sphinx", lambda builder, source, out, **kw: None)
    assert build.run("html", out=str(tmp_path)) == 0
    assert "hint" not in capsys.readouterr().err


def test_a_failed_render_in_the_renderer_process_fails_the_build_here(tmp_path):
    from handbook.book.warmrender import WarmRenderer

    missing = tmp_path / "print" / "handbook.html"
    with WarmRenderer() as renderer:
        renderer.submit(missing, tmp_path / "out.pdf", allowed_roots=[tmp_path])
        try:
            renderer.result()
        except FileNotFoundError as err:
            assert str(missing) in str(err)
        else:
            raise AssertionError("a render that cannot read its HTML reported success")
    assert not (tmp_path / "out.pdf").exists()


def test_a_build_says_one_line_per_product_and_nothing_else(built):
    lines = [line for line in built.log.splitlines() if line.strip()]
    products = sorted(line.split(" wrote ", 1)[1].split(" (")[0].rsplit("/", 2)[-2] for line in lines)
    assert all(line.startswith("handbook: wrote ") for line in lines), lines
    assert products == ["chapters", "chapters", "html", "pdf", "pdf", "sheet", "sheet", "sheet"], lines


def test_a_warning_repeated_on_many_pages_and_papers_is_said_once(capsys):
    from handbook.book import _say_each_warning_once
    from handbook.book.render import RenderReport

    repeated = "Ignored `foo: bar` at 3:1, unknown property."
    _say_each_warning_once({"letter": RenderReport(messages=[repeated] * 3), "a4": RenderReport(messages=[repeated])})
    err = capsys.readouterr().err.splitlines()
    assert err == [f"weasyprint: {repeated} (letter, a4; 4 times)"]
