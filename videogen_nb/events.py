"""Progress events: stages report, displays listen.

Stages emit events on an :class:`EventBus`. Every display (a tqdm bar, plain
lines for logs, the notebook's widget bar, the seed API's task state) keeps
the same :class:`ProgressState`, updated by one state machine, and only
renders it its own way: the way rich's ``Progress`` renders one task state in
many columns. Which display a pipeline gets is the pipeline's choice.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass, field
from typing import Callable, Literal, Optional

log = logging.getLogger("videogen_nb")

#: "changed": the pipeline's content changed outside a stage (an edit, an undo): views redraw, bars ignore it
EventType = Literal["started", "progress", "finished", "failed", "warning", "changed"]


@dataclass(frozen=True)
class Event:
    """One thing that happened in a stage."""

    type: EventType
    stage: str
    message: str = ""
    done: int = 0
    total: int = 0
    detail: str = ""  # what is being worked on, e.g. "scene 3: Results"


Subscriber = Callable[[Event], None]


@dataclass
class EventBus:
    """Hands every event to every subscriber; a failing subscriber never stops a stage."""

    subscribers: list[Subscriber] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def subscribe(self, fn: Subscriber) -> Subscriber:
        self.subscribers.append(fn)
        return fn

    def unsubscribe(self, fn: Subscriber) -> None:
        if fn in self.subscribers:
            self.subscribers.remove(fn)

    def emit(self, event: Event) -> None:
        # stages report from worker threads; subscribers (tqdm, widgets) are not thread-safe
        with self._lock:
            for fn in list(self.subscribers):
                try:
                    fn(event)
                except Exception:  # a broken progress bar must not fail a render
                    log.debug("event subscriber %r failed", fn, exc_info=True)

    # shorthands used by stages
    def started(self, stage: str, total: int = 0, message: str = "") -> None:
        self.emit(Event("started", stage, message=message, total=total))

    def progress(self, stage: str, done: int, total: int, detail: str = "") -> None:
        self.emit(Event("progress", stage, done=done, total=total, detail=detail))

    def finished(self, stage: str, message: str = "") -> None:
        self.emit(Event("finished", stage, message=message))

    def failed(self, stage: str, message: str) -> None:
        self.emit(Event("failed", stage, message=message))

    def warning(self, stage: str, message: str) -> None:
        self.emit(Event("warning", stage, message=message))

    def changed(self, what: str, message: str = "", index: int = -1) -> None:
        """Something was edited (``what``: "edit", "revert", "undo", "scenes"); ``index``: the scene, -1 for many."""
        self.emit(Event("changed", what, message=message, done=index))


# --- one progress state, many ways to show it ---------------------------------------------

StageStatus = Literal["running", "done", "failed"]


@dataclass
class StageProgress:
    """Where one stage run is: running, done or failed; how far; what it is working on; how it ended."""

    stage: str
    status: StageStatus = "running"
    done: int = 0
    total: int = 1
    detail: str = ""
    message: str = ""  # the summary when done, the reason when failed

    @property
    def fraction(self) -> float:
        return 1.0 if self.status == "done" else min(1.0, self.done / self.total) if self.total else 0.0


@dataclass
class ProgressState:
    """Every stage seen so far and the one running: what all progress displays show."""

    stages: dict[str, StageProgress] = field(default_factory=dict)
    current: Optional[str] = None
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def apply(self, event: Event) -> Optional[StageProgress]:
        """Update the state with ``event``; return the stage it concerns (None for a warning)."""
        if event.type == "warning":
            self.warnings.append((event.stage, event.message))
            return None
        if event.type == "changed":
            return None  # an edit is no stage: nothing to show on a bar
        if event.type == "started" or event.stage not in self.stages:
            self.stages[event.stage] = StageProgress(event.stage, total=max(event.total, 1))
            self.current = event.stage
        task = self.stages[event.stage]
        if event.type == "progress":
            task.total = max(event.total, 1) if event.total else task.total
            task.done = min(event.done, task.total)
            task.detail = event.detail
        elif event.type == "finished":
            task.status, task.done, task.message = "done", task.total, event.message
        elif event.type == "failed":
            task.status, task.message = "failed", event.message
        if task.status != "running" and self.current == task.stage:
            self.current = None
        return task


class ProgressDisplay:
    """A subscriber that keeps a :class:`ProgressState` and shows it; subclasses say how.

    ``show(task, started)`` is called after every change to a stage
    (``started`` on its first event of a run); ``show_warning`` for warnings.
    """

    def __init__(self) -> None:
        self.state = ProgressState()

    def __call__(self, event: Event) -> None:
        task = self.state.apply(event)
        if task is None:
            if event.type == "warning":
                self.show_warning(event.stage, event.message)
        else:
            self.show(task, started=event.type == "started")

    def show(self, task: StageProgress, started: bool) -> None:
        raise NotImplementedError

    def show_warning(self, stage: str, message: str) -> None:
        pass


class TqdmProgress(ProgressDisplay):
    """A terminal progress bar per stage, with the item being worked on."""

    def __init__(self, file=None, leave: bool = True) -> None:
        super().__init__()
        self.file = file if file is not None else sys.stderr
        self.leave = leave
        self._bar = None

    def show(self, task: StageProgress, started: bool) -> None:
        from tqdm import tqdm

        if started:
            self._close()
            self._bar = tqdm(
                total=task.total,
                desc=f"{task.stage:<6}",
                file=self.file,
                leave=self.leave,
                unit="step" if task.total <= 1 else "scene",
                bar_format="{desc} {bar:20} {n_fmt}/{total_fmt}{postfix}",
                dynamic_ncols=True,
            )
        bar = self._bar
        if bar is None:
            return
        bar.total, bar.n = task.total, task.done
        if task.status == "failed":
            # the error itself is printed by whoever catches it: one line, not a bar and a line
            bar.leave = False
            self._close()
            return
        bar.set_postfix_str((task.message if task.status == "done" else task.detail)[:60], refresh=False)
        if task.status == "done":
            self._close()
        else:
            bar.refresh()

    def show_warning(self, stage: str, message: str) -> None:
        msg = f"warning ({stage}): {message}"
        if self._bar is not None:
            self._bar.write(msg, file=self.file)
        else:
            print(msg, file=self.file)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()
            self._bar.close()
            self._bar = None


class LineProgress(ProgressDisplay):
    """One line per finished stage, for logs and pipes where a redrawn bar would be noise."""

    def __init__(self, file=None) -> None:
        super().__init__()
        self.file = file if file is not None else sys.stderr

    def show(self, task: StageProgress, started: bool) -> None:
        if task.status == "done":
            print(f"{task.stage:<6}  done  {task.message}", file=self.file, flush=True)

    def show_warning(self, stage: str, message: str) -> None:
        print(f"{stage:<6}  warning: {message}", file=self.file, flush=True)


def terminal_progress(file=None) -> ProgressDisplay:
    """tqdm bars on an interactive terminal, plain lines when the output is piped."""
    stream = file if file is not None else sys.stderr
    return TqdmProgress(stream) if stream.isatty() else LineProgress(stream)
