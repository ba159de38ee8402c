"""The scene list a parser made, made ready to render: accents, quiz answers, pages that fit, ids."""

from __future__ import annotations

from typing import Optional

from .models import QuizScene, SceneConfig
from .render.paging import paginate
from .render.theme import Theme
from .text import slugify


def reveal_quizzes(scenes: list[SceneConfig]) -> list[SceneConfig]:
    """After each quiz question, a scene that reveals its answer (unless the next scene already does)."""
    out: list[SceneConfig] = []
    for i, s in enumerate(scenes):
        out.append(s)
        if isinstance(s, QuizScene) and not s.reveal:
            nxt = scenes[i + 1] if i + 1 < len(scenes) else None
            if not (isinstance(nxt, QuizScene) and nxt.reveal and nxt.question == s.question):
                answer_id = f"{s.scene_id}-answer" if s.scene_id else ""
                out.append(s.model_copy(update={"reveal": True, "narration": None, "scene_id": answer_id}))
    return out


def _auto_id(n: int, scene: SceneConfig) -> str:
    slug = slugify(scene.title or scene.kind, fallback=scene.kind, max_len=30)
    if isinstance(scene, QuizScene) and scene.reveal:
        slug += "-answer"
    return f"{n:02d}-{slug}"


def finish_scenes(
    scenes: list[SceneConfig], size: tuple[int, int], theme: Theme, accent: Optional[str] = None
) -> list[SceneConfig]:
    """Split scenes that do not fit into pages and give every scene a unique id.

    A page after the first has ``continues`` set to the id of the first; ids
    a spec gave are kept (its pages get ``-2``, ``-3`` ...), the rest are
    ``NN-title-slug``.
    """
    groups: list[list[SceneConfig]] = []
    for s in reveal_quizzes(scenes):
        if accent and s.accent is None:
            s = s.model_copy(update={"accent": accent})
        groups.append(paginate(s, size, theme))
    out: list[SceneConfig] = []
    used: set[str] = set()
    for group in groups:
        first_id = ""
        for k, page in enumerate(group):
            base = group[0].scene_id
            sid = (f"{base}-{k + 1}" if k else base) if base else _auto_id(len(out) + 1, page)
            unique, n = sid, 2
            while unique in used:
                unique, n = f"{sid}-{n}", n + 1
            used.add(unique)
            first_id = first_id or unique
            out.append(
                page.model_copy(update={"scene_id": unique, "continues": first_id if k else None, "continued": k < len(group) - 1})
            )
    return out
