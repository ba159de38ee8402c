"""Every slide of a video as PNG files plus a contact sheet: a preview without audio or video."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ..atomic import atomic_write_bytes, inside
from ..models import SceneConfig
from .contact import contact_sheet
from .slides import Slide

CONTACT_SHEET = "contact_sheet.png"


@dataclass
class ExportedSlides:
    """The PNG of each slide, the contact sheet, and what went wrong drawing them."""

    folder: Path
    slides: list[Path]
    contact_sheet: Path
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<ExportedSlides {len(self.slides)} slides and {self.contact_sheet.name} in {self.folder}, {len(self.warnings)} warnings>"


def slide_file_name(index: int, scene_id: str) -> str:
    """``NN-<scene_id>.png``, without repeating a number the id already starts with."""
    prefix = f"{index + 1:02d}-"
    return f"{scene_id if scene_id.startswith(prefix) else prefix + scene_id}.png"


def _png(image: Image.Image, fast: bool = True) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1 if fast else 6)
    return buf.getvalue()


def export_slides(scenes: list[SceneConfig], slides: list[Slide], folder: Path) -> ExportedSlides:
    """Write each slide to ``folder`` as ``NN-<scene_id>.png``, then ``contact_sheet.png`` of them all."""
    folder = Path(folder)
    paths: list[Path] = []
    for i, (scene, slide) in enumerate(zip(scenes, slides)):
        path = inside(folder, slide_file_name(i, scene.scene_id or scene.kind))
        atomic_write_bytes(path, _png(slide.image))
        paths.append(path)
    labels = [f"{i + 1}. {s.kind}: {s.title or s.scene_id}" for i, s in enumerate(scenes)]
    sheet = folder / CONTACT_SHEET
    atomic_write_bytes(sheet, _png(contact_sheet([s.image for s in slides], labels), fast=False))
    return ExportedSlides(folder, paths, sheet, [w for s in slides for w in s.warnings])
