"""Progress events: stages report, subscribers (tqdm, widgets, task state) listen."""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass, field
from typing import Callable, Literal, Optional

log = logging.getLogger("videogen_nb")

EventKind = Literal["started", "progress", "finished", "failed", "warning"]


@dataclass(frozen=True)
class Event:
    """One thing that happened in a stage."""

    kind: EventKind
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


class TqdmProgress:
    """A terminal progress bar per stage, with the item being worked on."""

    def __init__(self, file=None, leave: bool = True) -> None:
        self.file = file if file is not None else sys.stderr
        self.leave = leave
        self._bar = None

    def __call__(self, event: Event) -> None:
        from tqdm import tqdm

        if event.kind == "started":
            self._close()
            self._bar = tqdm(
                total=max(event.total, 1),
                desc=f"{event.stage:<6}",
                file=self.file,
                leave=self.leave,
                unit="step" if event.total <= 1 else "scene",
                bar_format="{desc} {bar:20} {n_fmt}/{total_fmt}{postfix}",
                dynamic_ncols=True,
            )
        elif event.kind == "progress" and self._bar is not None:
            if event.total and event.total != self._bar.total:
                self._bar.total = event.total
            self._bar.n = event.done
            self._bar.set_postfix_str(event.detail[:50], refresh=False)
            self._bar.refresh()
        elif event.kind == "finished" and self._bar is not None:
            self._bar.n = self._bar.total
            self._bar.set_postfix_str(event.message[:60], refresh=False)
            self._close()
        elif event.kind == "failed":
            # the error itself is printed by whoever catches it: one line, not a bar and a line
            if self._bar is not None:
                self._bar.leave = False
            self._close()
        elif event.kind == "warning":
            target = self._bar if self._bar is not None else None
            msg = f"warning ({event.stage}): {event.message}"
            if target is not None:
                target.write(msg, file=self.file)
            else:
                print(msg, file=self.file)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()
            self._bar.close()
            self._bar = None


class LineProgress:
    """One line per finished stage, for logs and pipes where a redrawn bar would be noise."""

    def __init__(self, file=None) -> None:
        self.file = file if file is not None else sys.stderr

    def __call__(self, event: Event) -> None:
        if event.kind == "finished":
            print(f"{event.stage:<6}  done  {event.message}", file=self.file, flush=True)
        elif event.kind == "warning":
            print(f"{event.stage:<6}  warning: {event.message}", file=self.file, flush=True)


def terminal_progress(file=None) -> Subscriber:
    """tqdm bars on an interactive terminal, plain lines when the output is piped."""
    stream = file if file is not None else sys.stderr
    return TqdmProgress(stream) if stream.isatty() else LineProgress(stream)


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where a widget bar beats a text bar)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and ip.__class__.__name__ == "ZMQInteractiveShell"


def default_progress() -> Optional[Subscriber]:
    """A widget bar in a notebook, tqdm on a terminal, nothing when piped."""
    if in_notebook():
        from .notebook.progress import WidgetProgress

        return WidgetProgress()
    if sys.stderr is not None and sys.stderr.isatty():
        return TqdmProgress()
    return None
