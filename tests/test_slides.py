"""Slides never overflow: every slide of a tricky corpus, at every resolution, keeps its text in the safe area."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tricky_corpus import CORPUS, SPEC
from videogen_nb import Pipeline, SceneConfig
from videogen_nb.render.slides import render_slide
from videogen_nb.render.theme import THEMES

RESOLUTIONS = {"1080p": (1920, 1080), "720p": (1280, 720), "vertical": (1080, 1920)}


def background(size, theme) -> np.ndarray:
    """The slide background exactly: a vertical gradient between the theme's two colours."""
    w, h = size
    t = np.linspace(0.0, 1.0, h)[:, None]
    rows = (1 - t) * np.array(theme.background_top) + t * np.array(theme.background_bottom)
    return np.repeat(rows[:, None, :], w, axis=1)


def border_is_background(img, theme, band=0.02) -> bool:
    """A band of ``band`` of the width around all four edges holds only background pixels."""
    arr = np.asarray(img.convert("RGB")).astype(np.int16)
    h, w, _ = arr.shape
    b = max(1, int(w * band))
    mask = np.zeros((h, w), bool)
    mask[:b, :] = mask[-b:, :] = mask[:, :b] = mask[:, -b:] = True
    diff = np.abs(arr - background((w, h), theme)).max(axis=2)
    return bool((diff[mask] <= 2).all())


def boxes_inside(slide, theme, size) -> list:
    x0, y0, x1, y1 = theme.safe_area(size)
    return [b for b in slide.boxes if not (x0 <= b[0] and y0 <= b[1] and b[2] <= x1 and b[3] <= y1)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for name, text in CORPUS.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (folder / "teaching.yaml").write_text(SPEC, encoding="utf-8")
    return sorted(p for p in folder.iterdir() if p.is_file())


@pytest.mark.slow
@pytest.mark.parametrize("resolution", list(RESOLUTIONS))
def test_every_slide_of_the_tricky_corpus_stays_inside_the_safe_area(corpus, tmp_path, resolution):
    size = RESOLUTIONS[resolution]
    theme = THEMES["dark"]
    checked = 0
    for doc in corpus:
        p = Pipeline(doc, workdir=tmp_path / doc.stem, progress=None, tts="silent", resolution=resolution)
        p.run(until="parse")
        for i, scene in enumerate(p.scenes):
            slide = p.slide(i)
            where = f"{doc.name} scene {scene.scene_id} at {resolution}"
            assert slide.image.size == size, where
            assert slide.boxes, where
            assert boxes_inside(slide, theme, size) == [], where
            assert border_is_background(slide.image, theme), where
            # nothing was cut from a section: what did not fit continued on another slide
            assert not [w for w in slide.warnings if "the end was cut" in w or "could not be drawn" in w], where
            checked += 1
    assert checked >= 40


def test_a_long_section_continues_on_further_slides_with_its_share_of_the_narration(write_doc, tmp_path):
    items = "\n".join(f"- Point number {i} about the subject" for i in range(30))
    doc = write_doc("long.md", f"# Long\n\n## Thirty points\n\n{items}\n")
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution="720p")
    p.run(until="script")
    pages = [s for s in p.scenes if s.title.startswith("Thirty points")]
    assert len(pages) >= 2
    first, rest = pages[0], pages[1:]
    assert first.continues is None and all(s.continues == first.scene_id for s in rest)
    assert all(s.title == "Thirty points (cont.)" for s in rest)
    assert len({s.scene_id for s in p.scenes}) == len(p.scenes)
    shown = [i.text for s in pages for i in s.items]
    assert shown == [f"Point number {i} about the subject" for i in range(30)]  # every item, once, in order
    for s in pages:  # each page narrates its own items, and only them
        said = [i.text for i in s.items]
        assert all(t in s.narration for t in said)
        assert "Thirty points" not in s.narration or s is first


def test_written_narration_is_shared_between_the_pages_of_a_split_scene(tmp_path):
    narration = " ".join(f"Sentence {i}." for i in range(12))
    scene = SceneConfig(kind="bullets", title="Many", items=[f"Item {i} of the list" for i in range(40)], narration=narration)
    p = Pipeline([scene], workdir=tmp_path / "w", progress=None, tts="silent", resolution="720p")
    p.run(until="script")
    pages = [s for s in p.scenes if s.kind == "bullets"]
    assert len(pages) >= 2
    assert " ".join(s.narration for s in pages) == narration
    assert all(s.narration for s in pages)


def test_where_a_section_splits_depends_on_the_frame(write_doc, tmp_path):
    """Twenty lines of code fit a tall vertical frame but not a landscape one: the split is made per resolution."""
    code = "\n".join(f"total = total + {i}" for i in range(20))
    doc = write_doc("split.md", f"# S\n\n## Points\n\n```python\n{code}\n```\n")
    counts = {}
    for res in ("1080p", "vertical"):
        p = Pipeline(doc, workdir=tmp_path / res, progress=None, tts="silent", resolution=res)
        p.run(until="parse")
        counts[res] = len(p.scenes)
    assert counts == {"1080p": 3, "vertical": 2}  # the title, then the code on two landscape slides or one tall one


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_themes_and_accent_colours(theme):
    th = THEMES[theme]
    plain = SceneConfig(kind="bullets", title="Accent", items=["one"])
    green = SceneConfig(kind="bullets", title="Accent", items=["one"], accent="green")
    a = np.asarray(render_slide(plain, (640, 360), th).image)
    b = np.asarray(render_slide(green, (640, 360), th).image)
    colours = {tuple(c) for c in b.reshape(-1, 3)}
    assert th.accents["green"] in colours and th.accent_colour(None) in {tuple(c) for c in a.reshape(-1, 3)}
    assert th.accents["green"] not in {tuple(c) for c in a.reshape(-1, 3)}
    assert a[5, 5].mean() > 200 if theme == "light" else a[5, 5].mean() < 60


def test_a_slide_too_full_for_the_frame_is_shrunk_cut_and_reported_never_overflowing():
    """Drawn directly at a size the parse stage did not split for: the last resort still stays inside."""
    scene = SceneConfig(
        scene_id="09-long", kind="bullets", title="A title that goes on and on " * 6,
        items=[f"Item number {i} with https://example.com/{'x' * 120}" for i in range(30)],
    )  # fmt: skip
    for size in [(320, 180), (1280, 720), (1080, 1920)]:
        slide = render_slide(scene, size, THEMES["light"], index=1, total=3, footer="Footer")
        assert any("the end was cut" in w for w in slide.warnings)
        assert any("title" in w for w in slide.warnings)
        assert boxes_inside(slide, THEMES["light"], size) == []
        assert border_is_background(slide.image, THEMES["light"])
        assert slide.scale == THEMES["light"].min_body_scale


def test_text_that_fits_gives_no_warning_and_is_really_drawn():
    scene = SceneConfig(scene_id="02-a", kind="text", title="Short", body=["One line."], items=["a", "b"])
    slide = render_slide(scene, (320, 180), THEMES["dark"], index=1, total=2)
    assert slide.warnings == [] and slide.scale == THEMES["dark"].max_body_scale  # little text: shown larger
    assert len(slide.boxes) == 5  # title, paragraph, two items, page number
    arr = np.asarray(slide.image)
    assert (arr.max(axis=2) > 200).mean() > 0.002
