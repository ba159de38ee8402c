"""Scenes made in the notebook: a matplotlib Figure drawn once as a still, a moviepy clip played full frame."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, Literal, Optional

import numpy as np
from PIL import Image

from .atomic import atomic_write_bytes
from .fingerprint import stable_hash
from .kinds import ClipScene, FigureScene

# the part of the frame a figure may take under its title (the picture layout fits it into the rest)
FIGURE_AREA = (0.86, 0.68)


def figure_png(figure: Any, size: tuple[int, int]) -> bytes:
    """The figure as PNG, at a resolution that fills the slide's picture area at ``size`` without scaling up."""
    w, h = size
    fw, fh = figure.get_size_inches()
    dpi = max(50.0, min(FIGURE_AREA[0] * w / fw, FIGURE_AREA[1] * h / fh))
    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=dpi, facecolor=figure.get_facecolor())
    return buf.getvalue()


def figure_scene(
    figure: Any, media_dir: Path, size: tuple[int, int], *, title: str = "", narration: Optional[str] = None, alt: str = ""
) -> FigureScene:
    """A figure scene whose picture is ``figure`` rasterised once into ``media_dir``."""
    if not hasattr(figure, "savefig"):
        raise TypeError(f"add_figure needs a matplotlib Figure, not a {type(figure).__name__}")
    data = figure_png(figure, size)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = Path(media_dir) / f"figure-{digest}.png"
    atomic_write_bytes(path, data)
    return FigureScene(scene_id=f"figure-{digest[:8]}", title=title, path=path, alt=alt, narration=narration)


def _frame(clip: Any, t: float) -> np.ndarray:
    frame = np.asarray(clip.get_frame(t))
    if frame.dtype != np.uint8:
        frame = np.clip(frame * (255 if frame.max() <= 1.0 else 1), 0, 255).astype(np.uint8)
    return frame


def clip_fingerprint(clip: Any) -> str:
    """A hash of what the clip shows: its length, size and three frames (start, middle, end)."""
    duration = float(clip.duration)
    times = (0.0, duration / 2, max(0.0, duration - 1e-3))
    digests = [hashlib.sha256(_frame(clip, t).tobytes()).hexdigest() for t in times]
    return stable_hash(round(duration, 4), list(clip.size), digests)[:24]


def clip_scene(
    clip: Any, media_dir: Path, *, title: str = "", narration: Optional[str] = None,
    length: Literal["clip", "narration"] = "clip",
) -> ClipScene:  # fmt: skip
    """A clip scene for ``clip``; its first frame is saved as the scene's poster."""
    if not (hasattr(clip, "get_frame") and hasattr(clip, "iter_frames")):
        raise TypeError(f"add_clip needs a moviepy clip (VideoClip, VideoFileClip ...), not a {type(clip).__name__}")
    if not clip.duration or clip.duration <= 0:
        raise ValueError("the clip has no duration: set one with clip.with_duration(seconds)")
    key = clip_fingerprint(clip)
    poster = Path(media_dir) / f"clip-{key}.png"
    buf = io.BytesIO()
    Image.fromarray(_frame(clip, 0.0)[:, :, :3]).save(buf, format="PNG")
    atomic_write_bytes(poster, buf.getvalue())
    return ClipScene(
        scene_id=f"clip-{key[:8]}", title=title, narration=narration, clip_id=key,
        clip_duration=float(clip.duration), length=length, poster=poster,
    )  # fmt: skip
