"""Slide decks (Marp, Slidev, pandoc): ``---`` between slides, one scene per slide, the comments as notes.

A deck is a document whose front matter says so (``marp: true``, Slidev's ``layout:``/``transition:``...,
pandoc's ``format: revealjs``...), or one with ``---`` between its slides and speaker notes in them.
A slide's first heading is its title; everything else is its body, in order; its HTML comments
(except Marp's directives) and ``::: notes`` are its narration, kept exactly.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..kinds import TextScene, TitleScene
from ..models import SceneConfig
from ..text import plain
from .assemble import flow_parts
from .blocks import Break, Heading, MdBlock, Note, Para

_SLIDEV_KEYS = {"layout", "highlighter", "drawings", "transition", "mdc", "colorSchema", "canvasWidth", "aspectRatio",
                "slidev", "routerMode", "themeConfig", "lineNumbers", "info", "download", "exportFilename"}  # fmt: skip
_PANDOC_FORMATS = ("revealjs", "beamer", "pptx", "slidy", "s5", "dzslides", "slideous")
# Marp's directives: comments that set how a slide looks, never notes
_MARP_DIRECTIVE = re.compile(
    r"^\s*_?(theme|style|headingDivider|size|math|title|description|author|image|keywords|url|marp|paginate|header|footer|"
    r"class|backgroundColor|backgroundImage|backgroundPosition|backgroundRepeat|backgroundSize|color|lang|transition|fit)\s*:",
    re.IGNORECASE,
)
_SLIDE_FRONT = re.compile(r"^\s*[A-Za-z_][\w-]*\s*:")


def _is_directive(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return bool(lines) and all(_MARP_DIRECTIVE.match(ln) for ln in lines) or text.strip() in ("fit", "_fit")


def _slides(blocks: list[MdBlock]) -> list[list[MdBlock]]:
    slides: list[list[MdBlock]] = [[]]
    for b in blocks:
        if isinstance(b, Break):
            slides.append([])
        else:
            slides[-1].append(b)
    return [s for s in slides if any(not (isinstance(b, Note) and not b.explicit and _is_directive(b.text)) for b in s)]


def is_deck(front: dict[str, Any], blocks: list[MdBlock]) -> bool:
    """Whether the document is a slide deck."""
    if front.get("marp") is True or front.get("deck") is True or front.get("slides") is True:
        return True
    if any(k in front for k in _SLIDEV_KEYS):
        return True
    fmt = str(front.get("format") or front.get("output") or "")
    if any(f in fmt for f in _PANDOC_FORMATS):
        return True
    slides = _slides(blocks)
    with_notes = sum(1 for s in slides if _notes(s))
    return len(slides) >= 3 and with_notes >= 2  # "---" between slides, and notes in more than one of them


def _notes(slide: list[MdBlock]) -> Optional[str]:
    texts = [b.text.strip() for b in slide if isinstance(b, Note) and (b.explicit or not _is_directive(b.text)) and b.text.strip()]
    return "\n\n".join(texts) if texts else None


def deck_scenes(blocks: list[MdBlock], title: str) -> list[SceneConfig]:
    """One scene per slide: the first heading is its title; a first slide of only a heading (and a line) opens the video."""
    scenes: list[SceneConfig] = []
    for k, slide in enumerate(_slides(blocks)):
        if slide and isinstance(slide[0], Heading) and slide[0].level == 2 and _SLIDE_FRONT.match(slide[0].text) and k:
            slide = slide[1:]  # Slidev's per-slide front matter ("layout: center" above a ---) reads as a heading
        heading = next((b for b in slide if isinstance(b, Heading)), None)
        rest = [b for b in slide if b is not heading and not isinstance(b, Note)]
        rest = [Para(b.text, b.line) if isinstance(b, Heading) else b for b in rest]  # a second heading is a line of text
        notes = _notes(slide)
        line = next((b.line for b in slide if b.line is not None), None)
        text_only = all(isinstance(b, Para) for b in rest) and len(rest) <= 2
        if k == 0 and heading is not None and heading.level == 1 and text_only:
            scene: SceneConfig = TitleScene(title=heading.text, subtitle=" ".join(plain(b.text) for b in rest), source_line=line)
        else:
            scene = TextScene(title=heading.text if heading else "", body=flow_parts(rest), source_line=line)
        scene.narration = notes
        scenes.append(scene)
    if scenes and not isinstance(scenes[0], TitleScene) and not scenes[0].title:
        scenes[0].title = title
    return scenes
