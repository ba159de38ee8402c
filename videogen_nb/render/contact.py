"""A contact sheet: every slide of a video as a thumbnail on one picture, labelled."""

from __future__ import annotations

from PIL import Image, ImageDraw

from .layout import clip_lines, wrap_text
from .text import draw_line, line_height, metrics

SHEET_COLUMNS = 4
THUMB_WIDTH = 480


def contact_sheet(slides: list[Image.Image], labels: list[str], columns: int = SHEET_COLUMNS) -> Image.Image:
    """Thumbnails of ``slides`` in a grid, each with its label underneath."""
    if not slides:
        raise ValueError("a contact sheet needs at least one slide")
    w, h = slides[0].size
    tw = THUMB_WIDTH if w >= h else THUMB_WIDTH * 9 // 16
    th = round(h * tw / w)
    size = 18
    label_h = line_height("sans", size, 1.4) + 6
    gap = 12
    cols = min(columns, len(slides))
    rows = (len(slides) + cols - 1) // cols
    sheet = Image.new("RGB", (gap + cols * (tw + gap), gap + rows * (th + label_h + gap)), (226, 232, 240))
    draw = ImageDraw.Draw(sheet)
    for k, (img, text) in enumerate(zip(slides, labels)):
        x = gap + (k % cols) * (tw + gap)
        y = gap + (k // cols) * (th + label_h + gap)
        sheet.paste(img.resize((tw, th), Image.LANCZOS), (x, y))
        draw.rectangle([x - 1, y - 1, x + tw, y + th], outline=(148, 163, 184))
        lines, _ = clip_lines(list(wrap_text(text, "sans", size, tw)), 1, "sans", size, tw)
        draw_line(sheet, x, y + th + 4 + metrics("sans", size)[0], lines[0], "sans", size, (15, 23, 42))
    return sheet
