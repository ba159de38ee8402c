"""Slides drawn with Pillow: one picture per scene, sized to the video."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from ..models import SceneConfig
from .fonts import get_font
from .layout import fit_lines, line_height, wrap_text
from .theme import Theme

ELLIPSIS = "…"


@dataclass
class Slide:
    """A drawn slide and what went wrong drawing it (text that did not fit)."""

    image: Image.Image
    warnings: list[str] = field(default_factory=list)

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        preview = self.image.copy()
        preview.thumbnail((640, 640))
        preview.save(buf, format="PNG")
        return buf.getvalue()


@lru_cache(maxsize=8)
def _background(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    w, h = size
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    rows = (1 - t) * np.array(top, np.float32) + t * np.array(bottom, np.float32)
    arr = np.repeat(rows[:, None, :], w, axis=1).astype(np.uint8)
    return Image.fromarray(arr)


@dataclass
class _Block:
    text: str
    bullet: bool


def _layout_blocks(blocks, width, height, font, spacing, theme):
    """Lines of every block at this font size, or None if they do not fit in ``height``."""
    lh = line_height(font, spacing)
    indent = int(font.size * 1.3)
    gap = int(lh * 0.45)
    placed: list[tuple[int, int, str, bool]] = []  # (x offset, y, text, first line of a bullet)
    y = 0
    for i, b in enumerate(blocks):
        x = indent if b.bullet else 0
        lines = wrap_text(b.text, font, width - x)
        for k, line in enumerate(lines):
            placed.append((x, y, line, b.bullet and k == 0))
            y += lh
        if i < len(blocks) - 1:
            y += gap
    return placed, y


def _draw_footer(draw: ImageDraw.ImageDraw, size, theme: Theme, left: str, right: str) -> None:
    w, h = size
    s = min(w, h)
    font = get_font(theme.body_font, theme.footer_size * s)
    mx, my = int(theme.margin_x * w), int(theme.margin_y * h)
    y = h - my + int(0.3 * font.size)
    if left:
        room = w - 2 * mx - font.getlength(right) - font.size * 2
        text = left
        while text and font.getlength(text) > room:
            text = text[:-2]
        if text != left:
            text = text.rstrip() + ELLIPSIS
        draw.text((mx, y), text, font=font, fill=theme.muted)
    if right:
        draw.text((w - mx, y), right, font=font, fill=theme.muted, anchor="ra")


def render_title_slide(scene: SceneConfig, size: tuple[int, int], theme: Theme, footer: str = "") -> Slide:
    """The opening slide: big centred title, accent rule, subtitle."""
    w, h = size
    s = min(w, h)
    img = _background(size, theme.background_top, theme.background_bottom).copy()
    draw = ImageDraw.Draw(img)
    warnings: list[str] = []
    box_w = w - 2 * int(theme.margin_x * w)
    font, lines, cut = fit_lines(
        scene.title or "Untitled", theme.title_font, theme.title_size * s, (1.3, 1.15, 1.0, 0.9, 0.8, 0.7), box_w, 3
    )
    if cut:
        warnings.append(f"title of scene {scene.scene_id} is too long for the slide and was cut")
    lh = line_height(font, 1.15)
    sub_font = get_font(theme.body_font, theme.body_size * s * 1.05)
    sub_lines = wrap_text(scene.subtitle, sub_font, box_w)[:3] if scene.subtitle else []
    sub_lh = line_height(sub_font, theme.line_spacing)
    rule_gap = int(0.05 * s)
    total = lh * len(lines) + (rule_gap * 2 + sub_lh * len(sub_lines) if sub_lines else rule_gap)
    y = (h - total) // 2
    for line in lines:
        draw.text((w // 2, y), line, font=font, fill=theme.text, anchor="ma")
        y += lh
    y += rule_gap // 2
    rule_w, rule_h = int(0.12 * w), max(2, int(0.008 * s))
    draw.rectangle([(w - rule_w) // 2, y, (w + rule_w) // 2, y + rule_h], fill=theme.accent)
    y += rule_gap
    for line in sub_lines:
        draw.text((w // 2, y), line, font=sub_font, fill=theme.muted, anchor="ma")
        y += sub_lh
    _draw_footer(draw, size, theme, footer, "")
    return Slide(img, warnings)


def render_content_slide(
    scene: SceneConfig, size: tuple[int, int], theme: Theme, footer: str = "", page: str = ""
) -> Slide:
    """A titled slide of paragraphs and bullets, shrunk to fit, never overflowing."""
    w, h = size
    s = min(w, h)
    img = _background(size, theme.background_top, theme.background_bottom).copy()
    draw = ImageDraw.Draw(img)
    warnings: list[str] = []
    mx, my = int(theme.margin_x * w), int(theme.margin_y * h)
    box_w = w - 2 * mx

    y = my
    if scene.title:
        tfont, tlines, cut = fit_lines(scene.title, theme.title_font, theme.heading_size * s, (1.0, 0.85, 0.7), box_w, 2)
        if cut:
            warnings.append(f"title of scene {scene.scene_id} is too long and was cut")
        tlh = line_height(tfont, 1.15)
        for line in tlines:
            draw.text((mx, y), line, font=tfont, fill=theme.text)
            y += tlh
        y += int(0.015 * s)
        draw.rectangle([mx, y, mx + int(0.08 * w), y + max(2, int(0.007 * s))], fill=theme.accent)
        y += int(0.05 * s)

    blocks = [_Block(p, False) for p in scene.body if p.strip()] + [_Block(i, True) for i in scene.items if i.strip()]
    footer_font_h = int(theme.footer_size * s * 2.2)
    bottom = h - my - footer_font_h
    avail = bottom - y
    if blocks and avail > 0:
        scale = 1.0
        while True:
            font = get_font(theme.body_font, theme.body_size * s * scale)
            placed, used = _layout_blocks(blocks, box_w, avail, font, theme.line_spacing, theme)
            if used <= avail or scale <= theme.min_body_scale + 1e-6:
                break
            scale = max(theme.min_body_scale, scale - 0.1)
        lh = line_height(font, theme.line_spacing)
        if used > avail:
            keep = [p for p in placed if p[1] + lh <= avail]
            if keep:
                x, yy, text, bullet = keep[-1]
                keep[-1] = (x, yy, text.rstrip() + " " + ELLIPSIS, bullet)
            placed = keep
            warnings.append(
                f"scene {scene.scene_id} ({scene.title!r}) has more text than fits on one slide; the end was cut"
            )
        for x, yy, text, bullet in placed:
            if bullet:
                r = max(2, int(font.size * 0.17))
                cy = y + yy + int(font.getmetrics()[0] * 0.62)
                cx = mx + int(font.size * 0.45)
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=theme.accent)
            draw.text((mx + x, y + yy), text, font=font, fill=theme.text)
    _draw_footer(draw, size, theme, footer, page)
    return Slide(img, warnings)


def render_slide(
    scene: SceneConfig, size: tuple[int, int], theme: Theme, *, index: int = 0, total: int = 0, footer: str = ""
) -> Slide:
    """Draw ``scene`` at ``size`` (width, height) with ``theme``."""
    if scene.kind == "title":
        return render_title_slide(scene, size, theme, footer="")
    page = f"{index + 1} / {total}" if total else ""
    return render_content_slide(scene, size, theme, footer=footer, page=page)
