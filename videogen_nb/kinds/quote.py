"""The quote scene: a quotation and who said it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..models import SceneConfig, scene_kind
from ..narration import quoted
from ..render.blocks import Block, QuoteBlock
from ..text import as_sentence
from .common import paragraphs


@scene_kind
class QuoteScene(SceneConfig):
    """A quotation and who said it; ``body`` is the text shown above it."""

    kind: Literal["quote"] = "quote"
    quote: list[str]
    attribution: str = ""
    body: list[str] = Field(default_factory=list)
    #: text after the quotation, shown under it
    after: list[str] = Field(default_factory=list)

    continues_fields = ("body", "quote", "after")

    def narrate(self, english: bool) -> list[str]:
        words = " ".join(as_sentence(q) for q in self.quote)
        if self.continues is not None or not english or not words:
            return self.spoken_title() + self.body + [words, self.attribution if not english else ""] + self.after
        return self.spoken_title() + self.body + [quoted(words, self.attribution)] + self.after

    def slide(self) -> list[Block]:
        return paragraphs(self.body) + [QuoteBlock(self.quote, self.attribution)] + paragraphs(self.after)
