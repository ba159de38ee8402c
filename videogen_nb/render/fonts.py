"""Fonts: matplotlib's bundled DejaVu family, found the same way on every machine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from ..errors import RenderError

FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "sans-oblique": "DejaVuSans-Oblique.ttf",
    "mono": "DejaVuSansMono.ttf",
    "mono-bold": "DejaVuSansMono-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
}


@lru_cache(maxsize=1)
def dejavu_dir() -> Path:
    """Folder of the DejaVu TTFs matplotlib ships."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if not (folder / FONT_FILES["sans"]).is_file():
        raise RenderError(f"matplotlib's DejaVu fonts are missing from {folder}; reinstall matplotlib")
    return folder


def font_path(style: str = "sans") -> Path:
    """Path of the TTF for a style name (``sans``, ``sans-bold``, ``mono`` ...)."""
    try:
        return dejavu_dir() / FONT_FILES[style]
    except KeyError:
        raise ValueError(f"unknown font style {style!r}: one of {', '.join(FONT_FILES)}") from None


@lru_cache(maxsize=256)
def get_font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font of ``style`` at ``size`` pixels (cached: loading is not free)."""
    return ImageFont.truetype(str(font_path(style)), max(int(size), 6))
