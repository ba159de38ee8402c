"""Markdown blocks to scenes: sections by heading, one scene per kind of content, kinds by title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..kinds import (
    BulletsScene,
    CodeComparisonScene,
    CodeScene,
    ImageScene,
    OutroScene,
    QuoteScene,
    StepsScene,
    TableScene,
    TextScene,
)
from ..models import Item, SceneConfig
from .blocks import (
    TEXT_BLOCKS,
    Code,
    Heading,
    ListBlock,
    MdBlock,
    Para,
    Picture,
    Quote,
    Table,
)

SHORT_LEAD = 280  # characters: text this short before a code block, table or picture is shown above it
MIN_SECTIONS_FOR_SUMMARY = 3

# a section's title decides its kind when it names one (compared word by word, lower case)
_TITLE_KINDS = {
    "outro": ("summary", "conclusion", "conclusions", "takeaways", "key takeaways", "recap", "wrap up", "wrap-up",
              "in summary", "to sum up", "what we learned", "key points", "final thoughts"),
    "learning_objectives": ("learning objectives", "objectives", "what you will learn", "what you'll learn",
                            "learning goals", "goals"),
    "exercise": ("exercise", "exercises", "try it", "try it yourself", "your turn", "practice"),
}  # fmt: skip
_STEP = re.compile(r"^\s*step\s+(\d+)\b[\s:.\-\u2013\u2014)]*(.*)$", re.IGNORECASE)
_BEFORE = {"before", "old", "bad", "slow", "naive", "original", "without", "wrong"}
_AFTER = {"after", "new", "good", "fast", "faster", "better", "improved", "refactored", "with", "right", "fixed"}


@dataclass
class Section:
    """An H2 section (or the text before the first one): its title and blocks."""

    title: str
    line: Optional[int]
    blocks: list[MdBlock] = field(default_factory=list)


def _words(title: str) -> list[str]:
    return re.findall(r"[\w'-]+", title.lower())


def title_kind(title: str) -> Optional[str]:
    """``"Key takeaways"`` -> ``"outro"``: the kind a section's title asks for, if any."""
    norm = " ".join(_words(title))
    for kind, names in _TITLE_KINDS.items():
        if norm in names:
            return kind
    return None


def step_number(title: str) -> Optional[int]:
    """``"Step 3: Install"`` -> 3."""
    m = _STEP.match(title)
    return int(m.group(1)) if m else None


def _is_short_lead(blocks: list[MdBlock]) -> bool:
    return all(isinstance(b, Para) for b in blocks) and len(blocks) <= 2 and sum(len(b.text) for b in blocks) <= SHORT_LEAD


def _text_scene(title: str, blocks: list[MdBlock], line: Optional[int]) -> SceneConfig:
    body = [b.text for b in blocks if isinstance(b, Para)]
    lists = [b for b in blocks if isinstance(b, ListBlock)]
    items = [i for b in lists for i in b.items]
    if items and _is_short_lead([b for b in blocks if isinstance(b, Para)]) and len(body) <= 1:
        kind = "steps" if all(b.ordered for b in lists) else "bullets"
    else:
        kind = "text"
    return SceneConfig(kind=kind, title=title, body=body, items=items, source_line=line)


def _big_scene(title: str, block: MdBlock, lead: list[str]) -> SceneConfig:
    if isinstance(block, Code):
        return CodeScene(title=title, code=block.code, language=block.language, body=lead, source_line=block.line)
    if isinstance(block, Table):
        return TableScene(title=title, headers=block.headers, rows=block.rows, body=lead, source_line=block.line)
    if isinstance(block, Quote):
        return QuoteScene(title=title, quote=block.paragraphs, attribution=block.attribution, body=lead, source_line=block.line)
    assert isinstance(block, Picture)
    return ImageScene(title=title, path=block.path, alt=block.alt, body=lead, source_line=block.line)


def scenes_from_blocks(title: str, blocks: list[MdBlock], line: Optional[int]) -> list[SceneConfig]:
    """One scene per code block, table, quote or picture (short text before it as its lead), text between."""
    scenes: list[SceneConfig] = []
    pending: list[MdBlock] = []
    for b in blocks:
        if isinstance(b, TEXT_BLOCKS):
            pending.append(b)
            continue
        lead: list[str] = []
        if pending:
            if _is_short_lead(pending):
                lead = [p.text for p in pending]
            else:
                scenes.append(_text_scene(title, pending, pending[0].line or line))
            pending = []
        scenes.append(_big_scene(title, b, lead))
    if pending:
        last = scenes[-1] if scenes else None
        if isinstance(last, (CodeScene, TableScene, ImageScene)) and _is_short_lead(pending):
            last.body = last.body + [p.text for p in pending]  # a closing remark stays with what it remarks on
        else:
            scenes.append(_text_scene(title, pending, pending[0].line or line))
    return scenes


def _sub_point_scene(title: str, line: Optional[int], lead: list[MdBlock], subs: list[tuple[Heading, list[MdBlock]]]) -> SceneConfig:
    """H3 headings with a little text each become entries of one list (numbered if they are "Step N")."""
    body = [b.text for b in lead if isinstance(b, Para)]
    items: list[Item] = [i for b in lead if isinstance(b, ListBlock) for i in b.items]
    steps = all(step_number(h.text) is not None for h, _ in subs)
    for h, blocks in subs:
        n = step_number(h.text)
        text = (_STEP.match(h.text).group(2) or h.text) if n is not None else h.text
        items.append(Item(text=text, number=n))
        for b in blocks:
            if isinstance(b, Para):
                items.append(Item(text=b.text, level=1))
            elif isinstance(b, ListBlock):
                items.extend(Item(text=i.text, level=min(2, i.level + 1)) for i in b.items)
    return SceneConfig(kind="steps" if steps else "bullets", title=title, body=body, items=items, source_line=line)


def scenes_from_section(section: Section) -> list[SceneConfig]:
    """The scenes of one H2 section: H3 sub-points become list entries, H3 parts with code their own scenes."""
    lead: list[MdBlock] = []
    subs: list[tuple[Heading, list[MdBlock]]] = []
    for b in section.blocks:
        if isinstance(b, Heading):
            subs.append((b, []))
        elif subs:
            subs[-1][1].append(b)
        else:
            lead.append(b)
    text_only = [all(isinstance(x, TEXT_BLOCKS) for x in blocks) for _, blocks in subs]
    if subs and all(text_only) and all(isinstance(b, TEXT_BLOCKS) for b in lead):
        return _apply_title_kind([_sub_point_scene(section.title, section.line, lead, subs)], section.title, section.line)
    scenes = scenes_from_blocks(section.title, lead, section.line) if lead else []
    run: list[tuple[Heading, list[MdBlock]]] = []
    for (h, blocks), plain in zip(subs + [(None, [])], text_only + [False]):
        if plain:
            run.append((h, blocks))
            continue
        if run:
            scenes.append(_sub_point_scene(section.title, run[0][0].line, [], run))
            run = []
        if h is not None:
            scenes.extend(scenes_from_blocks(h.text, blocks, h.line))
    return _apply_title_kind(scenes, section.title, section.line)


def _apply_title_kind(scenes: list[SceneConfig], title: str, line: Optional[int]) -> list[SceneConfig]:
    """A "Summary" section is an outro, a "Step 2" section a step, and so on; the first scene starts at the heading."""
    if scenes and line is not None:
        scenes[0].source_line = line
    kind = title_kind(title)
    number = step_number(title)
    out: list[SceneConfig] = []
    for s in scenes:
        content = isinstance(s, (TextScene, BulletsScene, StepsScene))
        if content and kind is not None:
            s = SceneConfig(kind=kind, title=s.title, body=s.body, items=s.items, source_line=s.source_line)
        elif content and number is not None and s.title == title:
            rest = _STEP.match(title).group(2).strip() or title  # the label above the title says "Step N"
            s = SceneConfig(kind="steps", number=number, title=rest, body=s.body, items=s.items, source_line=s.source_line)
        out.append(s)
    return out


def _side(title: str) -> Optional[str]:
    words = set(_words(title))
    if words & _BEFORE:
        return "before"
    if words & _AFTER:
        return "after"
    return None


def pair_comparisons(scenes: list[SceneConfig], parents: list[str]) -> tuple[list[SceneConfig], list[str]]:
    """Two code scenes in a row titled like Before / After become one code comparison."""
    out: list[SceneConfig] = []
    out_parents: list[str] = []
    i = 0
    while i < len(scenes):
        a = scenes[i]
        b = scenes[i + 1] if i + 1 < len(scenes) else None
        if (
            isinstance(a, CodeScene) and isinstance(b, CodeScene) and a.title != b.title
            and _side(a.title) == "before" and _side(b.title) == "after"
        ):  # fmt: skip
            parent = parents[i] if parents[i] == parents[i + 1] and parents[i] not in (a.title, b.title) else ""
            out.append(
                CodeComparisonScene(
                    title=parent or f"{a.title} / {b.title}", before=a.code, after=b.code,
                    language=a.language or b.language, before_label=a.title, after_label=b.title,
                    body=a.body + b.body, source_line=a.source_line,
                )  # fmt: skip
            )
            out_parents.append(parents[i])
            i += 2
            continue
        out.append(a)
        out_parents.append(parents[i])
        i += 1
    return out, out_parents


def mostly_latin(texts: list[str]) -> bool:
    """Whether the letters of ``texts`` are mostly Latin: generated English text fits in."""
    letters = [c for t in texts for c in t if c.isalpha()]
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return not letters or latin >= 0.8 * len(letters)


def summary_scene(titles: list[str]) -> OutroScene:
    """The closing scene a document without a summary gets: what it covered."""
    return OutroScene(title="Summary", body=["We looked at:"], items=[Item(text=t) for t in titles])
