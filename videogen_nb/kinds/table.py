"""The table scene: drawn as a table, summarised in the narration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..models import SceneConfig, scene_kind
from ..narration import join_words
from ..render.blocks import Block, TableBlock
from .common import paragraphs


@scene_kind
class TableScene(SceneConfig):
    """A table drawn as a table; ``body`` is the text around it. Rows continue on the next slide."""

    kind: Literal["table"] = "table"
    headers: list[str]
    rows: list[list[str]] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)

    continues_fields = ("body", "rows")

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
        parts = self.spoken_title() + self.body
        if not english:
            return parts + [", ".join(self.headers)]
        rows = len(self.rows)
        if self.continues is not None:
            return parts + [f"The table continues with {rows} more row{'s' if rows != 1 else ''}"]
        cols = len(self.headers)
        parts.append(
            f"The table has {cols} column{'s' if cols != 1 else ''}: {join_words(self.headers)}, "
            f"and {rows} row{'s' if rows != 1 else ''}"
        )
        if self.rows:
            cells = [f"{h} {c}" if h else c for h, c in zip(self.headers, self.rows[0]) if c]
            parts.append(f"The first row reads: {', '.join(cells)}")
        return parts

    def slide(self) -> list[Block]:
        return paragraphs(self.body) + [TableBlock(self.headers, self.rows)]
