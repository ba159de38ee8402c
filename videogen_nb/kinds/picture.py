"""Kinds of picture: an image from the document, a figure made in the notebook, a moving clip."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from ..models import SceneConfig, scene_kind
from ..narration import describe_picture
from ..render.blocks import Block, Paragraph
from ..render.designs import PictureSlide
from ..slidetext import MAX_WORDS, MIN_SHARE, shown_paragraphs, word_count
from .flow import Figure, figure_blocks


@scene_kind
class ImageScene(SceneConfig):
    """A picture from the document's folder (or the web), with its alt text and caption.

    Without a ``path`` it is a card that names the picture (its alt text and ``src``): a picture
    that could not be had is shown as that, never left out while the text refers to it.
    """

    kind: Literal["image"] = "image"
    path: Optional[Path] = None
    alt: str = ""
    #: where the picture was to come from (a URL or the path the document gave), for the card
    src: str = ""
    body: list[str] = Field(default_factory=list)
    #: the caption, shown under the picture
    after: list[str] = Field(default_factory=list)

    media_fields = ("path",)

    def narrate(self, english: bool) -> list[str]:
        return self.spoken_title() + self.body + describe_picture(self.alt, english, self.path is not None) + self.after

    def slide(self) -> list[Block]:
        shown = self.path is not None
        caption = [Paragraph(self.alt, style="sans-oblique", align="center")] if self.alt and shown and not self.body and not self.after else []
        # the text above and below the picture share one budget of words, less what the card or caption says
        named = word_count(self.alt) if self.alt and (caption or not shown) else 0.0
        body = [t for t in self.body if t.strip()]
        texts = shown_paragraphs(body + [t for t in self.after if t.strip()], max(MIN_SHARE, MAX_WORDS - named))
        centred = [Paragraph(t, style="sans-oblique", align="center") for t in texts[len(body) :]]
        picture = figure_blocks(Figure(path=self.path, alt=self.alt, src=self.src))
        return [Paragraph(t) for t in texts[: len(body)]] + picture + caption + centred


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
