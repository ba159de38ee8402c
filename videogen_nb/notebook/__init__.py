"""Notebook views of a pipeline (ipywidgets 8): each usable alone, all gathered by ``p.preview()``."""

from .chart import ChartView, chart_svg
from .editor import NarrationEditor, narration_stats
from .gallery import SceneGallery
from .media import MediaServer, configure_media, media_url
from .player import VideoPlayer
from .players import audio_player, video_player
from .preview import PipelinePreview, build_preview
from .progress import WidgetProgress
from .reveal_strip import reveal_strip, reveal_times
from .timing import TimingFigure, pace_flag, timing_chart

__all__ = [
    "ChartView",
    "MediaServer",
    "NarrationEditor",
    "PipelinePreview",
    "SceneGallery",
    "TimingFigure",
    "VideoPlayer",
    "WidgetProgress",
    "audio_player",
    "build_preview",
    "chart_svg",
    "configure_media",
    "media_url",
    "narration_stats",
    "pace_flag",
    "reveal_strip",
    "reveal_times",
    "timing_chart",
    "video_player",
]
