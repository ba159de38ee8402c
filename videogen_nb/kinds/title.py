"""The title scene: what a video opens with."""

from __future__ import annotations

from typing import Literal

from ..models import SceneConfig, scene_kind
from ..render.designs import TitleSlide


@scene_kind
class TitleScene(SceneConfig):
    """The opening slide: title, subtitle and author."""

    kind: Literal["title"] = "title"
    subtitle: str = ""
    author: str = ""

    def narrate(self, english: bool) -> list[str]:
        return [self.title, self.subtitle]

    def slide(self) -> TitleSlide:
        return TitleSlide(self.title, self.subtitle, self.author)
