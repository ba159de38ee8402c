"""A scene's reveal for the notebook: its states side by side (a strip), and the times its entries appear."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PIL import Image, ImageDraw

from ..atomic import atomic_write_bytes
from ..fingerprint import stable_hash
from ..render.fonts import font_chain, load_font
from ..render.reveal import draw_state
from ..stages.builds import scene_reveal_of

if TYPE_CHECKING:
    from ..pipeline import Pipeline

VERSION = 2  # bump when strips are drawn differently
MAX_STATES = 12  # a strip longer than this shows the first ones and says how many more


def reveal_times(pipeline: "Pipeline") -> dict[int, list[float]]:
    """For each scene that builds up, the seconds on the video's timeline its steps begin (entries appearing, the
    marker moving); empty before the audio has run."""
    out: dict[int, list[float]] = {}
    vc = pipeline.ctx.video_config
    for i in range(len(vc.scenes) if vc is not None else 0):
        _, plan = scene_reveal_of(pipeline.ctx, i, size=(480, 270))  # times only: a small layout will do
        if plan is not None:
            out[i] = [s.frame / plan.fps for s in plan.steps[1:]]
    return out


def reveal_strip(pipeline: "Pipeline", index: int, width: int = 240) -> Optional[Path]:
    """A JPEG of scene ``index``'s reveal states side by side, each ``width`` pixels wide, its time under it (once
    the audio has run; before, every state in order). None when the scene's slide holds still."""
    w, h = pipeline.ctx.settings.resolution
    size = (width * 2, max(2, round(width * 2 * h / w / 2) * 2))  # drawn at twice the size shown: crisp, still small
    layout, plan = scene_reveal_of(pipeline.ctx, index, size=size)
    if layout is None:
        return None
    scene = pipeline.scenes[index]
    last = len(layout.units) - 1
    steps = [(s.current, s.shown, s.count, s.frame / plan.fps) for s in plan.steps] if plan is not None else [
        (k, k, 0, None) for k in range(-1, len(layout.units))] + [(-1, last, n, None) for n in range(scene.countdown, 0, -1)]  # fmt: skip
    key = stable_hash(VERSION, scene.visual_dict(), size, steps, layout.theme.name, index, len(pipeline.scenes))[:16]
    path = pipeline.workdir / "preview" / f"{index + 1:02d}-reveal-{key}.jpg"
    if path.is_file():
        return path
    shown = steps[:MAX_STATES]
    label_h = max(14, size[1] // 9)
    gap = 8
    strip = Image.new("RGB", (len(shown) * (size[0] + gap) - gap, size[1] + label_h), (40, 44, 52))
    draw = ImageDraw.Draw(strip)
    face = load_font(font_chain("sans")[0], int(label_h * 0.7))
    for k, (current, through, count, t) in enumerate(shown):
        x = k * (size[0] + gap)
        strip.paste(draw_state(layout, current, through, count), (x, 0))
        text = f"{t:.2f} s" if t is not None else ("start" if current < 0 and not count else f"{current + 1}")
        if current >= 0:
            text += f" \u00b7 {layout.units[current].role} {current + 1}"
        elif count:
            text = (f"{t:.2f} s \u00b7 " if t is not None else "") + f"countdown {count}"
        if k == len(shown) - 1 and len(steps) > len(shown):
            text += f" (+{len(steps) - len(shown)} more)"
        draw.text((x + 4, size[1] + label_h * 0.12), text, fill=(230, 232, 236), font=face)
    buf = io.BytesIO()
    strip.save(buf, format="JPEG", quality=82)
    atomic_write_bytes(path, buf.getvalue())
    return path
