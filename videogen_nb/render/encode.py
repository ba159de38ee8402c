"""Encoding with the ffmpeg binary from the ``imageio-ffmpeg`` wheel.

A still slide is never pushed through the encoder frame by frame: x264
encodes one keyframe of it, and the frames after it, and crossfades, are
written without an encoder (see ``h264.py``). Pieces are raw H.264 that share
one sequence and picture parameter set (x264's ``stitchable`` option keeps
them identical whatever the quality asked for); joining renumbers their
frames, and the stream is muxed with exact timestamps (``setts``: frame N
shown at N/fps, fades' keyframes and pictures in the order the timeline says).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..atomic import place_recorded, temporary_sibling, write_recorded
from ..errors import RenderError
from ..ffmpeg import ffmpeg_exe, run_ffmpeg
from . import h264


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
    audio_bitrate: str = "96k"

    @property
    def keyframe_interval(self) -> int:
        """Frames between the keyframes of a still."""
        return max(1, round(self.keyframe_seconds * self.fps))

    def audio_args(self) -> list[str]:
        # mono speech; the "fast" coder is 3-4x quicker than the default on speech, at the same bitrate
        return ["-c:a", "aac", "-aac_coder", "fast", "-b:a", self.audio_bitrate, "-ac", "1"]

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
        self, count: int, size: tuple[int, int], out: Path, settings: EncoderSettings, args: list[str],
        pix_fmt: str, what: str,
    ) -> None:  # fmt: skip
        w, h = size
        self.what = what
        self.tmp = temporary_sibling(Path(out))
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{w}x{h}", "-framerate", str(settings.fps), "-i", "pipe:0",
               "-frames:v", str(count), *args, "-f", "h264", str(self.tmp)]  # fmt: skip
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


class KeyframeRun(X264Run):
    """One run of x264 that encodes every picture fed to it as a keyframe of its own, each written to its path.

    A run for many pictures costs a third of a run for each: each keyframe
    still comes out as it would alone (a quality that does not depend on the
    pictures before it, the id of a first IDR). Only a padding bit after the
    picture's last, which x264 varies with its place in the run and decoders
    never read, can differ.
    """

    def __init__(self, outs: Sequence[Path], size: tuple[int, int], settings: EncoderSettings, pix_fmt: str = "rgb24",
                 what: str = "slides") -> None:  # fmt: skip
        self.outs = list(outs)
        super().__init__(len(self.outs), size, self.outs[0], settings, settings.keyframe_args(), pix_fmt, what)

    def finish(self) -> bytes:
        stream = super().finish()
        units = h264.access_units(stream)
        if len(units) != len(self.outs):
            raise RenderError(f"x264 gave {len(units)} pictures for {len(self.outs)} {self.what}")
        for unit, out in zip(units, self.outs):
            write_recorded(Path(out), h264.first_idr(h264.adapt(unit)))
        return stream


def concat_raw(parts: Iterable[Path], out: Path) -> dict[int, int]:
    """Join raw H.264 pieces into one stream (their frames renumbered, nothing re-encoded); return the frames
    shown in another order than decoded (decode index -> display index), which :func:`mux` needs."""
    tmp = temporary_sibling(out)
    timeline: h264.Timeline | None = None
    try:
        with open(tmp, "wb") as dst:
            # repeats come in runs: keep the last piece; one that opens with an IDR and is numbered from it (a
            # still, a keyframe) is copied as it is, only the others (fades, clips) are parsed and renumbered
            last: tuple[Path, bytes, int, list[h264.Unit]] | None = None
            for part in parts:
                if last is None or last[0] != part:
                    data = Path(part).read_bytes()
                    if timeline is None:
                        timeline = h264.Timeline(h264.sequence_info(data))
                    frames = h264.self_numbered(data)
                    last = (part, data, frames, [] if frames else h264.units_of(data, timeline.seq))
                _, data, frames, units = last
                dst.write(timeline.add_as_is(data, frames) if frames else timeline.add(units))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return timeline.moves if timeline is not None else {}


def _shown_at(moves: dict[int, int]) -> str:
    """An ffmpeg expression of N (the packet's decode index) giving its display index: N, except where moved.

    Moves come in runs of one offset (a fade's pictures are each shown one frame
    earlier than decoded, its keyframe later), searched as a balanced tree.
    """
    runs: list[list[int]] = []  # [first, last, offset]
    for n in sorted(moves):
        offset = moves[n] - n
        if runs and runs[-1][1] == n - 1 and runs[-1][2] == offset:
            runs[-1][1] = n
        else:
            runs.append([n, n, offset])

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            first, last, offset = runs[lo]
            return f"{offset}*between(N\\,{first}\\,{last})"
        mid = (lo + hi) // 2
        return f"if(lt(N\\,{runs[mid][0]})\\,{tree(lo, mid)}\\,{tree(mid, hi)})"

    return f"N+{tree(0, len(runs))}" if runs else "N"


def mux(video_h264: Path, audio_aac: Path, out: Path, settings: EncoderSettings, moves: dict[int, int] | None = None) -> str:
    """Mux raw H.264 (frame N at N/fps, or where ``moves`` shows it) and an AAC track into an MP4, both copied, never
    re-encoded; return its hash.

    The MP4's size and hash are recorded beside it, so a damaged video is noticed on resume.
    """
    tmp = temporary_sibling(out, out.suffix)
    fps = settings.fps
    # a frame decoded before it is shown needs its decoding time a frame ahead of the rest
    dts = "N-1" if moves else "N"
    times = f"setts=pts=({_shown_at(moves or {})})/({fps}*TB):dts=({dts})/({fps}*TB):duration=1/({fps}*TB)"
    try:
        run_ffmpeg(
            [
                "-framerate", str(settings.fps), "-i", str(video_h264), "-i", str(audio_aac),
                "-map", "0:v:0", "-map", "1:a:0",
                "-c:v", "copy", "-bsf:v", times,
                "-video_track_timescale", str(settings.fps * 512),
                "-c:a", "copy", "-movflags", "+faststart", str(tmp),
            ],  # fmt: skip
            f"writing {out.name}",
        )
        return place_recorded(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
