"""Without Debian's libharfbuzz-subset0 the build still works and says once how to make it faster."""

from __future__ import annotations

from handbook import build


def test_missing_fast_subsetter_is_mentioned_once(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build, "harfbuzz_subset_available", lambda: False)
    calls = []
    monkeypatch.setattr(build, "sphinx", lambda builder, out, **kw: calls.append(builder))
    def build_pdf(out, meanwhile=None, **kw):  # the real one runs `meanwhile` while the PDF renders
        calls.append("pdf")
        meanwhile()

    monkeypatch.setattr(build, "build_pdf", build_pdf)
    import handbook.sheet

    monkeypatch.setattr(handbook.sheet, "build_default_sheets", lambda out: calls.append("sheets"))
    assert build.run("build", out=str(tmp_path)) == 0
    assert calls == ["pdf", "html", "sheets"]
    assert capsys.readouterr().err.count("hint: install") == 1


def test_no_hint_when_the_subsetter_is_installed(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(build, "harfbuzz_subset_available", lambda: True)
    monkeypatch.setattr(build, "sphinx", lambda builder, out, **kw: None)
    assert build.run("html", out=str(tmp_path)) == 0
    assert "libharfbuzz" not in capsys.readouterr().err
