"""What several kinds share: list fields, content (paragraphs then a list), markers, numbering."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional

from pydantic import Field, field_validator

from ..models import Item, SceneConfig, flatten_items
from ..render.blocks import Block, Paragraph
from ..render.designs import ContentSlide
from ..slidetext import MAX_WORDS, shown_paragraphs
from .flow import Listing, Part, code_seconds, item_block, list_columns, part_blocks, parts_speech, shown_content

Difficulty = Literal["easy", "medium", "hard"]


def paragraphs(texts: list[str], budget: float = MAX_WORDS) -> list[Block]:
    """A paragraph block for each non-empty text, as a slide shows it (key sentences when they are long)."""
    return [Paragraph(t) for t in shown_paragraphs([t for t in texts if t.strip()], budget)]


def item_blocks(items: list[Item], marker: str = "bullet") -> list[Block]:
    """List entries as paragraphs: numbered ones show their number, nested ones a bullet, the rest ``marker``."""
    return [item_block(item, marker) for item in items]


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
    """A body of parts in the author's order (paragraphs, list entries, code, tables, pictures, formulas),
    then a list: the content most kinds share. Either may continue on the next slide."""

    body: list[Part] = Field(default_factory=list)

    continues_fields = ("body", "items")
    #: the symbol before each top-level entry that has no number
    marker: ClassVar[str] = "bullet"
    #: the small label above the title, if the kind has one
    slide_label: ClassVar[Optional[str]] = None

    def body_speech(self, english: bool = True) -> list[str]:
        """What the narration says about the body, part by part."""
        return parts_speech(self.body, english)

    def content_parts(self, english: bool = True) -> list[str]:
        """The body and the entries, as sentences to say."""
        return self.body_speech(english) + [i.text for i in self.items]

    def content_blocks(self) -> list[Block]:
        parts, items = shown_content(self.body, self.items)
        body = [b for p in parts for b in part_blocks(p, self.marker)]
        return list_columns(body + item_blocks(items, self.marker))

    def narrate(self, english: bool) -> list[str]:
        return self.spoken_title() + self.content_parts(english)

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), self.slide_label)

    @property
    def min_seconds(self) -> float:
        prose = [p for p in self.body if isinstance(p, str)] + [i.text for i in self.items]
        return code_seconds(*(p.code for p in self.body if isinstance(p, Listing)), prose=prose)
