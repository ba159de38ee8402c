"""The table scene: drawn as a table, summarised in the narration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..models import SceneConfig, scene_kind
from ..narration import describe_table
from ..render.blocks import Block, TableBlock
from .common import paragraphs


@scene_kind
class TableScene(SceneConfig):
    """A table drawn as a table; ``body`` is the text around it. Rows continue on the next slide."""

    kind: Literal["table"] = "table"
    headers: list[str]
    rows: list[list[str]] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)
    #: text after the table, shown under it
    after: list[str] = Field(default_factory=list)

    continues_fields = ("body", "rows", "after")

    @model_validator(mode="after")
    def _rectangular(self) -> "TableScene":
        n = len(self.headers)
        if n == 0:
            raise ValueError("a table needs at least one column header")
        if any(len(r) != n for r in self.rows):
            # pad short rows and fold extra cells into the last column, as Markdown renderers do
            fixed = [(r + [""] * n)[:n] if len(r) <= n else r[: n - 1] + [" ".join(r[n - 1 :])] for r in self.rows]
            object.__setattr__(self, "rows", fixed)
        return self

    def narrate(self, english: bool) -> list[str]:
        return self.spoken_title() + self.body + describe_table(self.headers, self.rows, english, self.continues is not None) + self.after

    def slide(self) -> list[Block]:
        return paragraphs(self.body) + [TableBlock(self.headers, self.rows)] + paragraphs(self.after)
