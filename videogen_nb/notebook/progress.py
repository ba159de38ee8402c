"""A widget progress bar for stages run in a notebook cell."""

from __future__ import annotations

from ..events import ProgressDisplay, StageProgress


def running_a_cell() -> bool:
    """True while the kernel runs a cell; False in a widget's callback (a click), whose output has no cell.

    Something displayed from a callback lands in JupyterLab's log console as
    text (``HBox(children=(IntProgress(...``): the live editor shows that
    progress itself.
    """
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent("shell") if kernel is not None else None
    except Exception:
        return True
    if not parent:
        return True
    return parent.get("header", {}).get("msg_type", "execute_request") == "execute_request"


class WidgetProgress(ProgressDisplay):
    """One bar per stage run: the stage's name, a bar, and the scene being worked on."""

    def __init__(self) -> None:
        super().__init__()
        self._box = None
        self._bar = None
        self._label = None

    def show(self, task: StageProgress, started: bool) -> None:
        import ipywidgets as w
        from IPython.display import display

        if started:
            if not running_a_cell():
                self._bar = None  # a click in a widget: the widget shows its own progress
                return
            self._bar = w.IntProgress(value=0, min=0, max=task.total, description=task.stage,
                                      bar_style="info", layout=w.Layout(width="50%"))  # fmt: skip
            self._label = w.Label(value="starting")
            self._box = w.HBox([self._bar, self._label])
            display(self._box)
        if self._bar is None:
            return
        self._bar.max = task.total
        self._bar.value = task.done
        if task.status == "done":
            self._bar.bar_style = "success"
            self._label.value = task.message
        elif task.status == "failed":
            self._bar.bar_style = "danger"
            self._label.value = f"failed: {task.message[:120]}"
        elif not started:
            self._label.value = task.detail

    def show_warning(self, stage: str, message: str) -> None:
        if self._label is not None:
            self._label.value = f"warning: {message[:120]}"
