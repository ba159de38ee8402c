"""Burned-in captions: a slide with one subtitle cue drawn on it, as a still picture.

Each cue is a still (the slide plus its caption), so captions cost one short
segment per cue, never an encode per frame. The box behind the text is
blended over the slide (not painted opaque), so the slide shows through.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from .text import draw_line, is_rtl, measure, metrics
from .theme import Theme

CAPTION_SIZE = 0.045  # of the short side of the frame
BOTTOM = 0.1  # gap under the box, of the height: above the slide's footer line
BOX_ALPHA = 190  # of 255: dark enough to read on any slide, light enough to see it


def draw_caption(slide: Image.Image, lines: list[str], theme: Theme) -> Image.Image:
    """A copy of ``slide`` with ``lines`` (one cue) in a translucent box at the bottom centre."""
    w, h = slide.size
    size = max(8, int(CAPTION_SIZE * min(w, h)))
    style = theme.body_font
    room = w * 0.9
    widest = max((measure(line, style, size) for line in lines), default=0)
    if widest > room:  # a narrow (vertical) frame: smaller text rather than text off the edge
        size = max(6, int(size * room / widest))
        widest = max(measure(line, style, size) for line in lines)
    ascent, descent = metrics(style, size)
    line_h = int((ascent + descent) * 1.15)
    pad_x, pad_y = int(size * 0.6), int(size * 0.35)
    box_w, box_h = int(widest) + 2 * pad_x, line_h * len(lines) + 2 * pad_y
    left, bottom = (w - box_w) // 2, h - int(BOTTOM * h)
    top = bottom - box_h

    base = slide.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rounded_rectangle(
        [left, top, left + box_w, bottom], radius=max(2, size // 4), fill=(0, 0, 0, BOX_ALPHA)
    )
    out = Image.alpha_composite(base, overlay).convert("RGB")
    y = top + pad_y
    for line in lines:
        lw = measure(line, style, size)
        draw_line(out, (w - lw) / 2, y + ascent, line, style, size, (255, 255, 255), rtl=is_rtl(line))
        y += line_h
    return out
