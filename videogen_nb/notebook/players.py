"""Players: one audio player per scene once its speech exists, and the finished video."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import ipywidgets as widgets

from ..models import SceneTiming
from .media import media_url
from .player import VideoPlayer

if TYPE_CHECKING:
    from ..pipeline import Pipeline


def placeholder(text: str) -> widgets.HTML:
    """A grey note standing where a player will be."""
    w = widgets.HTML(f"<span class='videogen-muted' style='font-style:italic'>{text}</span>")
    w.add_class("videogen-placeholder")
    return w


def live_scenes(pipeline: "Pipeline") -> list:
    """The pipeline's scenes once parse has run, else none (a view of an unparsed pipeline is empty, not an error)."""
    vc = pipeline.ctx.video_config
    return vc.scenes if vc is not None and "parse" in pipeline.ctx.stage_records else []


def scene_timing(pipeline: "Pipeline", index: int) -> Optional[SceneTiming]:
    """The timing of scene ``index`` if the last audio run made one for this very scene."""
    report = pipeline.ctx.timing_report
    scenes = pipeline.ctx.video_config.scenes if pipeline.ctx.video_config else []
    if report is None or index >= len(report.scenes) or index >= len(scenes):
        return None
    t = report.scenes[index]
    return t if t.scene_id == scenes[index].scene_id else None


def audio_player(pipeline: "Pipeline", index: int) -> widgets.Widget:
    """An ``ipywidgets.Audio`` of scene ``index``'s speech (by URL where a server serves it), or a placeholder."""
    t = scene_timing(pipeline, index)
    if t is None or not Path(t.audio_path).is_file():
        return placeholder("no audio yet: run p.audio()")
    url = media_url(Path(t.audio_path))
    if url is not None:
        player = widgets.Audio(value=url.encode(), format="url", autoplay=False, loop=False)
    else:
        player = widgets.Audio(value=Path(t.audio_path).read_bytes(), format="wav", autoplay=False, loop=False)
    player.add_class("videogen-audio")
    player.layout.width = "100%"
    return player


def playable_video(pipeline: "Pipeline") -> Optional[Path]:
    """What the notebook plays: the light proxy when there is one (same timeline, a fraction of the bytes), else the video."""
    proxy = pipeline.ctx.proxy_path
    return Path(proxy) if proxy is not None and Path(proxy).is_file() else pipeline.video_path


def video_player(pipeline: "Pipeline", width: int = 640) -> widgets.Widget:
    """The finished video (its proxy) with its subtitles (a :class:`VideoPlayer`), or a placeholder before it exists."""
    path = playable_video(pipeline)
    if path is None or not Path(path).is_file():
        return placeholder("no video yet: run p.video() (or p.run())")
    player = VideoPlayer(width=width)
    player.load(path, pipeline.ctx.subtitle_paths.get("vtt"), pipeline.ctx.settings.lang or "en")
    return player
