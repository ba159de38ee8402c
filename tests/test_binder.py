"""What Binder does, as far as this machine can: install from binder/ alone and run the quickstart."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r.strip(), maxsplit=1)[0].lower().replace("_", "-") for r in requirements if r.strip()}


def test_binder_requirements_cover_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["voice"]  # Binder speaks with the natural voice
    listed = [line for line in (BINDER / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert names(deps) <= names(listed)
    assert {"fonts-noto-cjk", "fonts-noto-color-emoji"} <= set((BINDER / "apt.txt").read_text().split())


@pytest.mark.slow
def test_fresh_venv_from_binder_files_runs_the_quickstart(tmp_path):
    # a copy of what git tracks, as Binder clones the repository
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    repo = tmp_path / "repo"
    for rel in tracked:
        src = ROOT / rel
        if src.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / rel)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)

    def run(cmd, cwd):
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    run(["pip", "install", "-q", "-r", "binder/requirements.txt"], repo)
    run(["bash", "binder/postBuild"], repo)
    script = (
        "import nbformat\n"
        "from nbclient import NotebookClient\n"
        "nb = nbformat.read('01_quickstart.ipynb', as_version=4)\n"
        "NotebookClient(nb, timeout=900, kernel_name='python3', resources={'metadata': {'path': '.'}}).execute()\n"
        "print('executed', sum(c.cell_type == 'code' for c in nb.cells), 'code cells')\n"
    )
    out = run(["python", "-c", script], repo / "notebooks")
    assert "executed" in out.stdout
    # Binder installed the voice extra, so the quickstart spoke with Piper's natural voice
    meta = json.loads((repo / "notebooks" / "build" / "quickstart" / "output" / "metadata.json").read_text())
    assert meta["engine"] == "piper" and meta["requested_engine"] == "auto"
    videos = list((repo / "notebooks" / "build" / "quickstart" / "output").glob("*.mp4"))
    assert len(videos) == 1 and videos[0].stat().st_size > 10_000
    # the venv's package is the installed copy, not this checkout
    where = run(["python", "-c", "import videogen_nb; print(videogen_nb.__file__)"], tmp_path).stdout
    assert str(venv) in where
