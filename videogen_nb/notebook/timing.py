"""The timing chart: every scene on the timeline, its speech inside it, its speaking rate."""

from __future__ import annotations

import io
from typing import Mapping, Optional, Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..models import SceneConfig, SceneTiming, TimingReport

#: comfortable narration is about 130-170 words a minute; outside these it is hard to follow
FAST_WPM = 210.0
SLOW_WPM = 90.0


def pace_flag(timing: SceneTiming, fast: float = FAST_WPM, slow: float = SLOW_WPM) -> Optional[str]:
    """``"too fast"`` or ``"too slow"`` if the scene's speaking rate is out of bounds, else None."""
    if timing.words < 3 or timing.audio_duration <= 0:
        return None  # a title of two words says nothing about pace
    wpm = timing.words_per_minute
    if wpm > fast:
        return "too fast"
    if wpm < slow:
        return "too slow"
    return None


class TimingFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in any notebook, pyplot or not."""

    #: indices of the scenes whose narration is too fast or too slow
    flagged: list[int] = []

    def _repr_png_(self) -> bytes:
        return self.to_png()

    def to_png(self, dpi: int = 100) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()


#: the chart's colours; a view may pass others (the editor passes ones it maps to the notebook's theme)
COLOURS = {"text": "#1e293b", "muted": "#334155", "slide": "#cbd5e1", "edge": "#64748b", "speech": "#2563eb",
           "flag": "#dc2626", "grid": "#94a3b8", "reveal": "#f59e0b"}  # fmt: skip


def timing_chart(
    report: TimingReport,
    scenes: Optional[Sequence[SceneConfig]] = None,
    fast_wpm: float = FAST_WPM,
    slow_wpm: float = SLOW_WPM,
    colours: Optional[dict[str, str]] = None,
    reveals: Optional[Mapping[int, Sequence[float]]] = None,
) -> TimingFigure:
    """One bar per scene along the timeline (slide time), its speech drawn inside, pace flagged; ``reveals``: for
    a scene index, the times (s) its entries appear or its marker moves, drawn as ticks across its bar."""
    c = {**COLOURS, **(colours or {})}
    n = len(report.scenes)
    fig = TimingFigure(figsize=(10, 1.2 + 0.42 * max(n, 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.tick_params(colors=c["text"])
    for spine in ax.spines.values():
        spine.set_color(c["edge"])
    titles = [t.title or t.scene_id for t in report.scenes]
    if scenes is not None and len(scenes) == n:
        titles = [s.title or s.scene_id for s in scenes]
    flagged = []
    for row, t in enumerate(report.scenes):
        flag = pace_flag(t, fast_wpm, slow_wpm)
        y = n - 1 - row  # first scene on top
        slide = ax.barh(y, t.end - t.start, left=t.start, height=0.7, color=c["slide"], edgecolor=c["edge"])
        slide.patches[0].set_gid(f"scene-{t.index}")
        speech = ax.barh(
            y, t.audio_duration, left=t.audio_start, height=0.4, color=c["flag"] if flag else c["speech"]
        )
        speech.patches[0].set_gid(f"audio-{t.index}")
        label = f"{t.words_per_minute:.0f} wpm" + (f"  {flag.upper()}" if flag else "")
        ax.text(t.end + 0.15, y, label, va="center", fontsize=8, color=c["flag"] if flag else c["muted"],
                fontweight="bold" if flag else "normal", gid=f"pace-{t.index}")  # fmt: skip
        if flag:
            flagged.append(t.index)
        times = list((reveals or {}).get(row, ()))
        if times:
            ax.vlines(times, y - 0.36, y + 0.36, colors=c["reveal"], linewidth=1.6, gid=f"reveal-{t.index}")
    ax.set_yticks(range(n), [f"{i + 1}. {title[:28]}" for i, title in reversed(list(enumerate(titles)))])
    ax.set_xlabel("time in the video (s)", color=c["text"])
    ax.set_xlim(0, report.total_duration * 1.12 + 1)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="x", alpha=0.3, color=c["grid"])
    ax.set_title(
        f"{n} scenes, {report.total_duration:.1f} s ({report.engine}, {report.voice})"
        + (f": {len(flagged)} flagged" if flagged else ""),
        color=c["text"],
    )
    # below the axes, so it never hides the last scene's bar
    fig.legend(
        handles=[Patch(color=c["slide"], label="slide on screen"), Patch(color=c["speech"], label="narration"),
                 Patch(color=c["flag"], label=f"pace outside {slow_wpm:.0f}-{fast_wpm:.0f} wpm")]
        + ([Patch(color=c["reveal"], label="an entry appears / the mark moves")] if reveals else []),
        loc="outside lower center", ncols=4 if reveals else 3, fontsize=8, frameon=False, labelcolor=c["text"],
    )  # fmt: skip
    fig.flagged = flagged
    return fig
