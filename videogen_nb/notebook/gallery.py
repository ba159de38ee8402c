"""The scene gallery: a thumbnail of every slide; clicking one shows it large."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from .players import scene_timing
from .thumbnails import slide_png

if TYPE_CHECKING:
    from ..pipeline import Pipeline


class SceneGallery(widgets.VBox):
    """Thumbnails with index, kind, title and duration; a large view of the chosen one."""

    def __init__(self, pipeline: "Pipeline", thumb_width: int = 224, large_width: int = 800) -> None:
        self.pipeline = pipeline
        self.large_width = large_width
        self.thumbnails: list[widgets.Image] = []
        self.buttons: list[widgets.Button] = []
        cards = []
        for i, scene in enumerate(pipeline.scenes):
            # drawn at twice the shown width: crisp on high-density screens, still fast
            thumb = widgets.Image(value=slide_png(pipeline, i, 2 * thumb_width), format="png",
                                  layout=widgets.Layout(width=f"{thumb_width}px"))  # fmt: skip
            thumb.add_class("videogen-thumbnail")
            t = scene_timing(pipeline, i)
            duration = f"{t.duration:.1f} s" if t else "no audio yet"
            button = widgets.Button(
                description=f"{i + 1}. {scene.title or scene.kind}"[:30],
                tooltip=f"show scene {i + 1} large",
                layout=widgets.Layout(width=f"{thumb_width}px"),
            )
            button.on_click(lambda _b, i=i: self.show(i))
            info = widgets.HTML(f"<small>{html.escape(scene.kind)} · {duration}</small>")
            self.thumbnails.append(thumb)
            self.buttons.append(button)
            cards.append(widgets.VBox([thumb, button, info], layout=widgets.Layout(margin="0 8px 8px 0")))
        grid = widgets.GridBox(
            cards, layout=widgets.Layout(grid_template_columns=f"repeat(auto-fill, {thumb_width + 8}px)")
        )
        # hidden until a scene is chosen: an empty image shows as a broken-image icon
        self.large = widgets.Image(format="png", layout=widgets.Layout(width=f"{large_width}px", display="none"))
        self.large.add_class("videogen-large-slide")
        self.caption = widgets.HTML("<i>click a scene's name to see its slide large</i>")
        super().__init__([grid, self.caption, self.large])

    def show(self, index: int) -> None:
        """Show scene ``index`` large, drawn at the width of the large view."""
        scene = self.pipeline.scenes[index]
        self.large.value = slide_png(self.pipeline, index, self.large_width)
        self.large.layout.display = None
        self.caption.value = f"<b>{index + 1}. {html.escape(scene.title)}</b> ({html.escape(scene.kind)})"
        self.shown = index
