"""Sections too long for one slide continue on the next: split a scene into pages that fit.

The split is made with the layout engine at the video's resolution, so a
vertical video may split a section where a landscape one does not. Each page
is a scene of the same kind with its share of the content (and, when the
narration was written already, its share of the narration); the kind says
which of its fields may continue (``continues_fields``) and how it is cut
(``page_units``, ``page``).
"""

from __future__ import annotations

from typing import Optional

from ..models import Item, SceneConfig, Unit
from ..narration import split_narration
from .layout import most_that_fit
from .slides import content_fits
from .theme import Theme


#: units (paragraphs, entries, lines, rows) tried first when a long scene is asked whether it fits one slide
ONE_SLIDE_AT_MOST = 64


#: up to this many pages, all of them are evened out; beyond it, only the last two
BALANCE_ALL = 6


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


def leads_in(unit: Unit) -> bool:
    """A paragraph ending with a colon introduces what follows: a page never ends with it."""
    value = unit[1]
    return isinstance(value, str) and value.rstrip().endswith((":", "\uff1a"))


def _balanced(pages: list[list[Unit]], fits) -> list[list[Unit]]:
    """The same number of pages with the units spread evenly (by length), if every page still fits.

    Filling pages greedily leaves the last one nearly empty (20 items, then 10); 15 and 15 read better.
    Of many pages only the last two are evened out: the greedy ones before them are all full, and
    laying every page out again would double the work on a long table.
    """
    if len(pages) > BALANCE_ALL:
        head = pages[:-2]
        return head + _balanced(pages[-2:], lambda page, k: fits(page, k + len(head)))
    flat = [u for p in pages for u in p]
    weights = [len(str(v)) + 20 for _, v in flat]  # + a line's worth for each unit's own spacing
    total, n = sum(weights), len(pages)
    out: list[list[Unit]] = [[] for _ in range(n)]
    acc = 0
    for unit, w in zip(flat, weights):
        out[min(n - 1, int((acc + w / 2) * n / total))].append(unit)
        acc += w
    if all(out) and all(fits(p, k) for k, p in enumerate(out)) and not any(leads_in(p[-1]) for p in out[:-1]):
        return out
    return pages


def paginate(scene: SceneConfig, size: tuple[int, int], theme: Theme) -> list[SceneConfig]:
    """``[scene]`` if it fits one slide (shrunk within the theme's limits), else its pages."""
    if not scene.continues_fields:
        return [scene]
    units = scene.page_units()

    def fits_one_slide(n: int) -> bool:  # shrunk as far as the theme allows
        return content_fits(scene.page(units[:n], 0) if n < len(units) else scene, size, theme, theme.min_body_scale)

    # a long section is first tried a slide's worth deep: when that does not fit, the whole cannot,
    # and a 5,000-row table is not laid out in full to learn it
    if (len(units) <= ONE_SLIDE_AT_MOST or fits_one_slide(ONE_SLIDE_AT_MOST)) and fits_one_slide(len(units)):
        return [scene]
    pending = units
    pages: list[list[Unit]] = []

    def fits(page: list[Unit], scale: float) -> bool:
        return content_fits(scene.page(page, len(pages)), size, theme, scale)

    while pending:
        # pages of one scene hold about as much as the one before: start from there
        guess = len(pages[-1]) if pages else 0
        lo = most_that_fit(len(pending), lambda n: fits(pending[:n], theme.page_scale), guess)
        if lo == 0:
            smaller = _split_unit(pending[0])  # one paragraph longer than a page: it continues too
            if smaller is not None:
                pending[:1] = smaller
                continue
            lo = 1  # a table row cannot be cut: its slide shrinks (or, past the limit, cuts with a warning)
        if 1 < lo < len(pending) and leads_in(pending[lo - 1]):
            lo -= 1  # "You will learn:" goes to the next page with the list it introduces
        pages.append(pending[:lo])
        del pending[:lo]
    if len(pages) == 1:
        return [scene]
    pages = _balanced(pages, lambda page, k: content_fits(scene.page(page, k), size, theme, theme.page_scale))
    shares = split_narration(scene.narration, [sum(len(str(v)) for _, v in p) for p in pages])
    return [scene.page(p, k).model_copy(update={"narration": shares[k]}) for k, p in enumerate(pages)]
