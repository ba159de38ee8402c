"""A slide built up piece by piece: its parts found in the layout, and each state of the build drawn.

The slide is laid out once, exactly as its still is; a state draws the same
operations with some left out, some dimmed and one marked, so nothing moves
when a later entry appears. The parts (*units*) are found from the blocks
under the title and the ``path`` every operation carries:

- an entry of a list (bullets, steps, objectives, a checkpoint's lines, an
  option of a quiz), a row of a table, a side of a comparison: hidden until
  it is spoken, marked while it is, dimmed a little after;
- a sentence of a paragraph: always shown, marked while it is spoken;
- a line of code (with the body of a definition it opens): marked each time
  the narration names what it defines, imports, runs or calls, in the
  narration's order.

A scene that ends with a countdown (a quiz before its answer) shows the whole
slide with the number drawn in a ring (:func:`countdown_box`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, Optional, Sequence

from PIL import Image

from ..codeinfo import line_names
from ..models import SceneConfig
from ..narration import split_sentences
from ..slidetext import short_urls
from ..mathspeak import written_math
from ..text import plain
from .blocks import CodeBlock, Columns, Op, OptionBlock, Paragraph, PictureOp, ShapeOp, TableBlock, TextOp, label
from .slides import draw_ops, slide_background, slide_ops
from .text import is_rtl, measure, metrics
from .theme import RGB, Box, Theme

#: :func:`reveal_layout`'s default for ``laid``: lay the slide out (None is a layout: a picture that fills the frame)
LAY_OUT: Any = object()

UnitRole = Literal["item", "sentence", "line"]
DIM = 0.42  # how far an entry already spoken fades toward the background
MARK = 0.24  # the marker: this much of the accent over what lies under it
_LABEL = type(label(""))


@dataclass(frozen=True)
class Unit:
    """One part of a slide that a reveal shows, marks or dims as the narration reaches it."""

    role: UnitRole
    text: str  # the words the narration says it with
    #: path prefixes of the operations it owns (hidden before it is spoken, dimmed after): items only
    parts: tuple[tuple[int, ...], ...] = ()
    marks: tuple[Box, ...] = ()  # where the marker goes while it is spoken
    #: a line of code: the names the narration may call it by, as (text, weight, prefix) (see codeinfo.LineName)
    names: tuple[tuple[str, int, bool], ...] = ()

    @property
    def hides(self) -> bool:
        return self.role == "item"


@dataclass
class RevealLayout:
    """A content slide laid out once, with the units a reveal walks through."""

    ops: list[Op]
    units: list[Unit]
    size: tuple[int, int]
    theme: Theme
    accent: RGB
    owner: list[int]  # the unit each operation belongs to (-1: none, always drawn as it is)

    def __repr__(self) -> str:
        roles = {r: sum(u.role == r for u in self.units) for r in ("item", "sentence", "line")}
        return f"<RevealLayout {self.size[0]}x{self.size[1]}: " + ", ".join(f"{n} {r}s" for r, n in roles.items() if n) + ">"


def reveal_layout(
    scene: SceneConfig, size: tuple[int, int], theme: Theme, *, index: int = 0, total: int = 0, footer: str = "",
    laid: Any = LAY_OUT,
) -> Optional[RevealLayout]:  # fmt: skip
    """``scene``'s slide as a reveal walks through it; None when it has nothing to reveal (a title, a picture).
    ``laid``: the slide's :func:`slide_ops` (with the same arguments) where the caller has them already."""
    size = (int(size[0]), int(size[1]))
    if laid is LAY_OUT:
        laid = slide_ops(scene, size, theme, index=index, total=total, footer=footer)
    if laid is None or not laid.blocks:
        return None
    units = _units(laid.blocks, (), laid.ops, theme)
    if not units:
        return None
    owner = [-1] * len(laid.ops)
    for u, unit in enumerate(units):
        for k, op in enumerate(laid.ops):
            if any(op.path[: len(p)] == p for p in unit.parts):
                owner[k] = u
    return RevealLayout(laid.ops, units, size, theme, theme.accent_colour(scene.accent), owner)


def draw_state(layout: RevealLayout, current: int, through: Optional[int] = None, count: int = 0) -> Image.Image:
    """The slide while unit ``current`` is spoken (-1: none): the entries up to unit ``through`` shown (None: up
    to ``current``), those after it hidden; while one is marked the other shown entries are dimmed; ``count``:
    the number of a countdown drawn in its ring. With ``current`` -1 and ``through`` the last unit: the still."""
    through = current if through is None else through
    th = layout.theme
    img = slide_background(layout.size, th)
    top, bottom = th.background_top, th.background_bottom
    h = layout.size[1]

    def under(y: float) -> RGB:
        t = min(max(y / max(1, h - 1), 0.0), 1.0)
        return tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))  # type: ignore[return-value]

    ops: list[Op] = []
    for op, u in zip(layout.ops, layout.owner):
        if u < 0 or not layout.units[u].hides or u == current or (u <= through and current < 0):
            ops.append(op)
        elif u <= through:
            ops.append(_dimmed(op, under((op.box[1] + op.box[3]) / 2)))
    if 0 <= current < len(layout.units):
        unit = layout.units[current]
        for box in unit.marks:
            at, base = _mark_place(ops, box, under((box[1] + box[3]) / 2))
            colour = _mix(layout.accent, base, MARK)
            radius = max(2, int((box[3] - box[1]) * 0.18))
            ops.insert(at, ShapeOp(box, fill=colour, radius=radius))
    if count > 0:
        ops += _countdown_ops(layout, count)
    draw_ops(img, ops)
    return img


def countdown_box(layout: RevealLayout) -> Box:
    """Where a countdown's ring goes: at the right edge of the safe area, as high as it is free of everything on
    the slide (beside the title, or beside the question under a long title), as large as the room there allows
    down to a little over half its size; else at the top right over what is there (the ring is filled)."""
    th = layout.theme
    x0, y0, x1, y1 = th.safe_area(layout.size)
    full = max(12, int(th.title_size * min(layout.size) * 1.9))
    used = [op.box for op in layout.ops]
    for scale in (1.0, 0.85, 0.7, 0.55):
        d = max(12, int(full * scale))
        for y in range(y0, y1 - d + 1, max(1, d // 8)):
            box = (x1 - d, y, x1, y + d)
            if not any(_overlap(box, b) for b in used):
                return box
    return (x1 - full, y0, x1, y0 + full)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _countdown_ops(layout: RevealLayout, count: int) -> list[Op]:
    """The ring of a countdown with ``count`` in it, in the accent colour."""
    th = layout.theme
    box = countdown_box(layout)
    d = box[2] - box[0]
    size = max(8, int(d * 0.52))
    text = str(count)
    width = measure(text, "sans-bold", size)
    ascent, descent = metrics("sans-bold", size)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    ring = ShapeOp(box, fill=th.panel, outline=layout.accent, line=max(2, d // 12), ellipse=True)
    # the digits' ink is about the ascent less the space above capitals: centre on the middle of it
    baseline = cy + (ascent - descent) * 0.36
    return [ring, TextOp(cx - width / 2, baseline, text, "sans-bold", size, th.text, False, width)]


def _mix(colour: Optional[RGB], base: RGB, amount: float) -> Optional[RGB]:
    """``amount`` of ``colour`` over ``base``."""
    if colour is None:
        return None
    return tuple(round(c * amount + b * (1 - amount)) for c, b in zip(colour, base))  # type: ignore[return-value]


def _dimmed(op: Op, base: RGB) -> Op:
    if isinstance(op, TextOp):
        return replace(op, color=_mix(op.color, base, 1 - DIM))
    if isinstance(op, ShapeOp):
        return replace(op, fill=_mix(op.fill, base, 1 - DIM), outline=_mix(op.outline, base, 1 - DIM))
    return op


def _mark_place(ops: list[Op], box: Box, background: RGB) -> tuple[int, RGB]:
    """Where a marker over ``box`` is drawn, and what lies under it: right after the last filled panel under its
    middle (a code listing, a quiz option), else first, on the background, under all text."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    at, base = 0, background
    for k, op in enumerate(ops):
        if isinstance(op, ShapeOp) and op.fill is not None and not op.ellipse:
            x0, y0, x1, y1 = op.box
            if x0 <= cx <= x1 and y0 <= cy <= y1 and (x1 - x0) > (box[2] - box[0]) * 0.6:
                at, base = k + 1, op.fill
        elif isinstance(op, PictureOp):
            continue
    return at, base


# --- finding the units -------------------------------------------------------------------------


def _units(blocks: Sequence, prefix: tuple[int, ...], ops: list[Op], theme: Theme) -> list[Unit]:
    out: list[Unit] = []
    labels: list[tuple[int, ...]] = []  # a label shows with the first entry under it
    for i, b in enumerate(blocks):
        here = prefix + (i,)
        if isinstance(b, _LABEL):
            labels.append(here)
            continue
        if isinstance(b, Paragraph) and b.marker:
            number = b.marker.split(":", 1)[1] + " " if b.marker.startswith("number:") else ""
            out.append(_item(number + b.text, (*labels, here), ops))
        elif isinstance(b, OptionBlock):
            if b.state == "normal":  # an option of an answered question (marked right or dimmed) is no news
                out.append(_item(f"{b.letter} {b.text}", (*labels, here), ops))
        elif isinstance(b, TableBlock):
            for r, row in enumerate(b.rows, start=1):
                out.append(_item(" ".join(row), (*labels, here + (r,)) if r == 1 else (here + (r,),), ops))
        elif isinstance(b, Columns):
            sides = (b.left, b.right)
            if any(isinstance(x, (Paragraph, OptionBlock)) and getattr(x, "marker", True) for s in sides for x in s):
                for s, side in enumerate(sides):
                    out += _units(side, here + (s,), ops, theme)
            else:  # a comparison: each side appears as the narration names it (by its label)
                for s, side in enumerate(sides):
                    words = next((x.text for x in side if isinstance(x, Paragraph)), "")
                    if words:
                        out.append(_item(words, (*labels, here + (s,)) if s == 0 else (here + (s,),), ops))
        elif isinstance(b, Paragraph):
            out += _sentences(b, here, ops)
        elif isinstance(b, CodeBlock):
            out += _code_lines(b, here, ops)
        labels = [] if not isinstance(b, _LABEL) else labels
    return out


def _owned(ops: list[Op], prefix: tuple[int, ...]) -> list[Op]:
    return [op for op in ops if op.path[: len(prefix)] == prefix]


def _bounds(boxes: list) -> Box:
    return (int(min(b[0] for b in boxes)), int(min(b[1] for b in boxes)), int(max(b[2] for b in boxes) + 0.999),
            int(max(b[3] for b in boxes) + 0.999))  # fmt: skip


def _item(text: str, parts: tuple[tuple[int, ...], ...], ops: list[Op]) -> Unit:
    mine = _owned(ops, parts[-1])
    marks: tuple[Box, ...] = ()
    if mine:
        x0, y0, x1, y1 = _bounds([op.box for op in mine])
        size = max((op.size for op in mine if isinstance(op, TextOp)), default=y1 - y0)
        pad_x, pad_y = int(size * 0.35), int(size * 0.12)
        marks = ((x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y),)
    return Unit("item", plain(text), parts, marks)


def _sentences(p: Paragraph, here: tuple[int, ...], ops: list[Op]) -> list[Unit]:
    """A paragraph's sentences, each marked over the stretch of its lines it covers."""
    lines = [op for op in _owned(ops, here) if isinstance(op, TextOp)]
    text = plain(short_urls(written_math(p.text)))
    if not lines or any(op.rtl for op in lines) or is_rtl(text):
        return []
    sentences = split_sentences(text)
    lengths = [sum(not ch.isspace() for ch in s) for s in sentences]
    if sum(lengths) != sum(sum(not ch.isspace() for ch in op.text) for op in lines):
        return [Unit("sentence", text, (), tuple(_bounds([op.box]) for op in lines))]  # cut short: the whole
    units: list[Unit] = []
    pos = 0  # characters (not counting spaces) of the paragraph before the current line
    starts = [sum(lengths[:k]) for k in range(len(sentences))]
    for k, sentence in enumerate(sentences):
        a, b = starts[k], starts[k] + lengths[k]
        boxes: list[Box] = []
        pos = 0
        for op in lines:
            n = sum(not ch.isspace() for ch in op.text)
            lo, hi = max(a, pos), min(b, pos + n)
            if lo < hi:
                i0, i1 = _char_index(op.text, lo - pos), _char_index(op.text, hi - pos - 1) + 1
                x0 = op.x + measure(op.text[:i0], op.style, op.size)
                x1 = op.x + measure(op.text[:i1], op.style, op.size)
                _, top, _, bottom = op.box
                pad = op.size * 0.12
                boxes.append((int(x0 - pad), int(top - pad * 0.5), int(x1 + pad + 0.999), int(bottom + pad * 0.5)))
            pos += n
        if boxes:
            units.append(Unit("sentence", sentence, (), _rows(boxes)))
    return units


def _rows(boxes: list[Box]) -> tuple[Box, ...]:
    """Boxes on one line (spans of bold or code inside a sentence) joined."""
    out: list[Box] = []
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        if out and abs(out[-1][1] - b[1]) <= 2 and b[0] <= out[-1][2] + 4:
            last = out[-1]
            out[-1] = (last[0], min(last[1], b[1]), max(last[2], b[2]), max(last[3], b[3]))
        else:
            out.append(b)
    return tuple(out)


def _char_index(text: str, n: int) -> int:
    """The index in ``text`` of its ``n``-th character that is not a space."""
    seen = -1
    for i, ch in enumerate(text):
        if not ch.isspace():
            seen += 1
            if seen == n:
                return i
    return len(text) - 1


def _code_lines(b: CodeBlock, here: tuple[int, ...], ops: list[Op]) -> list[Unit]:
    """Each line of a listing (with the lines indented under it: a definition's body), marked across the panel."""
    mine = _owned(ops, here)
    panel = next((op for op in mine if isinstance(op, ShapeOp) and op.path == here), None)
    if panel is None:
        return []
    rows: dict[int, list[Box]] = {}
    for op in mine:
        if isinstance(op, TextOp) and len(op.path) > len(here):
            rows.setdefault(op.path[len(here)], []).append(op.box)
    lines = b.code.split("\n")
    names = line_names(b.code, b.language)
    units: list[Unit] = []
    inset = max(2, int((panel.box[2] - panel.box[0]) * 0.008))
    for k, line in enumerate(lines):
        if not line.strip() or k not in rows:
            continue
        indent = len(line) - len(line.lstrip())
        last = k
        if line.rstrip().endswith((":", "{")):  # a definition's body: the lines indented under it
            for j in range(k + 1, len(lines)):
                if lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) <= indent:
                    if lines[j].strip() in ("}", "end"):
                        last = j
                    break
                last = j
        boxes = [bx for j in range(k, last + 1) for bx in rows.get(j, [])]
        top, bottom = min(bx[1] for bx in boxes), max(bx[3] for bx in boxes)
        pad = max(1, int((bottom - top) * 0.06 / max(1, last - k + 1)))
        box = (int(panel.box[0] + inset), top - pad, int(panel.box[2] - inset), bottom + pad)
        units.append(Unit("line", line.strip(), (), (box,), tuple(names[k])))
    return units


__all__ = ["RevealLayout", "Unit", "countdown_box", "draw_state", "reveal_layout"]
