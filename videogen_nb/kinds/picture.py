"""Kinds of picture: an image from the document, a figure made in the notebook, a moving clip."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from ..models import SceneConfig, scene_kind
from ..render.blocks import Block, ImageBlock, Paragraph
from ..render.designs import PictureSlide
from .common import paragraphs


@scene_kind
class ImageScene(SceneConfig):
    """A picture from the document's folder, with its alt text and caption."""

    kind: Literal["image"] = "image"
    path: Path
    alt: str = ""
    body: list[str] = Field(default_factory=list)

    media_fields = ("path",)

    def narrate(self, english: bool) -> list[str]:
        alt = [f"The picture shows {self.alt[:1].lower() + self.alt[1:]}" if english else self.alt] if self.alt else []
        return self.spoken_title() + self.body + alt

    def slide(self) -> list[Block]:
        caption = [Paragraph(self.alt, style="sans-oblique", align="center")] if self.alt and not self.body else []
        return paragraphs(self.body) + [ImageBlock(self.path, self.alt)] + caption


@scene_kind
class FigureScene(ImageScene):
    """A picture made in the notebook (a matplotlib Figure), drawn once as a still under its title."""

    kind: Literal["figure"] = "figure"


@scene_kind
class ClipScene(SceneConfig):
    """A moviepy clip shown full frame, its frames encoded one by one.

    The clip itself lives in the pipeline (checkpoints cannot hold it);
    ``clip_id`` is a hash of its content, ``poster`` its first frame.
    ``length="clip"``: the scene lasts at least the clip; ``"narration"``: the
    narration decides, and the clip is cut or holds its last frame.
    """

    kind: Literal["clip"] = "clip"
    clip_id: str
    clip_duration: float = Field(gt=0)
    length: Literal["clip", "narration"] = "clip"
    poster: Path

    media_fields = ("poster",)

    def slide(self) -> PictureSlide:
        return PictureSlide(self.poster)  # a clip fills the frame: its slide is its first frame

    @property
    def min_seconds(self) -> float:
        """The shortest the scene may be: the clip's own length, if it decides."""
        return self.clip_duration if self.length == "clip" else 0.0

    @property
    def plays_clip(self) -> Optional[str]:
        return self.clip_id
