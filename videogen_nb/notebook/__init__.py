"""Notebook views of a pipeline (ipywidgets 8)."""

from .progress import WidgetProgress

__all__ = ["WidgetProgress"]
