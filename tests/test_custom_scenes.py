"""Scenes made in the notebook: a matplotlib Figure as a still, a moviepy clip frame by frame."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from matplotlib.figure import Figure
from moviepy import VideoClip

from conftest import SMALL, decode_frame
from videogen_nb import Pipeline, errors

FPS = 30


def red_figure() -> Figure:
    fig = Figure(figsize=(4, 3), facecolor="white")
    ax = fig.add_subplot()
    ax.bar([0, 1, 2], [3, 5, 4], color="#ff0000")
    ax.set_title("Three red bars")
    return fig


def ramp_clip(seconds: float = 2.0) -> VideoClip:
    """A clip whose red channel climbs from 0 to 250 over its length: frames tell their own time."""

    def frame(t):
        img = np.zeros((90, 160, 3), np.uint8)
        img[:, :, 0] = int(250 * min(t, seconds) / seconds)
        img[:, :, 2] = 40
        return img

    return VideoClip(frame, duration=seconds)


def centre(p: Pipeline, t: float) -> np.ndarray:
    w, h = p.ctx.settings.resolution
    f = decode_frame(p.video_path, t, (w, h)).astype(int)
    return f[h // 2 - 5 : h // 2 + 5, w // 2 - 5 : w // 2 + 5].reshape(-1, 3).mean(axis=0)


def timing(p: Pipeline, scene_id: str):
    return next(s for s in p.ctx.timing_report.scenes if s.scene_id == scene_id)


def test_a_figure_scene_shows_the_figure_under_its_title(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(640, 360), tts="silent", progress=None)
    p.run(until="script")
    scene = p.add_figure(red_figure(), title="Bars", narration="Three bars, the middle one tallest.")
    assert scene.kind == "figure" and p.scenes.index(scene) == 3  # no outro here: at the end
    assert p.status()["script"] == "stale"  # a new scene: its narration is checked, the rest kept
    p.run()
    t = timing(p, scene.scene_id)
    frame = decode_frame(p.video_path, (t.start + t.end) / 2 - 0.3, (640, 360)).astype(int)
    red = (frame[:, :, 0] > 200) & (frame[:, :, 1] < 60) & (frame[:, :, 2] < 60)
    assert red.mean() > 0.01, "the figure's red bars are not in the video"
    assert p.ctx.timing_report.scenes[t.index].words == 6


def test_a_figure_goes_before_the_closing_summary(write_doc, tmp_path):
    doc = write_doc("s.md", "# T\n\n## A\n\nText.\n\n## Summary\n\n- a point\n")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run(until="parse")
    p.add_figure(red_figure(), title="Bars")
    assert [s.kind for s in p.scenes][-2:] == ["figure", "outro"]
    with pytest.raises(TypeError, match="matplotlib Figure"):
        p.add_figure("not a figure")


def test_a_clip_scene_plays_every_frame_and_lasts_the_clip(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run(until="script")
    scene = p.add_clip(ramp_clip(2.0), title="Ramp", narration="Hi.", at=1)
    assert scene.kind == "clip" and p.scenes[1] is scene
    p.run()
    t = timing(p, scene.scene_id)
    assert t.end - t.start >= 2.0  # the clip decides: longer than its one-word narration needs
    early, late = centre(p, t.start + 0.2)[0], centre(p, t.start + 1.6)[0]
    assert early < 60 and late > 170, "the clip's frames are not played in order"
    # the scene after it opens on its own slide (a cut after a clip, no fade into the clip's end)
    nxt = p.ctx.timing_report.scenes[t.index + 1]
    assert abs(centre(p, nxt.start)[0] - centre(p, nxt.start + 0.5)[0]) < 8


def test_a_clip_shorter_than_its_narration_holds_its_last_frame(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run(until="script")
    long_words = " ".join(["words"] * 30)  # about 11 s at the silent engine's 160 words a minute
    scene = p.add_clip(ramp_clip(1.0), narration=long_words, length="narration")
    p.run()
    t = timing(p, scene.scene_id)
    assert t.end - t.start > 8
    assert centre(p, t.end - 1.0)[0] > 230  # the last frame, held


def test_resume_without_the_clip_works_until_its_frames_must_be_encoded_again(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run(until="script")
    clip = ramp_clip(1.5)
    i = p.scenes.index(p.add_clip(clip, narration="A ramp."))
    p.run()

    q = Pipeline.resume(tmp_path / "w", progress=None)
    q.edit(0, "A new opening line.")
    q.run()  # the clip's frames are reused from its segment: the clip object is not needed
    assert q.video_path.is_file()

    shutil.rmtree(q.ctx.video_dir / "segments")
    q.scenes[2].items[0].text = "one item, changed"  # something to redraw
    with pytest.raises(errors.StageFailedError, match=rf"p\.attach_clip\({i}, clip\)"):
        q.run()
    q.attach_clip(i, clip)
    q.run()
    t = q.ctx.timing_report.scenes[i]
    assert centre(q, t.start + 1.2)[0] > 150


def test_add_clip_refuses_what_is_not_a_clip(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run(until="parse")
    with pytest.raises(TypeError, match="moviepy clip"):
        p.add_clip(np.zeros((10, 10, 3)))
