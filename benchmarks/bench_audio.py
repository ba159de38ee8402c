"""Measure the audio stage: 10 and 40 scenes, sequential against parallel, for espeak, Piper and a latency-bound engine.

The latency engine waits a fixed time per call before speaking (with espeak),
the way a network engine such as gTTS waits for its server, so the parallel
speed-up of a network engine can be measured offline. Piper (the ``voice``
extra) is measured in the ways its work can be spread over the cores:

  piper-seq-1t    one scene at a time, onnxruntime on one thread
  piper-seq-Nt    one scene at a time, onnxruntime on every core (intra-op threads)
  piper-threads   one scene per core side by side in threads sharing one voice, one onnxruntime thread each
                  (what the pipeline does by default)
  piper-procs     one scene per core side by side in worker processes, each loading the voice (a process pool
                  passed as executor=, as a Dask cluster would)

Every measurement uses a fresh work folder and a fresh speech cache: nothing is
reused. The real-time factor is seconds of speech made per second of the stage;
speech/cpu is seconds of speech per CPU second spent (the process and its
workers), which other work on a shared machine does not change.

    python benchmarks/bench_audio.py                  # prints a table, writes benchmarks/results/bench_audio.json
    python benchmarks/bench_audio.py --scenes 10 --engines piper --out /tmp/bench.json
    python benchmarks/bench_audio.py --compare d19d31f --repeat 5   # this tree against a revision (below)

With ``--compare REV`` it measures instead the audio stage of the 40-section
lecture (``lecture(41)``, espeak) in a fresh process each time, with a fresh
speech cache, for this tree and for REV (exported with ``git archive``) in
turn, and prints the ratio of the fastest runs. Fresh processes, because the
first clip pays for loading the loudness libraries. It also checks that both
make the same output: espeak itself varies by a few samples from call to call
(it keeps state between utterances), so the lecture's clips are synthesised
once and each revision's ``normalize_loudness`` is given the same ones
(compared byte for byte, with their loudness and true peak); the stage's
timelines are compared scene by scene.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Optional

from documents import lecture  # benchmarks/documents.py

from videogen_nb import Pipeline
from videogen_nb.tts import EspeakEngine, PiperEngine, Speech, SpeechEngine, piper_installed

CORES = os.cpu_count() or 1
#: how each engine is measured: (label, engine factory, max_workers, process pool?)
MODES = {
    "espeak": [("sequential", EspeakEngine, 1, False), ("parallel", EspeakEngine, None, False)],
    "latency": [("sequential", lambda: LatencyEngine(), 1, False), ("parallel", lambda: LatencyEngine(), None, False)],
    "piper": [
        ("seq-1t", lambda: PiperEngine(threads=1), 1, False),
        (f"seq-{CORES}t", lambda: PiperEngine(threads=CORES), 1, False),
        ("threads", lambda: PiperEngine(threads=1), None, False),
        ("procs", lambda: PiperEngine(threads=1), CORES, True),
    ],
}


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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: what the work cost, whatever else runs on the machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(engine_name: str, mode: tuple, scenes: int, latency: float) -> dict:
    """Seconds the audio stage takes for one configuration, from a cold cache, and the CPU seconds it used."""
    label, factory, workers, processes = mode
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        engine = LatencyEngine(latency) if engine_name == "latency" else factory()
        # spawned, not forked: a fork would copy this process's onnxruntime thread pools mid-flight
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if processes else None
        try:
            p = Pipeline(
                lecture(scenes), workdir=Path(tmp) / "work", tts=engine, cache_dir=Path(tmp) / "cache",
                max_workers=workers, executor=pool, progress=None,
            )  # fmt: skip
            p.run(until="script")
            assert len(p.scenes) == scenes, f"the document made {len(p.scenes)} scenes"
            cpu0, t0 = cpu_seconds(), time.perf_counter()
            p.audio()  # a process pool starts its workers (and each loads the voice) inside this
            seconds = time.perf_counter() - t0
        finally:
            if pool is not None:
                pool.shutdown()  # its workers' CPU time is counted once they have ended
        cpu = cpu_seconds() - cpu0
        report = p.ctx.timing_report
        assert len(report.synthesized) == scenes, "a measurement must synthesise every scene"
        speech = sum(s.audio_duration for s in report.scenes)
        return {
            "engine": engine_name,
            "scenes": scenes,
            "mode": label,
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 2),
            "speech_seconds": round(speech, 2),
            "real_time_factor": round(speech / seconds, 1),
            "speech_per_cpu_second": round(speech / cpu, 1),
        }


def child_stage(sections: int, folder: Path) -> dict:
    """In a fresh process: the audio stage of ``lecture(sections + 1)`` from a fresh cache; its time and its output."""
    import videogen_nb

    runs = []
    for k in range(2):  # cold (the first clip loads the loudness libraries), then warm, as in a notebook
        p = Pipeline(lecture(sections + 1), workdir=folder / f"work{k}", tts="espeak", cache_dir=folder / f"cache{k}",
                     resolution="1080p", progress=None)  # fmt: skip
        p.run(until="script")
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        p.audio()
        runs.append((time.perf_counter() - t0, cpu_seconds() - cpu0))
        report = p.ctx.timing_report
        assert len(report.synthesized) == len(p.scenes), "a measurement must synthesise every scene"
    return {
        "package": str(Path(videogen_nb.__file__).parent),
        "seconds": runs[0][0],
        "cpu_seconds": runs[0][1],
        "warm_seconds": runs[1][0],
        "warm_cpu_seconds": runs[1][1],
        "speech_seconds": sum(s.audio_duration for s in report.scenes),
        "loudness": [s.loudness for s in report.scenes],
        "frames": [(s.start_frame, s.end_frame) for s in report.scenes],
    }


def child_normalize(clips: Path) -> dict:
    """In a fresh process: this revision's ``normalize_loudness`` on the clips in ``clips``; what it made."""
    import hashlib

    import numpy as np

    from videogen_nb.loudness import normalize_loudness, true_peak_db

    data = np.load(clips)
    rate = int(data["rate"])
    out = {"clips": [], "loudness": [], "true_peak": []}
    for name in sorted((k for k in data.files if k != "rate"), key=lambda k: int(k[1:])):
        samples, level = normalize_loudness(data[name], rate)
        out["clips"].append(hashlib.sha256(samples.tobytes()).hexdigest())
        out["loudness"].append(level)
        out["true_peak"].append(true_peak_db(samples))
    return out


def raw_clips(sections: int, path: Path) -> None:
    """The lecture's narration spoken once by espeak, before any loudness work, saved to ``path`` (npz)."""
    import numpy as np

    from videogen_nb.pronounce import speech_text

    p = Pipeline(lecture(sections + 1), workdir=path.parent / "raw", tts="espeak", progress=None)
    p.run(until="script")
    engine = EspeakEngine()
    speech = [engine.synthesize(speech_text(s.narration or "", None, {}).text) for s in p.scenes]
    np.savez(path, rate=speech[0].sample_rate, **{f"c{i}": s.samples for i, s in enumerate(speech)})


def compare(rev: str, sections: int, repeat: int) -> None:
    """This tree against ``rev``: the audio stage in fresh processes, in turn; fastest of each, and their outputs."""
    here = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="bench-audio-compare-") as tmp:
        old = Path(tmp) / "rev"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(here), "archive", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        trees = {rev: old, "this tree": here}

        def child(name: str, *args: str) -> dict:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(trees[name]), str(Path(__file__).parent)]))
            out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
            if out.returncode != 0:
                raise SystemExit(f"{name}: the measurement failed:\n{out.stderr[-3000:]}")
            return json.loads(out.stdout.strip().splitlines()[-1])

        runs: dict[str, list[dict]] = {name: [] for name in trees}
        for k in range(repeat):
            for name, tree in trees.items():  # in turn, so the machine's other load falls on both alike
                folder = Path(tmp) / f"run-{k}-{name.replace(' ', '-')}"
                row = child(name, "--child-stage", str(sections), str(folder))
                assert Path(row["package"]).parent == tree, f"{name} imported videogen_nb from {row['package']}"
                runs[name].append(row)
                print(f"  {name:<10} run {k + 1}: {row['seconds']:.2f} s, {row['cpu_seconds']:.2f} CPU s; warm "
                      f"{row['warm_seconds']:.2f} s, {row['warm_cpu_seconds']:.2f} CPU s", flush=True)  # fmt: skip
        clips = Path(tmp) / "clips.npz"
        raw_clips(sections, clips)
        made = {name: child(name, "--child-normalize", str(clips)) for name in trees}
    speech = runs["this tree"][0]["speech_seconds"]
    fastest: dict[tuple[str, str], float] = {}
    for prefix, what in (("", "in a fresh process"), ("warm_", "again in that process (libraries loaded)")):
        for name, rows in runs.items():
            for unit in ("seconds", "cpu_seconds"):
                fastest[name, prefix + unit] = min(r[prefix + unit] for r in rows)
            wall = sorted(r[prefix + "seconds"] for r in rows)
            print(f"{name:<10} {what}: fastest {wall[0]:.2f} s ({speech / wall[0]:.0f}x real time), median "
                  f"{wall[len(wall) // 2]:.2f} s, least CPU {fastest[name, prefix + 'cpu_seconds']:.2f} s")  # fmt: skip
        ratio = {unit: fastest[rev, prefix + unit] / fastest["this tree", prefix + unit] for unit in ("seconds", "cpu_seconds")}
        print(f"  speed-up {what}: {ratio['seconds']:.2f}x wall, {ratio['cpu_seconds']:.2f}x CPU ({speech:.1f} s of speech)")
    a, b = runs[rev][0], runs["this tree"][0]
    x, y = made[rev], made["this tree"]
    same = sum(p == q for p, q in zip(x["clips"], y["clips"]))
    dl = max(abs(p - q) for p, q in zip(x["loudness"], y["loudness"]))
    dp = max(abs(p - q) for p, q in zip(x["true_peak"], y["true_peak"]))
    print(f"normalize_loudness on the same {len(x['clips'])} clips: {same} byte-identical; largest difference "
          f"{dl:.2g} LU in loudness, {dp:.2g} dB in true peak")  # fmt: skip
    scenes = sum(p == q for p, q in zip(a["frames"], b["frames"]))
    drift = max(abs(p - q) for p, q in zip(a["loudness"], b["loudness"]))
    print(f"the stage: {scenes} of {len(a['frames'])} scenes on the same frames; loudness of its clips "
          f"{drift:.2g} LU apart (espeak's own variation from run to run included)")  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["--child-stage"]:
        print(json.dumps(child_stage(int(sys.argv[2]), Path(sys.argv[3]))))
        return
    if sys.argv[1:2] == ["--child-normalize"]:
        print(json.dumps(child_normalize(Path(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the latency engine waits per call")
    engines = ["espeak", "piper", "latency"] if piper_installed() else ["espeak", "latency"]
    parser.add_argument("--engines", nargs="+", default=engines, choices=list(MODES))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_audio.json")
    parser.add_argument("--repeat", type=int, default=1, help="measure each mode this many times, modes interleaved; "
                        "keep the fastest (a shared machine only ever slows a run down)")  # fmt: skip
    parser.add_argument("--compare", metavar="REV", help="the audio stage of the 40-section lecture, this tree against "
                        "REV, each in fresh processes (see above)")  # fmt: skip
    parser.add_argument("--sections", type=int, default=40, help="with --compare: sections of the lecture")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.sections, max(args.repeat, 1))
        return
    if "piper" in args.engines and not piper_installed():
        parser.error('piper needs the voice extra: pip install -e ".[voice]"')

    load_at_start = os.getloadavg()
    # warm up outside the figures: libraries loaded, espeak initialised, the voice loaded in this process
    for engine in args.engines:
        measure(engine, MODES[engine][0], 2, 0.0)
    rows = []
    print(f"{'engine':<8} {'scenes':>6} {'mode':<11} {'seconds':>8} {'speed-up':>9} {'real time':>10} {'cpu s':>7} "
          f"{'speech/cpu':>10}  speech")  # fmt: skip
    for engine in args.engines:
        for n in args.scenes:
            best: dict[str, dict] = {}
            for _ in range(args.repeat):
                for mode in MODES[engine]:
                    row = measure(engine, mode, n, args.latency)
                    if mode[0] not in best or row["seconds"] < best[mode[0]]["seconds"]:
                        best[mode[0]] = row
            first = None
            for mode in MODES[engine]:
                row = best[mode[0]]
                first = first or row["seconds"]
                rows.append(row)
                print(
                    f"{engine:<8} {n:>6} {row['mode']:<11} {row['seconds']:>7.2f}s {first / row['seconds']:>8.1f}x "
                    f"{row['real_time_factor']:>9.1f}x {row['cpu_seconds']:>6.1f}s {row['speech_per_cpu_second']:>9.1f}x"
                    f"  {row['speech_seconds']:.0f} s of speech"
                )
    result = {
        "latency": args.latency,
        "repeat": args.repeat,
        "cpus": CORES,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
