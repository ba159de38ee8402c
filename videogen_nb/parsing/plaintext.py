"""Plain text to scenes: a title scene, then the paragraphs as one content scene."""

from __future__ import annotations

from ..models import Document, SceneConfig


def parse_plain_text(doc: Document, title: str) -> tuple[str, str, list[SceneConfig], list[str]]:
    """(title, subtitle, scenes, warnings) of a plain text document."""
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
    scenes = [
        SceneConfig(scene_id="01-title", kind="title", title=title, source_line=1),
        SceneConfig(scene_id="02-text", kind="text", title="", body=paragraphs, source_line=1),
    ]
    return title, "", scenes, []
