"""Measuring and drawing one line of text across fonts: fallback runs, right-to-left, colour emoji."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .fonts import FontFace, chain_for, fallback_setting, font_chain, load_font
from .glyphs import Run, covers_printable_ascii, segment
from .theme import RGB, Box


def is_rtl(text: str) -> bool:
    """True when most strongly directional characters are right-to-left (Arabic, Hebrew ...): a Persian line that
    starts with "Node.js" is still a Persian line. A tie goes to the first such character."""
    if text.isascii():
        return False  # no ASCII character is right-to-left
    rtl = ltr = 0
    first = None
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            rtl += 1
            first = first or "R"
        elif direction == "L":
            ltr += 1
            first = first or "L"
    return rtl > ltr or (rtl == ltr and first == "R")


def _direction(rtl: bool) -> str | None:
    return "rtl" if rtl else None  # None: raqm finds the direction of each run itself


def _run_width(run: Run, face: FontFace, size: int, rtl: bool) -> float:
    font = load_font(face, size)
    width = font.getlength(run.text, direction=_direction(rtl))
    return width * size / face.bitmap_size if face.bitmap_size else width


@lru_cache(maxsize=256)
def _ascii_font(style: str, size: int, fallback: str | None) -> ImageFont.FreeTypeFont | None:
    """The font that draws printable ASCII in ``style`` (the first of its chain), or None if it lacks some of it."""
    face = chain_for(style, fallback)[0]
    return load_font(face, size) if covers_printable_ascii(face) else None


@lru_cache(maxsize=65536)
def _measure(text: str, style: str, size: int, rtl: bool, fallback: str | None) -> float:
    # keyed by the style and the fallback setting (strings hash fast), not by the chain of font faces
    if text and text.isascii() and text.isprintable():  # most text: one run of the first font (as segment finds)
        font = _ascii_font(style, size, fallback)
        if font is not None:
            return font.getlength(text, direction=_direction(rtl))
    chain = chain_for(style, fallback)
    runs, _ = segment(text, chain)
    return sum(_run_width(r, chain[r.face], size, rtl) for r in runs)


def measure(text: str, style: str, size: int, rtl: bool = False) -> float:
    """Width in pixels of ``text`` drawn in ``style`` at ``size``, fallback fonts included."""
    return _measure(text, style, int(size), rtl, fallback_setting())


def measure_with(fallback: str | None, text: str, style: str, size: int, rtl: bool = False) -> float:
    """:func:`measure` with the fallback setting already read (``fallback_setting()``), for loops that measure a lot."""
    return _measure(text, style, int(size), rtl, fallback)


@lru_cache(maxsize=1024)
def metrics(style: str, size: int) -> tuple[int, int]:
    """(ascent, descent) of the style's main font at ``size``: what lines are spaced by."""
    return load_font(font_chain(style)[0], int(size)).getmetrics()


def line_height(style: str, size: int, spacing: float) -> int:
    """Distance between baselines of consecutive lines."""
    ascent, descent = metrics(style, size)
    return int(round((ascent + descent) * spacing))


def missing_chars(text: str, style: str) -> frozenset[str]:
    """Characters of ``text`` no font of the style's chain can draw."""
    return segment(text, font_chain(style))[1]


def _paste_bitmap_run(img: Image.Image, run: Run, face: FontFace, size: int, x: float, baseline: float, fill: RGB) -> None:
    """Colour bitmap glyphs exist at one size only: draw them there, scale, and blend them in."""
    font = load_font(face, size)
    ascent, descent = font.getmetrics()
    w = int(font.getlength(run.text)) + 2
    tile = Image.new("RGBA", (w, ascent + descent + 2), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((0, ascent), run.text, font=font, fill=fill, anchor="ls", embedded_color=True)
    k = size / face.bitmap_size
    tile = tile.resize((max(1, round(tile.width * k)), max(1, round(tile.height * k))), Image.LANCZOS)
    img.paste(tile, (round(x), round(baseline - ascent * k)), tile)


@lru_cache(maxsize=256)
def _line_mask(face: FontFace, size: int, text: str, rtl: bool, fx: float, fy: float) -> tuple[Image.Image, int, int]:
    """The coverage of ``text`` drawn at a point whose fractions of a pixel are ``fx``, ``fy``, with where its
    corner goes from the point's whole pixel. Kept: a reveal draws its slide again for each state, the same lines
    in other colours, and laying out and rasterising the letters was most of the cost of drawing a state."""
    font = load_font(face, size)
    direction = _direction(rtl)
    left, top, right, bottom = font.getbbox(text, anchor="ls", direction=direction)
    pad = 2  # the fractions move the letters by less than a pixel
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    # drawn at pad - left + fx: the whole pixel pad - left, the same fraction as on the slide, so the same coverage
    ImageDraw.Draw(mask).text((pad - left + fx, pad - top + fy), text, font=font, fill=255, anchor="ls", direction=direction)
    return mask, left - pad, top - pad


def _draw_run(img: Image.Image, draw: ImageDraw.ImageDraw, face: FontFace, size: int, x: float, baseline: float,
              text: str, fill: RGB, rtl: bool) -> None:  # fmt: skip
    """One run of one font, as ``draw.text`` draws it (filling its coverage with ``fill``), from a kept mask."""
    fx, ix = math.modf(x)
    fy, iy = math.modf(baseline)
    if fx < 0 or fy < 0 or img.mode not in ("RGB", "RGBA"):  # off the picture's top or left: as Pillow does it
        draw.text((x, baseline), text, font=load_font(face, size), fill=fill, anchor="ls", direction=_direction(rtl))
        return
    mask, dx, dy = _line_mask(face, size, text, rtl, fx, fy)
    img.paste(tuple(fill), (int(ix) + dx, int(iy) + dy), mask)


def draw_line(
    img: Image.Image, x: float, baseline: float, text: str, style: str, size: int, fill: RGB, rtl: bool = False
) -> Box:
    """Draw one line with its left edge at ``x`` on ``baseline``; return its box.

    A right-to-left line is laid out from its right edge: runs in logical
    order go leftwards, and raqm shapes and orders the letters inside each.
    """
    chain = font_chain(style)
    size = int(size)
    runs, _ = segment(text, chain)
    widths = [_run_width(r, chain[r.face], size, rtl) for r in runs]
    total = sum(widths)
    draw = ImageDraw.Draw(img)
    cursor = x + total if rtl else x
    for run, w in zip(runs, widths):
        left = cursor - w if rtl else cursor
        face = chain[run.face]
        if face.bitmap_size:
            _paste_bitmap_run(img, run, face, size, left, baseline, fill)
        else:
            _draw_run(img, draw, face, size, left, baseline, run.text, fill, rtl)
        cursor = left if rtl else cursor + w
    ascent, descent = metrics(style, size)
    return (int(x), int(baseline - ascent), int(x + total + 0.999), int(baseline + descent))
