"""Small renders of slides for the gallery: drawn at thumbnail size, kept on disk by what they show."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..atomic import atomic_write_bytes
from ..fingerprint import stable_hash
from ..models import effective_theme

if TYPE_CHECKING:
    from ..pipeline import Pipeline

#: bump when thumbnails are drawn differently
VERSION = 1


def slide_png(pipeline: "Pipeline", index: int, width: int) -> bytes:
    """PNG bytes of scene ``index`` drawn ``width`` pixels wide in the video's aspect ratio."""
    slide = pipeline.slide(index, size=_size(pipeline, width))
    buf = io.BytesIO()
    slide.image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _size(pipeline: "Pipeline", width: int) -> tuple[int, int]:
    w, h = pipeline.ctx.settings.resolution
    return width, max(2, int(round(width * h / w / 2)) * 2)


def thumbnail_key(pipeline: "Pipeline", index: int, width: int) -> str:
    """Everything that decides how the thumbnail looks: the scene, its place, the theme, the size."""
    scenes = pipeline.scenes
    vc = pipeline.ctx.video_config
    document = vc.model_dump(mode="json", exclude={"scenes"}) if vc is not None else None
    return stable_hash(VERSION, scenes[index].visual_dict(), index, len(scenes), document,
                       effective_theme(pipeline.ctx.settings, vc), _size(pipeline, width))  # fmt: skip


def thumbnail_path(pipeline: "Pipeline", index: int, width: int) -> Path:
    return pipeline.workdir / "preview" / f"{index + 1:02d}-{thumbnail_key(pipeline, index, width)[:16]}.jpg"


def cached_thumbnail(pipeline: "Pipeline", index: int, width: int) -> Optional[Path]:
    """The thumbnail file if it was drawn already for the scene as it is now, else None."""
    path = thumbnail_path(pipeline, index, width)
    return path if path.is_file() else None


def thumbnail(pipeline: "Pipeline", index: int, width: int) -> Path:
    """A JPEG of scene ``index`` ``width`` pixels wide, drawn once per look of the scene (in ``workdir/preview``)."""
    path = thumbnail_path(pipeline, index, width)
    if not path.is_file():
        slide = pipeline.slide(index, size=_size(pipeline, width))
        buf = io.BytesIO()
        slide.image.convert("RGB").save(buf, format="JPEG", quality=82)
        atomic_write_bytes(path, buf.getvalue())
    return path
