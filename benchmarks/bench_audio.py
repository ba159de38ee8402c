"""Measure the audio stage: 10 and 40 scenes, sequential against parallel, espeak and a latency-bound engine.

The latency engine waits a fixed time per call before speaking (with espeak),
the way a network engine such as gTTS waits for its server, so the parallel
speed-up of a network engine can be measured offline. Every measurement uses
a fresh work folder and a fresh speech cache: nothing is reused.

    python benchmarks/bench_audio.py                  # prints a table, writes benchmarks/results/bench_audio.json
    python benchmarks/bench_audio.py --scenes 10 --latency 0.5 --out /tmp/bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

from documents import lecture  # benchmarks/documents.py

from videogen_nb import Pipeline
from videogen_nb.tts import EspeakEngine, Speech, SpeechEngine


class LatencyEngine(SpeechEngine):
    """Waits ``latency`` seconds per call, then speaks with espeak: a network engine, offline."""

    name = "latency"
    thread_safe = True
    concurrency = 8  # what the gtts engine asks for

    def __init__(self, latency: float = 0.5) -> None:
        self.latency = latency
        self.voice = EspeakEngine()
        self.calls = 0
        self._lock = threading.Lock()

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict:
        return {**self.voice.identity(lang, voice), "engine": self.name, "latency": self.latency}

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        return self.voice.describe_voice(lang, voice)

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        with self._lock:
            self.calls += 1
        time.sleep(self.latency)
        return self.voice.synthesize(text, lang, voice)


def measure(engine_name: str, scenes: int, parallel: bool, latency: float) -> dict:
    """Seconds the audio stage takes for one configuration, from a cold cache."""
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        engine = LatencyEngine(latency) if engine_name == "latency" else EspeakEngine()
        p = Pipeline(
            lecture(scenes), workdir=Path(tmp) / "work", tts=engine, cache_dir=Path(tmp) / "cache",
            max_workers=None if parallel else 1, progress=None,
        )  # fmt: skip
        p.run(until="script")
        assert len(p.scenes) == scenes, f"the document made {len(p.scenes)} scenes"
        t0 = time.perf_counter()
        p.audio()
        seconds = time.perf_counter() - t0
        report = p.ctx.timing_report
        assert len(report.synthesized) == scenes, "a measurement must synthesise every scene"
        return {
            "engine": engine_name,
            "scenes": scenes,
            "mode": "parallel" if parallel else "sequential",
            "seconds": round(seconds, 3),
            "speech_seconds": round(sum(s.audio_duration for s in report.scenes), 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the latency engine waits per call")
    parser.add_argument("--engines", nargs="+", default=["espeak", "latency"], choices=["espeak", "latency"])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_audio.json")
    args = parser.parse_args()

    measure("espeak", 2, False, 0.0)  # warm up: libraries loaded, espeak initialised, outside the figures
    rows = []
    print(f"{'engine':<8} {'scenes':>6} {'sequential':>11} {'parallel':>9} {'speed-up':>9}  speech")
    for engine in args.engines:
        for n in args.scenes:
            seq = measure(engine, n, False, args.latency)
            par = measure(engine, n, True, args.latency)
            speedup = seq["seconds"] / par["seconds"]
            rows += [seq, par]
            print(
                f"{engine:<8} {n:>6} {seq['seconds']:>10.2f}s {par['seconds']:>8.2f}s {speedup:>8.1f}x"
                f"  {par['speech_seconds']:.0f} s of speech"
            )
    result = {
        "latency": args.latency,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
