"""A course of generated lectures made sequentially and on a Dask LocalCluster: wall time, speed-up, memory (issue 18).

    python benchmarks/bench_batch.py [--documents 12] [--resolution 1080p] [--workers N] [--scene-workers K]
                                     [--repeat R] [--json out.json]

Each run happens in a fresh process with a speech cache of its own (nothing comes from an
earlier run), on the same generated documents (benchmarks/documents.py; 5, 7 and 9 scenes in
turn, like lectures of different lengths):
  1. sequential: ``run_batch(..., client="sequential")``, one document after another in one
     process (each pipeline still runs its scenes on its own threads);
  2. cluster: a ``distributed.LocalCluster`` of one single-threaded worker process a core
     (``--workers``), ``run_batch(..., client=client)``, one pipeline per document as a task.
  3. with ``--scene-workers K``, the cluster again with each pipeline limited to K threads.
With ``--repeat R`` the configurations run R times in turn and the fastest of each counts
(the machine may be shared). It prints wall time, minutes of video, the cost in core-seconds per minute of video, the
speed-up, the peak memory of each worker process (Python alone, and with the ffmpeg processes
it runs at the same time, sampled every 50 ms), the MB of MP4 and of work folders per minute of
video, and checks that the runs made the same frames; and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from documents import lecture  # benchmarks/documents.py: run these scripts from anywhere


def python_peak_mb() -> float:
    """Peak resident memory (MB) of this process alone."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class TreeSampler(threading.Thread):
    """Samples the resident memory of each process tree (a worker and the ffmpeg it runs) and keeps the peak.

    ``RUSAGE_CHILDREN`` cannot tell: a child forked from a large Python process counts the parent's
    pages until it execs ffmpeg.
    """

    def __init__(self, pids: list[int], interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        import psutil

        self.roots = {pid: psutil.Process(pid) for pid in pids}
        self.peak_mb = {pid: 0.0 for pid in pids}
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._stop_event.is_set():
            for pid, proc in self.roots.items():
                try:
                    tree = [proc, *proc.children(recursive=True)]
                    rss = 0
                    for p in tree:
                        try:
                            rss += p.memory_info().rss
                        except psutil.Error:
                            pass
                    self.peak_mb[pid] = max(self.peak_mb[pid], rss / 2**20)
                except psutil.Error:
                    pass
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[int, float]:
        self._stop_event.set()
        self.join()
        return {pid: round(mb, 1) for pid, mb in self.peak_mb.items()}


def write_course(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for k in range(n):
        doc = folder / f"lecture-{k + 1:02d}.md"
        doc.write_text(lecture((5, 7, 9)[k % 3], title=f"Lecture {k + 1}"), encoding="utf-8")
        docs.append(doc)
    return docs


def summary(result) -> dict:
    return {
        "wall_seconds": round(result.seconds, 2),
        "videos": len(result.videos),
        "failed": [v.name for v in result.failed],
        "video_seconds": round(result.video_seconds, 2),
        "frames": {v.name: v.frames for v in result.videos},
        "mp4_bytes": sum(v.video.stat().st_size for v in result.videos if v.ok),
        # checkpoints, speech, slides and segments kept for resume: deletable once a course is done
        "work_bytes": sum(f.stat().st_size for f in (result.out / ".work").rglob("*") if f.is_file()),
        "per_video_seconds": {v.name: round(v.seconds, 2) for v in result.videos},
    }


def child_sequential(docs: list[Path], out: Path, settings: dict) -> dict:
    from videogen_nb import run_batch

    sampler = TreeSampler([os.getpid()])
    sampler.start()
    result = run_batch(docs, out, client="sequential", progress=None, **settings)
    tree = sampler.stop()
    return {**summary(result), "workers": 1, "peak": [{"python_mb": python_peak_mb(), "with_ffmpeg_mb": tree[os.getpid()]}]}


def child_cluster(docs: list[Path], out: Path, settings: dict, workers: int) -> dict:
    from distributed import Client, LocalCluster

    from videogen_nb import run_batch

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)  # fmt: skip
    client = Client(cluster)
    client.run(lambda: __import__("videogen_nb.batch"))  # what a worker imports once, not counted per video
    startup = time.perf_counter() - t0
    try:
        pids = client.run(os.getpid)
        sampler = TreeSampler(list(pids.values()))
        sampler.start()
        t0 = time.perf_counter()
        result = run_batch(docs, out, client=client, progress=None, **settings)
        wall = time.perf_counter() - t0
        tree = sampler.stop()
        python = client.run(python_peak_mb)
    finally:
        client.close()
        cluster.close()
    row = summary(result)
    row["wall_seconds"] = round(wall, 2)
    peaks = [{"python_mb": python[w], "with_ffmpeg_mb": tree[pid]} for w, pid in sorted(pids.items())]
    return {**row, "workers": workers, "cluster_startup_seconds": round(startup, 2), "peak": peaks,
            "per_worker_videos": _per_worker(result)}  # fmt: skip


def _per_worker(result) -> dict:
    out: dict = {}
    for v in result.videos:
        out[v.worker] = out.get(v.worker, 0) + 1
    return out


def run_child(args: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cost(row: dict, cores: int) -> float:
    """Core-seconds per minute of video: what the machine spent on each minute made."""
    return row["wall_seconds"] * cores / (row["video_seconds"] / 60)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=12)
    ap.add_argument("--resolution", default="1080p")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: one a core)")
    ap.add_argument("--scene-workers", type=int, help="also run the cluster with each pipeline limited to this many threads")
    ap.add_argument("--repeat", type=int, default=1, help="run each configuration this many times, in turn; the fastest counts")
    ap.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "bench_batch.json")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        mode, folder = args.child
        docs = sorted((Path(folder) / "docs").glob("*.md"))
        out = Path(folder) / mode
        settings = {"resolution": args.resolution}
        if args.scene_workers:
            settings["max_workers"] = args.scene_workers
        if mode == "sequential":
            row = child_sequential(docs, out, settings)
        else:
            row = child_cluster(docs, out, settings, args.workers)
        print(json.dumps(row))
        return 0

    cores = os.cpu_count() or 1
    runs = [("sequential", []), ("cluster", ["--workers", str(args.workers)])]
    if args.scene_workers:
        runs.append((f"cluster/{args.scene_workers}", ["--workers", str(args.workers), "--scene-workers", str(args.scene_workers)]))
    rows: dict = {}
    walls: dict = {name: [] for name, _ in runs}
    with tempfile.TemporaryDirectory() as tmp:
        write_course(Path(tmp) / "docs", args.documents)
        for rep in range(args.repeat):  # configurations in turn, so a busy spell of the machine hits all of them
            for k, (name, extra) in enumerate(runs):
                # a cache of its own for each run: every run speaks every scene
                cache = Path(tmp) / f"cache-{rep}-{k}"
                env = dict(os.environ, VIDEOGEN_CACHE_DIR=str(cache))
                mode = "sequential" if name == "sequential" else "cluster"
                row = run_child(["--child", mode, tmp, "--resolution", args.resolution, *extra], env)
                walls[name].append(row["wall_seconds"])
                if name not in rows or row["wall_seconds"] < rows[name]["wall_seconds"]:
                    rows[name] = row
                shutil.rmtree(Path(tmp) / mode, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
    for name, row in rows.items():
        row["all_wall_seconds"] = walls[name]
    seq = rows["sequential"]
    for name, row in rows.items():
        if row["failed"]:
            raise SystemExit(f"{name}: videos failed: {row['failed']}")
    differ = {name: [k for k in seq["frames"] if row["frames"].get(k) != seq["frames"][k]] for name, row in rows.items()}
    minutes = seq["video_seconds"] / 60
    print(f"{args.documents} documents, {minutes:.1f} min of {args.resolution} video, {cores} cores")
    print(f"{'run':<12} {'workers':>7} {'wall s':>7} {'x real':>7} {'core-s/min':>10} {'speed-up':>8} "
          f"{'peak MB per worker: Python, with ffmpeg':>40} {'MP4 MB/min':>10} {'work MB/min':>11}")  # fmt: skip
    for name, row in rows.items():
        peaks = "; ".join(f"{p['python_mb']:.0f}, {p['with_ffmpeg_mb']:.0f}" for p in row["peak"])
        print(f"{name:<12} {row['workers']:>7} {row['wall_seconds']:>7.1f} {row['video_seconds'] / row['wall_seconds']:>7.1f} "
              f"{cost(row, cores):>10.1f} {seq['wall_seconds'] / row['wall_seconds']:>8.2f} {peaks:>40} "
              f"{row['mp4_bytes'] / 2**20 / minutes:>10.2f} {row['work_bytes'] / 2**20 / minutes:>11.2f}")  # fmt: skip
    if args.repeat > 1:
        print("every run's wall time: " + "; ".join(f"{n} {', '.join(f'{w:.1f}' for w in ws)}" for n, ws in walls.items()))
    clu = rows["cluster"]
    print(f"cluster start-up (not in the wall time): {clu['cluster_startup_seconds']:.1f} s; videos per worker: "
          f"{sorted(clu['per_worker_videos'].values())}")
    print("same frames in every run: " + ("yes" if not any(differ.values()) else f"NO: {differ}"))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"documents": args.documents, "resolution": args.resolution, "cpus": cores,
                                     "frames_differ": differ, "runs": rows}, indent=2))  # fmt: skip
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
