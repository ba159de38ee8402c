"""Drawn slides kept as PNG files by what they show, so an unchanged slide is never drawn twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from PIL import Image

from ..atomic import inside, recorded_note, write_recorded
from .png import png_bytes
from .slides import Slide


@dataclass(frozen=True)
class StoredSlide:
    """A slide on disk: its PNG, the PNG's hash, and what went wrong drawing it."""

    path: Path
    sha256: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawnPicture:
    """A picture drawn just now: the image, and its RGB bytes (what its PNG and its keyframes are made of, taken
    from the image once)."""

    image: Image.Image
    rgb: bytes

    def __repr__(self) -> str:
        return f"DrawnPicture({self.image.width}x{self.image.height} {self.image.mode})"


class SlideStore:
    """PNG files in ``folder`` named by a key of everything that decides how the slide looks; each PNG's record
    (see :func:`~videogen_nb.atomic.write_recorded`) also keeps what went wrong drawing it."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def find(self, key: str, name: str = "") -> Optional[StoredSlide]:
        """The slide stored under ``key``, if it is there whole; else None."""
        png = inside(self.folder, f"{name}{key}.png")
        found = recorded_note(png)  # None: not drawn yet, unfinished, or a PNG that changed since
        if found is None:
            return None
        digest, note = found
        warnings = note.get("warnings")
        if not isinstance(warnings, list):
            return None  # a slide kept by an older version (its warnings beside it): drawn again
        return StoredSlide(png, digest, tuple(str(w) for w in warnings))

    def get(self, key: str, draw: Callable[[], Slide], name: str = "") -> StoredSlide:
        """The slide stored under ``key``, drawn with ``draw()`` if it is not there yet."""
        return self.get_drawn(key, draw, name)[0]

    def get_drawn(self, key: str, draw: Callable[[], Slide], name: str = "") -> tuple[StoredSlide, Optional[DrawnPicture]]:
        """As :meth:`get`, with the picture itself if it was drawn now (None if it was stored already): whoever
        encodes it next need not read the PNG back."""
        stored = self.find(key, name)
        if stored is not None:
            return stored, None
        png = inside(self.folder, f"{name}{key}.png")
        slide = draw()
        picture = DrawnPicture(slide.image, slide.image.tobytes()) if slide.image.mode == "RGB" else None
        # the warnings in the PNG's record, not in a file of their own: a file made costs more than the PNG's deflate
        data = png_bytes(slide.image, picture.rgb if picture else None)
        digest = write_recorded(png, data, {"warnings": list(slide.warnings)})
        return StoredSlide(png, digest, tuple(slide.warnings)), picture
