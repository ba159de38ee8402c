"""Blocks for what Markdown documents show besides text: display math, SVG pictures, and a card for a
picture that cannot be had."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from PIL import Image

from ..mathspeak import math_text
from .blocks import Block, Env, Paragraph, Placed, PictureOp, ShapeOp, glyph_texts_of, shift, stack
from .theme import Theme

SVG_SUFFIXES = {".svg", ".svgz"}
SVG_LONG_SIDE = 1600  # pixels an SVG is drawn at: sharp at 1080p, scaled down from there


def read_svg(path: Path) -> Image.Image:
    """An SVG file drawn by resvg (a wheel from PyPI: no system library), as RGBA."""
    import resvg_py  # imported here: only documents with SVG pictures need it

    png = resvg_py.svg_to_bytes(svg_path=str(path))
    with Image.open(io.BytesIO(png)) as im:
        im.load()
        small = im
    k = SVG_LONG_SIDE / max(small.size)
    if k > 1.05:  # draw again at a size that stays sharp on the slide
        png = resvg_py.svg_to_bytes(svg_path=str(path), zoom=k)
        with Image.open(io.BytesIO(png)) as im:
            im.load()
            return im.convert("RGBA")
    return small.convert("RGBA")


@lru_cache(maxsize=64)
def _math_image(tex: str, px: int, rgb: tuple[int, int, int]) -> Optional[Image.Image]:
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buf = io.BytesIO()
    colour = "#%02x%02x%02x" % rgb
    try:
        mathtext.math_to_image(f"${tex}$", buf, prop=FontProperties(size=px), dpi=72, format="png", color=colour)
    except Exception:  # TeX that mathtext does not know (\begin{align} ...): written as text instead
        return None
    buf.seek(0)
    with Image.open(buf) as im:
        im.load()
        return im.convert("RGBA")


def _one_line(tex: str) -> str:
    return " ".join(line.strip().rstrip("\\").strip() for line in tex.strip().splitlines() if line.strip())


@dataclass
class MathBlock(Block):
    """Display math drawn with matplotlib's mathtext, centred; one image per line of the formula."""

    tex: str

    def _lines(self) -> list[str]:
        return [ln for ln in (_one_line(part) for part in self.tex.split("\\\\")) if ln] or [self.tex]

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        px = env.px(env.theme.body_size, 1.35)
        lines = self._lines()
        ops, y = [], 0
        for line in lines:
            img = _math_image(line, px, tuple(env.theme.text))
            if img is None:
                placed = Paragraph(math_text(line), align="center", style="serif").layout(width, env)
                ops += [shift(op, 0, y) for op in placed.ops]
                y += placed.height
                continue
            k = min(1.0, width / img.width)
            w, h = max(1, int(img.width * k)), max(1, int(img.height * k))
            x = (width - w) // 2
            ops.append(PictureOp((x, y, x + w, y + h), img.resize((w, h), Image.LANCZOS) if k != 1.0 else img))
            y += h + env.gap // 2
        return Placed(max(0, y - env.gap // 2), ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        # text only where matplotlib cannot draw a line of it (more is fine: see Block.glyph_texts)
        return glyph_texts_of([Paragraph(math_text(line), style="serif") for line in self._lines()], theme)


@dataclass
class CardBlock(Block):
    """A panel standing in for a picture that cannot be shown: what it was (its alt text) and where it is."""

    text: str
    detail: str = ""

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        pad = env.px(th.body_size, 0.9)
        inner: list[Block] = [Paragraph("\u25a2  " + (self.text or "Picture"), style="sans-bold", align="center", max_lines=4)]
        if self.detail:
            inner.append(Paragraph(self.detail, th.body_size * 0.7, color=th.muted, align="center", max_lines=2))
        placed = stack(inner, width - 2 * pad, env)
        h = placed.height + 2 * pad
        ops = [ShapeOp((0, 0, width, h), fill=th.panel, outline=th.panel_line, radius=pad // 2, line=max(1, pad // 8))]
        ops += [shift(op, pad, pad) for op in placed.ops]
        return Placed(h, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        inner = [Paragraph("\u25a2  " + (self.text or "Picture"), style="sans-bold")]
        return glyph_texts_of(inner + ([Paragraph(self.detail)] if self.detail else []), theme)
