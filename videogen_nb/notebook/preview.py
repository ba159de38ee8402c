"""Everything about a pipeline in one widget: status, slides, narration, audio, timing, video."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from .editor import NarrationEditor
from .gallery import SceneGallery
from .players import placeholder, video_player
from .timing import timing_chart

if TYPE_CHECKING:
    from ..pipeline import Pipeline


def chart_widget(pipeline: "Pipeline") -> widgets.Widget:
    """The timing chart as an image, or a placeholder before there is audio."""
    report = pipeline.ctx.timing_report
    if report is None:
        return placeholder("no timing yet: run p.audio()")
    fig = timing_chart(report, pipeline.scenes)
    img = widgets.Image(value=fig.to_png(), format="png", layout=widgets.Layout(max_width="900px"))
    img.add_class("videogen-timing-chart")
    return img


class PipelinePreview(widgets.VBox):
    """The status table above tabs for slides, narration and audio, timing, and the video."""

    TABS = ("Slides", "Narration & audio", "Timing", "Video")

    def __init__(self, pipeline: "Pipeline") -> None:
        self.pipeline = pipeline
        self.status = widgets.HTML(pipeline.status()._repr_html_())
        self.gallery = SceneGallery(pipeline)
        self.editor = NarrationEditor(pipeline, on_change=self.refresh)
        self.timing = widgets.Box([chart_widget(pipeline)])
        self.video = widgets.Box([video_player(pipeline)])
        self.tabs = widgets.Tab(children=[self.gallery, self.editor, self.timing, self.video], titles=self.TABS)
        super().__init__([self.status, self.tabs])

    def refresh(self, what: str = "all") -> None:
        """Redraw what follows the pipeline: the status always; chart and video unless only text changed."""
        self.status.value = self.pipeline.status()._repr_html_()
        if what != "edit":  # a keystroke must not redraw a chart or reload the video's bytes
            self.timing.children = (chart_widget(self.pipeline),)
            self.video.children = (video_player(self.pipeline),)


def build_preview(pipeline: "Pipeline") -> PipelinePreview:
    """``p.preview()``: the whole pipeline as one ipywidgets widget."""
    return PipelinePreview(pipeline)
