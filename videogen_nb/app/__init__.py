"""``videogen app``: a page for people who do not code, served by Voila.

Upload a document or paste Markdown, choose voice, theme and size, see the
slides, edit the narration, render, download the MP4 and its subtitles. The
page is :class:`VideogenApp`, an ipywidgets widget made of the notebook's live
editor; :func:`serve` runs Voila on a one-cell notebook that shows it.
"""

from .launch import serve, write_app_notebook
from .widget import SIZES, THEMES, VOICES, VideogenApp

__all__ = ["SIZES", "THEMES", "VOICES", "VideogenApp", "serve", "write_app_notebook"]
