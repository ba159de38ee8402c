"""What several kinds share: list fields, content (paragraphs then a list), markers, numbering."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional

from pydantic import Field, field_validator

from ..models import Item, SceneConfig, flatten_items
from ..render.blocks import Block, Paragraph
from ..render.designs import ContentSlide

Difficulty = Literal["easy", "medium", "hard"]


def paragraphs(texts: list[str]) -> list[Block]:
    """A paragraph block for each non-empty text."""
    return [Paragraph(t) for t in texts if t.strip()]


def item_blocks(items: list[Item], marker: str = "bullet") -> list[Block]:
    """List entries as paragraphs: numbered ones show their number, nested ones a bullet, the rest ``marker``."""
    out: list[Block] = []
    for item in items:
        if item.number is not None:
            m = f"number:{item.number}"
        else:
            m = "bullet" if item.level else marker
        out.append(Paragraph(item.text, level=item.level, marker=m))
    return out


def with_difficulty(name: str, difficulty: Optional[str], minutes: Optional[int] = None) -> str:
    """``"Exercise · hard · 10 min"``: the label above a task's title."""
    parts = [name] + ([difficulty] if difficulty else []) + ([f"{minutes} min"] if minutes else [])
    return " \u00b7 ".join(parts)


def number_items(items: list[Item]) -> list[Item]:
    """Top-level entries without a number get the next one (so a continued list keeps counting)."""
    out, n = [], 0
    for item in items:
        if item.level == 0:
            n = item.number if item.number is not None else n + 1
            if item.number is None:
                item = item.model_copy(update={"number": n})
        out.append(item)
    return out


class ListedScene(SceneConfig):
    """A list of entries; in a spec a nested list holds the sub-entries of the entry before it."""

    items: list[Item] = Field(default_factory=list)

    @field_validator("items", mode="before")
    @classmethod
    def _nested(cls, v: Any) -> Any:
        return flatten_items(v)


class ContentScene(ListedScene):
    """Paragraphs, then a list: the content most kinds share. Either may continue on the next slide."""

    body: list[str] = Field(default_factory=list)

    continues_fields = ("body", "items")
    #: the symbol before each top-level entry that has no number
    marker: ClassVar[str] = "bullet"
    #: the small label above the title, if the kind has one
    slide_label: ClassVar[Optional[str]] = None

    def content_parts(self) -> list[str]:
        """Paragraphs and entries, as sentences to say."""
        return list(self.body) + [i.text for i in self.items]

    def content_blocks(self) -> list[Block]:
        return paragraphs(self.body) + item_blocks(self.items, self.marker)

    def narrate(self, english: bool) -> list[str]:
        return self.spoken_title() + self.content_parts()

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), self.slide_label)
