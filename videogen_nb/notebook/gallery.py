"""The scene gallery: a thumbnail of every slide with its length; a click shows it large, to edit its text."""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import ipywidgets as widgets

from ..errors import VideogenError
from .media import media_url
from .players import live_scenes, scene_timing
from .reveal_strip import reveal_strip
from .thumbnails import cached_thumbnail, thumbnail

if TYPE_CHECKING:
    from ..pipeline import Pipeline


def image_source(widget: widgets.Image, path: Path, mime: str = "jpeg") -> None:
    """Point ``widget`` at the file ``path``: by URL when the browser can fetch it, else its bytes."""
    url = media_url(path)
    if url is not None:
        widget.format, widget.value = "url", url.encode()
    else:
        widget.format, widget.value = mime, Path(path).read_bytes()


def clock(seconds: float) -> str:
    """``83.4`` as ``1:23``."""
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


class SlideEditor(widgets.VBox):
    """The title and the text fields of one scene's slide; Apply edits the scene through ``p.edit``."""

    def __init__(self, gallery: "SceneGallery") -> None:
        self.gallery = gallery
        self.index: Optional[int] = None
        self.title = widgets.Text(description="title", layout=widgets.Layout(width="100%"))
        self.fields: dict[str, widgets.Textarea] = {}
        self.fields_box = widgets.VBox()
        self.apply = widgets.Button(description="apply to slide", icon="check", tooltip="p.edit(i, title=..., ...)")
        self.apply.on_click(lambda _b: self.save())
        self.hint = widgets.HTML(
            "<small class='videogen-muted'>one line per paragraph or list entry; two spaces before an entry nest it</small>"
        )
        super().__init__([self.title, self.fields_box, widgets.HBox([self.apply, self.hint])])
        self.layout.display = "none"

    def load(self, index: int) -> None:
        p = self.gallery.pipeline
        self.index = index
        self.title.value = p.scenes[index].title
        texts = p.slide_text(index)
        self.fields = {
            name: widgets.Textarea(value=text, description=name, layout=widgets.Layout(width="100%", height=f"{min(12, 2 + text.count(chr(10)))}em"))
            for name, text in texts.items()
        }  # fmt: skip
        self.fields_box.children = tuple(self.fields.values())
        self.layout.display = None

    def save(self) -> None:
        if self.index is None:
            return
        p = self.gallery.pipeline
        try:
            p.edit(self.index, title=self.title.value, **{k: w.value for k, w in self.fields.items()})
        except (VideogenError, ValueError) as exc:
            self.gallery.say(f"<span class='videogen-error'>{html.escape(str(exc))}</span>")


class SceneGallery(widgets.VBox):
    """Thumbnails with index, kind, title and duration; a large view of the chosen one, its text to edit.

    Thumbnails are drawn once per look of a scene (kept in ``workdir/preview``);
    those not drawn yet are drawn after the gallery is shown, in a thread, so
    it opens at once.
    """

    def __init__(
        self, pipeline: "Pipeline", thumb_width: int = 224, large_width: int = 800,
        on_select: Optional[Callable[[int], None]] = None, background: bool = True,
    ) -> None:  # fmt: skip
        self.pipeline = pipeline
        self.thumb_width = thumb_width
        self.large_width = large_width
        self.on_select = on_select
        self.background = background
        self.shown: Optional[int] = None
        self._generation = 0
        self._thread: Optional[threading.Thread] = None
        self.grid = widgets.GridBox(
            layout=widgets.Layout(grid_template_columns=f"repeat(auto-fill, minmax({thumb_width + 12}px, 1fr))")
        )
        # hidden until a scene is chosen: an empty image shows as a broken-image icon
        self.large = widgets.Image(format="png", layout=widgets.Layout(max_width=f"{large_width}px", width="100%", display="none"))
        self.large.add_class("videogen-large-slide")
        self.caption = widgets.HTML("<i class='videogen-muted'>click a scene's name to see its slide large, edit it, and play the video from there</i>")
        self.message = widgets.HTML()
        self.slide_editor = SlideEditor(self)
        # the chosen scene's reveal: its states side by side, when each begins (hidden for a slide that holds still)
        self.strip = widgets.Image(format="jpeg", layout=widgets.Layout(max_width="100%", display="none"))
        self.strip.add_class("videogen-reveal-strip")
        self.strip_caption = widgets.HTML()
        super().__init__([self.grid, self.caption, self.message, self.large, self.strip_caption, self.strip, self.slide_editor])
        self.rebuild()

    # --- cards -----------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Make a card per scene (after parse, or when scenes were added or removed)."""
        self.thumbnails: list[widgets.Image] = []
        self.buttons: list[widgets.Button] = []
        self.infos: list[widgets.HTML] = []
        self.cards: list[widgets.VBox] = []
        w = self.thumb_width
        for i, scene in enumerate(live_scenes(self.pipeline)):
            thumb = widgets.Image(format="jpeg", layout=widgets.Layout(width=f"{w}px", height=f"{self._thumb_height()}px"))
            thumb.add_class("videogen-thumbnail")
            button = widgets.Button(tooltip=f"show scene {i + 1} large and play the video from it", layout=widgets.Layout(width=f"{w}px"))
            button.on_click(lambda _b, i=i: self.select(i))
            info = widgets.HTML()
            card = widgets.VBox([thumb, button, info], layout=widgets.Layout(margin="0 8px 8px 0", width=f"{w + 10}px"))
            card.add_class("videogen-card")
            self.thumbnails.append(thumb)
            self.buttons.append(button)
            self.infos.append(info)
            self.cards.append(card)
        self.grid.children = tuple(self.cards)
        self.refresh()

    def _thumb_height(self) -> int:
        w, h = self.pipeline.ctx.settings.resolution
        return round(self.thumb_width * h / w)

    def refresh(
        self, changed_slides: tuple[int, ...] = (), changed_narration: tuple[int, ...] = (), redraw: bool = True
    ) -> None:
        """Titles, durations and change marks of every card; with ``redraw``, thumbnails of slides that changed."""
        if len(self.cards) != len(live_scenes(self.pipeline)):
            self.rebuild()
            return
        for i, scene in enumerate(live_scenes(self.pipeline)):
            t = scene_timing(self.pipeline, i)
            self.buttons[i].description = f"{i + 1}. {scene.title or scene.kind}"[:34]
            timing = f"{t.duration:.1f} s · from {clock(t.start)}" if t else "no audio yet"
            marks = []
            if i in changed_slides:
                marks.append("<span class='videogen-badge' title='the video shows the old slide'>slide changed</span>")
            if i in changed_narration:
                marks.append("<span class='videogen-badge' title='the audio says the old narration'>narration changed</span>")
            self.infos[i].value = f"<small class='videogen-muted'>{html.escape(scene.kind)} · {timing}</small>{''.join(marks)}"
            if marks:
                self.cards[i].add_class("videogen-changed")
            else:
                self.cards[i].remove_class("videogen-changed")
        if redraw:
            self.draw_thumbnails()

    def draw_thumbnails(self) -> None:
        """Show every thumbnail drawn already; draw the others (in a thread when ``background``)."""
        self._generation += 1
        missing = []
        for i in range(len(live_scenes(self.pipeline))):
            path = cached_thumbnail(self.pipeline, i, 2 * self.thumb_width)
            if path is not None:
                image_source(self.thumbnails[i], path)
            else:
                missing.append(i)
        if not missing:
            return
        if not self.background:
            self._draw(missing, self._generation)
            return
        self._thread = threading.Thread(target=self._draw, args=(missing, self._generation), daemon=True, name="videogen-thumbnails")
        self._thread.start()

    def _draw(self, indices: list[int], generation: int) -> None:
        # drawn at twice the shown width: crisp on high-density screens, still small as JPEG
        for i in indices:
            if generation != self._generation:
                return  # the scenes changed since: a newer pass draws them
            try:
                path = thumbnail(self.pipeline, i, 2 * self.thumb_width)
            except Exception as exc:  # a slide that cannot be drawn is said on its card, not raised in a thread
                if i < len(self.infos):
                    self.infos[i].value += f"<br><small class='videogen-error'>{html.escape(str(exc))[:200]}</small>"
                continue
            if generation == self._generation and i < len(self.thumbnails):
                image_source(self.thumbnails[i], path)

    def wait(self, timeout: float = 60) -> None:
        """Wait until every thumbnail is drawn (tests and benchmarks)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the chosen scene -------------------------------------------------------------------------------

    def say(self, html_text: str) -> None:
        self.message.value = html_text

    def select(self, index: int) -> None:
        """Show scene ``index`` large with its text to edit, and tell ``on_select`` (the editor seeks the video)."""
        self.show(index)
        if self.on_select is not None:
            self.on_select(index)

    def show(self, index: int) -> None:
        """Show scene ``index`` large, drawn at the width of the large view."""
        scene = self.pipeline.scenes[index]
        image_source(self.large, thumbnail(self.pipeline, index, self.large_width))
        self.large.layout.display = None
        self.caption.value = f"<b>{index + 1}. {html.escape(scene.title)}</b> <span class='videogen-muted'>({html.escape(scene.kind)})</span>"
        self.shown = index
        self.show_reveal(index)
        self.slide_editor.load(index)

    def show_reveal(self, index: int) -> None:
        """Under the large slide, the scene's reveal as a strip of its states (nothing for a slide that holds still)."""
        path = reveal_strip(self.pipeline, index)
        if path is None:
            self.strip.layout.display = "none"
            self.strip_caption.value = ""
            return
        image_source(self.strip, path)
        self.strip.layout.display = None
        timed = scene_timing(self.pipeline, index) is not None
        self.strip_caption.value = (
            "<small class='videogen-muted'>as it is spoken: each entry appears, the sentence or line said is marked"
            + ("" if timed else " (times once the audio has run)") + "</small>"
        )
