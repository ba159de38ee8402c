"""Notebook views of a pipeline (ipywidgets 8): each usable alone, all gathered by ``p.preview()``."""

from .editor import NarrationEditor
from .gallery import SceneGallery
from .players import audio_player, video_player
from .preview import PipelinePreview, build_preview
from .progress import WidgetProgress
from .timing import TimingFigure, pace_flag, timing_chart

__all__ = [
    "NarrationEditor",
    "PipelinePreview",
    "SceneGallery",
    "TimingFigure",
    "WidgetProgress",
    "audio_player",
    "build_preview",
    "pace_flag",
    "timing_chart",
    "video_player",
]
