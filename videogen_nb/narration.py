"""Template narration: what a scene says when nobody wrote its narration."""

from __future__ import annotations

from .models import SceneConfig
from .text import as_sentence


def template_narration(scene: SceneConfig) -> str:
    """Narration built from the scene's own text, one sentence per line of the slide."""
    parts: list[str] = []
    if scene.title:
        parts.append(as_sentence(scene.title))
    if scene.kind == "title" and scene.subtitle:
        parts.append(as_sentence(scene.subtitle))
    parts.extend(as_sentence(p) for p in scene.body if p.strip())
    parts.extend(as_sentence(i) for i in scene.items if i.strip())
    return " ".join(p for p in parts if p)
