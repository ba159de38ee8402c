"""Progress across a batch: each video (its stage and how far), and the batch overall.

The workers send each pipeline's progress as small messages (see
:class:`~.worker.ForwardProgress`); :class:`BatchProgress` keeps the state
of every video and hands each change to a display: bars on a terminal, one
line per event in a log, a widget in a notebook.
"""

from __future__ import annotations

import html
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from .models import STATUS_COLOURS, VideoResult, clock


@dataclass
class VideoProgress:
    """Where one video is: queued, running (which stage, how far, on which worker), or how it ended."""

    name: str
    stages: int
    state: str = "queued"  # queued, running, rendered, unchanged, failed
    stage: str = ""
    done: int = 0
    total: int = 1
    detail: str = ""
    worker: str = ""
    finished_stages: set[str] = field(default_factory=set)
    result: Optional[VideoResult] = None

    @property
    def fraction(self) -> float:
        """How far the video is, over all its stages (1 when it ended)."""
        if self.state not in ("queued", "running"):
            return 1.0
        current = 0.0 if self.stage in self.finished_stages or not self.stage else min(1.0, self.done / max(self.total, 1))
        return min(1.0, (len(self.finished_stages) + current) / max(self.stages, 1))


class BatchDisplay:
    """Shows a batch's progress; subclasses say how. Called under the state's lock, one change at a time."""

    def started(self, state: "BatchProgress") -> None:
        pass

    def changed(self, state: "BatchProgress", video: VideoProgress) -> None:
        pass

    def finished(self, state: "BatchProgress", video: VideoProgress) -> None:
        pass

    def close(self, state: "BatchProgress") -> None:
        pass


class BatchProgress:
    """The state of every video of a batch, updated from the workers' messages and the results."""

    def __init__(self, names: list[str], stages: int, display: Optional[BatchDisplay] = None) -> None:
        self.videos = {n: VideoProgress(n, stages) for n in names}
        self.display = display or BatchDisplay()
        self.started_at = time.monotonic()
        self._lock = threading.Lock()
        with self._lock:
            self.display.started(self)

    @property
    def total(self) -> int:
        return len(self.videos)

    def count(self, *states: str) -> int:
        return sum(v.state in states for v in self.videos.values())

    @property
    def ended(self) -> int:
        return self.count("rendered", "unchanged", "failed")

    @property
    def fraction(self) -> float:
        return sum(v.fraction for v in self.videos.values()) / max(self.total, 1)

    def message(self, msg: dict[str, Any]) -> None:
        """A worker's message about one video: it began, or one of its stages moved."""
        with self._lock:
            v = self.videos.get(str(msg.get("video")))
            if v is None or v.state not in ("queued", "running"):
                return  # late news of a video that already ended
            if msg.get("event") == "begin":
                v.state, v.worker = "running", str(msg.get("worker", ""))
            elif msg.get("event") == "stage":
                v.state = "running"
                v.stage, v.detail = str(msg.get("stage", "")), str(msg.get("detail", ""))
                v.done, v.total = int(msg.get("done", 0)), int(msg.get("total", 1))
                if msg.get("status") == "done":
                    v.finished_stages.add(v.stage)
            self.display.changed(self, v)

    def finish(self, result: VideoResult) -> None:
        """A video ended (made, unchanged or failed)."""
        with self._lock:
            v = self.videos[result.name]
            v.state, v.result = result.status, result
            v.worker = result.worker or v.worker
            self.display.finished(self, v)

    def close(self) -> None:
        with self._lock:
            self.display.close(self)

    def __repr__(self) -> str:
        return (
            f"<BatchProgress {self.ended}/{self.total} ended ({self.count('failed')} failed), "
            f"{self.count('running')} running, {self.fraction:.0%}>"
        )


def outcome(v: VideoProgress) -> str:
    """One line on how a video ended."""
    r = v.result
    if r is None:
        return v.state
    if not r.ok:
        return f"FAILED {v.name} ({r.origin}): {r.error}"
    on = f" on {r.worker}" if r.worker else ""
    made = f"{r.seconds:.1f} s{on}" if r.status == "rendered" else "up to date, not made again"
    return f"{r.status} {v.name}: {clock(r.duration)} of video, {r.scenes} scenes ({made})"


class BatchBars(BatchDisplay):
    """On a terminal: a bar for the batch, a bar for each video being made, a line as each one ends."""

    def __init__(self, file=None) -> None:
        self.file = file if file is not None else sys.stderr
        self._overall = None
        self._bars: dict[str, tuple[Any, int]] = {}  # name -> (bar, line)

    def started(self, state: BatchProgress) -> None:
        from tqdm import tqdm

        self._overall = tqdm(total=state.total, desc="videos", unit="video", file=self.file, position=0,
                             bar_format="{desc} {bar:20} {n_fmt}/{total_fmt} [{elapsed}]{postfix}", dynamic_ncols=True)  # fmt: skip

    def changed(self, state: BatchProgress, video: VideoProgress) -> None:
        from tqdm import tqdm

        if video.name not in self._bars:
            used = {pos for _, pos in self._bars.values()}
            pos = next(k for k in range(1, len(used) + 2) if k not in used)  # the lowest free line under the batch's bar
            bar = tqdm(total=100, desc=f"  {video.name[:22]:<22}", file=self.file, position=pos, leave=False,
                       bar_format="{desc} {bar:20} {percentage:3.0f}%{postfix}", dynamic_ncols=True)  # fmt: skip
            self._bars[video.name] = (bar, pos)
        bar = self._bars[video.name][0]
        bar.n = round(100 * video.fraction)
        bar.set_postfix_str(f"{video.stage} {video.detail}"[:50], refresh=False)
        bar.refresh()

    def finished(self, state: BatchProgress, video: VideoProgress) -> None:
        bar, _ = self._bars.pop(video.name, (None, 0))
        if bar is not None:
            bar.close()
        if self._overall is not None:
            self._overall.write(f"  {outcome(video)}", file=self.file)
            self._overall.n = state.ended
            failed = state.count("failed")
            self._overall.set_postfix_str(f"{failed} failed" if failed else "", refresh=False)
            self._overall.refresh()

    def close(self, state: BatchProgress) -> None:
        for bar, _ in self._bars.values():
            bar.close()
        self._bars.clear()
        if self._overall is not None:
            self._overall.close()


class BatchLines(BatchDisplay):
    """In a log or a pipe: a line when a video starts, when each of its stages ends, and when it ends."""

    def __init__(self, file=None) -> None:
        self.file = file if file is not None else sys.stderr
        self._seen: set[tuple[str, str]] = set()

    def _print(self, text: str) -> None:
        print(text, file=self.file, flush=True)

    def changed(self, state: BatchProgress, video: VideoProgress) -> None:
        if ("begin", video.name) not in self._seen and video.state == "running":
            self._seen.add(("begin", video.name))
            self._print(f"{video.name}: started{' on ' + video.worker if video.worker else ''}")
        for stage in video.finished_stages:
            if (stage, video.name) not in self._seen:
                self._seen.add((stage, video.name))
                self._print(f"{video.name}: {stage} done")

    def finished(self, state: BatchProgress, video: VideoProgress) -> None:
        self._print(f"[{state.ended}/{state.total}] {outcome(video)}")


class BatchWidget(BatchDisplay):
    """In a notebook: a bar for the batch and a table of the videos, each with its stage and a bar."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self._last = 0.0

    def started(self, state: BatchProgress) -> None:
        import ipywidgets as w
        from IPython.display import display

        self._bar = w.IntProgress(value=0, min=0, max=state.total, description="videos", bar_style="info")
        self._label = w.Label(value=f"0/{state.total}")
        self._table = w.HTML()
        self._render(state)
        display(w.VBox([w.HBox([self._bar, self._label]), self._table]))

    def _render(self, state: BatchProgress, force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        rows = []
        for v in state.videos.values():
            colour = STATUS_COLOURS.get(v.state, "#64748b")
            what = html.escape(v.result.error if v.result is not None and v.result.error else f"{v.stage} {v.detail}".strip())
            rows.append(
                f"<tr><td><code>{html.escape(v.name)}</code></td><td style='color:{colour}'>{v.state}</td>"
                f"<td><progress value='{v.fraction:.3f}' max='1'></progress></td>"
                f"<td style='text-align:left'>{what[:160]}</td><td>{html.escape(v.worker)}</td></tr>"
            )
        self._table.value = "<table><tr><th>video</th><th>status</th><th></th><th></th><th>worker</th></tr>" + "".join(rows) + "</table>"
        self._bar.value = state.ended
        failed = state.count("failed")
        self._label.value = f"{state.ended}/{state.total} ended" + (f", {failed} failed" if failed else "")
        self._bar.bar_style = "danger" if failed else ("success" if state.ended == state.total else "info")

    def changed(self, state: BatchProgress, video: VideoProgress) -> None:
        self._render(state, force=False)

    def finished(self, state: BatchProgress, video: VideoProgress) -> None:
        self._render(state)

    def close(self, state: BatchProgress) -> None:
        self._render(state)


def auto_display(progress: Any) -> BatchDisplay:
    """``"auto"``: a widget in a notebook, bars on a terminal, lines in a pipe; None: nothing; or the display given."""
    if isinstance(progress, BatchDisplay):
        return progress
    if progress is None:
        return BatchDisplay()
    from ..pipeline import in_notebook

    if in_notebook():
        return BatchWidget()
    return BatchBars() if sys.stderr is not None and sys.stderr.isatty() else BatchLines()
