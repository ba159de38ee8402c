"""Encoding with the ffmpeg binary from the ``imageio-ffmpeg`` wheel.

A still slide is never pushed through Python frame by frame: a short segment
of it is encoded once as raw H.264 and repeated by plain byte concatenation
(every segment starts with an IDR frame and shares the encoder settings), then
the stream is muxed with exact timestamps (``setts``: frame N at N/fps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..atomic import place_recorded, temporary_sibling
from ..ffmpeg import run_ffmpeg


@dataclass(frozen=True)
class EncoderSettings:
    """Codec parameters every segment of one video must share."""

    fps: int = 30
    crf: int = 20
    preset: str = "veryfast"
    profile: str = "high"
    audio_bitrate: str = "96k"

    def audio_args(self) -> list[str]:
        # mono speech; the "fast" coder is 3-4x quicker than the default on speech, at the same bitrate
        return ["-c:a", "aac", "-aac_coder", "fast", "-b:a", self.audio_bitrate, "-ac", "1"]

    def video_args(self) -> list[str]:
        # -bf 0: no B-frames, so raw segments carry no reordering and concatenate cleanly;
        # -threads 1: segments are short and encoded side by side, so threads inside x264 only contend
        return [
            "-c:v", "libx264", "-preset", self.preset, "-tune", "stillimage", "-crf", str(self.crf),
            "-profile:v", self.profile, "-pix_fmt", "yuv420p", "-bf", "0", "-g", str(self.fps), "-threads", "1",
        ]  # fmt: skip


def encode_still_segments(image: Path, outputs: Iterable[tuple[Path, int]], settings: EncoderSettings) -> None:
    """Encode one still image into raw H.264 segments of the given frame counts, in one ffmpeg run."""
    outputs = [(Path(p), n) for p, n in outputs if n > 0]
    if not outputs:
        return
    longest = max(n for _, n in outputs)
    # decode and convert the image once, then repeat the converted frame in memory: with
    # "-loop 1" ffmpeg decodes the PNG again for every frame, which costs more than encoding
    chain = f"[0:v]format=yuv420p,loop=loop={longest - 1}:size=1:start=0,setpts=N/({settings.fps}*TB)"
    labels = [f"[v{k}]" for k in range(len(outputs))]
    chain += f",split={len(outputs)}{''.join(labels)}" if len(outputs) > 1 else labels[0]
    args: list[str] = ["-framerate", str(settings.fps), "-i", str(image), "-filter_complex", chain]
    tmps = []
    try:
        for label, (path, frames) in zip(labels, outputs):
            tmp = temporary_sibling(path)
            tmps.append((tmp, path))
            args += ["-map", label, "-frames:v", str(frames), *settings.video_args(), "-f", "h264", str(tmp)]
        run_ffmpeg(args, f"encoding the slide {image.name}")
        for tmp, path in tmps:
            place_recorded(tmp, path)
    finally:
        for tmp, _ in tmps:
            tmp.unlink(missing_ok=True)


def concat_raw(parts: Iterable[Path], out: Path) -> None:
    """Concatenate raw H.264 segments byte for byte (stream copy, no re-encode)."""
    tmp = temporary_sibling(out)
    try:
        with open(tmp, "wb") as dst:
            cache: dict[Path, bytes] = {}
            for part in parts:
                if part not in cache:
                    cache = {part: Path(part).read_bytes()}  # repeats come in runs: keep the last one
                dst.write(cache[part])
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def mux(video_h264: Path, audio_aac: Path, out: Path, settings: EncoderSettings) -> str:
    """Mux raw H.264 (frame N at N/fps) and an AAC track into an MP4, both copied, never re-encoded; return its hash.

    The MP4's size and hash are recorded beside it, so a damaged video is noticed on resume.
    """
    tmp = temporary_sibling(out, out.suffix)
    try:
        run_ffmpeg(
            [
                "-framerate", str(settings.fps), "-i", str(video_h264), "-i", str(audio_aac),
                "-map", "0:v:0", "-map", "1:a:0",
                "-c:v", "copy", "-bsf:v", f"setts=ts=N/({settings.fps}*TB):duration=1/({settings.fps}*TB)",
                "-video_track_timescale", str(settings.fps * 512),
                "-c:a", "copy", "-movflags", "+faststart", str(tmp),
            ],  # fmt: skip
            f"writing {out.name}",
        )
        return place_recorded(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
