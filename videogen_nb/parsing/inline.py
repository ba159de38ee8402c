"""Plain text of markdown-it inline tokens: what a slide shows and a voice can read."""

from __future__ import annotations

from markdown_it.token import Token


def inline_text(token: Token) -> str:
    """The visible text of an ``inline`` token, with Markdown syntax removed.

    Link text is kept (the URL is not); inline code keeps its content; images
    and inline HTML are dropped (badges and decoration do not belong on a slide).
    """
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
