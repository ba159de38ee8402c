"""A picture that moves slowly while it is talked about: a gentle zoom toward where its detail is.

The window onto the picture starts as the whole picture (the frame the slide
shows) and closes in by ``ZOOM`` over the scene, its centre drifting toward
the part of the picture with the most detail (edges), and it never leaves the
picture: nothing outside the picture is ever shown in its box, and the picture
never grows past its box. The rest of the slide holds still.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

import numpy as np
from PIL import Image

from .blocks import ImageBlock, Op, PictureOp, picture_source

ZOOM = 1.1  # the window's last size is the picture's divided by this: 10% closer over the scene
_DETAIL = 96  # the side of the thumbnail the detail is measured on


@dataclass(frozen=True)
class Motion:
    """A picture's slow zoom: where it sits on the slide, where it comes from, and where the zoom ends (the
    window's final centre, as fractions of the picture)."""

    source: Path
    box: tuple[int, int, int, int]
    centre: tuple[float, float]
    zoom: float = ZOOM

    def window(self, u: float, width: int, height: int) -> tuple[float, float, float, float]:
        """The part of a ``width`` x ``height`` picture shown at ``u`` (0: the start, 1: the end), eased."""
        e = u * u * (3 - 2 * u)  # smooth start and end
        scale = 1 + (self.zoom - 1) * e
        w, h = width / scale, height / scale
        cx = width / 2 + (self.centre[0] * width - width / 2) * e
        cy = height / 2 + (self.centre[1] * height - height / 2) * e
        x0 = min(max(cx - w / 2, 0.0), width - w)
        y0 = min(max(cy - h / 2, 0.0), height - h)
        return (x0, y0, x0 + w, y0 + h)


def find_motion(blocks: Optional[Sequence], ops: Sequence[Op]) -> Optional[Motion]:
    """The slow zoom of the (largest) picture from the document on a slide laid out as ``ops``; None if it has
    none (a formula or a card is not moved)."""
    best: Optional[tuple[float, Motion]] = None
    for i, block in enumerate(blocks or ()):
        if not isinstance(block, ImageBlock):
            continue
        op = next((o for o in ops if isinstance(o, PictureOp) and o.path[:1] == (i,)), None)
        src = picture_source(block.path)
        if op is None or src is None:
            continue
        x0, y0, x1, y1 = (int(round(v)) for v in op.box)
        area = (x1 - x0) * (y1 - y0)
        if area > 0 and (best is None or area > best[0]):
            best = (area, Motion(Path(block.path), (x0, y0, x1, y1), _detail_centre(src)))
    return best[1] if best else None


def _detail_centre(img: Image.Image) -> tuple[float, float]:
    """Where the picture's detail is, as fractions: the centre of its edges, weighted by their strength, pulled
    halfway back to the middle (a zoom toward one corner would hide the rest)."""
    small = np.asarray(img.convert("L").resize((_DETAIL, _DETAIL)), np.float32)
    gx, gy = np.abs(np.diff(small, axis=1))[:-1], np.abs(np.diff(small, axis=0))[:, :-1]
    energy = gx + gy
    total = float(energy.sum())
    if total <= 0:
        return (0.5, 0.5)
    ys, xs = np.mgrid[0 : energy.shape[0], 0 : energy.shape[1]]
    cx = float((energy * xs).sum() / total) / (energy.shape[1] - 1)
    cy = float((energy * ys).sum() / total) / (energy.shape[0] - 1)
    return (0.5 + (cx - 0.5) / 2, 0.5 + (cy - 0.5) / 2)


def moving_frames(
    motion: Motion, pictures: Sequence[tuple[int, Path]], frames: int, fade_into: Optional[tuple[Path, int]] = None
) -> Iterator[np.ndarray]:
    """``frames`` RGB frames: the picture of each step (``(first frame, slide PNG)``, in order) with the window of
    the zoom at that frame drawn into the picture's box; ``fade_into`` (a slide, n): the last n frames crossfade
    into that slide (the zoom ends where the fade begins)."""
    target, fade = (None, 0) if fade_into is None else fade_into
    moving = frames - fade
    src = picture_source(motion.source)
    if src is None:
        raise FileNotFoundError(f"the picture {motion.source} can no longer be read")
    x0, y0, x1, y1 = motion.box
    size = (x1 - x0, y1 - y0)
    k, base = -1, None
    for n in range(frames):
        while k + 1 < len(pictures) and pictures[k + 1][0] <= n:
            k += 1
            with Image.open(pictures[k][1]) as im:
                base = im.convert("RGB")
            under = base.crop(motion.box)  # what lies under a picture with transparent parts
        u = min(n, moving - 1) / max(1, moving - 1)
        # the first frame as the still draws it (the fade into the scene ends on the still); then quicker
        crop = src.resize(size, Image.LANCZOS if n == 0 else Image.BILINEAR, box=motion.window(u, src.width, src.height))
        tile = under.copy()
        tile.paste(crop, (0, 0), crop)
        frame = base.copy()
        frame.paste(tile, (x0, y0))
        if n >= moving and target is not None:
            if n == moving:
                with Image.open(target) as im:
                    into = np.asarray(im.convert("RGB").resize(frame.size), np.float32)
            w = (n - moving + 1) / (fade + 1)
            yield np.clip(np.asarray(frame, np.float32) * (1 - w) + into * w + 0.5, 0, 255).astype(np.uint8)
        else:
            yield np.asarray(frame)


