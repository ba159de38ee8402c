"""Shared fixtures: small documents written for the tests, and ways to look inside an MP4."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest

from videogen_nb.render.encode import ffmpeg_exe

SMALL = (320, 180)


@pytest.fixture(autouse=True, scope="session")
def _private_config(tmp_path_factory):
    """Keep checkpoint keys and the speech cache out of the real home; subprocesses inherit the folders."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    mp.setenv("VIDEOGEN_CACHE_DIR", str(tmp_path_factory.mktemp("speech-cache")))
    mp.delenv("VIDEOGEN_CHECKPOINT_KEY", raising=False)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def speech_cache(tmp_path, monkeypatch) -> Path:
    """A speech cache of the test's own, so what one test synthesised is never reused by another."""
    folder = tmp_path / "speech-cache"
    monkeypatch.setenv("VIDEOGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def write_doc(tmp_path):
    """Write a dedented document into the test's folder and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def three_scene_doc(write_doc) -> Path:
    return write_doc(
        "three.md",
        """
        # Tiny Talk

        ## First point

        The first point is short.

        ## Second point

        - one item
        - another item
        """,
    )


def decode_frame(video: Path, t: float, size: tuple[int, int]) -> np.ndarray:
    """The RGB frame shown at time ``t`` as an array of shape (h, w, 3)."""
    w, h = size
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{t:.4f}", "-i", str(video), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, np.uint8).reshape(h, w, 3)


def decode_audio(video: Path, rate: int = 16000) -> np.ndarray:
    """The whole soundtrack as mono float samples at ``rate``."""
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:a:0", "-ac", "1", "-ar", str(rate),
         "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, "<i2").astype(np.float32) / 32768.0


def frame_times(video: Path) -> list[float]:
    """Presentation time of every video frame, read from the container."""
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    tb = None
    times = []
    for line in out.splitlines():
        if line.startswith("#tb 0:"):
            num, den = line.split(":", 1)[1].strip().split("/")
            tb = int(num) / int(den)
        elif line and not line.startswith("#"):
            times.append(int(line.split(",")[2]) * tb)
    return times
