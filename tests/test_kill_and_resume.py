"""``kill -9`` in the middle of a stage, then ``--resume``: the same video as a run that was never stopped.

Each test starts ``videogen build`` in a process of its own, waits until the
stage is at work (its files appear in the work folder), kills the process with
SIGKILL, and resumes. The resumed video must have the frame count of an
uninterrupted build and decode without a single error; no temporary file may
be left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import decode_errors
from videogen_nb.atomic import stray_temporaries
from videogen_nb.ffmpeg import probe

pytestmark = pytest.mark.slow

DOC = "# Killed Talk\n\n" + "".join(
    f"## Point {i}\n\nThis is point number {i}, said in a sentence or two so that speaking it takes a moment.\n\n"
    for i in range(10)
)
# espeak: the same voice in every process and run (Piper's varies a little from one synthesis to the next,
# and each test has a speech cache of its own), so frame counts can be compared with the reference build
SIZE = ["--resolution", "320x180", "--tts", "espeak"]

# a plug-in that makes the first checkpoint write stop halfway, where a kill would find it
HALF_WRITE = '''
import sys, time
from videogen_nb import checkpoint
from videogen_nb.atomic import temporary_sibling

def half_then_hang(path, data):
    tmp = temporary_sibling(path)
    with open(tmp, "wb") as fh:
        fh.write(data[: len(data) // 2])
        fh.flush()
    print("HALF-WRITTEN", tmp, file=sys.stderr, flush=True)
    time.sleep(120)

checkpoint.atomic_write_bytes = half_then_hang
'''


def build(doc: Path, out: Path, *extra: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "videogen_nb", "build", str(doc), "-o", str(out), *SIZE, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw,
    )  # fmt: skip


def frames(video: Path) -> int:
    return probe(video, count_frames=True).frames


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, int]:
    """The document and the frame count of its video when nothing stops the build."""
    folder = tmp_path_factory.mktemp("reference")
    doc = folder / "talk.md"
    doc.write_text(DOC, encoding="utf-8")
    proc = build(doc, folder / "out")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    video = folder / "out" / "killed-talk.mp4"
    assert decode_errors(video) == ""
    return doc, frames(video)


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 300) -> None:
    t0 = time.monotonic()
    while not ready():
        assert proc.poll() is None, f"the build ended before the moment to kill it: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() - t0 < timeout, "the moment to kill never came"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def resume_and_check(doc: Path, out: Path, expected_frames: int) -> str:
    proc = build(doc, out, "--resume")
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    video = out / "killed-talk.mp4"
    assert frames(video) == expected_frames
    assert decode_errors(video) == ""
    assert stray_temporaries(out) == []  # the work folder (out/.work) included
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["frames"] == expected_frames
    return stderr


def _any(folder: Path, pattern: str) -> Callable[[], bool]:
    return lambda: folder.is_dir() and any(folder.glob(pattern))


@pytest.mark.parametrize(
    "stage, moment",
    [
        ("audio", lambda work, out: _any(work / "audio", "*.wav")),  # the first scenes are spoken
        ("video", lambda work, out: _any(work / "video" / "segments", "*.h264")),  # the first segments are encoded
        ("output", lambda work, out: _any(out, ".killed-talk.mp4.*.tmp")),  # the video is staged, not yet in place
    ],
)
def test_kill_during_a_stage_then_resume_gives_the_same_clean_video(stage, moment, reference, tmp_path):
    doc, expected = reference
    out = tmp_path / "out"
    work = out / ".work"
    proc = build(doc, out)
    kill_when(proc, moment(work, out))
    assert not list((work / "checkpoints").glob(f"*_{stage}.pkl")), f"the kill came after {stage} had finished"
    resume_and_check(doc, out, expected)


def test_kill_during_the_first_checkpoint_write_then_resume_starts_afresh(reference, tmp_path):
    doc, expected = reference
    (tmp_path / "halfwrite.py").write_text(HALF_WRITE, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = build(doc, out, "--plugin", "halfwrite", env=env)
    line = proc.stderr.readline()
    assert line.startswith("HALF-WRITTEN"), line + proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    checkpoints = out / ".work" / "checkpoints"
    assert not list(checkpoints.glob("*.pkl")) and len(stray_temporaries(checkpoints)) == 1  # only half a file
    stderr = resume_and_check(doc, out, expected)
    assert "no complete checkpoint" in stderr and "starting afresh" in stderr
