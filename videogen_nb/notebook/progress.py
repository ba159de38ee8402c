"""A widget progress bar for stages run in a notebook cell."""

from __future__ import annotations

from ..events import Event


class WidgetProgress:
    """One bar per stage run: the stage's name, a bar, and the scene being worked on."""

    def __init__(self) -> None:
        self._box = None
        self._bar = None
        self._label = None

    def __call__(self, event: Event) -> None:
        import ipywidgets as w
        from IPython.display import display

        if event.kind == "started":
            self._bar = w.IntProgress(value=0, min=0, max=max(event.total, 1), description=event.stage,
                                      bar_style="info", layout=w.Layout(width="50%"))  # fmt: skip
            self._label = w.Label(value="starting")
            self._box = w.HBox([self._bar, self._label])
            display(self._box)
        elif self._bar is None:
            return
        elif event.kind == "progress":
            self._bar.max = max(event.total, 1)
            self._bar.value = min(event.done, self._bar.max)
            self._label.value = event.detail
        elif event.kind == "finished":
            self._bar.value = self._bar.max
            self._bar.bar_style = "success"
            self._label.value = event.message
        elif event.kind == "failed":
            self._bar.bar_style = "danger"
            self._label.value = f"failed: {event.message[:120]}"
        elif event.kind == "warning":
            self._label.value = f"warning: {event.message[:120]}"
