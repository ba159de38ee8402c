"""Drawn slides kept as PNG files by what they show, so an unchanged slide is never drawn twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from PIL import Image

from ..atomic import inside, recorded_digest, recorded_note, write_recorded
from .png import png_bytes
from .slides import Slide


@dataclass(frozen=True)
class StoredSlide:
    """A slide on disk: its PNG, the PNG's hash, and what went wrong drawing it.

    A picture kept only by what it shows (a reveal's state: its keyframes are
    all a video needs of it) has ``drawing``, which draws it again, and a hash
    of what it shows; its PNG is written only when something reads pictures
    from files (:func:`picture_file`).
    """

    path: Path
    sha256: str
    warnings: tuple[str, ...] = ()
    drawing: Optional[Callable[[], Image.Image]] = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DrawnPicture:
    """A picture drawn just now: the image, and its RGB bytes (what its PNG and its keyframes are made of, taken
    from the image once)."""

    image: Image.Image
    rgb: bytes

    def __repr__(self) -> str:
        return f"DrawnPicture({self.image.width}x{self.image.height} {self.image.mode})"


def drawn_picture(image: Image.Image) -> DrawnPicture:
    """``image`` with its RGB bytes."""
    image = image if image.mode == "RGB" else image.convert("RGB")
    return DrawnPicture(image, image.tobytes())


def picture_image(pic: StoredSlide) -> Image.Image:
    """The picture ``pic`` shows, as RGB: read from its PNG, or drawn now if it is kept only by what it shows."""
    if pic.drawing is not None and recorded_digest(pic.path) is None:
        img = pic.drawing()  # (not drawn_picture: nothing here wants its bytes)
    else:
        with Image.open(pic.path) as img:
            img.load()
    return img if img.mode == "RGB" else img.convert("RGB")


def picture_file(pic: StoredSlide) -> Path:
    """``pic``'s PNG, written now if it is kept only by what it shows (for what reads its pictures from files)."""
    if pic.drawing is not None and recorded_digest(pic.path) is None:
        drawn = drawn_picture(pic.drawing())
        write_recorded(pic.path, png_bytes(drawn.image, drawn.rgb), {"warnings": []})
    return pic.path


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
