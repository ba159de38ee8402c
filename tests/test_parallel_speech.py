"""Scenes are spoken in parallel when the engine allows it, through the pipeline's executor."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import SMALL
from videogen_nb import Pipeline
from videogen_nb.tts import SilentEngine


class WaitingEngine(SilentEngine):
    """Waits a fixed time per call like a network engine; records how many calls overlapped and where."""

    name = "waiting"
    concurrency = 8

    def __init__(self, delay: float = 0.25):
        super().__init__()
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self.threads: list[str] = []
        self._lock = threading.Lock()

    def synthesize(self, text, lang=None, voice=None):
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.threads.append(threading.current_thread().name)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        return super().synthesize(text, lang, voice)


@pytest.fixture
def eight_scenes(write_doc):
    sections = "\n".join(f"## Part {k}\n\nThis is part number {k} of the talk.\n" for k in range(1, 8))
    return write_doc("eight.md", f"# Eight Scenes\n\n{sections}")


def speak(doc, tmp_path, **kw) -> Pipeline:
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None, **kw)
    p.run(until="audio")
    return p


def test_a_network_like_engine_speaks_every_scene_at_once(eight_scenes, tmp_path):
    engine = WaitingEngine(0.3)
    p = speak(eight_scenes, tmp_path, tts=engine)
    assert engine.peak == 8  # the engine asked for 8 workers: more than the 2 cores, because it waits
    assert p.ctx.stage_records["audio"].seconds < 8 * 0.3 / 3


@pytest.mark.parametrize("workers", [1, 3])
def test_max_workers_bounds_the_parallelism(eight_scenes, tmp_path, workers):
    engine = WaitingEngine(0.1)
    speak(eight_scenes, tmp_path, tts=engine, max_workers=workers)
    assert engine.peak == workers


def test_a_users_executor_runs_the_synthesis(eight_scenes, tmp_path):
    engine = WaitingEngine(0.05)
    with ThreadPoolExecutor(2, thread_name_prefix="users-pool") as pool:
        p = speak(eight_scenes, tmp_path, tts=engine, executor=pool)
    assert len(engine.threads) == len(p.scenes) and all(name.startswith("users-pool") for name in engine.threads)
    assert engine.peak == 2


class OneAtATimeEngine(WaitingEngine):
    """Not thread-safe (like espeak's global state): must never be called twice at once."""

    name = "one-at-a-time"
    thread_safe = False
    concurrency = None


def test_an_engine_that_is_not_thread_safe_is_called_one_scene_at_a_time(eight_scenes, tmp_path):
    engine = OneAtATimeEngine(0.05)
    with ThreadPoolExecutor(4, thread_name_prefix="users-pool") as pool:
        p = speak(eight_scenes, tmp_path, tts=engine, executor=pool)
    assert engine.peak == 1 and len(engine.threads) == len(p.scenes)


def test_an_engine_that_is_not_thread_safe_gets_one_worker_a_core(eight_scenes, tmp_path):
    # its calls take turns; the pool only runs the loudness and file work after each call side by side
    engine = OneAtATimeEngine(0.05)
    speak(eight_scenes, tmp_path, tts=engine)
    assert engine.peak == 1
    assert 1 <= len(set(engine.threads)) <= (os.cpu_count() or 1)
