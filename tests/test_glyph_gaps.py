"""Characters no font has are found from a slide's texts, without laying it out, exactly as the drawn slide has
them; a block that draws text of its own making (a plug-in's) is laid out to learn what it draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

import pytest

from videogen_nb import Pipeline, SceneConfig, scene_kind
from videogen_nb.render import fonts, slides
from videogen_nb.render.blocks import Block, Env, Paragraph, Placed, TextOp
from videogen_nb.render.slides import render_slide, scene_glyph_gaps
from videogen_nb.render.theme import THEMES

SIZE = (640, 360)
PUA = "\ue000"  # a private-use character: no font has it

DOC = f"""# Gaps {PUA} in the title

## Prose

A paragraph with **bold {PUA}1** and `code {PUA}2`, and a plain {PUA}3.

## A list

- an entry {PUA}4
  - a nested one

## Code

```python
print("{PUA}5")
```

## A table

| name | value |
|---|---|
| a{PUA}6 | 1 |

## A quote

> Said with {PUA}7.
>
> \u2014 Someone {PUA}8

## Nothing odd

Plain words only, on this slide.

## 光合作用

植物は光を使って糖を作ります。
"""


def test_gaps_found_without_a_layout_are_those_of_the_drawn_slides(write_doc, tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")  # DejaVu alone: CJK has no font either
    theme = THEMES["dark"]
    p = Pipeline(write_doc("gaps.md", DOC), workdir=tmp_path / "w", progress=None, tts="silent", resolution=SIZE)
    p.run(until="parse")
    laid_out = []
    layout = slides.layout_content
    monkeypatch.setattr(slides, "layout_content", lambda scene, *a: laid_out.append(scene.title) or layout(scene, *a))
    seen = {}
    for s in p.scenes:
        gaps = scene_glyph_gaps(s, SIZE, theme)
        assert gaps == render_slide(s, SIZE, theme).missing, s.scene_id
        seen[s.title] = gaps
    assert laid_out.count("Nothing odd") == 1  # to draw it, not to learn it has nothing to report
    assert all(PUA in seen[t] for t in ("Prose", "A list", "Code", "A table", "A quote"))
    assert seen["Nothing odd"] == frozenset() and "\u5149" in seen["光合作用"]
    warning = [w for w in p.ctx.warnings if "no font has" in w]
    assert len(warning) == 1 and "Chinese/Japanese (CJK)" in warning[0]


@dataclass
class _Stamp(Block):
    """Draws a mark of its own making, which no field of it holds."""

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        return Placed(40, [TextOp(0, 30, f"stamp {PUA}", "sans", 24, env.theme.text, False, 90.0)])


@dataclass
class _Shout(Paragraph):
    """A paragraph that draws its text otherwise (with a mark added): it inherits Paragraph's texts, not its drawing."""

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        return Paragraph(self.text + " \ue001").layout(width, env, max_height)


@scene_kind
class StampScene(SceneConfig):
    kind: Literal["stamp_for_glyph_gaps"] = "stamp_for_glyph_gaps"

    def slide(self):
        return [Paragraph("Words."), _Stamp(), _Shout("Loud.")]


@pytest.mark.parametrize("block", [_Stamp(), _Shout("Loud.")])
def test_a_block_that_draws_its_own_text_says_it_cannot_tell(block):
    assert block.glyph_texts(THEMES["dark"]) is None  # so its slide is laid out to find what it draws


def test_the_text_a_plug_in_block_makes_is_still_found():
    gaps = scene_glyph_gaps(StampScene(title="Stamped"), SIZE, THEMES["dark"])
    assert gaps == {PUA, "\ue001"}
