"""Markdown to scenes: the title scene, then each H2 section as one or more scenes of typed kinds
(or, for a slide deck, one scene per slide)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple, Optional

from ..kinds import OutroScene, TextScene, TitleScene
from ..models import Document, SceneConfig
from ..text import plain
from .assemble import (
    MIN_SECTIONS_FOR_SUMMARY,
    Section,
    mostly_latin,
    pair_comparisons,
    scenes_from_section,
    summary_scene,
)
from .blocks import Heading, Note, ParseOptions, Para, markdown_blocks
from .deck import deck_scenes, is_deck

SHORT_INTRO = 160  # characters: an intro this short becomes the title slide's subtitle


class Parsed(NamedTuple):
    """What a parser makes of a document."""

    title: str
    subtitle: str
    scenes: list[SceneConfig]
    warnings: list[str]


def _promote(blocks: list) -> list:
    """A document without an H1 whose first block is its only top-level heading (an mdBook chapter's
    ``## First Steps``) has that heading as its title: every heading moves up so it is the H1."""
    headings = [b for b in blocks if isinstance(b, Heading)]
    if not headings or any(h.level == 1 for h in headings):
        return blocks
    top = min(h.level for h in headings)
    first = next(b for b in blocks if not isinstance(b, Note))
    if not (isinstance(first, Heading) and first.level == top and sum(1 for h in headings if h.level == top) == 1):
        return blocks
    return [replace(b, level=b.level - top + 1) if isinstance(b, Heading) else b for b in blocks]


def _sections(blocks) -> tuple[Optional[Heading], list, list[Section]]:
    """(the H1, blocks before the first H2, the H2 sections). Later H1s start sections too."""
    title: Optional[Heading] = None
    intro: list = []
    sections: list[Section] = []
    for b in blocks:
        if isinstance(b, Heading) and b.level == 1 and title is None and not sections and not any(not isinstance(x, Note) for x in intro):
            title = b
        elif isinstance(b, Heading) and b.level <= 2:
            sections.append(Section(b.text, b.line, link_only=b.link_only, animate=b.animate))
        elif sections:
            sections[-1].blocks.append(b)
        else:
            intro.append(b)
    return title, intro, sections


def document_title(front_title: Optional[str], blocks: list, fallback: str) -> str:
    """Front matter, then the first H1 (Markdown or HTML), then the first heading; the file name last."""
    if front_title:
        return front_title
    h1 = next((b for b in blocks if isinstance(b, Heading) and b.level == 1 and b.text), None)
    first = h1 or next((b for b in blocks if isinstance(b, Heading) and b.text and not b.link_only), None)
    return first.text if first is not None else fallback


def parse_markdown(doc: Document, fallback_title: str, lang: Optional[str] = None, options: Optional[ParseOptions] = None) -> Parsed:
    """Scenes of a Markdown document; pictures and includes resolve against its folder (or the current one)."""
    base = doc.path.parent if doc.path else Path.cwd()
    blocks, warnings = markdown_blocks(doc.text, base, doc.path, doc.body_line_offset, options)
    front: dict[str, Any] = doc.front_matter or {}
    front_title = str(front["title"]) if front.get("title") else None
    if is_deck(front, blocks):
        title = document_title(front_title, blocks, fallback_title)
        return Parsed(title, str(front.get("subtitle") or ""), deck_scenes(blocks, title), warnings)

    if front_title is None:
        blocks = _promote(blocks)
    h1, intro, sections = _sections(blocks)
    doc_title = document_title(front_title, blocks, fallback_title)
    title_line = h1.line if h1 else None
    subtitle = ""
    content_intro = [b for b in intro if not isinstance(b, Note)]
    if len(content_intro) == 1 and isinstance(content_intro[0], Para) and len(content_intro[0].text) <= SHORT_INTRO:
        subtitle = plain(content_intro[0].text)
        intro = [b for b in intro if isinstance(b, Note)]
    elif not subtitle and isinstance(front.get("description"), str) and len(front["description"]) <= SHORT_INTRO:
        subtitle = front["description"]

    title_scene = TitleScene(title=doc_title, subtitle=subtitle, source_line=title_line)
    scenes: list[SceneConfig] = []
    parents: list[str] = []
    intro_notes = [b for b in intro if isinstance(b, Note)]
    if intro_notes and not any(not isinstance(b, Note) for b in intro):  # notes under the H1: the title's narration
        title_scene.narration = " ".join(n.text for n in intro_notes if n.explicit) or None
        intro = []
    if intro:
        intro_scenes = scenes_from_section(Section(doc_title if sections or h1 else "", title_line, intro))
        scenes += intro_scenes
        parents += [""] * len(intro_scenes)
    for sec in sections:
        made = scenes_from_section(sec)
        if not made:
            if sec.link_only:  # "## [Quiz](https://...)" with nothing under it: navigation
                continue
            made = [TextScene(title=sec.title, source_line=sec.line)]  # a heading alone still says something
        scenes += made
        parents += [sec.title] * len(made)
    scenes, _ = pair_comparisons(scenes, parents)

    english = (lang or "en").lower().startswith("en") and mostly_latin([s.title for s in scenes])
    if (
        english and len(sections) >= MIN_SECTIONS_FOR_SUMMARY
        and not any(isinstance(s, OutroScene) for s in scenes)
    ):  # fmt: skip
        titles = list(dict.fromkeys(sec.title for sec in sections if sec.title and not sec.link_only))
        titles = [t for t in titles if t != doc_title]
        scenes.append(summary_scene(titles))
    return Parsed(doc_title, subtitle, [title_scene] + scenes, warnings)
