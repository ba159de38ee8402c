"""Fast rendering, checked on the decoded output: boundaries, frame rate, fades, re-renders, captions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from conftest import SMALL, decode_audio, decode_frame, frame_times
from videogen_nb import Pipeline
from videogen_nb.ffmpeg import ffmpeg_exe, probe
from videogen_nb.stages.video import transition_frames
from videogen_nb.timeline import frame_quantum

FPS = 30


def slide_of(p: Pipeline, index: int) -> np.ndarray:
    """The slide PNG the video stage drew for scene ``index`` (no caption)."""
    scene_id = p.scenes[index].scene_id
    path = next(f for f in (p.ctx.video_dir / "slides").glob(f"{scene_id}-*.png") if "-cue" not in f.name)
    return np.asarray(Image.open(path).convert("RGB")).astype(np.int16)


def frame_at(p: Pipeline, n: int) -> np.ndarray:
    """Frame number ``n`` of the video: ffmpeg's seek gives the first frame at or after the time asked."""
    return decode_frame(p.video_path, max(0.0, (n - 0.25) / FPS), p.ctx.settings.resolution).astype(np.int16)


def differs(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels that differ clearly (beyond what H.264 leaves of a still)."""
    return float((np.abs(a - b).max(axis=2) > 40).mean())


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of luma (0-255): about 1.3 between a slide and its encoded frame."""
    weights = np.array([0.299, 0.587, 0.114])
    return float(np.abs((a - b) @ weights).mean())


SAME = 2.0  # a frame this close to a slide shows it; other text slides are 3.5 and more away


def shows(frame: np.ndarray, slide: np.ndarray, other: np.ndarray) -> bool:
    """The frame is ``slide``: close to it, and far closer to it than to ``other``."""
    own = distance(frame, slide)
    return own < SAME and distance(frame, other) > 2 * own


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    doc = tmp / "five.md"
    doc.write_text(
        "# Rendering Check\n\n## Red part\n\nA few words about the first part.\n\n"
        "## Green part\n\n- one point\n- another point\n\n## Blue part\n\nThe last part has a longer sentence "
        "so that its scene lasts a little longer than the others do.\n",
        encoding="utf-8",
    )
    # stills, each scene's slide held whole: what reveals show over the timeline is checked in test_reveal.py
    p = Pipeline(doc, workdir=tmp / "work", resolution=SMALL, progress=None, reveal=False)
    p.run()
    return p


def test_each_scene_opens_on_its_own_slide_at_its_boundary(rendered):
    p = rendered
    for k, s in enumerate(p.ctx.timing_report.scenes):
        first = frame_at(p, s.start_frame)
        other = slide_of(p, k - 1 if k else k + 1)
        assert shows(first, slide_of(p, k), other), f"scene {k} does not open on its own slide"


def test_boundaries_match_the_audio_timeline_within_a_frame(rendered):
    p = rendered
    times = frame_times(p.video_path)
    report = p.ctx.timing_report
    assert len(times) == report.total_frames
    audio = decode_audio(p.video_path, 16000)
    for s in report.scenes:
        # the picture's boundary, read from the container, is the timeline's
        assert abs(times[s.start_frame] - s.start) < 1 / FPS
        assert s.start == pytest.approx(s.start_frame / FPS)
        # and the sound: silence in the lead-in pad, speech from audio_start on
        onset = next(k for k in range(int(s.start * 16000), len(audio)) if abs(audio[k]) > 0.02) / 16000
        assert s.audio_start - 1 / FPS <= onset <= s.audio_start + 0.15, f"scene {s.index}: speech at {onset:.3f} s"


def test_constant_frame_rate_and_stream_parameters(rendered):
    p = rendered
    times = frame_times(p.video_path)
    steps = np.diff(times)
    assert np.allclose(steps, 1 / FPS, atol=1e-6)  # constant frame rate: every frame 1/30 s after the last
    info = probe(p.video_path)
    assert (info.video_codec, info.pix_fmt, info.fps) == ("h264", "yuv420p", FPS)
    assert info.video_profile in ("High", "Main")
    assert info.audio_codec == "aac" and info.audio_rate == 48000
    data = p.video_path.read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat"), "no faststart: the index must come before the media"
    import subprocess

    err = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(p.video_path), "-f", "null", "-"], capture_output=True, text=True).stderr
    assert err.strip() == "", f"the file does not decode cleanly: {err[:300]}"


def test_scene_lengths_are_whole_steps_of_the_audio_frame_grid(rendered):
    q = frame_quantum(FPS)
    assert q == 16  # 16 frames at 30 fps = 25600 samples at 48 kHz = 25 AAC frames
    for s in rendered.ctx.timing_report.scenes:
        assert (s.end_frame - s.start_frame) % q == 0


def test_a_crossfade_blends_the_end_of_each_scene_into_the_next(rendered):
    p = rendered
    n = transition_frames(p.ctx.settings)
    assert n == 16
    a = p.ctx.timing_report.scenes[1]
    before, after = slide_of(p, 1), slide_of(p, 2)
    assert shows(frame_at(p, a.end_frame - n - 1), before, after)  # still the slide just before the fade
    mid = frame_at(p, a.end_frame - n // 2)
    # halfway through, the frame is neither slide but lies between them
    assert distance(mid, before) > SAME and distance(mid, after) > SAME
    lo, hi = np.minimum(before, after), np.maximum(before, after)
    assert ((mid >= lo - 12) & (mid <= hi + 12)).mean() > 0.99


def test_with_transition_zero_scenes_cut(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", transition=0, progress=None, reveal=False)
    p.run()
    s = p.ctx.timing_report.scenes[1]
    assert shows(frame_at(p, s.end_frame - 1), slide_of(p, 1), slide_of(p, 2))
    assert shows(frame_at(p, s.end_frame), slide_of(p, 2), slide_of(p, 1))


def test_a_rerender_after_one_edit_encodes_only_that_scene(tmp_path):
    doc = tmp_path / "six.md"
    topics = ["Apples", "Rivers of the north", "Clouds", "Mountains and the valleys between them", "Bees"]
    body = ["Grow on trees.", "- flow\n- freeze\n- flood", "Float high above us all day long.", "Rise.", "- buzz\n- sting"]
    doc.write_text("# Six\n\n" + "\n".join(f"## {t}\n\n{b}\n" for t, b in zip(topics, body)), encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None, reveal=False)  # stills (reveals: test_reveal)
    p.run()
    first = p.ctx.stage_records["video"].summary
    assert f"the sound of {len(p.scenes)} scenes" in first
    segments = set((p.ctx.video_dir / "segments").iterdir())
    p.edit(3, "A much longer narration for this one part, so that its scene is longer and everything after it moves.")
    p.run()
    again = p.ctx.stage_records["video"].summary
    assert "the sound of 1 scene;" in again
    frames = int(re.search(r"encoded (\d+) frames", again).group(1))
    # the edited scene keeps its slide, so nothing is encoded at all: its new length is new skip frames
    # after the same keyframe (and its fade, renumbered to follow them); no keyframe or fade is encoded again
    assert frames == 0
    new = set((p.ctx.video_dir / "segments").iterdir()) - segments
    assert len({f.name.split("_")[0] for f in new}) <= 2  # at most its fade (its still is made as pieces are joined)
    assert not [f for f in new if f.name.endswith(("_key.h264", "_fade.h264"))]
    # and the result is right: every scene still opens on its own slide, sound in step
    for k, s in enumerate(p.ctx.timing_report.scenes):
        assert shows(frame_at(p, s.start_frame), slide_of(p, k), slide_of(p, k - 1 if k else k + 1))
    assert probe(p.video_path, count_frames=True).frames == p.ctx.timing_report.total_frames


def test_burned_in_captions_are_one_still_per_cue(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(640, 360), burn_subtitles=True, progress=None, reveal=False)
    p.run()
    cues = p.subtitle_cues()
    assert cues
    cue = cues[len(cues) // 2]
    k = cue.scene_index
    frame = frame_at(p, round((cue.start + cue.end) / 2 * FPS))
    slide = slide_of(p, k)
    h = slide.shape[0]
    # the caption is at the bottom; the top of the slide is untouched
    assert distance(frame[: h // 2], slide[: h // 2]) < SAME
    assert differs(frame[h // 2 :], slide[h // 2 :]) > 0.02
    # the box is blended, not painted: the slide's background shows through, darkened
    box = frame[int(h * 0.82), frame.shape[1] // 2 - 5 : frame.shape[1] // 2 + 5]
    assert (box.mean(axis=1) < slide[int(h * 0.82), 0].mean()).all()
    captioned = list((p.ctx.video_dir / "slides").glob("*-cue*.png"))
    assert len(captioned) == len(cues)
    # each cue cost at most one unit segment and one remainder, however long it shows
    frames = int(re.search(r"encoded (\d+) frames", p.ctx.stage_records["video"].summary).group(1))
    stretches = 2 * len(cues) + 2 * len(p.scenes)
    assert frames <= stretches * 2 * frame_quantum(FPS)
    assert frames < p.ctx.timing_report.total_frames
