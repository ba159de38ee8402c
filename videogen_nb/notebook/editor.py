"""The narration editor: one text area per scene, bound to the scene's narration through ``p.edit``."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable, Optional

import ipywidgets as widgets

from ..errors import VideogenError
from .players import live_scenes, audio_player, scene_timing
from .timing import FAST_WPM, SLOW_WPM

if TYPE_CHECKING:
    from ..pipeline import Pipeline

#: words a minute assumed before a scene has been spoken (espeak's default rate is about this)
DEFAULT_WPM = 160.0


def speaking_rate(pipeline: "Pipeline", index: int) -> float:
    """Words a minute the engine speaks this scene at: measured on its last clip, else on all, else a default."""
    t = scene_timing(pipeline, index)
    if t is not None and t.words >= 3 and t.audio_duration > 0:
        return t.words_per_minute
    report = pipeline.ctx.timing_report
    if report is not None:
        words = sum(s.words for s in report.scenes)
        seconds = sum(s.audio_duration for s in report.scenes)
        if words >= 3 and seconds > 0:
            return 60.0 * words / seconds
    return DEFAULT_WPM


def narration_stats(pipeline: "Pipeline", index: int, text: str) -> str:
    """``"23 words · ≈ 8.4 s at 165 wpm"``, with the pace flagged if the last clip was too fast or too slow."""
    words = len(text.split())  # as the audio stage counts them
    wpm = speaking_rate(pipeline, index)
    seconds = 60.0 * words / wpm if wpm else 0.0
    out = f"{words} word{'' if words == 1 else 's'} · ≈ {seconds:.1f} s at {wpm:.0f} wpm"
    t = scene_timing(pipeline, index)
    if t is not None and t.words >= 3:
        pace = t.words_per_minute
        if pace > FAST_WPM or pace < SLOW_WPM:
            out += f" · <span class='videogen-error'>last clip {pace:.0f} wpm: too {'fast' if pace > FAST_WPM else 'slow'}</span>"
    return out


class NarrationEditor(widgets.VBox):
    """Edit each scene's narration in place (``p.edit``); revert it to the template; speak one scene again."""

    def __init__(
        self, pipeline: "Pipeline", on_change: Optional[Callable[[str], None]] = None,
        on_select: Optional[Callable[[int], None]] = None,
    ) -> None:  # fmt: skip
        """``on_change("edit")`` follows every keystroke; ``on_change("audio")`` each audio run from here."""
        self.pipeline = pipeline
        self.on_change = on_change
        self.on_select = on_select
        self.message = widgets.HTML()
        self._syncing = False
        super().__init__()
        self.rebuild()

    def rebuild(self) -> None:
        """One row per scene (after parse, or when scenes were added or removed)."""
        self.textareas: list[widgets.Textarea] = []
        self.buttons: list[widgets.Button] = []
        self.reverts: list[widgets.Button] = []
        self.stats: list[widgets.HTML] = []
        self.labels: list[widgets.Button] = []
        self.slots: list[widgets.Box] = []
        rows = []
        for i, scene in enumerate(live_scenes(self.pipeline)):
            area = widgets.Textarea(
                value=scene.narration or "",
                placeholder="no narration yet: run p.script(), or write it here",
                continuous_update=True,  # the scene follows as the user types
                layout=widgets.Layout(width="100%", height="5.5em"),
            )
            area.observe(lambda change, i=i: self._edited(i, change["new"]), names="value")
            button = widgets.Button(description="re-synthesise", icon="refresh", tooltip=f"p.resynthesize({i})",
                                    layout=widgets.Layout(width="auto"))  # fmt: skip
            button.on_click(lambda _b, i=i: self.resynthesize(i))
            revert = widgets.Button(description="template", icon="undo", tooltip=f"p.revert({i}): the narration written from the slide",
                                    layout=widgets.Layout(width="auto"))  # fmt: skip
            revert.on_click(lambda _b, i=i: self.revert(i))
            label = widgets.Button(description=f"{i + 1}. {scene.title or scene.kind}"[:60], tooltip="play the video from this scene",
                                   layout=widgets.Layout(width="auto", max_width="100%"))  # fmt: skip
            label.on_click(lambda _b, i=i: self._select(i))
            stats = widgets.HTML()
            stats.add_class("videogen-stats")
            slot = widgets.Box([audio_player(self.pipeline, i)], layout=widgets.Layout(width="100%"))
            self.textareas.append(area)
            self.buttons.append(button)
            self.reverts.append(revert)
            self.labels.append(label)
            self.stats.append(stats)
            self.slots.append(slot)
            row = widgets.HBox(
                [widgets.VBox([label, area, stats], layout=widgets.Layout(flex="1 1 60%", min_width="0")),
                 widgets.VBox([widgets.HBox([button, revert]), slot], layout=widgets.Layout(flex="0 0 300px", margin="2.2em 0 0 12px"))],
                layout=widgets.Layout(margin="0 0 10px 0", flex_flow="row wrap"),
            )  # fmt: skip
            row.add_class("videogen-row")
            rows.append(row)
            self._stats(i)
        self.children = (self.message, *rows)

    def _stats(self, index: int) -> None:
        self.stats[index].value = f"<span class='videogen-muted'>{narration_stats(self.pipeline, index, self.textareas[index].value)}</span>"

    def _edited(self, index: int, text: str) -> None:
        if self._syncing:
            return
        scene = self.pipeline.scenes[index]
        self._stats(index)
        if scene.narration != text:
            self.pipeline.edit(index, narration=text)  # audio, video, output go stale; undoable
            self.message.value = f"scene {index + 1} edited: press Render, or its re-synthesise button to hear it"
            self._changed("edit")

    def sync(self, index: Optional[int] = None) -> None:
        """Show the scenes' narration as it is now (after an edit from code, an undo, a revert)."""
        if len(self.textareas) != len(live_scenes(self.pipeline)):
            self.rebuild()
            return
        self._syncing = True
        try:
            for i in range(len(self.textareas)) if index is None or index < 0 else [index]:
                value = self.pipeline.scenes[i].narration or ""
                if self.textareas[i].value != value:
                    self.textareas[i].value = value
                self._stats(i)
        finally:
            self._syncing = False

    def revert(self, index: int) -> None:
        """Put the template narration back (``p.revert``)."""
        try:
            self.pipeline.revert(index)
        except (VideogenError, ValueError) as exc:
            self.message.value = f"<span class='videogen-error'>{html.escape(str(exc))}</span>"
            return
        self.sync(index)
        self.message.value = f"scene {index + 1}: the template narration is back (Undo takes it back)"
        self._changed("edit")

    def resynthesize(self, index: int) -> None:
        """Run the audio stage speaking scene ``index`` again; refresh its player."""
        self.buttons[index].disabled = True
        try:
            self.pipeline.resynthesize(index)
        except VideogenError as exc:
            self.message.value = f"<span class='videogen-error'>{html.escape(str(exc))}</span>"
        else:
            report = self.pipeline.ctx.timing_report
            spoken = ", ".join(str(i + 1) for i in report.synthesized) or "none"
            self.message.value = f"synthesised scene(s) {spoken}; the others were reused from the cache"
            self.refresh_players()
        finally:
            self.buttons[index].disabled = False
            self._changed("audio")

    def refresh_players(self) -> None:
        """Put the current audio of every scene in its player, and its numbers under its text."""
        if len(self.slots) != len(live_scenes(self.pipeline)):
            self.rebuild()
            return
        for i, slot in enumerate(self.slots):
            slot.children = (audio_player(self.pipeline, i),)
            self._stats(i)

    def _select(self, index: int) -> None:
        if self.on_select is not None:
            self.on_select(index)

    def _changed(self, what: str) -> None:
        if self.on_change is not None:
            self.on_change(what)
