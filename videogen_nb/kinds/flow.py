"""The parts a content scene is made of, in the author's order: paragraphs, list entries, code,
tables, pictures, formulas and quotations.

A scene's ``body`` is a list of parts; a plain string is a paragraph, an :class:`Item` a list
entry, and the models below the rest. Each part says what it draws (:func:`part_blocks`) and
what the narration says about it (:func:`part_speech`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from pydantic import Field

from ..models import Item, Model
from ..narration import describe_code, describe_picture, describe_table, quoted
from ..render.blocks import Block, CodeBlock, Columns, ImageBlock, Paragraph, QuoteBlock, TableBlock
from ..render.figures import CardBlock, MathBlock
from ..slidetext import MAX_WORDS, reading_seconds, shown_paragraphs, word_count
from ..text import as_sentence, plain


class Listing(Model):
    """A code listing inside a scene's text."""

    code: str
    language: str = ""


class Grid(Model):
    """A table inside a scene's text."""

    headers: list[str]
    rows: list[list[str]] = Field(default_factory=list)


class Figure(Model):
    """A picture inside a scene's text; without a ``path`` it is a card naming what could not be shown."""

    path: Optional[Path] = None
    alt: str = ""
    src: str = ""


class Formula(Model):
    """Display math (TeX), drawn with mathtext and read in words."""

    tex: str


class Quotation(Model):
    """A quotation inside a scene's text."""

    quote: list[str]
    attribution: str = ""


#: one part of a scene's body, in the order the author wrote them
Part = Union[str, Item, Listing, Grid, Figure, Formula, Quotation]

LIST_COLUMN_MIN = 8  # entries in a list before it is set in two columns ...
LIST_COLUMN_WORDS = 7  # ... when none is longer than this


def code_seconds(*listings: str, prose: Optional[list[str]] = None) -> float:
    """The least time a slide showing ``listings`` stays on screen, so its lines (and the prose ``prose`` shown
    beside them) can be read; 0 for no code."""
    lines = sum(1 for code in listings for ln in code.splitlines() if ln.strip())
    if not lines:
        return 0.0
    words = sum(word_count(plain(t)) for t in shown_paragraphs([t for t in prose or [] if t.strip()]))
    return reading_seconds(words, lines)


def item_block(item: Item, marker: str = "bullet") -> Paragraph:
    """A list entry: numbered ones show their number, nested ones a bullet, the rest ``marker``."""
    if item.number is not None:
        m = f"number:{item.number}"
    else:
        m = "bullet" if item.level else marker
    return Paragraph(item.text, level=item.level, marker=m)


def figure_blocks(fig: Figure) -> list[Block]:
    """The picture, or a card saying what it was and where it was to come from."""
    if fig.path is not None:
        return [ImageBlock(fig.path, fig.alt)]
    return [CardBlock(fig.alt or Path(fig.src).name or "Picture", fig.src)]


def part_blocks(part: Part, marker: str = "bullet") -> list[Block]:
    """What a part draws on the slide."""
    if isinstance(part, str):
        return [Paragraph(part)] if part.strip() else []
    if isinstance(part, Item):
        return [item_block(part, marker)]
    if isinstance(part, Listing):
        return [CodeBlock(part.code, part.language)] if part.code.strip() else []
    if isinstance(part, Grid):
        return [TableBlock(part.headers, part.rows)]
    if isinstance(part, Figure):
        return figure_blocks(part)
    if isinstance(part, Formula):
        return [MathBlock(part.tex)]
    return [QuoteBlock(part.quote, part.attribution)]


def shown_content(parts: list[Part], items: list[Item] = ()) -> tuple[list[Part], list[Item]]:
    """The parts (and the list after them) as one slide shows them: paragraphs and list entries reduced to their key
    sentences when together they pass the slide's word budget (a short entry is never cut)."""
    texts = [p if isinstance(p, str) else p.text for p in parts if isinstance(p, (str, Item)) and (
        p.strip() if isinstance(p, str) else True)] + [i.text for i in items]  # fmt: skip
    shown = iter(shown_paragraphs(texts, MAX_WORDS))

    def one(p: Part) -> Part:
        if isinstance(p, str):
            return next(shown) if p.strip() else p
        if isinstance(p, Item):
            return p.model_copy(update={"text": next(shown)})
        return p

    body = [one(p) for p in parts]
    return body, [i.model_copy(update={"text": next(shown)}) for i in items]


def list_columns(blocks: list[Block]) -> list[Block]:
    """A long run of short list entries set in two columns: 13 short bullets in one column leave the right half
    of the slide empty and shrink the text."""
    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        short = all(isinstance(b, Paragraph) and b.level <= 1 and word_count(b.text) <= LIST_COLUMN_WORDS for b in run)
        if len(run) >= LIST_COLUMN_MIN and short:
            half = (len(run) + 1) // 2
            while 0 < half < len(run) and run[half].level > 0:  # a sub-entry stays with its entry
                half += 1
            out.append(Columns(run[:half], run[half:]))
        else:
            out.extend(run)
        run.clear()

    for b in blocks:
        if isinstance(b, Paragraph) and b.marker:
            run.append(b)
        else:
            flush()
            out.append(b)
    flush()
    return out


def part_speech(part: Part, english: bool, steps: bool = False, lead: str = "") -> list[str]:
    """What the narration says about a part: its words, or (in English) what it is (``lead``: the sentence
    before it, which may have introduced it)."""
    from ..mathspeak import speak_math

    if isinstance(part, str):
        return [part]
    if isinstance(part, Item):
        numbered = steps and english and part.number is not None and part.level == 0
        return [f"Step {part.number}: {part.text}" if numbered else part.text]
    if isinstance(part, Listing):
        return [describe_code(part.code, part.language, lead=lead)] if english and part.code.strip() else []
    if isinstance(part, Grid):
        return describe_table(part.headers, part.rows, english)
    if isinstance(part, Figure):
        return describe_picture(part.alt, english, shown=part.path is not None)
    if isinstance(part, Formula):
        return [speak_math(part.tex)]
    words = " ".join(as_sentence(q) for q in part.quote)
    if not english:
        return [words, part.attribution]
    return [quoted(words, part.attribution)]


def parts_speech(parts: list[Part], english: bool, steps: bool = False) -> list[str]:
    """What the narration says about the parts, in order (a listing knows the sentence that introduced it)."""
    out: list[str] = []
    for k, p in enumerate(parts):
        before = parts[k - 1] if k else None
        lead = before if isinstance(before, str) else (before.text if isinstance(before, Item) else "")
        out += part_speech(p, english, steps, lead)
    return out


def part_text(part: Part) -> str:
    """The words of a part, for measuring and for splitting narration between pages."""
    if isinstance(part, str):
        return part
    if isinstance(part, Item):
        return part.text
    if isinstance(part, Listing):
        return part.code
    if isinstance(part, Grid):
        return " ".join(part.headers + [c for r in part.rows for c in r])
    if isinstance(part, Figure):
        return part.alt
    if isinstance(part, Formula):
        return part.tex
    return " ".join(part.quote)
