"""Markdown to scenes: H1 is the title scene, each H2 section a scene."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..models import Document, SceneConfig
from ..text import slugify
from .inline import inline_text

SHORT_INTRO = 160  # characters: an intro this short becomes the title slide's subtitle


@dataclass
class _Section:
    title: str
    line: Optional[int]
    body: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.body or self.items)


def _collect_list(tokens: list[Token], i: int, section: _Section) -> int:
    """Add the items of the list opening at ``tokens[i]`` (nested ones too); return the index after it."""
    depth = 0
    want_text = False
    while i < len(tokens):
        t = tokens[i]
        if t.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return i + 1
        elif t.type == "list_item_open":
            want_text = True
        elif t.type == "inline" and want_text:
            text = inline_text(t)
            if text:
                section.items.append(text)
            want_text = False
        elif t.type == "inline":
            # a second paragraph inside an item: keep it with that item
            text = inline_text(t)
            if text and section.items:
                section.items[-1] += " " + text
        i += 1
    return i


def parse_markdown(doc: Document, fallback_title: str) -> tuple[str, str, list[SceneConfig], list[str]]:
    """(title, subtitle, scenes, warnings) of a Markdown document."""
    tokens = MarkdownIt("commonmark").parse(doc.text)
    offset = doc.body_line_offset
    title: Optional[str] = None
    title_line: Optional[int] = None
    intro = _Section("", None)
    sections: list[_Section] = []
    warnings: list[str] = []

    def current() -> _Section:
        return sections[-1] if sections else intro

    i = 0
    while i < len(tokens):
        t = tokens[i]
        line = t.map[0] + 1 + offset if t.map else None
        if t.type == "heading_open":
            level = int(t.tag[1])
            text = inline_text(tokens[i + 1])
            if level == 1 and title is None and not sections:
                title, title_line = text, line
            elif level <= 2:
                sections.append(_Section(text, line))
            elif text:
                current().body.append(text)
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            i = _collect_list(tokens, i, current())
            continue
        if t.type == "inline":
            text = inline_text(t)
            if text:
                current().body.append(text)
        elif t.type in ("fence", "code_block"):
            what = f"{t.info.strip()} code" if t.info.strip() else "code"
            warnings.append(
                f"{doc.name}:{line}: a {what} block is not drawn on slides yet; it is left out of the video"
            )
        i += 1

    doc_title = title or fallback_title
    subtitle = ""
    scenes: list[SceneConfig] = []
    intro_scene: Optional[SceneConfig] = None
    if not intro.empty:
        if not intro.items and len(intro.body) == 1 and len(intro.body[0]) <= SHORT_INTRO:
            subtitle = intro.body[0]
        else:
            intro_scene = SceneConfig(kind="text", title="Overview" if sections else "", body=intro.body, items=intro.items, source_line=title_line)
    scenes.append(SceneConfig(kind="title", title=doc_title, subtitle=subtitle, source_line=title_line))
    if intro_scene is not None:
        scenes.append(intro_scene)
    for s in sections:
        kind = "bullets" if s.items and not s.body else "text"
        scenes.append(SceneConfig(kind=kind, title=s.title, body=s.body, items=s.items, source_line=s.line))
    for n, scene in enumerate(scenes):
        scene.scene_id = f"{n + 1:02d}-{slugify(scene.title or scene.kind, fallback=scene.kind, max_len=30)}"
    return doc_title, subtitle, scenes, warnings
