"""Code highlighted with Pygments: lines of (text, colour) pieces for the slide to draw."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from pygments.styles import get_style_by_name

from ..codeinfo import lexer_for
from .theme import RGB

Piece = tuple[str, Optional[RGB]]  # None: the theme's text colour
TAB = "    "


def _hex(colour: str) -> Optional[RGB]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)) if len(colour) == 6 else None


def _colour(style, ttype) -> Optional[RGB]:
    """The style's colour for a token type; a type the style does not know (YAML's plain scalars) takes its parent's."""
    while ttype not in style and ttype.parent is not None:
        ttype = ttype.parent
    return _hex(style.style_for_token(ttype).get("color") or "")


@lru_cache(maxsize=256)
def highlight(code: str, language: str, style: str) -> tuple[tuple[Piece, ...], ...]:
    """``code`` as lines of coloured pieces, coloured by the Pygments ``style``."""
    st = get_style_by_name(style)
    lines: list[list[Piece]] = [[]]
    for ttype, value in lexer_for(language).get_tokens(code.expandtabs(len(TAB))):
        colour = _colour(st, ttype)
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append((part, colour))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()  # lexers add a final newline
    return tuple(tuple(line) for line in lines)
