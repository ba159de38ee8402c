"""Plain text of markdown-it inline tokens: what a slide shows and a voice can read."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

_TASK_BOXES = ("[ ] ", "[x] ", "[X] ")


@dataclass(frozen=True)
class InlineImage:
    """An image written inside a paragraph: where it points, its alt text, and whether a link wraps it."""

    src: str
    alt: str
    in_link: bool


def _lines(token: Token) -> list[str]:
    lines: list[str] = [""]
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            lines[-1] += child.content
        elif child.type in ("softbreak", "hardbreak"):
            lines.append("")
    return [" ".join(line.split()) for line in lines]


def inline_text(token: Token) -> str:
    """The visible text of an ``inline`` token, with Markdown syntax removed.

    Link text is kept (the URL is not); inline code keeps its content; images
    and inline HTML (comments, tags) are dropped: badges and decoration do not
    belong on a slide. A task-list box (``[ ]``, ``[x]``) is dropped too.
    """
    text = " ".join(" ".join(_lines(token)).split())
    for box in _TASK_BOXES:
        if text.startswith(box):
            return text[len(box) :]
    return text


def inline_lines(token: Token) -> list[str]:
    """The visible text line by line (split where the source breaks lines), empty lines dropped."""
    return [line for line in _lines(token) if line]


def inline_images(token: Token) -> list[InlineImage]:
    """Every image in an ``inline`` token, in order."""
    found: list[InlineImage] = []
    depth = 0
    for child in token.children or []:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth = max(0, depth - 1)
        elif child.type == "image":
            found.append(InlineImage(str(child.attrs.get("src", "")), child.content, depth > 0))
    return found


def only_images(token: Token) -> bool:
    """True when the paragraph holds images (and links around them) and nothing a reader would read."""
    return bool(inline_images(token)) and not inline_text(token)
