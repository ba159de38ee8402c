"""Sections too long for one slide continue on the next: split a scene into pages that fit.

The split is made with the layout engine at the video's resolution, so a
vertical video may split a section where a landscape one does not. Each page
is a scene of the same kind with its share of the content (and, when the
narration was written already, its share of the narration).
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any, Optional

from ..models import Item, SceneConfig
from ..narration import split_narration
from .slides import content_fits
from .theme import Theme

CONT = " (cont.)"
_CONTENT = ("body", "items")
FIELDS: dict[str, tuple[str, ...]] = {
    "text": _CONTENT, "bullets": _CONTENT, "steps": _CONTENT, "outro": _CONTENT, "problem": _CONTENT,
    "learning_objectives": _CONTENT, "exercise": _CONTENT, "code": ("body", "code"), "solution": ("body", "code"),
    "table": ("body", "rows"), "quote": ("body", "quote"), "checkpoint": ("items", "review", "next"),
    "code_comparison": ("body", "pairs"),
}  # fmt: skip
_LINES = {"code"}  # text fields split into lines
Unit = tuple[str, Any]


def units(scene: SceneConfig) -> list[Unit]:
    """The pieces a scene can be split between (paragraphs, list entries, code lines, table rows), in order."""
    out: list[Unit] = []
    for f in FIELDS.get(scene.kind, ()):
        if f == "pairs":
            out += [("pairs", p) for p in zip_longest(scene.before.split("\n"), scene.after.split("\n"))]
        elif f in _LINES:
            value = getattr(scene, f)
            out += [(f, line) for line in value.split("\n")] if value else []
        else:
            out += [(f, v) for v in getattr(scene, f)]
    return out


def rebuild(scene: SceneConfig, page: list[Unit], index: int) -> SceneConfig:
    """A copy of ``scene`` holding only the units of ``page``; pages after the first say "(cont.)"."""
    update: dict[str, Any] = {}
    for f in FIELDS[scene.kind]:
        values = [v for name, v in page if name == f]
        if f == "pairs":
            update["before"] = "\n".join(b for b, _ in values if b is not None)
            update["after"] = "\n".join(a for _, a in values if a is not None)
        elif f in _LINES:
            update[f] = "\n".join(values)
        else:
            update[f] = values
    if index and scene.title:
        update["title"] = scene.title + CONT
    return scene.model_copy(update=update)


def _halves(text: str) -> Optional[tuple[str, str]]:
    """Cut text near its middle: at a sentence end if there is one, else between words, else anywhere."""
    if len(text) < 2:
        return None
    mid = len(text) // 2
    for seps in ((". ", "! ", "? ", "\u3002", "\uff01", "\uff1f"), (" ",)):
        cuts = [i + len(s) for s in seps for i in range(len(text)) if text.startswith(s, i)]
        cuts = [c for c in cuts if 0 < c < len(text)]
        if cuts:
            c = min(cuts, key=lambda c: abs(c - mid))
            return text[:c].rstrip(), text[c:].lstrip()
    return text[:mid], text[mid:]


def _split_unit(unit: Unit) -> Optional[list[Unit]]:
    """One unit too big for a slide of its own, as two smaller ones (None if it cannot be cut)."""
    name, value = unit
    if isinstance(value, str):
        halves = _halves(value)
        return [(name, h) for h in halves] if halves else None
    if isinstance(value, Item):
        halves = _halves(value.text)
        if not halves:
            return None
        return [(name, value.model_copy(update={"text": halves[0]})), (name, Item(text=halves[1], level=value.level))]
    return None


def _balanced(pages: list[list[Unit]], fits) -> list[list[Unit]]:
    """The same number of pages with the units spread evenly (by length), if every page still fits.

    Filling pages greedily leaves the last one nearly empty (20 items, then 10); 15 and 15 read better.
    """
    flat = [u for p in pages for u in p]
    weights = [len(str(v)) + 20 for _, v in flat]  # + a line's worth for each unit's own spacing
    total, n = sum(weights), len(pages)
    out: list[list[Unit]] = [[] for _ in range(n)]
    acc = 0
    for unit, w in zip(flat, weights):
        out[min(n - 1, int((acc + w / 2) * n / total))].append(unit)
        acc += w
    if all(out) and all(fits(p, k) for k, p in enumerate(out)):
        return out
    return pages


def paginate(scene: SceneConfig, size: tuple[int, int], theme: Theme) -> list[SceneConfig]:
    """``[scene]`` if it fits one slide (shrunk within the theme's limits), else its pages."""
    if scene.kind not in FIELDS or content_fits(scene, size, theme, theme.min_body_scale):
        return [scene]
    pending = units(scene)
    pages: list[list[Unit]] = []

    def fits(page: list[Unit], scale: float) -> bool:
        return content_fits(rebuild(scene, page, len(pages)), size, theme, scale)

    while pending:
        lo, hi = 0, len(pending)  # the most units that fit at the page scale, by bisection
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(pending[:mid], theme.page_scale):
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            smaller = _split_unit(pending[0])  # one paragraph longer than a page: it continues too
            if smaller is not None:
                pending[:1] = smaller
                continue
            lo = 1  # a table row cannot be cut: its slide shrinks (or, past the limit, cuts with a warning)
        pages.append(pending[:lo])
        pending = pending[lo:]
    if len(pages) == 1:
        return [scene]
    pages = _balanced(pages, lambda page, k: content_fits(rebuild(scene, page, k), size, theme, theme.page_scale))
    shares = split_narration(scene.narration, [sum(len(str(v)) for _, v in p) for p in pages])
    return [rebuild(scene, p, k).model_copy(update={"narration": shares[k]}) for k, p in enumerate(pages)]
