"""The timing chart in the editor: an SVG in the notebook's theme colours, whose bars seek the video."""

from __future__ import annotations

import io
from typing import Callable, Mapping, Optional, Sequence

import anywidget
import matplotlib
import traitlets

from ..models import SceneConfig, TimingReport
from .timing import timing_chart

# Colours drawn with sentinels, then swapped in the SVG for the notebook's theme variables: one chart
# reads well on JupyterLab's light and dark themes (and follows a switch without being drawn again).
_THEMED = {
    "text": ("#010203", "var(--jp-ui-font-color1, #1e293b)"),
    "muted": ("#040506", "var(--jp-ui-font-color2, #334155)"),
    "slide": ("#070809", "var(--jp-layout-color3, #cbd5e1)"),
    "edge": ("#0a0b0c", "var(--jp-border-color1, #64748b)"),
    "grid": ("#0d0e0f", "var(--jp-border-color2, #94a3b8)"),
}


def chart_svg(
    report: TimingReport, scenes: Optional[Sequence[SceneConfig]] = None, reveals: Optional[Mapping[int, Sequence[float]]] = None
) -> tuple[str, list[int]]:
    """(SVG text, flagged scenes): the timing chart with transparent background and themed colours."""
    fig = timing_chart(report, scenes, colours={k: sentinel for k, (sentinel, _css) in _THEMED.items()}, reveals=reveals)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "videogen"}):
        fig.savefig(buf, format="svg", transparent=True, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML prolog or doctype inside HTML
    for sentinel, css in _THEMED.values():
        svg = svg.replace(sentinel, css)
    return svg, list(fig.flagged)


_ESM = """
function render({ model, el }) {
  el.classList.add("videogen-chart");
  const box = document.createElement("div");
  const note = document.createElement("div");
  el.append(note, box);
  const draw = () => {
    box.innerHTML = model.get("svg");
    const svg = box.querySelector("svg");
    if (svg) { svg.removeAttribute("width"); svg.removeAttribute("height");
               svg.style.width = "100%"; svg.style.maxWidth = "1000px"; svg.style.height = "auto"; }
    box.querySelectorAll('[id^="scene-"], [id^="audio-"], [id^="pace-"]').forEach((g) => {
      g.style.cursor = "pointer";
      const t = document.createElementNS("http://www.w3.org/2000/svg", "title");
      t.textContent = "play from scene " + (parseInt(g.id.split("-")[1]) + 1);
      g.prepend(t);
    });
  };
  const showNote = () => {
    note.textContent = model.get("note");
    note.className = model.get("stale") ? "videogen-banner" : "videogen-muted";
  };
  box.addEventListener("click", (e) => {
    const g = e.target.closest('[id^="scene-"], [id^="audio-"], [id^="pace-"]');
    if (g) model.send({ event: "seek", index: parseInt(g.id.split("-")[1]) });
  });
  model.on("change:svg", draw);
  model.on("change:note", showNote);
  model.on("change:stale", showNote);
  draw();
  showNote();
}
export default { render };
"""


class ChartView(anywidget.AnyWidget):
    """The timing chart; a click on a scene's bar calls ``on_click(index)`` (the editor seeks the video there)."""

    _esm = _ESM
    svg = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    stale = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_click: Optional[Callable[[int], None]] = None, **kw) -> None:
        super().__init__(**kw)
        self.add_class("videogen-timing-chart")
        self.on_click = on_click
        self.flagged: list[int] = []
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "seek":
            self.click(int(content["index"]))

    def click(self, index: int) -> None:
        """What a click on scene ``index``'s bar does."""
        if self.on_click is not None:
            self.on_click(index)

    def show(
        self, report: Optional[TimingReport], scenes: Optional[Sequence[SceneConfig]] = None,
        reveals: Optional[Mapping[int, Sequence[float]]] = None,
    ) -> None:  # fmt: skip
        """Draw the chart of ``report`` (None: no audio yet, say what to run); ``reveals``: when each scene's entries
        appear (ticks on its bar)."""
        if report is None or not report.scenes:
            self.svg, self.flagged = "", []
            self.note = "no timing yet: run p.audio(), or press Render"
            return
        self.svg, self.flagged = chart_svg(report, scenes, reveals)
        self.note = "click a bar to play the video from there"
