"""Encoded pieces of picture, kept by content: a still repeated by stream copy, a crossfade, a clip.

Every piece is raw H.264 with the same encoder settings, starting with an IDR
frame, so pieces concatenate byte for byte. A still of N frames costs one
short segment of ``unit`` frames (repeated) and at most one remainder; its
cost does not grow with N. Keys are content hashes: an unchanged slide of
unchanged length is never encoded twice.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np
from PIL import Image

from ..atomic import place_recorded, recorded_digest, temporary_sibling
from ..errors import RenderError
from ..ffmpeg import ffmpeg_exe, run_ffmpeg
from ..fingerprint import stable_hash
from .encode import EncoderSettings, encode_still_segments


class SegmentStore:
    """Raw H.264 segments in ``folder``, made on demand and reused by key."""

    def __init__(self, folder: Path, settings: EncoderSettings, size: tuple[int, int], unit: int) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.size = size
        self.unit = max(1, unit)
        self._lock = threading.Lock()
        self.encoded_frames = 0  # frames encoded by this store: the work a render really did
        self._checked: set[Path] = set()  # segments found intact (or made) by this store: checked once

    def _ready(self, path: Path) -> bool:
        """Whether the segment at ``path`` can be reused: there, with the size and hash recorded when it was made.

        A segment truncated by a killed process or a full disk, or changed by
        hand, is made again: concatenated as it is, it would break the video.
        """
        with self._lock:
            if path in self._checked:
                return True
        if recorded_digest(path) is None:
            return False
        with self._lock:
            self._checked.add(path)
        return True

    def _made(self, *paths: Path) -> None:
        with self._lock:
            self._checked.update(paths)

    def _key(self, *parts) -> str:
        return stable_hash(*parts, self.settings.__dict__, self.size)[:24]

    def _count(self, frames: int) -> None:
        with self._lock:
            self.encoded_frames += frames

    def still(self, image: Path, image_hash: str, frames: int) -> list[Path]:
        """Segments showing ``image`` for exactly ``frames`` frames."""
        if frames <= 0:
            return []
        repeats, rest = divmod(frames, self.unit)
        key = self._key("still", image_hash)
        unit_path = self.folder / f"{key}_{self.unit}.h264"
        rest_path = self.folder / f"{key}_{rest}.h264"
        wanted = ([(unit_path, self.unit)] if repeats else []) + ([(rest_path, rest)] if rest else [])
        todo = [(p, n) for p, n in wanted if not self._ready(p)]
        if todo:
            encode_still_segments(image, todo, self.settings)
            self._made(*(p for p, _ in todo))
            self._count(sum(n for _, n in todo))
        return [unit_path] * repeats + ([rest_path] if rest else [])

    def fade(self, a: Path, a_hash: str, b: Path, b_hash: str, frames: int) -> list[Path]:
        """A crossfade from image ``a`` to ``b`` over ``frames`` frames, ending just before ``b`` shows alone."""
        if frames <= 0:
            return []
        path = self.folder / f"{self._key('fade', a_hash, b_hash, frames)}_fade{frames}.h264"
        if not self._ready(path):
            fps, n = self.settings.fps, frames
            loop = f"loop=loop={n}:size=1:start=0,setpts=N/({fps}*TB)"
            graph = (
                f"[0:v]format=yuv420p,{loop}[a];"
                # b fades in over a: frame k is k/(n+1) of b, so b stands alone on the next scene's first frame
                # (an alpha fade and an overlay blend at half the cost of the xfade filter)
                f"[1:v]format=yuva420p,{loop},fade=in:st=0:d={(n + 1) / fps:.6f}:alpha=1[b];"
                f"[a][b]overlay=format=yuv420,format=yuv420p[v]"
            )
            tmp = temporary_sibling(path)
            try:
                run_ffmpeg(
                    ["-framerate", str(fps), "-i", str(a), "-framerate", str(fps), "-i", str(b),
                     "-filter_complex", graph, "-map", "[v]", "-frames:v", str(n), *self.settings.video_args(),
                     "-f", "h264", str(tmp)],
                    f"encoding a crossfade into {b.name}",
                )  # fmt: skip
                place_recorded(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            self._made(path)
            self._count(n)
        return [path]

    def frames(
        self, key: str, frames: int, make_frames: Callable[[], Iterable[np.ndarray]],
        background: Optional[Image.Image] = None,
    ) -> list[Path]:  # fmt: skip
        """A segment encoded frame by frame from RGB arrays (an animation, a recording), ``frames`` long.

        Frames are streamed to the encoder one at a time, never held together;
        a source that ends early holds its last frame. Frames of another size
        are scaled to fit and centred on ``background``.
        """
        path = self.folder / f"{self._key('frames', key, frames)}_clip{frames}.h264"
        if self._ready(path):
            return [path]
        w, h = self.size
        tmp = temporary_sibling(path)
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", str(self.settings.fps),
               "-i", "pipe:0", "-frames:v", str(frames), *self.settings.video_args(), "-f", "h264", str(tmp)]  # fmt: skip
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            last = None
            sent = 0
            for frame in make_frames():
                if sent >= frames:
                    break
                last = _fit_frame(frame, (w, h), background)
                proc.stdin.write(last.tobytes())
                sent += 1
            if last is None:
                raise RenderError("the clip gave no frames")
            for _ in range(frames - sent):
                proc.stdin.write(last.tobytes())
            proc.stdin.close()
            err = proc.stderr.read().decode(errors="replace")
            if proc.wait() != 0:
                raise RenderError(f"ffmpeg failed while encoding a clip: {err[-300:]}")
            place_recorded(tmp, path)
            self._made(path)
        except BrokenPipeError:
            proc.wait()
            raise RenderError(f"ffmpeg stopped while encoding a clip: {proc.stderr.read().decode(errors='replace')[-300:]}")
        finally:
            if proc.poll() is None:
                proc.kill()
            tmp.unlink(missing_ok=True)
        self._count(frames)
        return [path]


def _fit_frame(frame: np.ndarray, size: tuple[int, int], background: Optional[Image.Image]) -> np.ndarray:
    """An RGB uint8 frame of exactly ``size``: the source scaled to fit, centred on ``background``."""
    arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        arr = np.clip(arr * (255 if arr.max() <= 1.0 else 1), 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    arr = arr[:, :, :3]
    w, h = size
    if arr.shape[1] == w and arr.shape[0] == h:
        return np.ascontiguousarray(arr)
    img = Image.fromarray(arr)
    k = min(w / img.width, h / img.height)
    img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.LANCZOS)
    canvas = background.copy() if background is not None else Image.new("RGB", (w, h))
    canvas.paste(img, ((w - img.width) // 2, (h - img.height) // 2))
    return np.asarray(canvas)
