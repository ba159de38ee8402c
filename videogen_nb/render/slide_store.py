"""Drawn slides kept as PNG files by what they show, so an unchanged slide is never drawn twice."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..atomic import atomic_write_bytes
from .slides import Slide


@dataclass(frozen=True)
class StoredSlide:
    """A slide on disk: its PNG, the PNG's hash, and what went wrong drawing it."""

    path: Path
    sha256: str
    warnings: tuple[str, ...] = ()


class SlideStore:
    """PNG files in ``folder`` named by a key of everything that decides how the slide looks."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, draw: Callable[[], Slide], name: str = "") -> StoredSlide:
        """The slide stored under ``key``, drawn with ``draw()`` if it is not there yet."""
        png, meta = self.folder / f"{name}{key}.png", self.folder / f"{name}{key}.json"
        try:
            m = json.loads(meta.read_text(encoding="utf-8"))
            if png.is_file():
                return StoredSlide(png, m["sha256"], tuple(m["warnings"]))
        except (OSError, ValueError, KeyError):
            pass  # not drawn yet, or an unfinished entry: draw it
        slide = draw()
        buf = io.BytesIO()
        slide.image.save(buf, format="PNG", compress_level=1)
        data = buf.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        atomic_write_bytes(png, data)
        atomic_write_bytes(meta, json.dumps({"sha256": digest, "warnings": slide.warnings}).encode("utf-8"))
        return StoredSlide(png, digest, tuple(slide.warnings))
