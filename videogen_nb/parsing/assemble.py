"""Markdown blocks to scenes: sections by heading, one scene per kind of content, kinds by title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..kinds import (
    BulletsScene,
    CalloutScene,
    CodeComparisonScene,
    CodeScene,
    ImageScene,
    OutroScene,
    QuoteScene,
    StepsScene,
    TableScene,
    TextScene,
    callout_style,
)
from ..kinds.flow import Figure, Formula, Grid, Listing, Part, Quotation
from ..models import Item, SceneConfig
from ..text import plain
from .blocks import (
    TEXT_BLOCKS,
    Break,
    Callout,
    Code,
    Heading,
    ListBlock,
    Math,
    MdBlock,
    Note,
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
_FIGURE = re.compile(r"^\s*(figure|fig\.|listing|table|image|abbildung|figura)\s*[\d.:-]", re.IGNORECASE)
_BEFORE = {"before", "old", "bad", "slow", "naive", "original", "without", "wrong"}
_AFTER = {"after", "new", "good", "fast", "faster", "better", "improved", "refactored", "with", "right", "fixed"}


@dataclass
class Section:
    """An H2 section (or the text before the first one): its title and blocks."""

    title: str
    line: Optional[int]
    blocks: list[MdBlock] = field(default_factory=list)
    #: the heading is one link (``## [Quiz](https://...)``): with nothing under it, it is navigation
    link_only: bool = False
    #: the heading's ``{animate=false}`` (or ``{.still}``, or ``{animate=true}``): its scenes' own setting
    animate: Optional[bool] = None


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


def flow_parts(blocks: list[MdBlock]) -> list[Part]:
    """Blocks as the parts of a scene's body, in order."""
    out: list[Part] = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, ListBlock):
            out.extend(b.items)
        elif isinstance(b, Math):
            out.append(Formula(tex=b.tex))
        elif isinstance(b, Code):
            out.append(Listing(code=b.code, language=b.language))
        elif isinstance(b, Table):
            out.append(Grid(headers=b.headers, rows=b.rows))
        elif isinstance(b, Picture):
            out.append(Figure(path=b.path, alt=b.alt, src=b.src if b.path is None else ""))
        elif isinstance(b, Quote):
            out.append(Quotation(quote=b.paragraphs, attribution=b.attribution))
        elif isinstance(b, Callout):
            out.extend(([f"{b.title}:"] if b.title else []) + flow_parts(b.blocks))
    return out


def _text_scene(title: str, blocks: list[MdBlock], line: Optional[int]) -> SceneConfig:
    """Text in the author's order: a short lead and a list make a list scene; anything else keeps its order."""
    paras = [b for b in blocks if isinstance(b, Para)]
    lists = [b for b in blocks if isinstance(b, ListBlock)]
    first_list = next((k for k, b in enumerate(blocks) if isinstance(b, ListBlock)), None)
    list_last = first_list is not None and all(isinstance(b, ListBlock) for b in blocks[first_list:])
    items = [i for b in lists for i in b.items]
    if lists and list_last and len(paras) <= 1 and _is_short_lead(paras):
        kind = "steps" if all(b.ordered for b in lists) else "bullets"
        return SceneConfig(kind=kind, title=title, body=[p.text for p in paras], items=items, source_line=line)
    if list_last:  # paragraphs, then the list: the usual text scene
        return TextScene(title=title, body=flow_parts(blocks[:first_list]), items=items, source_line=line)
    return TextScene(title=title, body=flow_parts(blocks), source_line=line)  # text after a list stays after it


def _big_scene(title: str, block: MdBlock, lead: list[str]) -> SceneConfig:
    if isinstance(block, Code):
        return CodeScene(title=title, code=block.code, language=block.language, body=lead, source_line=block.line)
    if isinstance(block, Table):
        return TableScene(title=title, headers=block.headers, rows=block.rows, body=lead, source_line=block.line)
    if isinstance(block, Quote):
        return QuoteScene(title=title, quote=block.paragraphs, attribution=block.attribution, body=lead, source_line=block.line)
    if isinstance(block, Callout):
        style = callout_style(block.style) or "note"
        return CalloutScene(title=block.title or title, style=style, body=lead + flow_parts(block.blocks), source_line=block.line)
    assert isinstance(block, Picture)
    return ImageScene(title=title, path=block.path, alt=block.alt, src=block.src, body=lead, source_line=block.line)


def _is_caption(block: MdBlock, scene: SceneConfig) -> bool:
    """A quote or a "Figure 3: ..." line right under a picture is its caption."""
    if not isinstance(scene, ImageScene) or scene.after:
        return False
    if isinstance(block, Quote):
        return not block.attribution
    return isinstance(block, Para) and bool(_FIGURE.match(plain(block.text)))


class _Builder:
    """Scenes of a run of blocks, in order; speaker notes go to the scene they sit in."""

    def __init__(self, title: str, line: Optional[int]) -> None:
        self.title, self.line = title, line
        self.scenes: list[SceneConfig] = []
        self.pending: list[MdBlock] = []
        self.notes: list[str] = []  # notes waiting for the scene the text around them becomes
        self.last_big: Optional[SceneConfig] = None  # the picture/code/table scene just made, for a closing remark

    def add(self, scene: SceneConfig) -> None:
        if self.notes:
            _add_notes(scene, self.notes)
            self.notes = []
        self.scenes.append(scene)

    def flush_text(self) -> None:
        if self.pending:
            self.add(_text_scene(self.title, self.pending, self.pending[0].line or self.line))
            self.pending = []
            self.last_big = None

    def block(self, b: MdBlock) -> None:
        if isinstance(b, Note):
            if b.explicit:
                if self.pending or not self.scenes:
                    self.notes.append(b.text)
                else:
                    _add_notes(self.scenes[-1], [b.text])
            return
        if isinstance(b, Break):
            return
        if self.last_big is not None and not self.pending and (_is_caption(b, self.last_big)):
            text = " ".join(b.paragraphs) if isinstance(b, Quote) else b.text
            self.last_big.after = self.last_big.after + [text]
            return
        if isinstance(b, TEXT_BLOCKS):
            self.pending.append(b)
            return
        lead: list[str] = []
        if self.pending:
            if isinstance(self.pending[-1], Para) and self.pending[-1].lead_in:
                lead = [self.pending.pop().text]  # "... by running:" stays with what it introduces
                self.remark()  # what came before it remarks on the block before, or is text of its own
            elif _is_short_lead(self.pending) and not isinstance(b, Callout):
                lead = [p.text for p in self.pending]
                self.pending = []
            self.flush_text()
        scene = _big_scene(self.title, b, lead)
        self.add(scene)
        self.last_big = scene if isinstance(scene, (CodeScene, TableScene, ImageScene, QuoteScene)) else None

    def remark(self) -> None:
        """Short text right after a code block, table or picture is a remark on it: it goes under it."""
        last = self.last_big
        if self.pending and last is not None and _is_short_lead(self.pending) and not self.pending[-1].lead_in:
            last.after = last.after + [p.text for p in self.pending]
            self.pending = []
            if self.notes:
                _add_notes(last, self.notes)
                self.notes = []

    def finish(self) -> list[SceneConfig]:
        self.remark()
        self.flush_text()
        if self.notes and self.scenes:
            _add_notes(self.scenes[-1], self.notes)
        return self.scenes


def _add_notes(scene: SceneConfig, notes: list[str]) -> None:
    """The author's own narration for ``scene``: kept exactly as written."""
    text = " ".join(n.strip() for n in notes if n.strip())
    if text:
        scene.narration = f"{scene.narration} {text}" if scene.narration else text


def scenes_from_blocks(title: str, blocks: list[MdBlock], line: Optional[int]) -> list[SceneConfig]:
    """One scene per code block, table, quote, picture or callout (with the text that introduces it), text between,
    all in the author's order."""
    builder = _Builder(title, line)
    for b in blocks:
        builder.block(b)
    return builder.finish()


def _sub_sections(blocks: list[MdBlock]) -> tuple[list[MdBlock], list[tuple[Heading, list[str], list[MdBlock]]]]:
    """(blocks before the first sub-heading, [(sub-heading, the headings above it, its blocks)])."""
    lead: list[MdBlock] = []
    subs: list[tuple[Heading, list[str], list[MdBlock]]] = []
    stack: list[Heading] = []
    for b in blocks:
        if isinstance(b, Heading):
            while stack and stack[-1].level >= b.level:
                stack.pop()
            subs.append((b, [h.text for h in stack], []))
            stack.append(b)
        elif subs:
            subs[-1][2].append(b)
        else:
            lead.append(b)
    return lead, subs


def scenes_from_section(section: Section) -> list[SceneConfig]:
    """The scenes of one H2 section. An H3 with content of its own is a scene (or several) titled by it, with the
    H2 shown small above; H3s with nothing under them are listed in the section's own scene."""
    lead, subs = _sub_sections(section.blocks)
    scenes = _animated(_apply_title_kind(scenes_from_blocks(section.title, lead, section.line), section.title, section.line), section.animate)
    empty: list[Heading] = []
    for h, above, blocks in subs:
        content = [b for b in blocks if not isinstance(b, Note)]
        if not content and not any(isinstance(b, Note) for b in blocks):
            if not h.link_only:
                empty.append(h)
            continue
        made = _apply_title_kind(scenes_from_blocks(h.text, blocks, h.line), h.text, h.line)
        made = _animated(made, h.animate if h.animate is not None else section.animate)
        # a link-only H2 with nothing of its own ("## [Pre-lecture quiz](...)") is navigation, not a part to name
        parent = [section.title] if section.title and not (section.link_only and not lead) else []
        label = " \u00b7 ".join(parent + above)
        for s in made:
            s.section = label
        scenes += made
    if empty:
        items = [Item(text=h.text) for h in empty]
        host = next((s for s in reversed(scenes) if isinstance(s, (BulletsScene, TextScene)) and not s.section), None)
        if host is not None:
            host.items = host.items + items
        else:
            scenes.append(BulletsScene(title=section.title, items=items, source_line=empty[0].line, animate=section.animate))
    if scenes and section.line is not None:
        scenes[0].source_line = section.line
    return scenes


def _animated(scenes: list[SceneConfig], animate: Optional[bool]) -> list[SceneConfig]:
    """The scenes of a part whose heading says whether it builds up (``{animate=false}``), told so."""
    for s in scenes:
        if animate is not None:
            s.animate = animate
    return scenes


def _apply_title_kind(scenes: list[SceneConfig], title: str, line: Optional[int]) -> list[SceneConfig]:
    """A "Summary" section is an outro, a "Step 2" section a step, and so on."""
    kind = title_kind(title)
    number = step_number(title)
    out: list[SceneConfig] = []
    for s in scenes:
        content = isinstance(s, (TextScene, BulletsScene, StepsScene))
        keep = {"body": s.body, "items": s.items, "source_line": s.source_line, "narration": s.narration} if content else {}
        if content and kind is not None:
            s = SceneConfig(kind=kind, title=s.title, **keep)
        elif content and number is not None and s.title == title:
            rest = _STEP.match(title).group(2).strip() or title  # the label above the title says "Step N"
            s = SceneConfig(kind="steps", number=number, title=rest, **keep)
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
                    animate=False if False in (a.animate, b.animate) else (a.animate if a.animate is not None else b.animate),
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
