"""Kinds of code: a listing, two versions side by side, a worked solution."""

from __future__ import annotations

from itertools import zip_longest
from typing import Literal

from pydantic import Field

from ..codeinfo import code_facts
from ..models import CONT, SceneConfig, Unit, scene_kind
from ..narration import describe_code
from ..render.blocks import Block, CodeBlock, Columns, label
from ..render.designs import ContentSlide
from .common import paragraphs
from .flow import code_seconds


def _code_block(code: str, language: str) -> list[Block]:
    return [CodeBlock(code, language)] if code.strip() else []


@scene_kind
class CodeScene(SceneConfig):
    """A code listing, highlighted; ``body`` is the text around it."""

    kind: Literal["code"] = "code"
    code: str
    language: str = ""
    body: list[str] = Field(default_factory=list)
    #: text after the listing (a remark on it), shown under it
    after: list[str] = Field(default_factory=list)

    continues_fields = ("body", "code", "after")

    def narrate(self, english: bool) -> list[str]:
        lead = self.body[-1] if self.body else ""
        extra = [describe_code(self.code, self.language, self.continues is not None, lead)] if english and self.code.strip() else []
        return self.spoken_title() + self.body + extra + self.after

    def slide(self) -> list[Block]:
        return paragraphs(self.body) + _code_block(self.code, self.language) + paragraphs(self.after)

    @property
    def min_seconds(self) -> float:
        return code_seconds(self.code, prose=self.body + list(getattr(self, "after", []) or []))


@scene_kind
class CodeComparisonScene(SceneConfig):
    """Two versions of some code side by side (stacked on a vertical video)."""

    kind: Literal["code_comparison"] = "code_comparison"
    before: str
    after: str
    language: str = ""
    before_label: str = "Before"
    after_label: str = "After"
    body: list[str] = Field(default_factory=list)

    continues_fields = ("body", "before", "after")  # the two sides continue together, line by line

    def narrate(self, english: bool) -> list[str]:
        parts = self.spoken_title() + self.body
        if english and self.continues is None:
            lang = code_facts(self.after or self.before, self.language).spoken_language
            parts.append(f"Compare two versions of this {lang + ' ' if lang else ''}code: {self.before_label}, then {self.after_label}")
        return parts

    def slide(self) -> list[Block]:
        sides = [
            [label(name), CodeBlock(code, self.language)]
            for name, code in ((self.before_label, self.before), (self.after_label, self.after))
            if code.strip()  # a continued comparison may have run out of one side
        ]
        return paragraphs(self.body) + ([Columns(*sides)] if len(sides) == 2 else [b for s in sides for b in s])

    @property
    def min_seconds(self) -> float:
        return code_seconds(self.before, self.after, prose=self.body)

    def page_units(self) -> list[Unit]:
        pairs = zip_longest(self.before.split("\n"), self.after.split("\n"))
        return [("body", p) for p in self.body] + [("pairs", p) for p in pairs]

    def page(self, units: list[Unit], index: int) -> "CodeComparisonScene":
        pairs = [v for name, v in units if name == "pairs"]
        update = {
            "body": [v for name, v in units if name == "body"],
            "before": "\n".join(b for b, _ in pairs if b is not None),
            "after": "\n".join(a for _, a in pairs if a is not None),
        }
        if index and self.title:
            update["title"] = self.title + CONT
        return self.model_copy(update=update)


@scene_kind
class SolutionScene(SceneConfig):
    """A worked solution: explanation and, optionally, code."""

    kind: Literal["solution"] = "solution"
    body: list[str] = Field(default_factory=list)
    code: str = ""
    language: str = ""

    continues_fields = ("body", "code")

    def narrate(self, english: bool) -> list[str]:
        lead = ["Here is the solution"] if english and self.continues is None else []
        before = self.body[-1] if self.body else "Here is the solution:"
        code = [describe_code(self.code, self.language, lead=before)] if english and self.code.strip() else []
        return self.spoken_title() + lead + self.body + code

    def slide(self) -> ContentSlide:
        return ContentSlide(paragraphs(self.body) + _code_block(self.code, self.language), "Solution")

    @property
    def min_seconds(self) -> float:
        return code_seconds(self.code, prose=self.body + list(getattr(self, "after", []) or []))
