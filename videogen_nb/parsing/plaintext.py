"""Plain text to scenes: a title scene, then the paragraphs as one content scene."""

from __future__ import annotations

from ..kinds import TextScene, TitleScene
from ..models import Document
from .markdown import Parsed


def parse_plain_text(doc: Document, title: str, lang: str | None = None, options: object = None) -> Parsed:
    """Title and paragraphs of a plain text document (a long one continues over several slides)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in doc.text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    scenes = [TitleScene(title=title, source_line=1), TextScene(title="", body=paragraphs, source_line=1)]
    return Parsed(title, "", scenes, [])
