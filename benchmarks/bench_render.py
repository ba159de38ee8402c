"""Whole-pipeline rendering speed and memory, against a plain moviepy baseline (issue 7).

    python benchmarks/bench_render.py [--sections 10 40] [--resolution 1080p] [--json out.json]
    python benchmarks/bench_render.py --no-baseline        # only our pipeline
    python benchmarks/bench_render.py --minutes 4 40 --no-baseline   # memory flat in length: 40 vs 4 minutes
    python benchmarks/bench_render.py --sections 40 --no-baseline --repeat 5   # reveal vs none: best of 5 each way

For each document size it runs, in a fresh process each (so peak memory is that run's):
  1. the whole pipeline offline (espeak, 1080p, 30 fps, 0.5 s crossfades) on a generated document;
  2. a re-render after editing one narration (p.run() again: audio, video, output), twice (one scene, then
     another): the best against the best full run with the reveal (and the first against its own run);
  3. the share of the video stage that fades take: the video stage alone, in fresh work folders (speech from
     the cache), with fades and with cuts, in turn, twice; 1 - best(cuts) / best(fades);
  4. the floor: every distinct slide encoded once (its keyframe), joined and muxed, nothing else;
  5. the baseline: the same slide images and scene durations through moviepy
     (ImageClip + concatenate_videoclips + write_videofile with default settings);
  6. the same document with every slide held still (reveal=False), in a fresh process with its own
     speech cache: the whole pipeline's speed with reveal against without (issue 15). With --repeat N
     (default 3) the whole pipeline runs N times each way, without and with the reveal in turn, each in a
     fresh process with a fresh speech cache (the first run with it is run 1's), so the machine's other load
     falls on both alike; the speed compares the best of each, as the fades' share does, and every run's
     wall time is printed and kept.
It prints a table and writes JSON: video seconds, wall seconds per stage, real-time factor, MB per
minute of video (and of the proxy), the fades' share, the floor, ratio to the baseline, peak RSS,
and the re-render time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from documents import (  # benchmarks/documents.py: run these scripts from anywhere
    lecture,
    timed_lecture,
)


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest finished child) peak resident memory in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(child, 1)


def child_pipeline(n: int, workdir: Path, resolution: str, minutes: bool = False) -> dict:
    """Run in a fresh process: the whole pipeline, then a re-render after one edit (``n`` sections, or ``n``
    minutes of narration with ``minutes``)."""
    from videogen_nb import Pipeline

    doc = workdir / "lecture.md"
    doc.write_text(timed_lecture(n) if minutes else lecture(n + 1), encoding="utf-8")  # the title and n sections
    # espeak, as the figures in README were measured (tts="auto" would pick Piper where the voice extra is)
    p = Pipeline(doc, workdir=workdir / "work", resolution=resolution, tts="espeak", progress=None)
    t0 = time.perf_counter()
    p.run()
    wall = time.perf_counter() - t0
    stages = {name: round(rec.seconds, 3) for name, rec in p.ctx.stage_records.items()}
    rss_full = peak_rss_mb()
    video_s = p.ctx.timing_report.total_duration

    video_min = video_s / 60
    mb_per_min = p.video_path.stat().st_size / 1e6 / video_min
    proxy_mb_per_min = p.proxy_path.stat().st_size / 1e6 / video_min if p.proxy_path else None
    slides = sorted((workdir / "work" / "video" / "slides").glob("*.png"))
    floor = floor_seconds(slides, p, workdir / "floor")

    revealed = reveal_figures(p)  # before the edits below, whose narrations no longer say their entries
    rerenders = []
    for k in (len(p.scenes) // 2, len(p.scenes) // 4):  # one narration edit each, in two scenes
        # a text of its own each time: the same text again would come from the speech cache
        p.scenes[k].narration = f"This narration of scene {k + 1} was edited, so only this scene is spoken and encoded again."
        t0 = time.perf_counter()
        p.run()
        rerenders.append(round(time.perf_counter() - t0, 3))
        if k == len(p.scenes) // 2:
            rerender_stages = {n: round(p.ctx.stage_records[n].seconds, 3) for n in ("audio", "video", "output")}
    rerender = rerenders[0]

    video_runs: dict[float, list[float]] = {0.5: [], 0.0: []}
    for attempt in range(2):  # in turn, so the machine's other load falls on both alike
        for transition in video_runs:
            q = Pipeline(doc, workdir=workdir / f"v{attempt}-{transition}", resolution=resolution, tts="espeak",
                         transition=transition, progress=None)  # fmt: skip
            q.run(until="audio")  # the speech comes from the cache the first run filled
            t0 = time.perf_counter()
            q.run_stage("video")
            video_runs[transition].append(time.perf_counter() - t0)
    with_fades, with_cuts = min(video_runs[0.5]), min(video_runs[0.0])
    fade_share = 1 - with_cuts / with_fades
    return {
        "mb_per_minute": round(mb_per_min, 2),
        "proxy_mb_per_minute": round(proxy_mb_per_min, 2) if proxy_mb_per_min else None,
        "fade_share_of_video_stage": round(fade_share, 3),
        **revealed,
        "video_stage_with_fades": round(with_fades, 3),
        "video_stage_with_cuts": round(with_cuts, 3),
        "floor_seconds": round(floor, 3),
        "sections": n,
        "scenes": len(p.scenes),
        "video_seconds": round(video_s, 2),
        "wall_seconds": round(wall, 3),
        "stage_seconds": stages,
        "realtime_factor": round(video_s / wall, 1),
        "peak_rss_mb_python": rss_full[0],
        "peak_rss_mb_largest_child": rss_full[1],
        "rerender_seconds": round(rerender, 3),
        "rerender_runs": rerenders,
        "rerender_fraction": round(rerender / wall, 3),
        "rerender_stage_seconds": rerender_stages,
        "slides": sorted(str(x) for x in (workdir / "work" / "video" / "slides").glob("*.png")),
        "timings": [(t.scene_id, t.end - t.start) for t in p.ctx.timing_report.scenes],
        "soundtrack": str(workdir / "work" / "video" / "narration.aac"),
        "fps": p.ctx.settings.fps,
    }


def child_whole(n: int, workdir: Path, resolution: str, reveal: bool) -> dict:
    """Run in a fresh process with a speech cache of its own: the whole pipeline, with or without the reveal
    (every slide held still)."""
    from videogen_nb import Pipeline

    name = "reveal" if reveal else "still"
    workdir.mkdir(parents=True, exist_ok=True)
    doc = workdir / f"lecture-{name}.md"
    doc.write_text(lecture(n + 1), encoding="utf-8")
    p = Pipeline(doc, workdir=workdir / name, resolution=resolution, tts="espeak", progress=None, reveal=reveal,
                 cache_dir=workdir / f"{name}-cache")  # fmt: skip
    t0 = time.perf_counter()
    p.run()
    wall = time.perf_counter() - t0
    return {"wall_seconds": round(wall, 3), "stage_seconds": {k: round(r.seconds, 3) for k, r in p.ctx.stage_records.items()}}


def reveal_figures(p) -> dict:
    """What the reveal did in a run: scenes built up, and the pictures of their steps on the timeline."""
    from videogen_nb.stages.builds import scene_reveal_of

    plans = [scene_reveal_of(p.ctx, i)[1] for i in range(len(p.scenes))]
    return {"reveal_pictures": sum(len(plan.steps) for plan in plans if plan is not None),
            "scenes_built_up": sum(plan is not None for plan in plans)}  # fmt: skip


def floor_seconds(slides: list[Path], p, folder: Path) -> float:
    """The least any renderer must do: encode each distinct slide once, hold it for its scene, join, mux."""
    from concurrent.futures import ThreadPoolExecutor

    from videogen_nb.render.encode import EncoderSettings, concat_raw, mux
    from videogen_nb.render.segments import SegmentStore

    store = SegmentStore(folder, EncoderSettings(fps=p.ctx.settings.fps), p.ctx.settings.resolution)
    scenes = p.ctx.timing_report.scenes
    slide = {t.scene_id: next(s for s in slides if s.name.startswith(t.scene_id + "-")) for t in scenes}
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        pieces = list(pool.map(lambda t: store.still(slide[t.scene_id], slide[t.scene_id].name,
                                                     t.end_frame - t.start_frame), scenes))  # fmt: skip
    concat_raw((x for scene in pieces for x in scene), folder / "stream.h264")
    mux(folder / "stream.h264", p.ctx.video_dir / "narration.aac", folder / "floor.mp4", store.settings)
    return time.perf_counter() - t0


def child_baseline(spec: dict, out: Path) -> dict:
    """The same slides and durations through moviepy's default path."""
    from moviepy import AudioFileClip, ImageClip, concatenate_videoclips

    # slides are stored as <scene_id>-<content key>.png
    slides = {scene_id: next(s for s in spec["slides"] if Path(s).name.startswith(scene_id + "-")) for scene_id, _ in spec["timings"]}
    t0 = time.perf_counter()
    clips = [ImageClip(slides[scene_id]).with_duration(d) for scene_id, d in spec["timings"]]
    video = concatenate_videoclips(clips)
    audio = AudioFileClip(spec["soundtrack"])
    video = video.with_audio(audio)
    video.write_videofile(str(out), fps=spec["fps"], logger=None)
    wall = time.perf_counter() - t0
    audio.close()
    video.close()
    own, child = peak_rss_mb()
    return {"wall_seconds": round(wall, 3), "peak_rss_mb_python": own, "peak_rss_mb_largest_child": child}


def run_child(args: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", type=int, nargs="+", default=[10, 40])
    ap.add_argument("--minutes", type=int, nargs="+", help="lectures of about these many minutes instead of --sections")
    ap.add_argument("--resolution", default="1080p")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="whole runs each way, with and without the reveal (best of them)")
    ap.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "bench_render.json")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "ARG", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, arg, folder = args.child
        if kind in ("pipeline", "minutes"):
            result = child_pipeline(int(arg), Path(folder), args.resolution, minutes=kind == "minutes")
        elif kind in ("still", "reveal"):
            result = child_whole(int(arg), Path(folder), args.resolution, reveal=kind == "reveal")
        else:
            result = child_baseline(json.loads(Path(arg).read_text()), Path(folder) / "baseline.mp4")
        print(json.dumps(result))
        return 0

    results = []
    kind = "minutes" if args.minutes else "pipeline"
    for n in args.minutes or args.sections:
        with tempfile.TemporaryDirectory() as tmp:
            # a private speech cache: nothing may come from an earlier run
            env = dict(os.environ, VIDEOGEN_CACHE_DIR=str(Path(tmp) / "speech-cache"))
            ours = run_child(["--child", kind, str(n), tmp, "--resolution", args.resolution], env)
            row = {k: v for k, v in ours.items() if k not in ("slides", "timings", "soundtrack")}
            if kind == "pipeline":  # the same document, every slide still: what the reveal costs
                withs, withouts = [ours["wall_seconds"]], []
                for k in range(args.repeat):  # in turn: without, then with (run 1's is the first with)
                    for reveal in ("still", "reveal") if k else ("still",):
                        run = run_child(["--child", reveal, str(n), str(Path(tmp) / f"r{k}"), "--resolution",
                                         args.resolution], env)  # fmt: skip
                        (withs if reveal == "reveal" else withouts).append(run["wall_seconds"])
                        if reveal == "still" and k == 0:
                            row["without_reveal_stage_seconds"] = run["stage_seconds"]
                row["with_reveal_walls"], row["without_reveal_walls"] = withs, withouts
                row["best_wall_seconds"] = min(withs)
                row["best_realtime_factor"] = round(ours["video_seconds"] / min(withs), 1)
                row["without_reveal_wall_seconds"] = min(withouts)
                row["speed_with_reveal_vs_without"] = round(min(withouts) / min(withs), 3)
                row["speed_with_reveal_vs_without_each_turn"] = [round(b / a, 3) for a, b in zip(withs, withouts)]
                # the re-render as the full run is measured: the best of its runs against the best full run
                row["rerender_fraction_of_best"] = round(min(ours["rerender_runs"]) / min(withs), 3)
            if not args.no_baseline:
                spec = Path(tmp) / "spec.json"
                spec.write_text(json.dumps(ours))
                base = run_child(["--child", "baseline", str(spec), tmp], env)
                row["baseline"] = base
                row["speedup_vs_baseline"] = round(base["wall_seconds"] / ours["wall_seconds"], 1)
            results.append(row)

    print(f"{'minutes' if args.minutes else 'sections':>8} {'video s':>8} {'wall s':>7} {'x real':>7} {'MB/min':>7} "
          f"{'proxy':>6} {'fades':>6} {'floor s':>8} {'baseline s':>11} {'x faster':>9} {'RSS MB':>7} {'ffmpeg MB':>9} "
          f"{'re-render s':>12} {'share':>6}")  # fmt: skip
    for r in results:
        base = r.get("baseline", {}).get("wall_seconds", float("nan"))
        print(f"{r['sections']:>8} {r['video_seconds']:>8.1f} {r['wall_seconds']:>7.2f} {r['realtime_factor']:>7.1f} "
              f"{r['mb_per_minute']:>7.2f} {r['proxy_mb_per_minute'] or float('nan'):>6.2f} "
              f"{r['fade_share_of_video_stage']:>6.1%} {r['floor_seconds']:>8.2f} "
              f"{base:>11.2f} {r.get('speedup_vs_baseline', float('nan')):>9.1f} {r['peak_rss_mb_python']:>7.0f} "
              f"{r['peak_rss_mb_largest_child']:>9.0f} {r['rerender_seconds']:>12.2f} {r['rerender_fraction']:>6.1%}")  # fmt: skip
    for r in results:
        print(f"  {r['sections']} sections, seconds per stage: {r['stage_seconds']}; "
              f"re-render: {r['rerender_stage_seconds']}; video stage with fades {r['video_stage_with_fades']} s, with cuts {r['video_stage_with_cuts']} s "
              f"(the floor: {r['floor_seconds']} s)")
    for r in results:
        if "speed_with_reveal_vs_without" in r:
            print(f"  {r['sections']} sections, reveal ({r['reveal_pictures']} pictures of {r['scenes_built_up']} scenes "
                  f"built up): best {r['best_wall_seconds']:.2f} s with ({r['best_realtime_factor']:.1f}x real time), "
                  f"{r['without_reveal_wall_seconds']:.2f} s without: speed with reveal {r['speed_with_reveal_vs_without']:.0%} "
                  f"of without (each run with: {r['with_reveal_walls']}, without: {r['without_reveal_walls']}; "
                  f"turn by turn {', '.join(f'{x:.0%}' for x in r['speed_with_reveal_vs_without_each_turn'])}); "
                  f"re-render after one narration edit: {r['rerender_runs']} s, the best {r['rerender_fraction_of_best']:.1%} of "
                  f"the best full run ({r['rerender_fraction']:.1%} of its own run's)")  # fmt: skip
    last = results[-1]
    for r in results[:-1]:
        print(f"  peak RSS of the {last['video_seconds'] / 60:.1f}-minute video vs the {r['video_seconds'] / 60:.1f}-minute one: "
              f"{last['peak_rss_mb_python'] / r['peak_rss_mb_python']:.2f}x (Python), "
              f"{last['peak_rss_mb_largest_child'] / max(r['peak_rss_mb_largest_child'], 1):.2f}x (largest child)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"resolution": args.resolution, "cpus": os.cpu_count(), "results": results}, indent=2))
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
