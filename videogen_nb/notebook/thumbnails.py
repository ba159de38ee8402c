"""Small renders of slides for the gallery: drawn at thumbnail size, so fast."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Pipeline


def slide_png(pipeline: "Pipeline", index: int, width: int) -> bytes:
    """PNG bytes of scene ``index`` drawn ``width`` pixels wide in the video's aspect ratio."""
    w, h = pipeline.ctx.settings.resolution
    height = max(2, int(round(width * h / w / 2)) * 2)
    slide = pipeline.slide(index, size=(width, height))
    buf = io.BytesIO()
    slide.image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()
