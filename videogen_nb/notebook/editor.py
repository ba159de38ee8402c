"""The narration editor: one text area per scene, bound to ``p.scenes[i].narration``."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable, Optional

import ipywidgets as widgets

from ..errors import VideogenError
from .players import audio_player

if TYPE_CHECKING:
    from ..pipeline import Pipeline


class NarrationEditor(widgets.VBox):
    """Edit each scene's narration in place; re-synthesise one scene and hear it at once."""

    def __init__(self, pipeline: "Pipeline", on_change: Optional[Callable[[str], None]] = None) -> None:
        """``on_change("edit")`` follows every keystroke; ``on_change("audio")`` each audio run."""
        self.pipeline = pipeline
        self.on_change = on_change
        self.textareas: list[widgets.Textarea] = []
        self.buttons: list[widgets.Button] = []
        self.slots: list[widgets.Box] = []
        self.message = widgets.HTML()
        rows = []
        for i, scene in enumerate(pipeline.scenes):
            area = widgets.Textarea(
                value=scene.narration or "",
                placeholder="no narration yet: run p.script(), or write it here",
                continuous_update=True,  # the context follows as the user types
                layout=widgets.Layout(width="100%", height="5.5em"),
            )
            area.observe(lambda change, i=i: self._edited(i, change["new"]), names="value")
            button = widgets.Button(description="re-synthesise", icon="refresh", tooltip=f"speak scene {i + 1} again")
            button.on_click(lambda _b, i=i: self.resynthesize(i))
            slot = widgets.Box([audio_player(pipeline, i)])
            label = widgets.HTML(f"<b>{i + 1}. {html.escape(scene.title or scene.kind)}</b> "
                                 f"<small style='color:#64748b'>{html.escape(scene.scene_id)}</small>")  # fmt: skip
            self.textareas.append(area)
            self.buttons.append(button)
            self.slots.append(slot)
            rows.append(
                widgets.HBox(
                    [widgets.VBox([label, area], layout=widgets.Layout(flex="1 1 60%")),
                     widgets.VBox([button, slot], layout=widgets.Layout(flex="0 0 320px", margin="1.6em 0 0 12px"))],
                    layout=widgets.Layout(margin="0 0 10px 0"),
                )  # fmt: skip
            )
        super().__init__([self.message, *rows])

    def _edited(self, index: int, text: str) -> None:
        scene = self.pipeline.scenes[index]
        if scene.narration != text:
            scene.narration = text  # the context changes at once: audio, video, output go stale
            self.message.value = f"scene {index + 1} edited: press its re-synthesise button to hear it"
            self._changed("edit")

    def resynthesize(self, index: int) -> None:
        """Run the audio stage speaking scene ``index`` again; refresh its player."""
        self.buttons[index].disabled = True
        try:
            self.pipeline.audio(force=[index])
        except VideogenError as exc:
            self.message.value = f"<span style='color:#b91c1c'>{html.escape(str(exc))}</span>"
        else:
            report = self.pipeline.ctx.timing_report
            spoken = ", ".join(str(i + 1) for i in report.synthesized) or "none"
            self.message.value = f"synthesised scene(s) {spoken}; the others were reused from the cache"
            self.refresh_players()
        finally:
            self.buttons[index].disabled = False
            self._changed("audio")

    def refresh_players(self) -> None:
        """Put the current audio of every scene in its player."""
        for i, slot in enumerate(self.slots):
            slot.children = (audio_player(self.pipeline, i),)

    def _changed(self, what: str) -> None:
        if self.on_change is not None:
            self.on_change(what)
