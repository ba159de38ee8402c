"""Markdown to scenes: H1 is the title scene, each H2 section one or more scenes of typed kinds."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Optional

from ..kinds import OutroScene, TextScene, TitleScene
from ..models import Document, SceneConfig
from .assemble import (
    MIN_SECTIONS_FOR_SUMMARY,
    Section,
    mostly_latin,
    pair_comparisons,
    scenes_from_section,
    summary_scene,
)
from .blocks import Heading, Para, markdown_blocks

SHORT_INTRO = 160  # characters: an intro this short becomes the title slide's subtitle


class Parsed(NamedTuple):
    """What a parser makes of a document."""

    title: str
    subtitle: str
    scenes: list[SceneConfig]
    warnings: list[str]


def _sections(blocks) -> tuple[Optional[Heading], list, list[Section]]:
    """(the H1, blocks before the first H2, the H2 sections). Later H1s start sections too."""
    title: Optional[Heading] = None
    intro: list = []
    sections: list[Section] = []
    for b in blocks:
        if isinstance(b, Heading) and b.level == 1 and title is None and not sections and not intro:
            title = b
        elif isinstance(b, Heading) and b.level <= 2:
            sections.append(Section(b.text, b.line))
        elif sections:
            sections[-1].blocks.append(b)
        else:
            intro.append(b)
    return title, intro, sections


def parse_markdown(doc: Document, fallback_title: str, lang: Optional[str] = None) -> Parsed:
    """Scenes of a Markdown document; image paths resolve against its folder (or the current one)."""
    base = doc.path.parent if doc.path else Path.cwd()
    blocks, warnings = markdown_blocks(doc.text, base, doc.path, doc.body_line_offset)
    h1, intro, sections = _sections(blocks)
    doc_title = h1.text if h1 and h1.text else fallback_title
    title_line = h1.line if h1 else None
    subtitle = ""
    if len(intro) == 1 and isinstance(intro[0], Para) and len(intro[0].text) <= SHORT_INTRO:
        subtitle, intro = intro[0].text, []

    scenes: list[SceneConfig] = []
    parents: list[str] = []
    if intro:
        intro_scenes = scenes_from_section(Section("Overview" if sections else "", title_line, intro))
        scenes += intro_scenes
        parents += [""] * len(intro_scenes)
    for sec in sections:
        made = scenes_from_section(sec)
        if not made:  # a heading with nothing under it still gets its slide: the title says something
            made = [TextScene(title=sec.title, source_line=sec.line)]
        scenes += made
        parents += [sec.title] * len(made)
    scenes, _ = pair_comparisons(scenes, parents)

    english = (lang or "en").lower().startswith("en") and mostly_latin([s.title for s in scenes])
    if (
        english and len(sections) >= MIN_SECTIONS_FOR_SUMMARY
        and not any(isinstance(s, OutroScene) for s in scenes)
    ):  # fmt: skip
        titles = list(dict.fromkeys(s.title for s in scenes if s.title and s.title != "Overview"))
        scenes.append(summary_scene(titles))
    title_scene = TitleScene(title=doc_title, subtitle=subtitle, source_line=title_line)
    return Parsed(doc_title, subtitle, [title_scene] + scenes, warnings)
