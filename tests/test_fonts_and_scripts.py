"""Glyphs: CJK from the system's Noto CJK (or, on a machine without fonts, the Noto fonts from PyPI), emoji in
colour where a colour font is installed, right-to-left text, and one warning per document for what no font has."""

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
    assert not [w for w in p.ctx.warnings if "no font has" in w] and not any(s.missing for s in slides)
    ink = np.asarray(slides[0].image).max(axis=2) > 200
    assert ink.mean() > 0.01  # the title really is drawn


def test_without_a_font_for_them_one_warning_per_document_names_the_scripts_and_counts(write_doc, tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")  # no fallback fonts at all: DejaVu alone
    assert fonts.fallback_fonts() == ()
    p, slides = slides_of(write_doc("zh.md", DOC), tmp_path)
    assert set(CJK) <= slides[0].missing and not [w for s in slides for w in s.warnings if "no font has" in w]
    gaps = [w for w in p.ctx.warnings if "no font has" in w]
    assert len(gaps) == 1, p.ctx.warnings  # one short warning for the document, not one per slide
    missing = {ch for s in slides for ch in s.missing}
    assert f"no font has {len(missing)} characters of Chinese/Japanese (CJK) 16" in gaps[0] and "emoji" in gaps[0]
    assert "Japanese kana" in gaps[0] and len(gaps[0]) < 400 and "manimgx-fonts-cjk" in gaps[0]


def test_strict_makes_a_character_no_font_has_an_error_before_anything_is_made(write_doc, tmp_path, monkeypatch):
    from videogen_nb.errors import VideogenError

    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    p = Pipeline(write_doc("zh.md", DOC), workdir=tmp_path / "w", progress=None, tts="silent", strict=True)
    with pytest.raises(VideogenError, match="no font has"):
        p.run()
    assert p.ctx.timing_report is None and p.ctx.final_video_path is None


def test_on_a_machine_without_fonts_cjk_and_emoji_come_from_the_pypi_fonts(write_doc, tmp_path, monkeypatch):
    """The font search pointed at an empty folder is a fresh machine: the Noto fonts of the manimgx-fonts wheels
    draw Chinese, Japanese and emoji, and nothing is missing."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, str(empty))
    names = [f.path.name for f in fonts.fallback_fonts()]
    assert names[0] == "NotoSansCJK-VF.otf.ttc" and "NotoEmoji[wght].ttf" in names
    assert all("site-packages" in str(f.path) for f in fonts.fallback_fonts())
    p, slides = slides_of(write_doc("zh.md", DOC), tmp_path)
    assert not [w for w in p.ctx.warnings if "no font has" in w] and not any(s.missing for s in slides)
    title = np.asarray(slides[0].image.convert("L")).astype(int)
    assert (title > 200).mean() > 0.01  # the Chinese title is drawn, in a regular weight (not the font's Thin)
    emoji = render_slide(SceneConfig(kind="text", title="Emoji", body=["🎉🎉🎉"]), (640, 360), THEMES["dark"])
    assert not emoji.missing


def test_a_font_named_in_the_environment_replaces_the_system_search(write_doc, tmp_path, monkeypatch):
    cjk = next((f for f in fonts.fallback_fonts() if "CJK" in f.path.name), None)
    assert cjk is not None  # the system's Noto CJK, or the one from PyPI
    monkeypatch.setenv(fonts.FALLBACK_ENV, str(cjk.path))
    assert [f.path for f in fonts.fallback_fonts()] == [cjk.path]
    _, slides = slides_of(write_doc("zh.md", f"# {CJK}\n\n## 日本語\n\n植物は光を使います。\n"), tmp_path)
    assert not [w for s in slides for w in s.warnings] and not any(s.missing for s in slides)


def test_emoji_are_drawn_in_colour_from_a_colour_font_where_one_is_installed():
    if not any(f.bitmap_size for f in fonts.fallback_fonts()):
        pytest.skip("no colour emoji font on this machine (PyPI has none; Debian: fonts-noto-color-emoji)")
    slide = render_slide(SceneConfig(kind="text", title="Emoji", body=["🎉🎉🎉"]), (640, 360), THEMES["dark"])
    arr = np.asarray(slide.image).astype(int)
    colourful = (arr.max(axis=2) - arr.min(axis=2)) > 120  # saturated: neither white text nor the slate background
    assert colourful.sum() > 200 and not slide.warnings and not slide.missing


def test_emoji_no_font_has_are_reported_not_drawn_as_empty_boxes(monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    slide = render_slide(SceneConfig(kind="text", title="Emoji", body=["Party 🎉 and 🛸"]), (640, 360), THEMES["dark"])
    assert {"🎉", "🛸"} <= slide.missing


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
    assert slide.warnings == [] and not slide.missing


def test_a_right_to_left_line_that_starts_with_a_latin_word_is_still_right_to_left():
    from videogen_nb.text import STRONG

    scene = SceneConfig(kind="bullets", title="شروع", items=[f"{STRONG}Node.js و جاوااسکریپت را یاد بگیرید{STRONG}. ما آن را به کار می‌بریم."])
    size, theme = (1280, 720), THEMES["dark"]
    _, _, x1, _ = theme.safe_area(size)
    slide = render_slide(scene, size, theme)
    assert not slide.missing and all(x1 - b[2] < 80 for b in slide.boxes[1:])  # lines end at the right, by the bullet
