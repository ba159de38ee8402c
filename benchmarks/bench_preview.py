"""How long p.preview() takes to build for a long document (issue 4: under 5 s for 40 scenes).

    python benchmarks/bench_preview.py [--scenes 40] [--repeat 3] [--json out.json]

Runs the pipeline up to audio (espeak, 1080p settings) once, then times building the
preview widget: 40 thumbnails, 40 narration editors with audio players, the timing chart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from documents import lecture  # benchmarks/documents.py

from videogen_nb import Pipeline


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "lecture.md"
        doc.write_text(lecture(args.scenes), encoding="utf-8")
        p = Pipeline(doc, workdir=Path(tmp) / "work", progress=None)
        t0 = time.perf_counter()
        p.run(until="audio")
        setup = time.perf_counter() - t0
        assert len(p.scenes) == args.scenes
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            p.preview()
            times.append(time.perf_counter() - t0)
    result = {
        "scenes": args.scenes,
        "setup_to_audio_s": round(setup, 3),
        "preview_s_each": [round(t, 3) for t in times],
        "preview_s_median": round(statistics.median(times), 3),
        "target_s": 5.0,
    }
    print(f"pipeline to audio for {args.scenes} scenes: {setup:.2f} s")
    print(f"p.preview() for {args.scenes} scenes: median {result['preview_s_median']:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}; target < 5 s)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
