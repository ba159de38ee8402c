"""Encoding with the ffmpeg binary from the ``imageio-ffmpeg`` wheel.

A still slide is never pushed through the encoder frame by frame: x264
encodes one keyframe of it, and the frames after it, and crossfades, are
written without an encoder (see ``h264.py``). Pieces are raw H.264 that share
one sequence and picture parameter set (x264's ``stitchable`` option keeps
them identical whatever the quality asked for); joining renumbers their
frames, and the MP4 is written here (``mp4.py``) with exact times: frame N
shown at N/fps, fades' keyframes and pictures in the order the timeline says.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

try:  # a fast checksum to find a band seen before (ISA-L's where it is installed)
    from isal.isal_zlib import crc32 as _crc32
except ImportError:  # pragma: no cover - platforms without isal wheels
    from zlib import crc32 as _crc32

from ..atomic import place_recorded, recorded_digest, temporary_sibling, write_recorded
from ..errors import RenderError
from ..ffmpeg import ffmpeg_exe
from ..fingerprint import stable_hash
from . import h264
from .mp4 import AacTrack, VideoSamples, read_adts, write_mp4


@dataclass(frozen=True)
class EncoderSettings:
    """Codec parameters every piece of one video must share, and the qualities asked of each kind of piece."""

    fps: int = 30
    #: quality of the frames x264 encodes after a keyframe (moving clips and pictures)
    crf: int = 20
    #: how much finer a keyframe is quantised than the frames after it: a still's one encoded frame stands
    #: for all its frames (2.0 at crf 20: 44 dB on our slides, against 42.8 for x264 over 16 frames of a still)
    ipratio: float = 2.0
    #: quality of keyframes, each encoded as if alone (the first picture of an x264 run at crf 20 was quantised
    #: as finely: 44.1 dB on our slides, 30 KB at 1080p)
    keyframe_crf: int = 14
    #: seconds between keyframes within a still, so that a player can seek (and start) anywhere
    keyframe_seconds: float = 4.0
    preset: str = "veryfast"
    profile: str = "high"
    #: the AAC encoder's constant bitrate, used where ``audio_quality`` is None
    audio_bitrate: str = "96k"
    #: the AAC encoder's variable-bitrate quality (ffmpeg's ``-q:a``; None: constant ``audio_bitrate``). The
    #: constant-bitrate mode codes many frames twice to meet the rate: on 400 s of espeak speech, quality 2 took
    #: 1.8 CPU-s against 4.0 for 96k, for the same size (103 kbit/s) and a closer sound (38.7 dB against 35.6)
    audio_quality: Optional[float] = 2.0
    #: Hz above which the AAC encoder codes nothing (None: its own choice for the bitrate); the narration sets it
    #: to what its clips hold (half their sample rate): the bands above are empty, and analysing them was a tenth
    #: of the encoder's work
    audio_cutoff: Optional[int] = None

    @property
    def keyframe_interval(self) -> int:
        """Frames between the keyframes of a still."""
        return max(1, round(self.keyframe_seconds * self.fps))

    def audio_args(self) -> list[str]:
        # mono speech; the "fast" coder is 3-4x quicker than the default on speech, at the same bitrate
        cutoff = ["-cutoff", str(self.audio_cutoff)] if self.audio_cutoff else []
        rate = ["-q:a", f"{self.audio_quality:g}"] if self.audio_quality is not None else ["-b:a", self.audio_bitrate]
        return ["-c:a", "aac", "-aac_coder", "fast", *rate, *cutoff, "-ac", "1"]

    def keyframe_args(self) -> list[str]:
        """x264's arguments for keyframes encoded in a run of their own (see :class:`KeyframeRun`): every picture
        an IDR, at a quality that does not depend on the pictures before it (qcomp=1: a constant rate factor)."""
        args = self.video_args()
        args[args.index("-crf") + 1] = str(self.keyframe_crf)
        # subme=1: a fifth less work for x264 on a still, the same quality (44.0 dB on our slides) for 2% more bytes
        args[-1] += ":qcomp=1:subme=1"
        return [*args, "-force_key_frames", "expr:1"]

    def video_args(self) -> list[str]:
        # -bf 0: no B-frames, so x264's pieces carry no reordering (fades bring their own, see h264.py);
        # -threads 1: pieces are short and encoded side by side;
        # stitchable: headers that do not depend on content or quality, so every piece shares them; no
        # look-ahead and no macroblock tree: a picture is encoded the same whatever follows it
        params = f"stitchable=1:rc-lookahead=0:mbtree=0:ipratio={self.ipratio}"
        return [
            "-c:v", "libx264", "-preset", self.preset, "-tune", "stillimage", "-crf", str(self.crf),
            "-profile:v", self.profile, "-pix_fmt", "yuv420p", "-bf", "0", "-g", str(self.fps), "-threads", "1",
            "-x264-params", params,
        ]  # fmt: skip


class X264Run:
    """One run of x264 fed raw pictures one at a time (``pix_fmt``, ``size``)."""

    def __init__(
        self, count: Optional[int], size: tuple[int, int], out: Path, settings: EncoderSettings, args: list[str],
        pix_fmt: str, what: str,
    ) -> None:  # fmt: skip
        """``count`` pictures (None: as many as are fed before :meth:`finish`)."""
        w, h = size
        self.what = what
        self.tmp = temporary_sibling(Path(out))
        frames = ["-frames:v", str(count)] if count is not None else []
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{w}x{h}", "-framerate", str(settings.fps), "-i", "pipe:0",
               *frames, *args, "-f", "h264", str(self.tmp)]  # fmt: skip
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    def feed(self, picture: bytes) -> None:
        try:
            self.proc.stdin.write(picture)
        except BrokenPipeError:
            self.proc.wait()
            err = self.proc.stderr.read().decode(errors="replace")
            self.close()
            raise RenderError(f"ffmpeg stopped while encoding {self.what}: {err[-300:]}") from None

    def finish(self) -> bytes:
        """The stream x264 wrote, once every picture is fed."""
        try:
            self.proc.stdin.close()
            err = self.proc.stderr.read().decode(errors="replace")
            if self.proc.wait() != 0:
                raise RenderError(f"ffmpeg failed while encoding {self.what}: {err.strip()[-300:]}")
            return self.tmp.read_bytes()
        finally:
            self.close()

    def close(self) -> None:
        """Stop x264 if it still runs and remove its file (after a failure, or once read)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.tmp.unlink(missing_ok=True)


def encode_raw(
    pictures: Iterable[bytes], count: int, size: tuple[int, int], out: Path, settings: EncoderSettings,
    pix_fmt: str = "yuv420p", what: str = "a picture",
) -> None:  # fmt: skip
    """Encode ``count`` raw pictures (``pix_fmt``, ``size``), streamed to x264 one at a time, as a raw H.264 piece
    at ``out`` (in the form pieces share: :func:`h264.adapt`)."""
    run = X264Run(count, size, out, settings, settings.video_args(), pix_fmt, what)
    try:
        for picture in pictures:
            run.feed(picture)
        stream = run.finish()
    finally:
        run.close()
    write_recorded(Path(out), h264.adapt(stream))


#: most macroblock rows in a band of a keyframe (64 pixels: 17 bands at 1080p)
BAND_ROWS = 4


def band_rows(height: int) -> int:
    """Macroblock rows in each band of a keyframe ``height`` pixels high: the most, up to :data:`BAND_ROWS`, that
    divide the picture's rows evenly (every band the same size, so one run of x264 encodes them all)."""
    rows = -(-int(height) // 16)
    return max(d for d in range(1, BAND_ROWS + 1) if rows % d == 0)


class KeyframeRun:
    """One run of x264 for the keyframes of many pictures of one size, each written to its path. A keyframe is
    encoded as horizontal bands, each a picture of its own to x264 and a slice of the keyframe
    (:func:`h264.band_slice`): a band already encoded in the run is not encoded again, so a reveal's states,
    which differ from their slide in a band or two, cost those bands.

    Each band is encoded as if alone (an IDR at a quality that does not
    depend on the pictures before it), so a picture's keyframe is the same
    whichever pictures share its run; only a padding bit after a band's
    last, which x264 varies with its place in the run and decoders never
    read, can differ.
    """

    def __init__(self, size: tuple[int, int], settings: EncoderSettings, folder: Path, what: str = "slides") -> None:
        self.size = (int(size[0]), int(size[1]))
        self.settings = settings
        self.folder = Path(folder)
        self.what = what
        w, h = self.size
        self.rows = band_rows(h)
        self.band_height = 16 * self.rows
        self.bands = -(-h // 16) // self.rows
        self._stride = 3 * w
        self._run = X264Run(None, (w, self.band_height), self.folder / "bands.h264", settings, settings.keyframe_args(),
                            "rgb24", what)  # fmt: skip
        self._fed = 0
        self._seen: dict[tuple[int, int], list[tuple[bytes, int]]] = {}  # (band, checksum) -> (its rows, run index)
        self._pictures: list[tuple[Path, list[int]]] = []

    def __repr__(self) -> str:
        return f"<KeyframeRun {self.size[0]}x{self.size[1]}: {len(self._pictures)} pictures, {self._fed} bands encoded>"

    def add(self, out: Path, rgb: bytes) -> list[int]:
        """Encode the picture ``rgb`` (rgb24 of the run's size) as the keyframe at ``out``: its bands not seen yet.
        Returns which band of the run each of its bands is (two pictures differ where these differ)."""
        w, h = self.size
        if len(rgb) != self._stride * h:
            raise RenderError(f"a picture of {len(rgb)} bytes is not {w}x{h} RGB ({self.what})")
        view = memoryview(rgb)
        refs = []
        for k in range(self.bands):
            top, bottom = k * self.band_height, min(h, (k + 1) * self.band_height)
            start, end = top * self._stride, bottom * self._stride
            key = (k, _crc32(view[start:end]))
            rows = rgb[start:end]  # a copy: the run keeps the bands it encoded, not the pictures they came from
            ref = next((i for other, i in self._seen.get(key, ()) if other == rows), None)
            if ref is None:
                band = rows
                if bottom - top < self.band_height:  # below the picture: its last row again (cropped when shown)
                    band += rgb[end - self._stride : end] * (top + self.band_height - bottom)
                self._run.feed(band)
                ref = self._fed
                self._fed += 1
                self._seen.setdefault(key, []).append((rows, ref))
            refs.append(ref)
        self._pictures.append((Path(out), refs))
        return refs

    def finish(self) -> None:
        """Write every keyframe, once every picture is added."""
        units = [h264.adapt(u) for u in h264.access_units(self._run.finish())]
        if len(units) != self._fed:
            raise RenderError(f"x264 gave {len(units)} pictures for {self._fed} bands of {self.what}")
        headers = self._headers(units[0]) if units else b""
        seq = h264.sequence_info(headers) if units else None
        width_mbs = -(-self.size[0] // 16)
        # a band recurs in its place in many pictures (a reveal's states differ in a few): its slice is made once
        slices: dict[tuple[int, int], bytes] = {}
        for out, refs in self._pictures:
            parts = [headers]
            for k, ref in enumerate(refs):
                made = slices.get((k, ref))
                if made is None:
                    made = slices[k, ref] = h264.band_slice(seq, k * self.rows * width_mbs, units[ref])
                parts.append(made)
            write_recorded(out, b"".join(parts))

    def _headers(self, band: bytes) -> bytes:
        """The SPS and PPS of a whole picture (from x264 once per size and settings, kept in the folder); its PPS is
        the bands' (x264's stitchable headers do not depend on the picture)."""
        path = self.folder / f"{stable_hash('headers', self.size, self.settings.keyframe_args())[:24]}_headers.h264"
        if recorded_digest(path) is not None:  # there whole, as it was written
            headers = path.read_bytes()
        else:
            run = X264Run(1, self.size, path, self.settings, self.settings.keyframe_args(), "rgb24", self.what)
            try:
                run.feed(bytes(self._stride * self.size[1]))
                unit = h264.adapt(run.finish())
            finally:
                run.close()
            headers = b"".join(h264.START + n for n in h264.nal_units(unit) if n[0] & 0x1F in (h264.NAL_SPS, h264.NAL_PPS))
            write_recorded(path, headers)
        pps = [n for n in h264.nal_units(headers) if n[0] & 0x1F == h264.NAL_PPS]
        if pps != [n for n in h264.nal_units(band) if n[0] & 0x1F == h264.NAL_PPS]:
            raise RenderError(f"x264 wrote other picture parameters for a band than for a whole picture ({self.what})")
        return headers

    def close(self) -> None:
        """Stop x264 if it still runs (after a failure)."""
        self._run.close()


@dataclass(frozen=True)
class StillPiece:
    """A picture held for ``frames`` frames: its keyframe (the file at ``keyframe``) and skip frames after it.

    Made when the pieces are joined, never written: it is the keyframe's
    bytes and a few dozen bytes a frame, and a file for each (with its
    record) cost more to write and read back than to make.
    """

    keyframe: Path
    frames: int

    def read_bytes(self) -> bytes:
        return h264.still(Path(self.keyframe).read_bytes(), self.frames)


def concat_raw(parts: Iterable["Path | StillPiece"], out: Path) -> dict[int, int]:
    """Join raw H.264 pieces (files, or stills made as they are joined) into one stream (their frames renumbered,
    nothing re-encoded); return the frames shown in another order than decoded (decode index -> display index),
    which :func:`mux` needs."""
    tmp = temporary_sibling(out)
    try:
        with open(tmp, "wb") as dst:
            moves = _concatenate(parts, dst.write)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return moves


def _piece_bytes(part: "Path | StillPiece") -> bytes:
    return part.read_bytes() if isinstance(part, StillPiece) else Path(part).read_bytes()


def _concatenate(parts: Iterable["Path | StillPiece"], write: Callable[[bytes], object]) -> dict[int, int]:
    """The pieces joined, passed to ``write`` piece by piece; the frames shown out of decoding order."""
    timeline: h264.Timeline | None = None
    # repeats come in runs: keep the last piece; one that opens with an IDR and is numbered from it (a still, a
    # keyframe) is copied as it is, only the others (fades, clips) are parsed and renumbered
    last: tuple[Path | StillPiece, bytes, int, list[h264.Unit]] | None = None
    for part in parts:
        if last is None or last[0] != part:
            data = _piece_bytes(part)
            if timeline is None:
                timeline = h264.Timeline(h264.sequence_info(data))
            frames = part.frames if isinstance(part, StillPiece) else h264.self_numbered(data)
            last = (part, data, frames, [] if frames else h264.units_of(data, timeline.seq))
        _, data, frames, units = last
        write(timeline.add_as_is(data, frames) if frames else timeline.add(units))
    return timeline.moves if timeline is not None else {}


def mux_pieces(parts: Iterable["Path | StillPiece"], audio: "Path | AacTrack", out: Path, settings: EncoderSettings) -> str:
    """Join the pieces (stream copy) and mux them with an AAC track (an ADTS file, or its frames read already) into
    an MP4, written in this process (see ``mp4.py``); return its hash.

    The joined pictures go to a spool file as they are made (memory does not
    grow with the video); the MP4's size and hash are recorded beside it, so a
    damaged video is noticed on resume.
    """
    return _write(lambda video: _concatenate(parts, video.add), audio, out, settings)


def mux(video_h264: Path, audio: "Path | AacTrack", out: Path, settings: EncoderSettings, moves: dict[int, int] | None = None) -> str:
    """Mux a raw H.264 stream that :func:`concat_raw` joined (frame N at N/fps, or where ``moves``, which it returned,
    shows it) and an AAC track into an MP4, both copied, never re-encoded; return its hash."""

    def join(video: VideoSamples) -> dict[int, int]:
        video.add(Path(video_h264).read_bytes())
        return moves or {}

    return _write(join, audio, out, settings)


def _write(join: Callable[[VideoSamples], dict[int, int]], audio: "Path | AacTrack", out: Path, settings: EncoderSettings) -> str:
    """The MP4 of the pictures ``join`` gives to its samples (returning the frames shown out of order) and ``audio``,
    made through a temporary file; its hash (recorded beside it)."""
    sound = audio if isinstance(audio, AacTrack) else read_adts(audio)
    tmp = temporary_sibling(out, out.suffix)
    try:
        with tempfile.TemporaryFile(dir=out.parent) as spool:
            video = VideoSamples(spool)
            moves = join(video)
            written = write_mp4(tmp, video, spool, moves, settings.fps, sound)
        return place_recorded(tmp, out, written)
    finally:
        tmp.unlink(missing_ok=True)
