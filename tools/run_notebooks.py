"""Execute the notebooks in place and strip widget state, so they are committed small and readable.

    python tools/run_notebooks.py [notebooks/01_quickstart.ipynb ...]

Widget state (players embed the audio and video bytes) would make each notebook megabytes;
the outputs that stay are tables, prints and images, which render on GitHub.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widgets(nb: nbformat.NotebookNode) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        # a widget's text fallback ("HBox(children=...)") is noise without the widget
        cell["outputs"] = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]


def main(paths: list[str]) -> int:
    root = Path(__file__).resolve().parents[1] / "notebooks"
    targets = [Path(p) for p in paths] or sorted(root.glob("[0-9][0-9]_*.ipynb"))
    # stored outputs must be what a fresh checkout produces (caches change "synthesised" lists)
    shutil.rmtree(root / "build", ignore_errors=True)
    for path in targets:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        strip_widgets(nb)
        nbformat.write(nb, path)
        print(f"{path}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
