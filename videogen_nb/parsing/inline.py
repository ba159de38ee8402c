"""Plain text of markdown-it inline tokens: what a slide shows and a voice can read."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from ..mathspeak import mark_math, math_text
from ..text import CODE, STRONG
from .html import inline_tag

_TASK_BOXES = ("[ ] ", "[x] ", "[X] ")
# MyST roles whose content is shown as it is ({ref}`text <target>` shows "text")
_MATH_ROLES = {"math", "eq"}


@dataclass(frozen=True)
class InlineImage:
    """An image written inside a paragraph: where it points, its alt text, and whether a link wraps it."""

    src: str
    alt: str
    in_link: bool


def role_text(name: str, content: str) -> str:
    """The text a MyST role shows: ``{ref}`Intro <intro>``` -> ``Intro``; ``{doc}`guide/setup``` -> ``setup``."""
    content = content.strip()
    if "<" in content and content.endswith(">"):
        shown = content[: content.rindex("<")].strip()
        if shown:
            return shown
        content = content[content.rindex("<") + 1 : -1]
    content = content.lstrip("~!")
    if name in ("ref", "doc", "numref", "any", "download", "py:class", "py:func", "py:meth", "class", "func", "meth"):
        content = content.rsplit("/", 1)[-1].rsplit(".", 1)[-1] if "/" in content or name.startswith(("py:", "class", "func", "meth")) else content
        content = content.replace("-", " ").replace("_", " ") if name in ("ref", "doc") else content
    return content


def _lines(token: Token, math=mark_math, emphasis: bool = False) -> list[str]:
    lines: list[str] = [""]
    for child in token.children or []:
        if child.type in ("strong_open", "strong_close") and emphasis:
            lines[-1] += STRONG
        elif child.type == "code_inline" and emphasis and child.content.strip():
            lines[-1] += CODE + child.content.replace(STRONG, "") + CODE
        elif child.type in ("text", "code_inline"):
            lines[-1] += child.content
        elif child.type in ("softbreak", "hardbreak"):
            lines.append("")
        elif child.type in ("math_inline", "math_inline_double"):
            lines[-1] += math(child.content)
        elif child.type == "myst_role":
            name = (child.meta or {}).get("name", "")
            lines[-1] += math(child.content) if name in _MATH_ROLES else role_text(name, child.content)
        elif child.type == "html_inline" and inline_tag(child.content)[0] == "br":
            lines.append("")
    return [_tidy_marks(" ".join(line.split())) for line in lines]


def _tidy_marks(line: str) -> str:
    """Emphasis marks hug their words ("**Note:** x" -> mark Note: mark x); an empty or unclosed emphasis goes."""
    if line.count(CODE) % 2:
        line = line.replace(CODE, "")
    if STRONG not in line:
        return line
    if line.count(STRONG) % 2:
        line = line.replace(STRONG, "")
    line = line.replace(STRONG + STRONG, "")
    parts = line.split(STRONG)
    for k in range(1, len(parts), 2):
        inner = parts[k]
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        parts[k - 1] += lead
        parts[k] = inner.strip()
        parts[k + 1] = trail + parts[k + 1]
    return "".join(p if k % 2 == 0 else (STRONG + p + STRONG if p else "") for k, p in enumerate(parts))


def inline_text(token: Token, emphasis: bool = True) -> str:
    """The visible text of an ``inline`` token, with Markdown syntax removed.

    Link text is kept (the URL is not); inline code keeps its content; images,
    footnote marks and inline HTML tags (comments, ``<span>``) are dropped: badges and
    decoration do not belong on a slide. A task-list box (``[ ]``, ``[x]``) is dropped too. With ``emphasis``, the
    author's ``**strong**`` words are kept between :data:`~videogen_nb.text.STRONG` marks.
    Inline math is kept between :data:`~videogen_nb.mathspeak.MARK` marks, for the slide to
    write and the narration to say.
    """
    text = " ".join(" ".join(_lines(token, emphasis=emphasis)).split())
    for box in _TASK_BOXES:
        if text.startswith(box):
            return text[len(box) :]
    return text


def heading_text(token: Token) -> str:
    """A heading's text (inline math written out: a title is drawn and spoken as it is)."""
    return " ".join(" ".join(_lines(token, math_text)).split())


def inline_lines(token: Token) -> list[str]:
    """The visible text line by line (split where the source breaks lines), empty lines dropped."""
    return [line for line in _lines(token) if line]


def inline_images(token: Token) -> list[InlineImage]:
    """Every image in an ``inline`` token (Markdown ``![]()`` or an HTML ``<img>``), in order."""
    found: list[InlineImage] = []
    depth = 0
    for child in token.children or []:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth = max(0, depth - 1)
        elif child.type == "image":
            found.append(InlineImage(str(child.attrs.get("src", "")), child.content, depth > 0))
        elif child.type == "html_inline":
            tag, attrs = inline_tag(child.content)
            if tag == "a" and not child.content.startswith("</"):
                depth += 1
            elif child.content.lower().startswith("</a"):
                depth = max(0, depth - 1)
            elif tag == "img" and attrs.get("src"):
                found.append(InlineImage(attrs["src"], attrs.get("alt", "") or attrs.get("title", ""), depth > 0))
    return found


def is_link_only(token: Token) -> bool:
    """True when all the text is inside one link (``## [Pre-lecture quiz](https://...)``)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) >= 3 and children[0].type == "link_open" and children[-1].type == "link_close"


def only_images(token: Token) -> bool:
    """True when the paragraph holds images (and links around them) and nothing a reader would read."""
    return bool(inline_images(token)) and not inline_text(token)
