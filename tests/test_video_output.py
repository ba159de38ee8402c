"""The real MP4, decoded: streams, frame-exact duration, slides on screen, sound in step."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from conftest import SMALL, decode_audio, decode_frame, frame_times
from videogen_nb import Pipeline
from videogen_nb.ffmpeg import probe
from videogen_nb.render.reveal import reveal_layout
from videogen_nb.render.theme import get_theme
from videogen_nb.stages.video import transition_frames


@pytest.fixture(scope="module")
def full_hd(tmp_path_factory):
    """One 1080p video of a three-scene document, shared by the checks below."""
    tmp = tmp_path_factory.mktemp("hd")
    doc = tmp / "hd.md"
    doc.write_text(
        "# Full HD Check\n\n## Alpha\n\nThe alpha scene says a few words.\n\n"
        "## Beta\n\n- beta one\n- beta two\n- beta three\n",
        encoding="utf-8",
    )
    p = Pipeline(doc, workdir=tmp / "work", progress=None)  # defaults: 1080p, 30 fps, espeak
    p.run()
    return p


@pytest.mark.slow
def test_streams_are_1080p_h264_and_aac_at_exactly_30_fps(full_hd):
    info = probe(full_hd.video_path, count_frames=True)
    assert (info.video_codec, info.width, info.height, info.pix_fmt) == ("h264", 1920, 1080, "yuv420p")
    assert info.video_profile in ("High", "Main")
    assert info.audio_codec == "aac"
    assert info.fps == 30
    report = full_hd.ctx.timing_report
    assert info.frames == report.total_frames


@pytest.mark.slow
def test_duration_is_the_sum_of_scene_durations_within_one_frame(full_hd):
    report = full_hd.ctx.timing_report
    total = sum(s.end - s.start for s in report.scenes)
    info = probe(full_hd.video_path)
    assert abs(info.duration - total) <= 1 / 30 + 1e-6
    # and the frames sit exactly on the 30 fps grid: no drift anywhere in the file
    times = frame_times(full_hd.video_path)
    assert len(times) == report.total_frames
    assert max(abs(t - k / 30) for k, t in enumerate(times)) < 1e-6


@pytest.mark.slow
def test_scenes_follow_each_other_on_the_frame_grid(full_hd):
    scenes = full_hd.ctx.timing_report.scenes
    assert scenes[0].start_frame == 0
    for a, b in zip(scenes, scenes[1:]):
        assert a.end_frame == b.start_frame
        assert b.start == pytest.approx(b.start_frame / 30)


@pytest.mark.slow
def test_no_frame_in_the_middle_of_a_scene_is_blank_and_each_shows_its_slide(full_hd):
    scenes = full_hd.ctx.timing_report.scenes
    fade = transition_frames(full_hd.ctx.settings) / 30  # the end of each scene but the last fades out
    frames = []
    for s in scenes:
        still_end = s.end - (fade if s.index + 1 < len(scenes) else 0)
        for t in (s.start + 0.1, (s.start + still_end) / 2, still_end - 0.1):
            f = decode_frame(full_hd.video_path, t, (1920, 1080)).astype(np.int16)
            # text on the slide: many pixels far brighter than the dark background
            assert (f.max(axis=2) > 200).mean() > 0.002, f"blank frame at {t:.2f} s"
            frames.append((s.index, f))
    # frames within a scene match (but where its entries appear and its spoken sentence is marked: the reveal,
    # checked in test_reveal.py); frames of different scenes differ (in their text)
    def changed(a, b, keep=None):
        diff = np.abs(a - b).max(axis=2) > 60
        return (diff & keep).mean() if keep is not None else diff.mean()

    def outside_reveal(i: int) -> np.ndarray:
        keep = np.ones((1080, 1920), bool)
        p = full_hd
        layout = reveal_layout(p.scenes[i], (1920, 1080), get_theme("dark"), index=i, total=len(p.scenes),
                               footer=p.ctx.video_config.title)  # fmt: skip
        for unit in layout.units if layout is not None else ():
            for x0, y0, x1, y1 in unit.marks:
                keep[max(0, y0 - 4) : y1 + 4, max(0, x0 - 4) : x1 + 4] = False
        return keep

    mid = {i: f for i, f in frames[1::3]}
    for i, f in frames:
        assert changed(f, mid[i], outside_reveal(i)) < 0.0005
    assert changed(mid[0], mid[1]) > 0.003 and changed(mid[1], mid[2]) > 0.003


@pytest.mark.slow
def test_narration_never_runs_ahead_of_its_slide(full_hd):
    """Each scene is silent until its lead-in pad ends, then speaks; silent again before the next."""
    rate = 16000
    audio = decode_audio(full_hd.video_path, rate)
    settings = full_hd.ctx.settings
    for s in full_hd.ctx.timing_report.scenes:
        def rms(t0, t1):
            seg = audio[int(t0 * rate) : int(t1 * rate)]
            return float(np.sqrt(np.mean(seg**2))) if len(seg) else 0.0

        lead = rms(s.start + 0.03, s.start + settings.pad_before - 0.05)
        speech = rms(s.audio_start, s.audio_start + s.audio_duration)
        tail = rms(s.audio_start + s.audio_duration + 0.1, s.end - 0.03)
        assert speech > 0.02, f"scene {s.index} is silent"
        assert lead < 0.003 and tail < 0.003, f"scene {s.index}: sound outside its slot"
        assert s.audio_start == pytest.approx(s.start + settings.pad_before)


@pytest.mark.slow
def test_output_folder_has_video_metadata_and_a_real_thumbnail(full_hd):
    out = full_hd.ctx.output_dir
    assert full_hd.video_path == out / "full-hd-check.mp4"
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Full HD Check"
    assert [s["title"] for s in meta["scenes"]] == ["Full HD Check", "Alpha", "Beta"]
    assert meta["engine"] == "espeak" and meta["voice"] == "en-us"
    assert meta["fps"] == 30 and meta["resolution"] == [1920, 1080]
    assert meta["duration"] == pytest.approx(full_hd.ctx.timing_report.total_duration)
    assert "pillow" in meta["versions"] and "python" in meta["versions"]
    with Image.open(out / "thumbnail.png") as im:
        assert im.size == (1280, 720)
        arr = np.asarray(im.convert("L"))
    assert (arr > 200).mean() > 0.002  # the title is on it
    assert not list(out.glob(".*.tmp")), "no temporary files left in the output"


def test_small_render_and_custom_frame_rate(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, fps=24, tts="silent", progress=None)
    p.run()
    info = probe(p.video_path, count_frames=True)
    assert (info.width, info.height, info.fps) == (320, 180, 24)
    assert info.frames == p.ctx.timing_report.total_frames
