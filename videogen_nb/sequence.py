"""The scene list a parser made, made ready to render: accents, follow-up scenes, pages that fit, ids."""

from __future__ import annotations

from typing import Optional

from .models import ID_MAX, SceneConfig, check_id, derived_id
from .render.paging import paginate
from .render.theme import Theme
from .text import slugify


def expand_scenes(scenes: list[SceneConfig]) -> list[SceneConfig]:
    """Each scene as the scenes it becomes in the video (a quiz question is followed by its answer)."""
    out: list[SceneConfig] = []
    for i, s in enumerate(scenes):
        out += s.expand(scenes[i + 1] if i + 1 < len(scenes) else None)
    return out


def made_id(number: int, slug: str) -> str:
    """``NN-<slug>``: the id of a scene that was given none; a kind's ``id_slug`` is made safe for a file name."""
    return check_id(f"{number:02d}-{slugify(slug, fallback='scene', max_len=ID_MAX)}"[:ID_MAX].rstrip("-"))


def finish_scenes(
    scenes: list[SceneConfig], size: tuple[int, int], theme: Theme, accent: Optional[str] = None
) -> list[SceneConfig]:
    """Split scenes that do not fit into pages and give every scene a unique id.

    A page after the first has ``continues`` set to the id of the first; ids
    a spec gave are kept (its pages get ``-2``, ``-3`` ...), the rest are
    ``NN-title-slug``.
    """
    groups: list[list[SceneConfig]] = []
    for s in expand_scenes(scenes):
        if accent and s.accent is None:
            s = s.model_copy(update={"accent": accent})
        groups.append(paginate(s, size, theme))
    out: list[SceneConfig] = []
    used: set[str] = set()
    for group in groups:
        first_id = ""
        for k, page in enumerate(group):
            base = group[0].scene_id
            sid = (derived_id(base, str(k + 1)) if k else base) if base else made_id(len(out) + 1, page.id_slug())
            unique, n = sid, 2
            while unique in used:
                unique, n = derived_id(sid, str(n)), n + 1
            used.add(unique)
            first_id = first_id or unique
            out.append(
                page.model_copy(update={"scene_id": unique, "continues": first_id if k else None, "continued": k < len(group) - 1})
            )
    return out
