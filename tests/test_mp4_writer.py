"""The MP4 written in this process: every picture and sound frame as it was joined, in a file players read."""

from __future__ import annotations

import hashlib
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import decode_errors
from videogen_nb.atomic import recorded_digest
from videogen_nb.errors import RenderError
from videogen_nb.ffmpeg import ffmpeg_exe
from videogen_nb.render import mp4
from videogen_nb.render.encode import EncoderSettings, concat_raw, mux_pieces
from videogen_nb.render.segments import SegmentStore, Shot

SIZE = (320, 180)


def _slide(folder: Path, colour, name: str) -> Path:
    img = Image.new("RGB", SIZE, colour)
    img.paste((250, 250, 250), (20 + 40 * len(name), 60, 120 + 40 * len(name), 120))
    path = folder / f"{name}.png"
    img.save(path)
    return path


def _adts(folder: Path, seconds: float) -> Path:
    """A tone as ADTS, as the narration track is kept: each frame's packet differs, so a lost or moved one shows."""
    out = folder / "tone.aac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={seconds}",
                    "-af", "volume='0.2+0.1*sin(7*t)':eval=frame", "-c:a", "aac", "-ac", "1", "-f", "adts", str(out)],
                   check=True)  # fmt: skip
    return out


def _packets(path: Path, stream: str, *copy: str) -> list[tuple[str, ...]]:
    """(dts, pts, duration, size, md5) of every packet of one stream, copied (through ``copy``'s filters), as ffmpeg's
    demuxer reads them."""
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-c", "copy", *copy,
                          "-f", "framemd5", "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [tuple(x.strip() for x in line.split(",")[1:6]) for line in out.splitlines() if not line.startswith("#")]


def _decoded(path: Path, demuxer: list[str] | None = None) -> np.ndarray:
    out = subprocess.run([ffmpeg_exe(), "-v", "error", *(demuxer or []), "-i", str(path), "-map", "0:v:0", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout  # fmt: skip
    return np.frombuffer(out, np.uint8).reshape(-1, SIZE[1], SIZE[0], 3)


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """The boxes between ``start`` and ``end``: (type, offset of the body, end)."""
    out, at, end = [], start, len(data) if end is None else end
    while at < end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        body = at + 8
        if size == 1:
            size, body = struct.unpack(">Q", data[at + 8 : at + 16])[0], at + 16
        out.append((kind, body, at + size))
        at += size
    return out


@pytest.fixture
def joined(tmp_path):
    """Stills, a crossfade (its keyframe decoded before the frames it is shown after) and a clip, with 3.6 s of
    sound: the pieces, their joined raw stream and its frames shown out of order, and the sound."""
    settings = EncoderSettings(fps=30, keyframe_seconds=1)
    store = SegmentStore(tmp_path / "seg", settings, SIZE)
    a, b = _slide(tmp_path, (200, 30, 30), "a"), _slide(tmp_path, (30, 30, 200), "bb")
    parts = store.shots([Shot(a, "a", 50), Shot(b, "b", 47, fade=16)])
    parts += store.frames("clip", 11, lambda: (np.full((180, 320, 3), 20 * k, np.uint8) for k in range(11)))
    stream = tmp_path / "all.h264"
    moves = concat_raw(parts, stream)
    return settings, parts, stream, moves, _adts(tmp_path, 3.6)


def test_the_mp4_holds_every_picture_and_sound_frame_where_the_stream_puts_it(joined, tmp_path):
    settings, parts, stream, moves, sound = joined
    out = tmp_path / "v.mp4"
    digest = mux_pieces(parts, sound, out, settings)
    assert decode_errors(out) == ""
    # the same pictures in the same order as a decoder of the raw stream shows them, frame for frame
    raw = _decoded(stream, ["-f", "h264"])
    assert len(raw) == 50 + 47 + 11 and np.array_equal(_decoded(out), raw)
    video = _packets(out, "v")
    # in decoding order, each picture at its time: frame N at N/30 s unless the joining moved it (the fade's keyframe
    # is decoded before the 16 frames of the fade and shown after them); a frame's decoding time a frame ahead
    assert moves and [int(p[1]) for p in video] == [512 * moves.get(n, n) for n in range(len(raw))]
    assert [int(p[0]) for p in video] == [512 * (n - 1) for n in range(len(raw))]
    # the sound's packets are the ADTS frames without their headers, every one, in order and unchanged
    assert [p[3:] for p in _packets(out, "a")] == [p[3:] for p in _packets(sound, "a", "-bsf:a", "aac_adtstoasc")]
    # the size and hash recorded are the file's, taken as it was written
    assert digest == recorded_digest(out) == hashlib.sha256(out.read_bytes()).hexdigest()


def test_the_index_comes_first_and_the_tracks_interleave_a_second_at_a_time(joined, tmp_path):
    settings, parts, _, _, sound = joined
    out = tmp_path / "v.mp4"
    mux_pieces(parts, sound, out, settings)
    data = out.read_bytes()
    # moov before mdat: a browser plays from the first bytes it gets (ffmpeg's +faststart)
    assert [k for k, _, _ in _boxes(data)] == [b"ftyp", b"moov", b"mdat"]
    # where each packet sits in the file, from the sample tables: a second of pictures, then that second's sound
    placed = sorted(_placed(data))
    times = [t for _, t, _ in placed]
    assert {track for _, _, track in placed} == {0, 1}
    assert all(b - a > -1.1 for a, b in zip(times, times[1:]))  # never more than a second back in time


def _placed(data: bytes) -> list[tuple[int, float, int]]:
    """(file offset, decoding time in s, track) of every sample, read from the stco/co64, stsc, stsz and stts."""
    out = []
    (moov,) = [(b, e) for k, b, e in _boxes(data) if k == b"moov"]
    tracks = [(b, e) for k, b, e in _boxes(data, *moov) if k == b"trak"]
    for t, trak in enumerate(tracks):
        mdia = next((b, e) for k, b, e in _boxes(data, *trak) if k == b"mdia")
        mdhd = next(b for k, b, e in _boxes(data, *mdia) if k == b"mdhd")
        scale = struct.unpack(">I", data[mdhd + 12 : mdhd + 16])[0]
        minf = next((b, e) for k, b, e in _boxes(data, *mdia) if k == b"minf")
        stbl = {k: (b, e) for k, b, e in _boxes(data, *next((b, e) for k, b, e in _boxes(data, *minf) if k == b"stbl"))}
        b, _ = stbl[b"stts"]
        (count, delta) = struct.unpack(">II", data[b + 8 : b + 16])
        b, _ = stbl[b"stsz"]
        sizes = struct.unpack(f">{count}I", data[b + 12 : b + 12 + 4 * count])
        b, _ = stbl[b"stsc"]
        runs = [struct.unpack(">III", data[b + 8 + 12 * i : b + 20 + 12 * i]) for i in range(struct.unpack(">I", data[b + 4 : b + 8])[0])]
        kind = b"co64" if b"co64" in stbl else b"stco"
        b, _ = stbl[kind]
        n = struct.unpack(">I", data[b + 4 : b + 8])[0]
        offsets = struct.unpack(f">{n}{'Q' if kind == b'co64' else 'I'}", data[b + 8 : b + 8 + (8 if kind == b"co64" else 4) * n])
        sample = 0
        for c, offset in enumerate(offsets):
            per = [r[1] for r in runs if r[0] <= c + 1][-1]
            for _ in range(per):
                out.append((offset, sample * delta / scale, t))
                offset += sizes[sample]
                sample += 1
        assert sample == count
    return out


def test_a_video_past_four_gigabytes_would_take_64_bit_offsets(joined, tmp_path, monkeypatch):
    settings, parts, _, _, sound = joined
    small, large = tmp_path / "small.mp4", tmp_path / "large.mp4"
    mux_pieces(parts, sound, small, settings)
    monkeypatch.setattr(mp4, "LARGE", 1000)  # as if the 4 GB of 32-bit offsets were a kilobyte
    mux_pieces(parts, sound, large, settings)
    data = large.read_bytes()
    assert b"co64" in data and b"stco" not in data
    mdat = [(k, b, e) for k, b, e in _boxes(data) if k == b"mdat"][0]
    assert struct.unpack(">I", data[mdat[1] - 16 : mdat[1] - 12])[0] == 1  # the 64-bit size form
    assert decode_errors(large) == ""
    assert np.array_equal(_decoded(large), _decoded(small))
    assert _packets(large, "a") == _packets(small, "a") and _packets(large, "v") == _packets(small, "v")


def test_a_damaged_sound_track_is_named_and_leaves_no_video(joined, tmp_path):
    settings, parts, _, _, sound = joined
    data = bytearray(sound.read_bytes())
    frame = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5)
    data[frame + 1] = 0x00  # the second frame's header broken
    bad = tmp_path / "narration.aac"
    bad.write_bytes(bytes(data))
    with pytest.raises(RenderError, match=rf"narration.aac is not an AAC stream in ADTS form \(damaged at byte {frame}\)"):
        mux_pieces(parts, bad, tmp_path / "v.mp4", settings)
    assert not list(tmp_path.glob("v.mp4*")) and not list(tmp_path.glob(".v.mp4*"))
    track = mp4.read_adts(sound)
    assert (track.rate, track.channels, track.config) == (48000, 1, b"\x11\x88")  # AAC LC, 48 kHz, mono
    assert "48000 Hz" in repr(track)


def test_pictures_behind_three_byte_start_codes_make_the_same_samples(joined):
    import io

    from videogen_nb.render import h264

    _, _, stream, _, _ = joined
    data = stream.read_bytes()
    nals = list(h264.nal_units(data))
    assert data == b"".join(h264.START + n for n in nals)  # the pieces made here: every start code of four bytes
    short = b"".join((b"\x00\x00\x01" if k % 3 else h264.START) + n for k, n in enumerate(nals))  # as x264 writes some
    made = []
    for piece in (data, short):
        spool = io.BytesIO()
        samples = mp4.VideoSamples(spool)
        samples.add(piece)
        made.append((spool.getvalue(), samples.sizes, samples.keyframes, samples.parameter_sets))
    assert made[0] == made[1]
    assert len(made[0][1]) == 50 + 47 + 11 and made[0][2] == [0, 30, 67, 97]  # a keyframe a second, then the clip's
    assert sum(made[0][1]) == len(data) and [p[0] & 0x1F for p in made[0][3]] == [h264.NAL_SPS, h264.NAL_PPS]


def test_the_sound_is_read_a_block_at_a_time_and_stays_in_its_file(joined, tmp_path, monkeypatch):
    settings, parts, _, _, sound = joined
    whole = mp4.read_adts(sound)
    mux_pieces(parts, sound, tmp_path / "big-blocks.mp4", settings)
    monkeypatch.setattr(mp4, "_BLOCK", 100)  # headers across every block's end
    small = mp4.read_adts(sound)
    assert (small.starts, small.sizes) == (whole.starts, whole.sizes) and len(whole.sizes) == 170
    mux_pieces(parts, sound, tmp_path / "small-blocks.mp4", settings)
    assert (tmp_path / "small-blocks.mp4").read_bytes() == (tmp_path / "big-blocks.mp4").read_bytes()
    # the frames are read from the file as they are written: a file cut short since is said, and no video is left
    sound.write_bytes(sound.read_bytes()[:5000])
    with pytest.raises(RenderError, match="tone.aac was cut short"):
        mux_pieces(parts, whole, tmp_path / "cut.mp4", settings)
    assert not list(tmp_path.glob("*cut.mp4*"))
