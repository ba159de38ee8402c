"""The live editor: a pipeline's status, slides, narration, audio, timing and video in one widget.

It is bound to the pipeline through its events: whatever cell runs a stage or
edits a scene, the status, the gallery's durations and marks, the players,
the timing chart and the video follow. Parts that no longer match the scenes
are marked, and Render runs whatever is stale with its progress shown here.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Optional

import ipywidgets as widgets

from ..errors import StageInterrupted, VideogenError
from ..events import Event, ProgressDisplay, StageProgress
from .chart import ChartView
from .editor import NarrationEditor
from .gallery import SceneGallery
from .player import VideoPlayer
from .players import playable_video, scene_timing
from .reveal_strip import reveal_times
from .style import style_widget

if TYPE_CHECKING:
    from ..pipeline import Pipeline

#: a stage's finishing redraws these parts of the editor (any other stage: the status only)
REDRAWS = {"parse": {"scenes"}, "script": {"narration"}, "audio": {"audio"}, "video": {"video"}, "output": {"video"}}


class _Progress(ProgressDisplay):
    """The editor's own progress bar: the stage, a bar, and what is being worked on."""

    def __init__(self, bar: widgets.IntProgress, label: widgets.HTML) -> None:
        super().__init__()
        self.bar, self.label = bar, label

    def show(self, task: StageProgress, started: bool) -> None:
        self.bar.layout.visibility = "visible"
        self.bar.description = task.stage
        self.bar.max, self.bar.value = task.total, task.done
        if task.status == "done":
            self.bar.bar_style = "success"
            self.label.value = "done"  # its summary is in the status table above
        elif task.status == "failed":
            self.bar.bar_style = "danger"
            self.label.value = f"<span class='videogen-error'>{html.escape(task.message[:160])}</span>"
        else:
            self.bar.bar_style = "info"
            self.label.value = html.escape(task.detail[:120] or "working")


class PipelinePreview(widgets.VBox):
    """The status and the video above tabs for slides, narration and audio, and timing; all kept live."""

    TABS = ("Slides", "Narration & audio", "Timing")

    def __init__(self, pipeline: "Pipeline", background: bool = True) -> None:
        self.pipeline = pipeline
        self.closed = False
        self.status = widgets.HTML()
        self.status.add_class("videogen-status")
        self.banner = widgets.HTML()
        self.message = widgets.HTML()
        self.render_button = widgets.Button(description="Render", icon="play", button_style="primary",
                                            tooltip="run every stage that is stale or pending: p.render()")  # fmt: skip
        self.render_button.on_click(lambda _b: self.render())
        self.undo_button = widgets.Button(description="Undo", icon="undo", tooltip="take back the newest edit: p.undo()")
        self.undo_button.on_click(lambda _b: self.undo())
        self.bar = widgets.IntProgress(min=0, max=1, layout=widgets.Layout(width="220px", visibility="hidden"))
        self.bar_label = widgets.HTML()
        self.progress = _Progress(self.bar, self.bar_label)
        toolbar = widgets.HBox([self.render_button, self.undo_button, self.bar, self.bar_label],
                               layout=widgets.Layout(flex_flow="row wrap", align_items="center"))  # fmt: skip
        self.player = VideoPlayer(width=560)
        self.player.layout = widgets.Layout(flex="0 1 560px", min_width="280px", margin="0 16px 0 0")
        right = widgets.VBox([self.status, toolbar, self.banner, self.message], layout=widgets.Layout(flex="1 1 420px", min_width="0"))
        top = widgets.HBox([self.player, right], layout=widgets.Layout(flex_flow="row wrap"))
        self.gallery = SceneGallery(pipeline, on_select=self.seek, background=background)
        self._editor: Optional[NarrationEditor] = None
        self._chart: Optional[ChartView] = None
        self.tabs = widgets.Tab(children=[self.gallery, widgets.VBox(), widgets.VBox()], titles=self.TABS)
        self.tabs.observe(self._tab_opened, names="selected_index")
        super().__init__([style_widget(), top, self.tabs])
        self.add_class("videogen-editor")
        self._subscribed = pipeline.events.subscribe(self._on_event)
        self.refresh("all")

    # --- parts built when first opened -------------------------------------------------------------

    @property
    def editor(self) -> NarrationEditor:
        """The narration tab (built when first opened: 40 scenes make a few hundred widgets)."""
        if self._editor is None:
            # its edits and audio runs come back as the pipeline's events, like those made in code
            self._editor = NarrationEditor(self.pipeline, on_select=self.seek)
            self.tabs.children = (self.gallery, self._editor, self.tabs.children[2])
        return self._editor

    @property
    def timing(self) -> ChartView:
        """The timing tab: the chart, drawn when first opened and after every audio run."""
        if self._chart is None:
            self._chart = ChartView(on_click=self.seek)
            self._chart.show(self.pipeline.ctx.timing_report, self._scenes(), reveal_times(self.pipeline))
            self.tabs.children = (self.gallery, self.tabs.children[1], self._chart)
            self._mark_chart()
        return self._chart

    def _tab_opened(self, change) -> None:
        if change["new"] == 1:
            self.editor
        elif change["new"] == 2:
            self.timing

    def _scenes(self):
        vc = self.pipeline.ctx.video_config
        return vc.scenes if vc is not None else None

    # --- following the pipeline ----------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if self.closed:
            return
        if event.type == "changed":
            # a narration is not on the slide: typing one must not look at every thumbnail again
            self.refresh("edit", event.done, slides=event.message != "narration")
            return
        if event.type == "warning":
            self.message.value = f"<span class='videogen-muted'>warning ({html.escape(event.stage)}): {html.escape(event.message[:300])}</span>"
            return
        self.progress(event)
        if event.type in ("finished", "failed"):
            self.refresh(event.stage)

    def refresh(self, what: str = "all", index: int = -1, slides: bool = True) -> None:
        """Redraw what ``what`` changed: ``"all"``, ``"edit"`` (of scene ``index``; ``slides``: one may look
        different) or a stage's name."""
        p = self.pipeline
        status = p.status()
        self.status.value = status._repr_html_()
        todo = [name for name, state in status.items() if state != "done"]
        self.banner.value = (
            f"<div class='videogen-banner'>{html.escape(', '.join(todo))} {'is' if len(todo) == 1 else 'are'} "
            "not up to date: press Render</div>" if todo else ""
        )  # fmt: skip
        self.undo_button.disabled = len(p.edits) == 0
        parsed = "parse" in p.ctx.stage_records and p.ctx.video_config is not None
        changed = p.changed_scenes() if parsed else {"narration": [], "slide": []}
        parts = {"scenes", "narration", "audio", "video"} if what == "all" else REDRAWS.get(what, set())
        if what == "edit" and self._editor is not None:
            self._editor.sync(index)
        if parsed and (parts or what == "edit"):
            redraw = "scenes" in parts or (what == "edit" and slides)
            self.gallery.refresh(tuple(changed["slide"]), tuple(changed["narration"]), redraw=redraw)
        if self._editor is not None:
            if "scenes" in parts:
                self._editor.rebuild()
            elif "narration" in parts:
                self._editor.sync()
            elif "audio" in parts:
                self._editor.refresh_players()
        if self._chart is not None and "audio" in parts:
            self._chart.show(p.ctx.timing_report, self._scenes(), reveal_times(p))
        if self._chart is not None:
            self._mark_chart(status)
        if "video" in parts:
            self.player.load(playable_video(p), p.ctx.subtitle_paths.get("vtt"), p.ctx.settings.lang or "en")
        self._mark_player(status)

    def _mark_chart(self, status=None) -> None:
        status = status if status is not None else self.pipeline.status()
        changed = self.pipeline.ctx.timing_report is not None and status.get("audio") != "done"
        self._chart.stale = changed
        if self.pipeline.ctx.timing_report is not None:
            self._chart.note = ("out of date: the narration changed since this timing was made; press Render"
                                if changed else "click a bar to play the video from there")  # fmt: skip

    def _mark_player(self, status) -> None:
        # the video stage's own state: before output runs, the video in the work folder is the current one
        stale = self.player.has_video and status.get("video", "done") != "done"
        self.player.stale = stale
        if not self.player.has_video:
            self.player.note = "no video yet: press Render"
        elif stale:
            self.player.note = "out of date: the scenes changed since this video was made; press Render"
        else:
            self.player.note = "click a scene (or a bar of the timing chart) to play from there"

    # --- actions --------------------------------------------------------------------------------------

    def seek(self, index: int) -> None:
        """Play the video from scene ``index`` (where the last audio run put it)."""
        t = scene_timing(self.pipeline, index)
        if t is None or not self.player.has_video:
            self.message.value = f"<span class='videogen-muted'>scene {index + 1} has no place in a video yet: press Render</span>"
            return
        self.player.seek_to(t.start)
        self.message.value = f"<span class='videogen-muted'>playing from scene {index + 1} at {t.start:.1f} s</span>"

    def render(self) -> None:
        """Run every stage that is stale or pending (``p.render()``), busy meanwhile; errors are shown here."""
        button = self.render_button
        button.disabled, button.description, button.icon = True, "Rendering…", "spinner"
        self.add_class("videogen-busy")
        self.message.value = ""
        try:
            self.pipeline.render()
        except StageInterrupted as exc:
            self.message.value = f"<span class='videogen-error'>{html.escape(str(exc))}</span>"
        except VideogenError as exc:
            self.message.value = f"<span class='videogen-error'>{html.escape(str(exc))}</span>"
        else:
            self.message.value = f"<span class='videogen-ok'>{html.escape(self.pipeline.status().changed)}</span>"
        finally:
            button.disabled, button.description, button.icon = False, "Render", "play"
            self.remove_class("videogen-busy")

    def undo(self) -> None:
        """Take back the newest edit (``p.undo()``)."""
        try:
            edit = self.pipeline.undo()
        except (VideogenError, ValueError) as exc:
            self.message.value = f"<span class='videogen-error'>{html.escape(str(exc))}</span>"
            return
        self.message.value = html.escape(f"undid {edit!r}" if edit else "nothing to undo")

    def close(self) -> None:
        self.closed = True
        self.pipeline.events.unsubscribe(self._subscribed)
        super().close()


def build_preview(pipeline: "Pipeline") -> PipelinePreview:
    """``p.preview()``: the whole pipeline as one live ipywidgets widget."""
    return PipelinePreview(pipeline)
