"""Code highlighted with Pygments: lines of (text, colour, role) pieces for the slide to draw.

A console session's prompts and its output are marked (``role``), so a slide can set them apart
from the commands typed after the prompt.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from pygments.styles import get_style_by_name
from pygments.token import Generic

from ..codeinfo import lexer_for
from .theme import RGB

#: (text, colour, role): colour None is the theme's text colour; role is "prompt", "output" or ""
Piece = tuple[str, Optional[RGB], str]
TAB = "    "


def _hex(colour: str) -> Optional[RGB]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)) if len(colour) == 6 else None


@lru_cache(maxsize=1024)
def _colour(style, ttype) -> Optional[RGB]:
    """The style's colour for a token type; a type the style does not know (YAML's plain scalars) takes its parent's."""
    while not style.styles_token(ttype) and ttype.parent is not None:
        ttype = ttype.parent
    return _hex(style.style_for_token(ttype).get("color") or "")


def _role(ttype) -> str:
    if ttype in Generic.Prompt:
        return "prompt"
    if ttype in Generic.Output or ttype in Generic.Traceback:
        return "output"
    return ""


@lru_cache(maxsize=256)
def highlight(code: str, language: str, style: str) -> tuple[tuple[Piece, ...], ...]:
    """``code`` as lines of coloured pieces, coloured by the Pygments ``style``."""
    st = get_style_by_name(style)
    lines: list[list[Piece]] = [[]]
    # a session lexer (console, pycon) drops a last line that has no newline: "$ rustup update" alone vanished
    source = code.expandtabs(len(TAB)).rstrip("\n") + "\n"
    for ttype, value in lexer_for(language).get_tokens(source):
        colour = _colour(st, ttype)
        role = _role(ttype)
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append((part, colour, role))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()  # the newline added above
    return tuple(tuple(line) for line in lines)
