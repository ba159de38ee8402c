"""Small video: stills as one keyframe plus skip frames, fades at half the encoding, a light proxy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import SMALL, decode_frame
from videogen_nb import Pipeline
from videogen_nb.ffmpeg import ffmpeg_exe, probe
from videogen_nb.render import h264
from videogen_nb.render.encode import EncoderSettings, concat_raw, mux
from videogen_nb.render.segments import SegmentStore, Shot


def decode_errors(path: Path) -> str:
    return subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
                          capture_output=True, text=True).stderr.strip()  # fmt: skip


def raw_frames(stream, size: tuple[int, int]) -> np.ndarray:
    """Every frame of a raw H.264 stream (a file, or a piece made as pieces are joined), decoded, as (n, h, w, 3)."""
    w, h = size
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "h264", "-i", "pipe:0", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], input=stream.read_bytes(), capture_output=True, check=True).stdout  # fmt: skip
    return np.frombuffer(out, np.uint8).reshape(-1, h, w, 3)


def keyframe_times(video: Path) -> list[float]:
    """Presentation times of the keyframes, from the decoder (only keyframes are decoded)."""
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-skip_frame", "nokey", "-i", str(video), "-map", "0:v:0",
                          "-vf", "showinfo", "-f", "null", "-"], capture_output=True, text=True).stderr  # fmt: skip
    return [float(line.split("pts_time:")[1].split()[0]) for line in err.splitlines() if "pts_time:" in line]


def slide(tmp_path: Path, colour, text: str, size=(320, 180)) -> Path:
    from PIL import ImageDraw

    img = Image.new("RGB", size, colour)
    ImageDraw.Draw(img).text((20, 60), text, fill="white")
    path = tmp_path / f"{text}.png"
    img.save(path)
    return path


@pytest.mark.parametrize("frames", [1, 2, 17, 300])
def test_a_still_is_one_keyframe_and_skip_frames_that_repeat_it_exactly(tmp_path, frames):
    store = SegmentStore(tmp_path / "seg", EncoderSettings(keyframe_seconds=100), (320, 180))
    image = slide(tmp_path, (20, 30, 60), "still")
    parts = store.still(image, "h", frames)
    assert len(parts) == 1 and store.encoded_frames == 1  # one encoded frame, whatever the length
    piece = tmp_path / "still.h264"  # made as the pieces are joined: written here to decode it alone
    piece.write_bytes(parts[0].read_bytes())
    decoded = raw_frames(piece, (320, 180))
    assert len(decoded) == frames
    assert all(np.array_equal(f, decoded[0]) for f in decoded)  # 300 frames: frame numbers wrap, still exact
    assert np.abs(decoded[0].astype(int) - np.asarray(Image.open(image)).astype(int)).mean() < 2
    # each frame after the keyframe costs a few bytes
    keyframe = next(store.folder.glob("*_key.h264"))
    assert piece.stat().st_size < keyframe.stat().st_size + 16 * frames


def test_stills_fades_and_clips_join_into_a_stream_that_decodes_cleanly(tmp_path):
    settings = EncoderSettings(fps=30, keyframe_seconds=1)
    store = SegmentStore(tmp_path / "seg", settings, (320, 180))
    a, b = slide(tmp_path, (200, 30, 30), "a"), slide(tmp_path, (30, 30, 200), "b")
    parts = store.shots([Shot(a, "a", 50), Shot(b, "b", 47, fade=16)])
    parts += store.frames("clip", 5, lambda: iter([np.full((90, 160, 3), 128, np.uint8)] * 5))
    assert store.encoded_frames == 1 + 1 + 5  # a, b, and the clip: the fade and the holds are written, not encoded
    assert len(store.still(a, "a", 50)) == 2  # a keyframe every second: 30 + 20
    stream = tmp_path / "all.h264"
    moves = concat_raw(parts, stream)
    frames = raw_frames(stream, (320, 180))
    assert len(frames) == 50 + 47 + 5
    red = [int(f[90, 300, 0]) for f in frames]  # the colour of a corner, without the text
    assert red[49] > 190 and red[66] < 40 and all(x > y for x, y in zip(red[49:67], red[50:67]))  # a to b, every frame
    # b's keyframe is decoded before the fade and shown after it
    assert moves == {50: 66, **{50 + k: 49 + k for k in range(1, 17)}}
    aac = tmp_path / "silence.aac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3.4",
                    "-c:a", "aac", str(aac)], check=True)  # fmt: skip
    mux(stream, aac, tmp_path / "all.mp4", settings, moves)
    assert decode_errors(tmp_path / "all.mp4") == ""
    assert probe(tmp_path / "all.mp4", count_frames=True).frames == 102
    # in the MP4 too, frame by frame in place: the last of a, the fade, the first of b
    for n in (0, 49, 58, 66, 101):
        # (decode_frame gives the first frame that starts at or after the time)
        assert np.array_equal(decode_frame(tmp_path / "all.mp4", max(0, n - 0.5) / 30, (320, 180)), frames[n]), n


@pytest.mark.parametrize("fade", [1, 2, 15])
def test_a_crossfade_is_the_weighted_mix_of_the_two_pictures(tmp_path, fade):
    store = SegmentStore(tmp_path / "seg", EncoderSettings(fps=30), (320, 180))
    a, b = slide(tmp_path, (200, 30, 30), "a"), slide(tmp_path, (30, 30, 200), "b")
    stream = tmp_path / "all.h264"
    concat_raw(store.shots([Shot(a, "a", 4), Shot(b, "b", fade + 3, fade=fade)]), stream)
    frames = raw_frames(stream, (320, 180)).astype(float)
    assert len(frames) == 4 + fade + 3
    first, last = frames[3], frames[-1]
    for k in range(fade):
        t = (k + 1) / (fade + 1)
        assert np.abs(frames[4 + k] - ((1 - t) * first + t * last)).mean() < 1.5, k
    assert store.encoded_frames == 2 and store.seconds["fades"] < 0.5


def test_a_video_has_a_keyframe_every_few_seconds_and_decodes_without_error(write_doc, tmp_path):
    doc = write_doc("long.md", "# Long\n\n## One\n\n" + "A sentence that takes a while to say. " * 12 + "\n\n## Two\n\nShort.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run()
    assert decode_errors(p.video_path) == ""
    keys = keyframe_times(p.video_path)
    ends = [0.0] + keys + [p.ctx.timing_report.total_duration]
    assert max(b - a for a, b in zip(ends, ends[1:])) <= 5.0, keys
    # stills cost one encoded frame each, plus the fades' pictures: far fewer than the video's frames
    summary = p.ctx.stage_records["video"].summary
    assert "proxy" not in summary  # 320x180 is smaller than a proxy: none is made
    assert p.proxy_path is None


def test_the_proxy_has_the_same_timeline_at_a_fraction_of_the_size(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(1280, 720), tts="silent", progress=None)
    p.run()
    proxy, master = p.proxy_path, p.video_path
    assert proxy is not None and proxy.is_file() and decode_errors(proxy) == ""
    small, big = probe(proxy, count_frames=True), probe(master, count_frames=True)
    assert (small.width, small.height) == (640, 360)
    assert small.frames == big.frames and small.duration == pytest.approx(big.duration, abs=0.03)
    for s in p.ctx.timing_report.scenes:  # each scene shows the same slide in both, from its first frame
        t = s.start + 1 / 60
        a = np.asarray(Image.fromarray(decode_frame(master, t, (1280, 720))).resize((640, 360))).astype(int)
        b = decode_frame(proxy, t, (640, 360)).astype(int)
        assert np.abs(a - b).mean() < 6
    assert "proxy" in p.ctx.stage_records["video"].summary
    # the notebook plays the proxy
    from videogen_nb.notebook.players import playable_video

    assert playable_video(p) == proxy


def test_pictures_of_another_size_are_scaled_to_the_store(tmp_path):
    big = slide(tmp_path, (10, 200, 10), "big", size=(640, 360))
    store = SegmentStore(tmp_path / "seg", EncoderSettings(), (320, 180))
    frames = raw_frames(store.still(big, "big", 3)[0], (320, 180))
    assert frames.shape == (3, 180, 320, 3) and frames[0][90, 300, 1] > 180


def test_h264_refuses_what_it_cannot_follow():
    with pytest.raises(ValueError, match="no sequence parameter set"):
        h264.still(b"\x00\x00\x00\x01\x65\x88", 3)


@pytest.mark.parametrize("before", [1, 13, 30, 31, 47])
def test_a_fade_follows_any_group_of_the_still_before_it_and_keeps_keyframes_close(tmp_path, before):
    settings = EncoderSettings(fps=30, keyframe_seconds=1)  # keyframes every 30 frames: the fade follows any group
    store = SegmentStore(tmp_path / "seg", settings, (320, 180))
    a, b = slide(tmp_path, (200, 30, 30), "a"), slide(tmp_path, (30, 30, 200), "b")
    parts = store.shots([Shot(a, "a", before), Shot(b, "b", 16 + 70, fade=16)])
    stream = tmp_path / "all.h264"
    moves = concat_raw(parts, stream)
    err = subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "h264", "-i", str(stream), "-f", "null", "-"],
                         capture_output=True, text=True).stderr  # fmt: skip
    assert err.strip() == ""
    frames = raw_frames(stream, (320, 180))
    assert len(frames) == before + 16 + 70
    red = [int(f[90, 300, 0]) for f in frames]
    fading = red[before - 1 : before + 17]
    assert red[before - 1] > 190 and red[-1] < 40 and all(x > y for x, y in zip(fading, fading[1:]))
    aac = tmp_path / "silence.aac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3.4",
                    "-c:a", "aac", str(aac)], check=True)  # fmt: skip
    mux(stream, aac, tmp_path / "all.mp4", settings, moves)
    keys = keyframe_times(tmp_path / "all.mp4")
    gaps = [y - x for x, y in zip([0.0] + keys, keys + [(before + 86) / 30])]
    assert max(gaps) <= 1 + 17 / 30 + 1e-6, keys  # a keyframe group, plus at most the fade and b's first frame
    # seeking anywhere shows the frame the whole decode shows there, in the fade too
    whole = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "all.mp4"), "-f", "rawvideo",
                            "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout  # fmt: skip
    decoded = np.frombuffer(whole, np.uint8).reshape(-1, 180, 320, 3)
    for n in (before - 1, before, before + 8, before + 15, before + 16, before + 17, before + 85):
        assert np.array_equal(decode_frame(tmp_path / "all.mp4", (n - 0.5) / 30, (320, 180)), decoded[n]), n
