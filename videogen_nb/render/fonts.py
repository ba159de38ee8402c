"""Fonts: matplotlib's bundled DejaVu family first, then system fonts, then fonts that came from PyPI.

DejaVu covers Latin, Greek, Cyrillic, Arabic and Hebrew on every machine. System fonts (Noto CJK,
Noto Color Emoji) win where they are installed; on a machine without them, the Noto fonts of the
``manimgx-fonts-cjk`` and ``manimgx-fonts`` wheels (both under the SIL Open Font License) draw
Chinese, Japanese and Korean, emoji (in outline: PyPI has no colour emoji font) and the scripts
DejaVu lacks. ``VIDEOGEN_FONT_DIRS`` (folders separated by ``os.pathsep``) is where system fonts are
looked for instead of the usual places (an empty folder: a machine without fonts);
``VIDEOGEN_FALLBACK_FONTS`` (paths; empty for none) replaces the whole search.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

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

FALLBACK_ENV = "VIDEOGEN_FALLBACK_FONTS"
FONT_DIRS_ENV = "VIDEOGEN_FONT_DIRS"

# system fonts worth trying, best first; a file name that contains one of these is taken
_PREFERRED = (
    "NotoSansCJK-Regular", "NotoSansCJKsc-Regular", "NotoSansCJKjp-Regular", "NotoSansCJK-Medium",
    "SourceHanSans-Regular", "DroidSansFallbackFull", "DroidSansFallback", "wqy-microhei", "wqy-zenhei",
    "NotoSansArabic-Regular", "NotoSansHebrew-Regular", "NotoSansDevanagari-Regular", "NotoSansThai-Regular",
    "NotoSans-Regular", "NotoColorEmoji", "NotoEmoji-Regular", "Symbola",
)  # fmt: skip
_BOLD_FIRST = ("NotoSansCJK-Bold", "NotoSansCJKsc-Bold", "NotoSansCJKjp-Bold", "SourceHanSans-Bold")
_NEVER = ("LastResort",)  # draws a placeholder box for every character: that would hide missing glyphs


@dataclass(frozen=True)
class FontFace:
    """One font file (and face index in a .ttc collection)."""

    path: Path
    index: int = 0
    #: colour bitmap fonts (Noto Color Emoji) exist at one pixel size only; glyphs are scaled from it
    bitmap_size: Optional[int] = None
    #: the weight to set on a variable font (its default instance may be Thin)
    weight: Optional[int] = None

    @property
    def name(self) -> str:
        return self.path.stem

    def __repr__(self) -> str:
        return f"<FontFace {self.path.name}{f'#{self.index}' if self.index else ''}>"


class FontChain(tuple):
    """Font faces in the order glyphs are looked up in. Its hash is computed once: the chain is part of the cache
    key of every measurement, and hashing a dozen faces each time was a tenth of a long table's layout time."""

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash: int = tuple.__hash__(self)
            return self._hash

    def __reduce__(self):
        return FontChain, (tuple(self),)  # not the hash: another process hashes strings otherwise


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


def _bitmap_size(path: Path) -> Optional[int]:
    """The one pixel size of a colour bitmap font (CBDT), or None for an outline font."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as tt:
            if "CBLC" in tt:
                return int(tt["CBLC"].strikes[0].bitmapSizeTable.ppemY)
    except Exception:  # an unreadable font is simply not a bitmap font; coverage will skip it
        return None
    return None


def _variable(path: Path) -> bool:
    """Whether the font has a weight axis (its default instance may be Thin: it is set to Regular)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as tt:
            return "fvar" in tt and any(a.axisTag == "wght" for a in tt["fvar"].axes)
    except Exception:  # not readable here: drawn as it is
        return False


def _face(path: Path) -> FontFace:
    return FontFace(path, 0, _bitmap_size(path), 400 if _variable(path) else None)


@lru_cache(maxsize=8)
def _system_fallbacks(bold: bool, dirs: Optional[str] = None) -> tuple[FontFace, ...]:
    from matplotlib import font_manager

    if dirs is not None:
        found = font_manager.findSystemFonts(fontpaths=[d for d in dirs.split(os.pathsep) if d]) if dirs.strip() else []
    else:
        found = font_manager.findSystemFonts()
    files = sorted({Path(f) for f in found}, key=str)
    order = (_BOLD_FIRST if bold else ()) + _PREFERRED
    chosen: list[Path] = []
    for key in order:
        for f in files:
            if key.lower() in f.stem.lower() and f not in chosen and not any(n in f.name for n in _NEVER):
                chosen.append(f)
                break
    return tuple(_face(f) for f in chosen)


@lru_cache(maxsize=8)
def _env_fallbacks(value: str) -> tuple[FontFace, ...]:
    return tuple(_face(Path(p)) for p in value.split(os.pathsep) if p.strip() and Path(p).is_file())


# the fonts of the PyPI font packages, in the order they are tried: (module, file, face index, weight, bold weight)
_PACKAGED = (
    ("manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc", 2, 400, 700),  # face 2: Simplified Chinese shapes, all of CJK
    ("manimgx_fonts", "NotoSans[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansSymbols[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoEmoji[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansDevanagari[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansThai[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansBengali[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansTamil[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansGeorgian[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansArmenian[wght].ttf", 0, 400, 700),
    ("manimgx_fonts", "NotoSansEthiopic[wght].ttf", 0, 400, 700),
)


@lru_cache(maxsize=4)
def packaged_fonts(bold: bool = False) -> tuple[FontFace, ...]:
    """The fonts installed from PyPI with this package (what a machine without system fonts draws CJK and emoji
    with); a package that is missing is skipped."""
    import importlib.util

    faces: list[FontFace] = []
    for module, name, index, weight, bold_weight in _PACKAGED:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        path = Path(list(spec.submodule_search_locations)[0]) / name
        if path.is_file():
            faces.append(FontFace(path, index, None, bold_weight if bold else weight))
    return tuple(faces)


def fallback_fonts(bold: bool = False) -> tuple[FontFace, ...]:
    """Fonts tried, in order, for characters DejaVu does not have (CJK, emoji, other scripts): the system's first,
    then those from PyPI."""
    value = os.environ.get(FALLBACK_ENV)
    if value is not None:
        return _env_fallbacks(value)
    system = _system_fallbacks(bold, os.environ.get(FONT_DIRS_ENV))
    return system + tuple(f for f in packaged_fonts(bold) if f.path not in {s.path for s in system})


def font_chain(style: str) -> tuple[FontFace, ...]:
    """DejaVu of ``style``, DejaVu Sans, then the fallback fonts: the order glyphs are looked up in.

    DejaVu Sans comes second because the oblique and mono cuts lack scripts
    (Arabic, Hebrew) that the upright one has.
    """
    # asked for at every measurement: kept per style and fallback setting (half of a long table's layout time)
    return chain_for(style, fallback_setting())


def fallback_setting() -> Optional[str]:
    """The value of ``VIDEOGEN_FALLBACK_FONTS`` (None: search the system): with a style, it decides the chain."""
    return os.environ.get(FALLBACK_ENV)


@lru_cache(maxsize=64)
def chain_for(style: str, fallback_setting: Optional[str]) -> tuple[FontFace, ...]:
    """:func:`font_chain` for a given fallback setting (a cheap cache key for measurements)."""
    bold = "bold" in style
    main = FontFace(font_path(style))
    sans = FontFace(font_path("sans-bold" if bold else "sans"))
    return FontChain((main,) + ((sans,) if sans != main else ()) + fallback_fonts(bold=bold))


@lru_cache(maxsize=512)
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font of ``face`` at ``size`` pixels (bitmap faces at their own size); cached."""
    px = face.bitmap_size or max(int(size), 6)
    try:
        font = ImageFont.truetype(str(face.path), px, index=face.index, layout_engine=ImageFont.Layout.RAQM)
        if face.weight is not None:
            font.set_variation_by_axes([face.weight])
        return font
    except OSError as exc:
        raise RenderError(f"cannot load the font {face.path}: {exc}") from None


