"""Glyphs: CJK from the system's Noto CJK, emoji in colour, right-to-left text, and a warning for what no font has."""

from __future__ import annotations

import numpy as np
import pytest

from videogen_nb import Pipeline, SceneConfig
from videogen_nb.render import fonts
from videogen_nb.render.slides import render_slide
from videogen_nb.render.theme import THEMES

CJK = "光合作用是如何工作的"
DOC = f"""# {CJK}

## 日本語

植物は光を使って糖を作ります。

## Emoji

- Party 🎉 and thumbs 👍🏽
"""


def slides_of(doc, tmp_path, **kw):
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution=(640, 360), **kw)
    p.run(until="script")
    return p, [p.slide(i) for i in range(len(p.scenes))]


def test_cjk_renders_with_noto_cjk_and_no_missing_glyph_warning(write_doc, tmp_path):
    names = [f.path.name for f in fonts.fallback_fonts()]
    assert any("CJK" in n for n in names), f"install fonts-noto-cjk (apt-get install fonts-noto-cjk); found {names}"
    p, slides = slides_of(write_doc("zh.md", DOC), tmp_path)
    assert p.scenes[0].title == CJK and CJK in p.scenes[0].narration  # unchanged, not transliterated
    assert not [w for s in slides for w in s.warnings if "no font has" in w]
    ink = np.asarray(slides[0].image).max(axis=2) > 200
    assert ink.mean() > 0.01  # the title really is drawn


def test_without_a_font_for_them_the_warning_lists_the_characters(write_doc, tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")  # no system fallback fonts: DejaVu alone
    assert fonts.fallback_fonts() == ()
    p, slides = slides_of(write_doc("zh.md", DOC), tmp_path)
    warnings = [w for s in slides for w in s.warnings if "no font has" in w]
    assert len(warnings) >= 2
    title_warning = slides[0].warnings[0]
    for ch in CJK:
        assert f"'{ch}'" in title_warning
    assert "U+5149" in title_warning and "fonts-noto-cjk" in title_warning
    # the video stage reports them too
    p2 = Pipeline(write_doc("zh2.md", DOC), workdir=tmp_path / "v", progress=None, tts="silent", resolution=(320, 180))
    p2.run()
    assert any("no font has" in w and "'光'" in w for w in p2.ctx.warnings)


def test_a_font_named_in_the_environment_replaces_the_system_search(write_doc, tmp_path, monkeypatch):
    cjk = next((f for f in fonts.fallback_fonts() if "CJK" in f.path.name), None)
    assert cjk is not None, "install fonts-noto-cjk"
    monkeypatch.setenv(fonts.FALLBACK_ENV, str(cjk.path))
    assert [f.path for f in fonts.fallback_fonts()] == [cjk.path]
    _, slides = slides_of(write_doc("zh.md", f"# {CJK}\n\n## 日本語\n\n植物は光を使います。\n"), tmp_path)
    assert not [w for s in slides for w in s.warnings]


def test_emoji_are_drawn_in_colour_from_the_bitmap_font():
    assert any(f.bitmap_size for f in fonts.fallback_fonts()), "install fonts-noto-color-emoji"
    slide = render_slide(SceneConfig(kind="text", title="Emoji", body=["🎉🎉🎉"]), (640, 360), THEMES["dark"])
    arr = np.asarray(slide.image).astype(int)
    colourful = (arr.max(axis=2) - arr.min(axis=2)) > 120  # saturated: neither white text nor the slate background
    assert colourful.sum() > 200 and not slide.warnings


def test_emoji_no_font_has_are_reported_not_drawn_as_empty_boxes(monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    slide = render_slide(SceneConfig(kind="text", title="Emoji", body=["Party 🎉 and 🛸"]), (640, 360), THEMES["dark"])
    assert len(slide.warnings) == 1 and "'🎉' (U+1F389)" in slide.warnings[0] and "'🛸'" in slide.warnings[0]


def test_right_to_left_text_is_right_aligned_and_shaped(tmp_path):
    arabic = SceneConfig(kind="text", title="مرحبا", body=["هذا نص عربي قصير."])
    latin = SceneConfig(kind="text", title="Hello", body=["This is short English text."])
    size, theme = (640, 360), THEMES["dark"]
    x0, _, x1, _ = theme.safe_area(size)
    rtl, ltr = render_slide(arabic, size, theme), render_slide(latin, size, theme)
    assert not rtl.warnings
    # title and paragraph end at the right edge of the safe area; the English ones start at the left
    assert all(abs(b[2] - x1) <= 2 for b in rtl.boxes[:2]) and all(b[0] > x0 + 100 for b in rtl.boxes[:2])
    assert all(abs(b[0] - x0) <= 2 for b in ltr.boxes[:2])
    # shaped: joined Arabic letters are narrower than the same letters drawn one by one
    from videogen_nb.render.text import measure

    word = "مرحبا"
    assert measure(word, "sans", 40, rtl=True) < sum(measure(c, "sans", 40) for c in word)


@pytest.mark.parametrize("text", ["Café naïve façade Ångström Łódź", "Здравствуй мир", "Γειά σου", "שלום עולם"])
def test_accented_and_non_latin_text_is_drawn_with_dejavu_alone(text, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    slide = render_slide(SceneConfig(kind="text", title=text, body=[text]), (640, 360), THEMES["light"])
    assert slide.warnings == []
