"""Slide building blocks: each lays itself out in a width and returns drawing operations.

A block never draws directly: ``layout`` returns its height and a list of
operations in its own coordinates, so the slide can try several scales,
check what fits, and only then draw. The text operations are the layout
engine's text boxes that tests check against the safe area.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

from PIL import Image

from ..mathspeak import written_math
from ..slidetext import short_urls
from ..text import CODE, STRONG, plain
from .code import highlight
from .fonts import fallback_setting
from .layout import ELLIPSIS, break_token, clip_lines, wrap_rich, wrap_text, wrap_text_with
from .text import is_rtl, line_height, measure, measure_with, metrics
from .theme import RGB, Box, Theme

MAX_CELL_LINES = 6
CODE_MIN_SHRINK = 0.75  # a table shrinks its font this far before it breaks words inside cells


@dataclass
class Env:
    """What a block needs to know to lay itself out: theme, scale and the slide's proportions."""

    theme: Theme
    unit: int  # the short side of the frame, in pixels
    scale: float
    accent: RGB
    portrait: bool
    warnings: list[str] = field(default_factory=list)

    def px(self, fraction: float, factor: float = 1.0) -> int:
        """A size given as a fraction of the short side, at the current scale."""
        return max(6, int(round(fraction * self.unit * self.scale * factor)))

    def text_px(self, fraction: float, factor: float = 1.0) -> int:
        """A text size like :meth:`px`, never below the theme's smallest readable size."""
        return max(self.px(fraction, factor), self.theme.min_text_px(self.unit))

    @property
    def gap(self) -> int:
        return self.px(self.theme.body_size, 0.5)


# --- drawing operations -------------------------------------------------------------


@dataclass
class TextOp:
    """One line of text with its left edge at ``x`` on ``baseline``."""

    x: float
    baseline: float
    text: str
    style: str
    size: int
    color: RGB
    rtl: bool = False
    width: float = 0.0
    path: tuple[int, ...] = ()  # where in the slide's blocks it came from (see :func:`stack`)

    @property
    def box(self) -> Box:
        ascent, descent = metrics(self.style, self.size)
        return (int(self.x), int(self.baseline - ascent), int(self.x + self.width + 0.999), int(self.baseline + descent))


@dataclass
class ShapeOp:
    """A rectangle (rounded when ``radius``) or an ellipse."""

    box: tuple[float, float, float, float]
    fill: Optional[RGB] = None
    outline: Optional[RGB] = None
    radius: int = 0
    line: int = 1
    ellipse: bool = False
    path: tuple[int, ...] = ()


@dataclass
class PictureOp:
    """An image already scaled to its box."""

    box: tuple[float, float, float, float]
    image: Image.Image
    path: tuple[int, ...] = ()


Op = Union[TextOp, ShapeOp, PictureOp]


def shift(op: Op, dx: float, dy: float, part: Optional[int] = None) -> Op:
    """The same operation moved by (dx, dy); with ``part``, marked as coming from that part of its parent.

    ``path`` records where an operation came from, outermost first: the block's index on the slide, then
    the side of two columns, the row of a table, the source line of code. A reveal hides, dims or marks
    the operations of one entry by it, without laying the slide out again.
    """
    path = op.path if part is None else (part,) + op.path
    if not (dx or dy) and part is None:
        return op  # operations are never changed in place, so an unmoved one can be shared
    if isinstance(op, TextOp):
        return replace(op, x=op.x + dx, baseline=op.baseline + dy, path=path)
    x0, y0, x1, y1 = op.box
    return replace(op, box=(x0 + dx, y0 + dy, x1 + dx, y1 + dy), path=path)


def op_bottom(op: Op) -> float:
    return op.box[3]


@dataclass
class Placed:
    """A laid-out block: its height and what to draw."""

    height: int
    ops: list[Op] = field(default_factory=list)


class Block:
    """Something on a slide that takes the full width it is given and as much height as it needs."""

    flex = False  # a flexible block (a picture) takes the height left over by the others

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "layout" in cls.__dict__ and "glyph_texts" not in cls.__dict__:
            cls.glyph_texts = Block.glyph_texts  # it draws in a way of its own: only its layout knows what

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        raise NotImplementedError

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        """Every ``(text, style)`` whose characters the block may draw (more is fine, never less), so that
        characters no font has are found without laying the slide out; None: lay it out to know.

        A block that overrides :meth:`layout` and not this method answers None.
        """
        return None


# --- text -------------------------------------------------------------------------------


@dataclass
class Paragraph(Block):
    """Wrapped text, optionally a list entry with a marker, indented by ``level``."""

    text: str
    size: float = 0.0  # a fraction of the short side; 0: the theme's body size
    style: str = "sans"
    color: Optional[RGB] = None
    level: int = 0
    marker: Optional[str] = None  # "bullet", "number:3", or a symbol drawn in the accent colour
    align: str = "start"  # "start", "center" or "end" (start is the right edge for right-to-left text)
    max_lines: Optional[int] = None

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        size = env.text_px(self.size or th.body_size)
        color = self.color or th.text
        text = short_urls(written_math(self.text))  # inline math, kept between marks, is written out; long URLs cut
        rtl = is_rtl(text)
        lh = line_height(self.style, size, th.line_spacing)
        ascent, _ = metrics(self.style, size)
        indent = int(self.level * size * 1.4)
        mark_text = self._marker_text()
        if mark_text is not None:
            mark_w = int(max(measure(mark_text, "sans-bold", size), size * 0.5) + size * 0.55)
        else:
            mark_w = int(size * 1.2) if self.marker else 0
        text_w = max(size, width - indent - mark_w)
        if (STRONG in text or CODE in text) and not rtl and self.style == "sans":
            rows = wrap_rich(_spans(text), size, text_w)
            if self.max_lines and len(rows) > self.max_lines:
                rows = rows[: self.max_lines]
                rows[-1] = rows[-1] + [(ELLIPSIS, "sans")]
        else:
            lines = list(wrap_text(plain(text), self.style, size, text_w))
            if self.max_lines and len(lines) > self.max_lines:
                lines, _ = clip_lines(lines, self.max_lines, self.style, size, text_w)
            rows = [[(line, self.style)] for line in lines]
        ops: list[Op] = []
        for k, row in enumerate(rows):
            w = sum(measure(t, st, size, rtl) for t, st in row)
            if self.align == "center":
                x = (width - w) / 2
            elif (self.align == "end") != rtl:
                x = width - indent - mark_w - w
            else:
                x = indent + mark_w
            for t, st in row:
                tw = measure(t, st, size, rtl)
                if t.strip():
                    ops.append(TextOp(x, k * lh + ascent, t, st, size, color, rtl, tw))
                x += tw
        if self.marker and rows:
            ops.extend(self._marker_ops(mark_text, width, indent, mark_w, ascent, size, rtl, env))
        return Placed(len(rows) * lh, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        text = short_urls(written_math(self.text))
        out = [(plain(text), self.style), (ELLIPSIS, self.style)]
        if STRONG in text or CODE in text:  # drawn in runs of their own styles when the line is rich
            out += [*_spans(text), (ELLIPSIS, "sans")]
        mark_text = self._marker_text()
        if mark_text is not None:
            out.append((mark_text, "sans-bold"))
        return out

    def _marker_text(self) -> Optional[str]:
        if not self.marker or self.marker == "bullet":
            return None
        if self.marker.startswith("number:"):
            return self.marker.split(":", 1)[1] + "."
        return self.marker

    def _marker_ops(self, mark_text, width, indent, mark_w, ascent, size, rtl, env: Env) -> list[Op]:
        th = env.theme
        if mark_text is None:  # a drawn bullet: dot, ring, then a small square with depth
            r = max(2, int(size * (0.17 if self.level == 0 else 0.14)))
            cx = width - indent - size * 0.45 if rtl else indent + size * 0.45
            cy = ascent - size * 0.33
            box = (cx - r, cy - r, cx + r, cy + r)
            if self.level == 0:
                return [ShapeOp(box, fill=env.accent, ellipse=True)]
            if self.level == 1:
                return [ShapeOp(box, outline=env.accent, line=max(1, r // 3), ellipse=True)]
            return [ShapeOp(box, fill=th.muted)]
        w = measure(mark_text, "sans-bold", size)
        x = width - indent - w if rtl else indent
        return [TextOp(x, ascent, mark_text, "sans-bold", size, env.accent, False, w)]


def _spans(text: str) -> tuple[tuple[str, str], ...]:
    """Text with :data:`STRONG` and :data:`CODE` marks as (text, style) spans: bold between two strong marks,
    monospaced between two code marks."""
    out: list[tuple[str, str]] = []
    bold = code = False
    run = ""
    for ch in text + STRONG:
        if ch in (STRONG, CODE):
            if run:
                out.append((run, ("mono" if code else "sans") + ("-bold" if bold else "")))
            run = ""
            bold, code = (not bold, code) if ch == STRONG else (bold, not code)
        else:
            run += ch
    return tuple(out)


def label(text: str) -> Paragraph:
    """A small heading inside a slide ("QUIZ", "Step 3", "Ask yourself") in the accent colour."""
    return _Label(text)


@dataclass
class _Label(Paragraph):
    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        para = Paragraph(self.text, env.theme.label_size, "sans-bold", env.accent, align=self.align, max_lines=2)
        return para.layout(width, env, max_height)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        return Paragraph(self.text, style="sans-bold").glyph_texts(theme)


# --- code ---------------------------------------------------------------------------------


@dataclass
class CodeBlock(Block):
    """A highlighted code listing on a panel. A console's prompts are drawn in the accent colour and its output
    dimmed; a line too long for the panel continues on the next row after a mark, at its own indentation."""

    code: str
    language: str = ""

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        lines = highlight(self.code, self.language, th.code_style)
        size = env.text_px(th.code_size)
        pad = int(size * 0.7)
        inner = max(size, width - 2 * pad)
        longest = max((sum(measure(t, "mono", size) for t, _, _ in line) for line in lines), default=0.0)
        if longest > inner:  # shrink (down to the readable floor) before wrapping: wrapped code is harder to read
            size = max(th.min_text_px(env.unit), int(size * inner / longest))
            pad = int(size * 0.7)
            inner = max(size, width - 2 * pad)
        lh = line_height("mono", size, 1.22)
        ascent, _ = metrics("mono", size)
        rows, owners = code_rows(lines, size, inner)
        height = 2 * pad + len(rows) * lh
        ops: list[Op] = [ShapeOp((0, 0, width, height), fill=th.panel, radius=max(2, int(size * 0.4)))]
        for k, (row, line) in enumerate(zip(rows, owners)):
            x = pad
            for text, colour, role in row:
                style = "mono-bold" if role == "prompt" else "mono"
                w = measure(text, style, size)
                if text.strip():
                    colour_ = _code_colour(colour, role, env)
                    ops.append(TextOp(x, pad + k * lh + ascent, text, style, size, colour_, False, w, (line,)))
                x += w
        return Placed(height, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        pieces = [p for line in highlight(self.code, self.language, theme.code_style) for p in line]
        return [(text, "mono-bold" if role == "prompt" else "mono") for text, _, role in pieces] + [(CONTINUATION, "mono")]


CONTINUATION = "\u21aa "  # starts the row a too-long line continues on: "↪ "


def _code_colour(colour: Optional[RGB], role: str, env: Env) -> RGB:
    if role == "prompt":
        return env.accent
    if role in ("output", "mark"):
        return env.theme.muted
    return colour or env.theme.text


def _atoms(line: tuple) -> list[tuple]:
    """A line's pieces cut after each run of spaces: the places a long line may wrap (token boundaries)."""
    out: list[tuple] = []
    for text, colour, role in line:
        start = 0
        for k in range(1, len(text)):
            if text[k - 1] == " " and text[k] != " ":
                out.append((text[start:k], colour, role))
                start = k
        out.append((text[start:], colour, role))
    return out


def wrap_code(lines: tuple, size: int, inner: float) -> list[list[tuple]]:
    """Visual rows of code. A source line wider than the panel breaks between tokens (inside one only if it is
    wider than a whole row, at a soft break such as "/" or "."); each continuation row starts at the line's own
    indentation with a mark, so Python's indentation still reads."""
    return code_rows(lines, size, inner)[0]


@lru_cache(maxsize=512)
def code_rows(lines: tuple, size: int, inner: float) -> tuple[list[list[tuple]], list[int]]:
    """The visual rows of :func:`wrap_code`, and the source line (0-based) each row belongs to."""
    rows: list[list[tuple]] = []
    owners: list[int] = []
    space = measure(" ", "mono", size)
    mark_w = measure(CONTINUATION, "mono", size)
    for number, line in enumerate(lines):
        owners += [number - 1] * (len(rows) - len(owners))  # the rows the line before ended with
        text = "".join(p[0] for p in line)
        indent = len(text) - len(text.lstrip(" "))
        indent = min(indent, int(inner * 0.4 / max(space, 1)))
        lead = [(" " * indent, None, ""), (CONTINUATION, None, "mark")] if indent else [(CONTINUATION, None, "mark")]
        lead_w = indent * space + mark_w
        row: list[tuple] = []
        used = 0.0
        for atom in _atoms(line):
            piece, colour, role = atom
            w = measure(piece, "mono", size)
            if used + w <= inner or not piece.strip() and not row:
                row.append(atom)
                used += w
                continue
            if row and any(p[2] != "mark" and p[0].strip() for p in row):
                rows.append(row)
                row, used = list(lead), lead_w
                piece = piece.lstrip(" ")
                w = measure(piece, "mono", size)
            if used + w <= inner:
                row.append((piece, colour, role))
                used += w
                continue
            rest = piece
            while rest:
                room = inner - used
                if measure(rest, "mono", size) <= room:
                    row.append((rest, colour, role))
                    used += measure(rest, "mono", size)
                    break
                first = break_token(rest, "mono", size, max(space, room))[0]
                if measure(first, "mono", size) > room and len(row) > len(lead):
                    rows.append(row)  # not even one character fits here: continue on a new row
                    row, used = list(lead), lead_w
                    continue
                row.append((first, colour, role))
                rows.append(row)
                row, used, rest = list(lead), lead_w, rest[len(first):]
        rows.append(row)
    owners += [len(lines) - 1] * (len(rows) - len(owners))
    return [_merged(r) for r in rows], owners


def _merged(row: list[tuple]) -> list[tuple]:
    """Neighbouring pieces of one colour and role as one (fewer, longer runs of text to draw)."""
    out: list[tuple] = []
    for text, colour, role in row:
        if out and out[-1][1:] == (colour, role):
            out[-1] = (out[-1][0] + text, colour, role)
        else:
            out.append((text, colour, role))
    return out


# --- table --------------------------------------------------------------------------------


@dataclass
class TableBlock(Block):
    """A table: header row on a panel, cells wrapped, columns sized to their content."""

    headers: list[str]
    rows: list[list[str]]

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        size = env.text_px(th.body_size, 0.85)
        longest = self._longest_words(size, int(size * 0.45))
        words = sum(longest)
        if words > width:  # many columns: shrink (a little, never below the readable floor) before breaking words
            size = max(int(size * CODE_MIN_SHRINK), int(size * width / words), th.min_text_px(env.unit))
            longest = self._longest_words(size, int(size * 0.45))
        heads = sum(self._header_words(size, int(size * 0.45)))
        if heads > width:  # a header never breaks inside a word ("Edg/e"): shrink further if it must
            size = max(6, int(size * width / heads))
            longest = self._longest_words(size, int(size * 0.45))
        pad = int(size * 0.45)
        lh = line_height("sans", size, 1.2)
        ascent, _ = metrics("sans", size)
        widths = self._column_widths(width, size, pad, longest)
        ops: list[Op] = []
        y = 0
        cut = False
        fb = fallback_setting()
        for r, cells in enumerate([self.headers] + self.rows):
            style = "sans-bold" if r == 0 else "sans"
            wrapped = [_cell(text, style, size, max(4, cw - 2 * pad), fb) for text, cw in zip(cells, widths)]
            cut |= any(was_cut for _, was_cut, _, _ in wrapped)
            row_h = max(len(lines) for lines, _, _, _ in wrapped) * lh + 2 * pad
            if r == 0:
                ops.append(ShapeOp((0, y, width, y + row_h), fill=th.panel, radius=max(2, pad // 2), path=(0,)))
            x = 0
            for (lines, _, rtl, line_widths), cw in zip(wrapped, widths):
                for k, (line, w) in enumerate(zip(lines, line_widths)):
                    lx = x + cw - pad - w if rtl else x + pad
                    ops.append(TextOp(lx, y + pad + k * lh + ascent, line, style, size, th.text, rtl, w, (r,)))
                x += cw
            y += row_h
            ops.append(ShapeOp((0, y - 1, width, y), fill=th.panel_line, path=(r,)))  # row r (0: the header) is one part
        if cut:
            env.warnings.append("a table cell is longer than fits in its column; its end was cut")
        return Placed(y, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        cells = [(c, "sans-bold") for c in self.headers] + [(c, "sans") for row in self.rows for c in row]
        return cells + [(ELLIPSIS, "sans-bold"), (ELLIPSIS, "sans")]

    def _longest_words(self, size: int, pad: int) -> list[float]:
        cols = list(zip(*([self.headers] + self.rows)))
        fb = fallback_setting()  # read once: every word of every cell is measured
        return [max((_widest_word(c, size, fb) for c in col), default=0.0) + 2 * pad for col in cols]

    def _header_words(self, size: int, pad: int) -> list[float]:
        fb = fallback_setting()
        return [max((measure_with(fb, w, "sans-bold", size) for w in h.split()), default=0.0) + 2 * pad + 1
                for h in self.headers]  # fmt: skip

    def _column_widths(self, width: int, size: int, pad: int, longest_word: list[float]) -> list[int]:
        n = len(self.headers)
        cols = list(zip(*([self.headers] + self.rows)))
        fb = fallback_setting()
        natural = [min(width * 0.6, max(measure_with(fb, c, "sans-bold", size) for c in col) + 2 * pad) for col in cols]
        heads = self._header_words(size, pad)
        least = [max(hw, min(width / n, max(lw, 3 * size))) for lw, hw in zip(longest_word, heads)]
        natural = [max(nat, hw) for nat, hw in zip(natural, heads)]
        if sum(natural) <= width:
            extra = (width - sum(natural)) / n
            out = [nat + extra for nat in natural]
        elif sum(least) >= width:
            room = max(0.0, width - sum(heads))  # every header word fits; the rest is shared evenly
            out = [hw + room / n for hw in heads]
        else:
            room = width - sum(least)
            want = [max(0.0, nat - lo) for nat, lo in zip(natural, least)]
            total = sum(want) or 1.0
            out = [lo + room * wt / total for lo, wt in zip(least, want)]
        ints = [int(w) for w in out]
        ints[-1] = width - sum(ints[:-1])
        return ints


# a long table is laid out again and again while it is split into pages: its cells are worked out once
@lru_cache(maxsize=16384)
def _cell(text: str, style: str, size: int, room: int, fallback: Optional[str]) -> tuple[tuple[str, ...], bool, bool, tuple]:
    """A table cell in ``room`` pixels: its lines (at most :data:`MAX_CELL_LINES`), whether its end was cut, whether
    it reads right to left, and each line's width. ``fallback`` (the fallback font setting) is part of the key only."""
    lines, cut = clip_lines(list(wrap_text_with(fallback, text, style, size, room)), MAX_CELL_LINES, style, size, room)
    rtl = is_rtl(text)
    return tuple(lines), cut, rtl, tuple(measure_with(fallback, line, style, size, rtl) for line in lines)


@lru_cache(maxsize=16384)
def _widest_word(cell: str, size: int, fallback: Optional[str]) -> float:
    """Width of the widest word of a table cell in bold (0 for an empty cell)."""
    return max((measure_with(fallback, w, "sans-bold", size) for w in cell.split()), default=0.0)


# --- quote, picture, quiz option, columns --------------------------------------------------


@dataclass
class QuoteBlock(Block):
    """A quotation beside an accent bar, and who said it."""

    paragraphs: list[str]
    attribution: str = ""

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        bar = max(3, env.px(0.008))
        indent = bar + env.px(th.body_size, 0.8)
        blocks: list[Block] = [Paragraph(p, th.body_size * 1.12, "sans-oblique") for p in self.paragraphs]
        if self.attribution:
            blocks.append(Paragraph(f"\u2014 {self.attribution}", th.body_size * 0.85, color=th.muted, align="end"))
        inner = stack(blocks, width - indent, env)
        rtl = bool(self.paragraphs) and is_rtl(self.paragraphs[0])  # the bar goes where the lines start
        ops = [shift(op, 0 if rtl else indent, 0) for op in inner.ops]
        x = width - bar if rtl else 0
        ops.insert(0, ShapeOp((x, 0, x + bar, inner.height), fill=env.accent))
        return Placed(inner.height, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        paras = [Paragraph(p, style="sans-oblique") for p in self.paragraphs]
        if self.attribution:
            paras.append(Paragraph(f"\u2014 {self.attribution}"))
        return glyph_texts_of(paras, theme)


@lru_cache(maxsize=32)
def _open_image(path: str, mtime: float) -> Optional[Image.Image]:
    try:
        if Path(path).suffix.lower() in (".svg", ".svgz"):
            from .figures import read_svg  # resvg draws SVG; figures imports this module, so not at the top

            return read_svg(Path(path))
        with Image.open(path) as im:
            im.load()
            return im.convert("RGBA")
    except Exception:  # unreadable or not an image: the slide shows the alt text instead
        return None


def picture_source(path: Path) -> Optional[Image.Image]:
    """The picture at ``path`` as RGBA at its own size (SVG drawn), read once while the file is unchanged; None if
    it cannot be read."""
    p = Path(path)
    return _open_image(str(p), p.stat().st_mtime if p.is_file() else 0.0)


@dataclass
class ImageBlock(Block):
    """A picture scaled to the room left on the slide, centred; its alt text if it cannot be read."""

    path: Path
    alt: str = ""
    flex = True

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        room = max_height if max_height is not None else width * 9 // 16
        p = Path(self.path)
        img = _open_image(str(p), p.stat().st_mtime if p.is_file() else 0.0)
        if img is None:
            env.warnings.append(f"the image {p.name} could not be read; its alt text is shown instead")
            para = Paragraph(f"[{self.alt or p.name}]", color=env.theme.muted, align="center")
            return para.layout(width, env, max_height)
        k = min(width / img.width, room / img.height, 2.0)  # never blow a small picture up past twice its size
        w, h = max(1, int(img.width * k)), max(1, int(img.height * k))
        x = (width - w) // 2
        return Placed(h, [PictureOp((x, 0, x + w, h), img.resize((w, h), Image.LANCZOS))])

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        return Paragraph(f"[{self.alt or Path(self.path).name}]").glyph_texts(theme)  # drawn if it cannot be read


@dataclass
class OptionBlock(Block):
    """One answer of a quiz: a lettered box; ``state`` "correct" highlights it, "dim" greys it."""

    letter: str
    text: str
    state: str = "normal"

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        th = env.theme
        size = env.text_px(th.body_size, 0.95)
        pad = int(size * 0.45)
        circle = int(size * 1.5)
        colour = th.correct if self.state == "correct" else env.accent
        text = Paragraph(self.text, th.body_size * 0.95, color=th.muted if self.state == "dim" else th.text)
        inner = text.layout(width - circle - 3 * pad, env)
        ascent, descent = metrics("sans", size)
        ink = inner.height - (line_height("sans", size, th.line_spacing) - ascent - descent)  # without the last line's spacing
        h = max(circle, ink) + 2 * pad
        ops: list[Op] = [
            ShapeOp((0, 0, width, h), fill=th.panel, outline=colour if self.state == "correct" else None,
                    radius=max(2, pad), line=max(2, size // 8)),
            ShapeOp((pad, (h - circle) / 2, pad + circle, (h + circle) / 2), fill=th.muted if self.state == "dim" else colour, ellipse=True),
        ]  # fmt: skip
        lw = measure(self.letter, "sans-bold", size)
        ops.append(TextOp(pad + (circle - lw) / 2, h / 2 + size * 0.36, self.letter, "sans-bold", size, th.panel, False, lw))
        ops.extend(shift(op, circle + 2 * pad, (h - ink) / 2) for op in inner.ops)
        return Placed(h, ops)

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        texts = Paragraph(self.text).glyph_texts(theme)
        return None if texts is None else [(self.letter, "sans-bold"), *texts]


@dataclass
class Columns(Block):
    """Two stacks of blocks side by side; stacked one above the other on a portrait frame."""

    left: list[Block]
    right: list[Block]

    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        gap = env.gap * 2
        if env.portrait:  # one stack; each operation's path still names its side, as on a landscape frame
            both = stack(self.left + self.right, width, env)
            n = len(self.left)
            return Placed(both.height, [_side(op, n) for op in both.ops])
        half = (width - gap) // 2
        a, b = stack(self.left, half, env), stack(self.right, half, env)
        return Placed(max(a.height, b.height), [shift(op, 0, 0, 0) for op in a.ops] + [shift(op, half + gap, 0, 1) for op in b.ops])


def _side(op: Op, left: int) -> Op:
    """An operation of the stacked columns, its path (block, ...) made (side, block in that side, ...)."""
    k = op.path[0]
    return replace(op, path=(0, k) + op.path[1:] if k < left else (1, k - left) + op.path[1:])

    def glyph_texts(self, theme: Theme) -> Optional[list[tuple[str, str]]]:
        return glyph_texts_of(self.left + self.right, theme)


def glyph_texts_of(blocks: list[Block], theme: Theme) -> Optional[list[tuple[str, str]]]:
    """The :meth:`Block.glyph_texts` of several blocks together; None if one of them cannot say."""
    out: list[tuple[str, str]] = []
    for b in blocks:
        texts = b.glyph_texts(theme)
        if texts is None:
            return None
        out += texts
    return out


def stack(blocks: list[Block], width: int, env: Env, max_height: Optional[int] = None) -> Placed:
    """Blocks one under another with a gap between; a flexible block gets the height left over."""
    gaps = [_gap(a, b, env) for a, b in zip(blocks, blocks[1:])]
    fixed = {i: b.layout(width, env) for i, b in enumerate(blocks) if not b.flex}
    used = sum(p.height for p in fixed.values()) + sum(gaps)
    flex = [i for i, b in enumerate(blocks) if b.flex]
    room = (max_height - used) // max(1, len(flex)) if max_height is not None else None
    placed = {**fixed, **{i: blocks[i].layout(width, env, max(room, env.px(env.theme.body_size, 2)) if room is not None else None) for i in flex}}
    ops: list[Op] = []
    y = 0
    for i in range(len(blocks)):
        p = placed[i]
        ops.extend(shift(op, 0, y, i) for op in p.ops)
        y += p.height + (gaps[i] if i < len(gaps) else 0)
    return Placed(y, ops)


def _gap(a: Block, b: Block, env: Env) -> int:
    """Entries of one list sit closer together than paragraphs; a label sits close to what it labels."""
    if isinstance(a, _Label) or (isinstance(a, Paragraph) and a.marker and isinstance(b, Paragraph) and b.marker):
        return env.px(env.theme.body_size, 0.22)
    return env.gap


__all__ = [
    "Block", "CodeBlock", "Columns", "ELLIPSIS", "Env", "ImageBlock", "glyph_texts_of", "Op", "OptionBlock", "Paragraph",
    "Placed", "PictureOp", "QuoteBlock", "picture_source", "ShapeOp", "TableBlock", "TextOp", "label", "op_bottom",
    "shift", "stack",
]  # fmt: skip
