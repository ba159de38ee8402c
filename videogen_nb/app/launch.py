"""Serving the app with Voila: a one-cell notebook in the app's folder, and the Voila command that serves it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from ..errors import MissingExtraError
from ..notebook.media import ROOT_ENV, URL_ENV

NOTEBOOK = "videogen_app.ipynb"
#: what Voila may serve from the app's folder: the media the page shows and offers for download
SERVED = r".*[.](png|jpg|jpeg|mp4|vtt|srt|wav)"


def write_app_notebook(folder: Path) -> Path:
    """Write the notebook Voila shows: one cell that makes the app for ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cell = {
        "cell_type": "code", "execution_count": None, "id": "videogen-app", "metadata": {}, "outputs": [],
        "source": ["from videogen_nb.app import VideogenApp\n", "\n", "VideogenApp(\".\")"],
    }  # fmt: skip
    nb = {
        "cells": [cell],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = folder / NOTEBOOK
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def voila_command(folder: Path, port: int, theme: str = "light", open_browser: bool = False) -> list[str]:
    """The Voila command line serving the app in ``folder`` on ``port`` (localhost only)."""
    return [
        sys.executable, "-m", "voila", NOTEBOOK, f"--port={port}", "--Voila.ip=127.0.0.1", f"--theme={theme}",
        "--VoilaConfiguration.file_allowlist", SERVED, "--show_tracebacks=False",
        *([] if open_browser else ["--no-browser"]),
    ]  # fmt: skip


def serve(folder: Path, port: int = 8866, theme: str = "light", open_browser: bool = True, wait: bool = True) -> subprocess.Popen:
    """Run Voila on the app in ``folder``; with ``wait``, until it stops (Ctrl-C)."""
    try:
        import voila  # noqa: F401  (only to say clearly that it is missing)
    except ImportError:
        raise MissingExtraError("the app needs Voila: pip install 'videogen_nb[app]' (or pip install voila)") from None
    folder = Path(folder).absolute()
    write_app_notebook(folder)
    env = dict(os.environ)
    # the kernel makes media URLs Voila serves: files under the folder, at /voila/files/
    env[ROOT_ENV], env[URL_ENV] = str(folder), "/voila/files/"
    proc = subprocess.Popen(voila_command(folder, port, theme, open_browser), cwd=folder, env=env)
    if wait:
        try:
            proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait(10)
    return proc
