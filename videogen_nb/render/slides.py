"""Slides drawn with Pillow: one picture per scene, sized to the video, text always in the safe area."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Optional

import numpy as np
from PIL import Image, ImageDraw

from ..models import SceneConfig
from ..slidetext import MAX_WORDS, word_count
from ..text import plain
from .blocks import (Columns, Env, Op, OptionBlock, Paragraph, PictureOp, QuoteBlock, ShapeOp, TextOp, glyph_texts_of,
                     label, shift, stack)
from .designs import ContentSlide, PictureSlide, SlideDesign, TitleSlide, as_design
from .glyphs import describe_scripts
from .layout import ELLIPSIS, clip_lines, fit_lines, wrap_text
from .text import draw_line, is_rtl, line_height, measure, metrics, missing_chars
from .theme import Box, Theme

BALANCE = 0.4  # of the room a sparse slide leaves under its content, what goes above it
WORD_TOLERANCE = 1.15  # a slide may pass the word budget by this much before a section continues on the next
TITLE_SCALES = (1.0, 0.85, 0.7)  # a slide's title shrinks this far on two lines, then to 0.6 on three
FONT_HINT = (
    "Install a font that has them (Debian: fonts-noto-cjk, fonts-noto-color-emoji; from PyPI: manimgx-fonts-cjk, "
    "manimgx-fonts), or name one in VIDEOGEN_FALLBACK_FONTS"
)


@dataclass
class Slide:
    """A drawn slide, what went wrong drawing it, and where its text went (``boxes``)."""

    image: Image.Image
    warnings: list[str] = field(default_factory=list)
    #: (left, top, right, bottom) of every line of text, as the layout engine placed it
    boxes: list[Box] = field(default_factory=list)
    scale: float = 1.0  # how far the body text was shrunk to fit
    #: characters no font has (drawn as U+FFFD); the parse stage warns once per document
    missing: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        w, h = self.image.size
        return f"<Slide {w}x{h}, {len(self.boxes)} lines of text, scale {self.scale:.2f}, {len(self.warnings)} warnings>"

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        preview = self.image.copy()
        preview.thumbnail((640, 640))
        preview.save(buf, format="PNG")
        return buf.getvalue()


@dataclass
class SlideLayout:
    """Where everything on a slide goes, before anything is drawn."""

    ops: list[Op]
    fits: bool
    scale: float
    body_bottom: int
    warnings: list[str] = field(default_factory=list)


def _scales(theme: Theme, split: bool = False) -> list[float]:
    # the pages of a split section share one size: the one they were split at
    out, s = [], theme.page_scale if split else theme.max_body_scale
    while s > theme.min_body_scale + 1e-6:
        out.append(round(s, 2))
        s -= 0.08
    return out + [theme.min_body_scale]


@lru_cache(maxsize=8)
def _background(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    w, h = size
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    rows = (1 - t) * np.array(top, np.float32) + t * np.array(bottom, np.float32)
    arr = np.repeat(rows[:, None, :], w, axis=1).astype(np.uint8)
    return Image.fromarray(arr)


def _env(scene: SceneConfig, size: tuple[int, int], theme: Theme, scale: float) -> Env:
    w, h = size
    return Env(theme, min(w, h), scale, theme.accent_colour(scene.accent), portrait=h > w)


def _footer_height(size: tuple[int, int], theme: Theme) -> int:
    return int(line_height(theme.body_font, max(6, int(theme.footer_size * min(size))), 1.0) * 1.6)


def _header(scene: SceneConfig, tag: Optional[str], size: tuple[int, int], theme: Theme, warnings: list[str]) -> tuple[list[Op], int]:
    """The label, title and accent rule at the top of the safe area; returns (ops, height)."""
    x0, y0, x1, _ = theme.safe_area(size)
    env = _env(scene, size, theme, 1.0)
    box_w = x1 - x0
    ops: list[Op] = []
    y = 0
    if tag:
        placed = Paragraph(tag, theme.label_size, "sans-bold", env.accent, max_lines=1).layout(box_w, env)
        ops += placed.ops
        y += placed.height
    if scene.title:
        rtl = is_rtl(scene.title)
        size_px, lines, cut = fit_lines(scene.title, theme.title_font, theme.heading_size * env.unit, TITLE_SCALES, box_w, 2)
        if cut:  # a title too long for two lines gets one more (two on a tall frame) at a smaller size
            more = 4 if env.portrait else 3
            size_px, lines, cut = fit_lines(scene.title, theme.title_font, theme.heading_size * env.unit, (0.6,), box_w, more)
        if cut:
            warnings.append(f"the title of scene {scene.scene_id or scene.kind} is too long for the slide and was cut")
        lh = line_height(theme.title_font, size_px, 1.15)
        ascent, _ = metrics(theme.title_font, size_px)
        for line in lines:
            lw = measure(line, theme.title_font, size_px, rtl)
            ops.append(TextOp(box_w - lw if rtl else 0, y + ascent, line, theme.title_font, size_px, theme.text, rtl, lw))
            y += lh
        y += int(0.015 * env.unit)
        rule_w, rule_h = int(0.08 * size[0]), max(2, int(0.007 * env.unit))
        rx = box_w - rule_w if rtl else 0
        ops.append(ShapeOp((rx, y, rx + rule_w, y + rule_h), fill=env.accent))
        y += rule_h + int(0.04 * env.unit)
    return [shift(op, x0, y0) for op in ops], y


def layout_slide(scene: SceneConfig, size: tuple[int, int], theme: Theme, scale: Optional[float] = None) -> SlideLayout:
    """Lay out a content slide at the largest scale that fits (or only at ``scale``)."""
    return _layout_slide(scene, size, theme, scale, place=True)


def _layout_slide(scene: SceneConfig, size: tuple[int, int], theme: Theme, scale: Optional[float], place: bool) -> SlideLayout:
    design = as_design(scene.slide())
    return _layout_content(scene, design if isinstance(design, ContentSlide) else ContentSlide(), size, theme, scale, place)


def layout_content(
    scene: SceneConfig, design: ContentSlide, size: tuple[int, int], theme: Theme, scale: Optional[float] = None
) -> SlideLayout:
    """Lay out a content slide's label, title and blocks at the largest scale that fits (or only at ``scale``).

    What takes little room sits a little above the middle of the space under the title, not in its top
    corner; a slide with only a title is drawn as a section divider (see :func:`render_slide`).
    """
    return _layout_content(scene, design, size, theme, scale, place=True)


def _layout_content(
    scene: SceneConfig, design: ContentSlide, size: tuple[int, int], theme: Theme, scale: Optional[float], place: bool
) -> SlideLayout:
    warnings: list[str] = []
    tag, blocks = slide_tag(scene, design), design.blocks
    head_ops, head_h = _header(scene, tag, size, theme, warnings)
    x0, y0, x1, y1 = theme.safe_area(size)
    top, bottom = y0 + head_h, y1 - _footer_height(size, theme)
    avail = bottom - top
    # the pages of a split section were cut to fit at the page scale; each is then drawn as large as it fits
    for s in [scale] if scale is not None else _scales(theme):
        env = _env(scene, size, theme, s)
        placed = stack(blocks, x1 - x0, env, avail)
        if placed.height <= avail:
            break
    fits = placed.height <= avail
    # balanced: the room left is shared 2:3 above and below (the eye's middle is a little above the frame's)
    drop = int((avail - placed.height) * BALANCE) if fits else 0
    # moving every operation into place is only worth it when the slide is drawn, not when its fit is asked
    ops = head_ops + [shift(op, x0, top + drop) for op in placed.ops] if place else []
    return SlideLayout(ops, fits, s, bottom, warnings + env.warnings)


def slide_tag(scene: SceneConfig, design: ContentSlide) -> Optional[str]:
    """The small label above a content slide's title: the design's, after the H2 an H3's scene belongs to."""
    tag = design.label
    if scene.section and scene.section != scene.title:  # an H3's scene shows its H2 small above its title
        tag = f"{scene.section} \u00b7 {tag}" if tag else scene.section
    return tag


def block_words(blocks: list) -> float:
    """Words of prose the blocks show (paragraphs, list entries, quotations, quiz options), as a reader counts them."""
    total = 0.0
    for b in blocks:
        if isinstance(b, Columns):
            total += block_words(b.left) + block_words(b.right)
        elif isinstance(b, Paragraph) and not isinstance(b, type(label(""))):
            total += word_count(plain(b.text))
        elif isinstance(b, QuoteBlock):
            total += sum(word_count(p) for p in b.paragraphs)
        elif isinstance(b, OptionBlock):
            total += word_count(b.text)
    return total


def content_fits(scene: SceneConfig, size: tuple[int, int], theme: Theme, scale: float) -> bool:
    """Whether ``scene``'s content fits its slide at ``scale`` and within the words a slide may hold (used to split
    long sections)."""
    design = as_design(scene.slide())
    if isinstance(design, ContentSlide) and block_words(design.blocks) > MAX_WORDS * WORD_TOLERANCE:
        return False
    return _layout_content(scene, design if isinstance(design, ContentSlide) else ContentSlide(), size, theme, scale,
                           place=False).fits


def _cut(ops: list[Op], bottom: int) -> list[Op]:
    """Drop what would pass ``bottom``; panels are shortened, the last line kept ends with an ellipsis."""
    kept: list[Op] = []
    last_text: Optional[int] = None
    for op in ops:
        if isinstance(op, ShapeOp) and op.box[1] < bottom < op.box[3] and not op.ellipse:
            kept.append(replace(op, box=(op.box[0], op.box[1], op.box[2], bottom)))
        elif op.box[3] <= bottom:
            kept.append(op)
            if isinstance(op, TextOp):
                last_text = len(kept) - 1
    if last_text is not None:
        t = kept[last_text]
        text = t.text.rstrip()
        while text and measure(text + " " + ELLIPSIS, t.style, t.size, t.rtl) > max(t.width, measure(ELLIPSIS, t.style, t.size) * 3):
            text = text[:-1]
        new = text + " " + ELLIPSIS
        kept[last_text] = replace(t, text=new, width=measure(new, t.style, t.size, t.rtl))
    return kept


def _footer_ops(size: tuple[int, int], theme: Theme, left: str, right: str) -> list[Op]:
    x0, _, x1, y1 = theme.safe_area(size)
    px = max(6, int(theme.footer_size * min(size)))
    _, descent = metrics(theme.body_font, px)
    baseline = y1 - descent
    ops: list[Op] = []
    rw = measure(right, theme.body_font, px) if right else 0.0
    if right:
        ops.append(TextOp(x1 - rw, baseline, right, theme.body_font, px, theme.muted, False, rw))
    if left:
        room = (x1 - x0) - rw - px * 2
        lines, _ = clip_lines(list(wrap_text(left, theme.body_font, px, room)), 1, theme.body_font, px, room)
        lw = measure(lines[0], theme.body_font, px)
        ops.append(TextOp(x0, baseline, lines[0], theme.body_font, px, theme.muted, False, lw))
    return ops


def _title_ops(scene: SceneConfig, design: TitleSlide, size: tuple[int, int], theme: Theme, warnings: list[str]) -> list[Op]:
    """The opening slide: big centred title, accent rule, subtitle and author, centred in the safe area."""
    x0, y0, x1, y1 = theme.safe_area(size)
    box_w, unit = x1 - x0, min(size)
    accent = theme.accent_colour(scene.accent)
    t_px, t_lines, cut = fit_lines(
        design.title or "Untitled", theme.title_font, theme.title_size * unit, (1.3, 1.15, 1.0, 0.9, 0.8, 0.7, 0.6), box_w,
        7 if size[1] > size[0] else 4,
    )
    if cut:
        warnings.append(f"the title of scene {scene.scene_id or 'title'} is too long for the slide and was cut")
    title_rtl = is_rtl(design.title)  # the direction is the paragraph's, not each line's
    rows: list = [(ln, theme.title_font, t_px, theme.text, 1.15, title_rtl) for ln in t_lines]
    rows.append(None)  # the accent rule between the title and what follows
    s_px = max(6, int(theme.body_size * unit * 1.05))
    for text, limit, px in ((design.subtitle, 3, s_px), (design.author, 1, int(s_px * 0.8))):
        if text:
            lines, _ = clip_lines(list(wrap_text(text, theme.body_font, px, box_w)), limit, theme.body_font, px, box_w)
            rows += [(ln, theme.body_font, px, theme.muted, theme.line_spacing, is_rtl(text)) for ln in lines]
    heights = [int(0.05 * unit) if r is None else line_height(r[1], r[2], r[4]) for r in rows]
    y = y0 + max(0, ((y1 - y0) - sum(heights)) // 2)
    ops: list[Op] = []
    for row, lh in zip(rows, heights):
        if row is None:
            rule_w, rule_h = int(0.12 * size[0]), max(2, int(0.008 * unit))
            mid = y + (lh - rule_h) // 2
            ops.append(ShapeOp(((size[0] - rule_w) // 2, mid, (size[0] + rule_w) // 2, mid + rule_h), fill=accent))
        else:
            text, style, px, colour, _, rtl = row
            w = measure(text, style, px, rtl)
            ops.append(TextOp((size[0] - w) / 2, y + metrics(style, px)[0], text, style, px, colour, rtl, w))
        y += lh
    return ops


def draw_ops(img: Image.Image, ops: list[Op]) -> list[Box]:
    """Draw ``ops`` on ``img`` in order; the boxes of the lines of text drawn."""
    draw = ImageDraw.Draw(img)
    boxes: list[Box] = []
    for op in ops:
        if isinstance(op, ShapeOp):
            box = [round(v) for v in op.box]
            if op.ellipse:
                draw.ellipse(box, fill=op.fill, outline=op.outline, width=op.line)
            else:
                draw.rounded_rectangle(box, radius=op.radius, fill=op.fill, outline=op.outline, width=op.line)
        elif isinstance(op, PictureOp):
            img.paste(op.image, (round(op.box[0]), round(op.box[1])), op.image)
        else:
            draw_line(img, op.x, op.baseline, op.text, op.style, op.size, op.color, op.rtl)
            boxes.append(op.box)
    return boxes


def _missing(ops: list[Op]) -> frozenset[str]:
    missing: set[str] = set()
    for op in ops:
        if isinstance(op, TextOp):
            missing |= missing_chars(op.text, op.style)
    return frozenset(missing)


def _slide_texts(scene: SceneConfig, design: SlideDesign, theme: Theme) -> Optional[list[tuple[str, str]]]:
    """Every ``(text, style)`` whose characters the slide may draw (more, never less; the footer aside);
    None when a block cannot say."""
    if isinstance(design, ContentSlide) and (design.blocks or not scene.title):
        tag = slide_tag(scene, design)
        head = [(scene.title, theme.title_font), (ELLIPSIS, theme.title_font)]
        blocks: list = ([Paragraph(tag, style="sans-bold")] if tag else []) + design.blocks
        texts = glyph_texts_of(blocks, theme)
        return None if texts is None else head + texts
    if isinstance(design, ContentSlide):  # a section divider
        design = TitleSlide(title=scene.title, subtitle=slide_tag(scene, design) or "")
    return [(design.title or "Untitled", theme.title_font), (design.subtitle or "", theme.body_font),
            (design.author or "", theme.body_font), (ELLIPSIS, theme.title_font), (ELLIPSIS, theme.body_font)]  # fmt: skip


def scene_glyph_gaps(scene: SceneConfig, size: tuple[int, int], theme: Theme) -> frozenset[str]:
    """The characters of ``scene``'s slide that no font can draw (laid out, not drawn)."""
    size = (int(size[0]), int(size[1]))
    design = as_design(scene.slide())
    if isinstance(design, PictureSlide):
        return frozenset()
    # most slides have no such character in any text they could show: that is known without a layout (laying
    # every slide out again here was most of the parse time of a long document); the rest are laid out to learn
    # which of those characters are drawn
    texts = _slide_texts(scene, design, theme)
    if texts is not None and not any(missing_chars(text, style) for text, style in texts):
        return frozenset()
    if isinstance(design, TitleSlide):
        return _missing(_title_ops(scene, design, size, theme, []))
    if not design.blocks and scene.title:
        return _missing(_title_ops(scene, TitleSlide(title=scene.title, subtitle=slide_tag(scene, design) or ""), size, theme, []))
    return _missing(layout_content(scene, design, size, theme).ops)


def glyph_gaps_warning(gaps: dict[str, frozenset[str]]) -> Optional[str]:
    """One short sentence for a whole document: how many characters of which scripts no font has, on which slides."""
    chars = frozenset().union(*gaps.values()) if gaps else frozenset()
    if not chars:
        return None
    scenes = [sid for sid, g in gaps.items() if g]
    where = ", ".join(scenes[:3]) + (f" and {len(scenes) - 3} more" if len(scenes) > 3 else "")
    return (
        f"no font has {len(chars)} character{'s' if len(chars) != 1 else ''} of {describe_scripts(chars)} "
        f"(on {len(scenes)} slide{'s' if len(scenes) != 1 else ''}: {where}); they are drawn as \ufffd. {FONT_HINT}"
    )


def slide_background(size: tuple[int, int], theme: Theme) -> Image.Image:
    """The theme's background at ``size``, with nothing on it (what pictures are centred on)."""
    return _background((int(size[0]), int(size[1])), theme.background_top, theme.background_bottom).copy()


def _picture_slide(design: PictureSlide, img: Image.Image) -> Slide:
    """A picture (a clip's first frame) scaled to fit the frame, centred on the theme's background."""
    with Image.open(design.path) as poster:
        frame = poster.convert("RGB")
    k = min(img.width / frame.width, img.height / frame.height)
    if k != 1:
        frame = frame.resize((max(1, round(frame.width * k)), max(1, round(frame.height * k))), Image.LANCZOS)
    img.paste(frame, ((img.width - frame.width) // 2, (img.height - frame.height) // 2))
    return Slide(img)


@dataclass
class SlideOps:
    """Everything a slide draws, in order, before it is drawn: what a reveal draws again with some parts hidden."""

    ops: list[Op]
    scale: float
    warnings: list[str]
    #: the blocks under the title when it is a content slide (the ops' paths start with their index), else None
    blocks: Optional[list] = None


def slide_ops(
    scene: SceneConfig, size: tuple[int, int], theme: Theme, *, index: int = 0, total: int = 0, footer: str = ""
) -> Optional[SlideOps]:
    """The drawing operations of ``scene``'s slide at ``size``; None for a picture that fills the frame."""
    size = (int(size[0]), int(size[1]))
    warnings: list[str] = []
    design = as_design(scene.slide())
    if isinstance(design, PictureSlide):
        return None
    if isinstance(design, ContentSlide) and not design.blocks and scene.title:
        # a heading with nothing under it is a section divider: its title large in the middle, not alone in a corner
        divider = TitleSlide(title=scene.title, subtitle=slide_tag(scene, design) or "")
        ops, scale = _title_ops(scene, divider, size, theme, warnings), 1.0
        ops = ops + _footer_ops(size, theme, footer, f"{index + 1} / {total}" if total else "")
    elif isinstance(design, TitleSlide):
        ops, scale = _title_ops(scene, design, size, theme, warnings), 1.0
    else:
        lay = layout_content(scene, design, size, theme)
        warnings += lay.warnings
        ops, scale = lay.ops, lay.scale
        if not lay.fits:
            ops = _cut(ops, lay.body_bottom)
            warnings.append(
                f"scene {scene.scene_id or scene.kind} ({scene.title!r}) has more text than fits on one slide at "
                f"{size[0]}x{size[1]}; the end was cut (parse at this resolution continues it on the next slide)"
            )
        page = f"{index + 1} / {total}" if total else ""
        ops = ops + _footer_ops(size, theme, footer, page)
        return SlideOps(ops, scale, warnings, list(design.blocks))
    return SlideOps(ops, scale, warnings)


def render_slide(
    scene: SceneConfig, size: tuple[int, int], theme: Theme, *, index: int = 0, total: int = 0, footer: str = ""
) -> Slide:
    """Draw ``scene`` at ``size`` (width, height) with ``theme``."""
    size = (int(size[0]), int(size[1]))
    img = _background(size, theme.background_top, theme.background_bottom).copy()
    laid = slide_ops(scene, size, theme, index=index, total=total, footer=footer)
    if laid is None:
        return _picture_slide(as_design(scene.slide()), img)
    boxes = draw_ops(img, laid.ops)
    return Slide(img, laid.warnings, boxes, laid.scale, _missing(laid.ops))
