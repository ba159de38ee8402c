"""Slides as pictures for the encoder: RGB arrays (the encoder converts them), and YUV 4:2:0 in numpy.

The numpy conversion is BT.601 with limited range, ffmpeg's default from RGB
(a test keeps the two in agreement); keyframes go to x264 as RGB, which its
own conversion turns into YUV ten times faster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image

_Y = np.array([65.481, 128.553, 24.966], np.float32) / 255
_U = np.array([-37.797, -74.203, 112.0], np.float32) / 255
_V = np.array([112.0, -93.786, -18.214], np.float32) / 255


def rgb_to_yuv420(rgb: np.ndarray) -> np.ndarray:
    """An (h, w, 3) uint8 RGB picture (even sides) as yuv420p planes, one flat uint8 array (Y, then U, then V)."""
    f = rgb.astype(np.float32)
    y = 16 + f @ _Y
    # chroma from the average of each 2x2 block
    quad = (f[0::2, 0::2] + f[1::2, 0::2] + f[0::2, 1::2] + f[1::2, 1::2]) / 4
    u, v = 128 + quad @ _U, 128 + quad @ _V
    planes = [np.clip(np.rint(p), 0, 255).astype(np.uint8).ravel() for p in (y, u, v)]
    return np.concatenate(planes)


def picture_yuv(image: Union[Path, Image.Image], size: tuple[int, int]) -> np.ndarray:
    """An image file or PIL image as a yuv420p picture of ``size`` (scaled if it is another size)."""
    img = Image.open(image) if isinstance(image, Path) else image
    try:
        rgb = img.convert("RGB")
        if rgb.size != tuple(size):
            rgb = rgb.resize(tuple(size), Image.LANCZOS)
        return rgb_to_yuv420(np.asarray(rgb))
    finally:
        if isinstance(image, Path):
            img.close()


def slide_rgb(path: Path, size: tuple[int, int]) -> np.ndarray:
    """A stored slide as an RGB array of ``size`` (scaled if it is another size)."""
    with Image.open(path) as img:
        rgb = img.convert("RGB")
    if rgb.size != tuple(size):
        rgb = rgb.resize(tuple(size), Image.LANCZOS)
    return np.asarray(rgb)
