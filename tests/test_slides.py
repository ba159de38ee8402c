"""Slides: text is fitted, never drawn past the margins; what does not fit is reported."""

from __future__ import annotations

import numpy as np
import pytest

from videogen_nb.models import SceneConfig
from videogen_nb.render.slides import render_slide
from videogen_nb.render.theme import THEMES


def border_is_background(img, theme, band=0.02) -> bool:
    arr = np.asarray(img).astype(np.int16)
    h, w, _ = arr.shape
    bw, bh = max(1, int(w * band)), max(1, int(h * band))
    mask = np.zeros((h, w), bool)
    mask[:bh, :] = mask[-bh:, :] = mask[:, :bw] = mask[:, -bw:] = True
    # the background is a vertical gradient: compare each row with its own leftmost pixel
    ref = arr[:, :1, :]
    return bool((np.abs(arr - ref).max(axis=2)[mask] <= 3).all())


@pytest.mark.parametrize("size", [(320, 180), (1280, 720), (1080, 1920)])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_overlong_content_is_shrunk_cut_and_reported(size, theme):
    scene = SceneConfig(
        scene_id="09-long",
        kind="bullets",
        title="A title that goes on and on " * 4,
        items=[f"Item number {i} with https://example.com/{'x' * 120}" for i in range(30)],
    )
    slide = render_slide(scene, size, THEMES[theme], index=1, total=3, footer="Footer")
    assert slide.image.size == size
    assert any("more text than fits" in w for w in slide.warnings)
    assert any("title" in w for w in slide.warnings)
    assert border_is_background(slide.image, THEMES[theme])


def test_text_that_fits_gives_no_warning():
    scene = SceneConfig(scene_id="02-a", kind="text", title="Short", body=["One line."], items=["a", "b"])
    slide = render_slide(scene, (320, 180), THEMES["dark"], index=1, total=2)
    assert slide.warnings == []
    arr = np.asarray(slide.image)
    assert (arr.max(axis=2) > 200).mean() > 0.002  # the text is really there
