"""Players: one audio player per scene once its speech exists, and the finished video."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import ipywidgets as widgets

from ..models import SceneTiming

if TYPE_CHECKING:
    from ..pipeline import Pipeline


def placeholder(text: str) -> widgets.HTML:
    """A grey note standing where a player will be."""
    w = widgets.HTML(f"<span style='color:#64748b;font-style:italic'>{text}</span>")
    w.add_class("videogen-placeholder")
    return w


def scene_timing(pipeline: "Pipeline", index: int) -> Optional[SceneTiming]:
    """The timing of scene ``index`` if the last audio run made one for this very scene."""
    report = pipeline.ctx.timing_report
    scenes = pipeline.ctx.video_config.scenes if pipeline.ctx.video_config else []
    if report is None or index >= len(report.scenes) or index >= len(scenes):
        return None
    t = report.scenes[index]
    return t if t.scene_id == scenes[index].scene_id else None


def audio_player(pipeline: "Pipeline", index: int) -> widgets.Widget:
    """An ``ipywidgets.Audio`` of scene ``index``'s speech, or a placeholder saying what to run."""
    t = scene_timing(pipeline, index)
    if t is None or not Path(t.audio_path).is_file():
        return placeholder("no audio yet: run p.audio()")
    player = widgets.Audio(value=Path(t.audio_path).read_bytes(), format="wav", autoplay=False, loop=False)
    player.add_class("videogen-audio")
    return player


def video_player(pipeline: "Pipeline", width: int = 640) -> widgets.Widget:
    """An ``ipywidgets.Video`` of the finished video, or a placeholder before it exists."""
    path = pipeline.video_path
    if path is None or not Path(path).is_file():
        return placeholder("no video yet: run p.video() (or p.run())")
    player = widgets.Video.from_file(str(path), autoplay=False, loop=False, controls=True, width=width)
    player.add_class("videogen-video")
    return player
