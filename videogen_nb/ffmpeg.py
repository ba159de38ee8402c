"""The ffmpeg binary from the ``imageio-ffmpeg`` wheel: finding it, running it, reading media facts.

One module for every caller (the renderer encodes with it, the speech engines
decode with it), so no system package is needed and a broken install is
reported once, with the command that fixes it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from .errors import DiskFullError, RenderError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by imageio-ffmpeg."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # the wheel is a dependency; say how to fix a broken install
        found = shutil.which("ffmpeg")
        if found:
            return found
        raise RenderError(f"no ffmpeg found ({exc}); reinstall with: pip install --force-reinstall imageio-ffmpeg") from exc


def ffmpeg_failure(stderr: str, code: int, what: str) -> Exception:
    """The error to raise when ffmpeg exited with ``code`` while ``what``: its last lines, and a full disk said so."""
    tail = " | ".join(stderr.strip().splitlines()[-4:])
    if "No space left on device" in stderr or "Disk quota exceeded" in stderr:
        return DiskFullError(
            None, f"no space left on the disk while {what} (ffmpeg: {tail})",
            "Free some space (or choose a folder on another disk), then run again; what was finished is kept",
        )
    return RenderError(f"ffmpeg failed while {what}: {tail or 'exit code ' + str(code)}")


def _quiet(args: Sequence[str]) -> list[str]:
    """The ffmpeg command for ``args``: no banner, no questions, only errors printed."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *map(str, args)]


def run_ffmpeg(args: Sequence[str], what: str) -> str:
    """Run ffmpeg quietly; raise RenderError with its last lines if it fails."""
    proc = subprocess.run(_quiet(args), capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        raise ffmpeg_failure(proc.stderr, proc.returncode, what)
    return proc.stderr


# --- reading media facts (imageio-ffmpeg ships no ffprobe) -----------------------------


@dataclass
class MediaInfo:
    """Stream facts read from ``ffmpeg -i``."""

    duration: float
    video_codec: Optional[str] = None
    video_profile: Optional[str] = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    pix_fmt: Optional[str] = None
    audio_codec: Optional[str] = None
    audio_rate: int = 0
    frames: Optional[int] = None


def probe(path: Path, count_frames: bool = False) -> MediaInfo:
    """Duration and stream parameters of a media file (and its frame count if asked)."""
    path = Path(path)
    if not path.is_file():
        raise RenderError(f"{path}: no such media file")
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    if count_frames:
        args += ["-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
    err = subprocess.run(args, capture_output=True, text=True, errors="replace").stderr
    m = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not m:
        raise RenderError(f"{path}: ffmpeg cannot read this file: {err.strip().splitlines()[-1:]}")
    info = MediaInfo(duration=int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]))
    v = re.search(r"Stream #\S+.*?: Video: (\w+)(?: \(([^)]+)\))?.*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)", err)
    if v:
        info.video_codec, info.video_profile, info.pix_fmt = v[1], v[2], v[3]
        info.width, info.height = int(v[4]), int(v[5])
        f = re.search(r"Video:.*?, ([\d.]+) fps", err)
        info.fps = float(f[1]) if f else 0.0
    a = re.search(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz", err)
    if a:
        info.audio_codec, info.audio_rate = a[1], int(a[2])
    if count_frames:
        frames = re.findall(r"frame=\s*(\d+)", err)
        info.frames = int(frames[-1]) if frames else None
    return info


def frame_at(video: Path, t: float, size: tuple[int, int]) -> bytes:
    """The frame shown at time ``t`` seconds, scaled to ``size`` (RGB bytes): piped, not written as a file."""
    w, h = size
    out = run_ffmpeg_bytes(["-ss", f"{t:.4f}", "-i", str(video), "-frames:v", "1", "-vf", f"scale={w}:{h}:flags=area",
                            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], f"extracting a frame of {video.name}")  # fmt: skip
    if len(out) != 3 * w * h:
        raise RenderError(f"ffmpeg gave no frame of {video.name} at {t:.2f} s")
    return out


def run_ffmpeg_bytes(args: Sequence[str], what: str) -> bytes:
    """:func:`run_ffmpeg` for a command that writes what it makes to its standard output; that output."""
    proc = subprocess.run(_quiet(args), capture_output=True)
    if proc.returncode != 0:
        raise ffmpeg_failure(proc.stderr.decode(errors="replace"), proc.returncode, what)
    return proc.stdout


def extract_frame(video: Path, t: float, out: Path) -> Path:
    """Save the frame shown at time ``t`` seconds as a PNG."""
    run_ffmpeg(["-ss", f"{t:.4f}", "-i", str(video), "-frames:v", "1", str(out)], f"extracting a frame of {video.name}")
    return out
