"""Slide designs: how a whole slide is laid out. A scene's ``slide()`` picks one and fills it.

``ContentSlide`` is the usual slide (label, title, blocks, footer);
``TitleSlide`` opens a video; ``PictureSlide`` fills the frame with a
picture. A scene may also return a plain list of blocks: that is a
``ContentSlide`` without a label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from .blocks import Block


@dataclass
class ContentSlide:
    """A small label above the title (or none), the scene's title, then ``blocks`` stacked under it."""

    blocks: list[Block] = field(default_factory=list)
    label: Optional[str] = None


@dataclass
class TitleSlide:
    """The opening slide: a big centred title, an accent rule, the subtitle and the author."""

    title: str
    subtitle: str = ""
    author: str = ""


@dataclass
class PictureSlide:
    """A picture scaled to fit the whole frame, centred on the theme's background (a clip's first frame)."""

    path: Path


SlideDesign = Union[ContentSlide, TitleSlide, PictureSlide]


def as_design(value: Any) -> SlideDesign:
    """A scene's ``slide()`` as a design: a list of blocks is a content slide without a label."""
    if isinstance(value, (ContentSlide, TitleSlide, PictureSlide)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(b, Block) for b in value):
        return ContentSlide(list(value))
    raise TypeError(
        f"a scene's slide() returns a list of render blocks or a slide design (ContentSlide, TitleSlide, "
        f"PictureSlide), not {type(value).__name__}"
    )
