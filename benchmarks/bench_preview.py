"""How fast p.preview() opens for a long document, and how many bytes it sends to the browser.

    python benchmarks/bench_preview.py [--scenes 40] [--repeat 3] [--json out.json]

Runs the pipeline to the end once (espeak, 1080p), then opens the live editor the way a
notebook does and counts what its widgets would send through the websocket:
- first open (thumbnails not drawn yet: the editor opens at once, they are drawn after it),
- later opens (thumbnails kept in workdir/preview),
- the Narration and Timing tabs, built when first opened,
each with media by reference (a Jupyter server serves the work folder: JupyterLab's /files/)
and as bytes (no server: the fallback). Targets (issue 16): open < 1 s, < 5 MB sent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from documents import lecture  # benchmarks/documents.py

from videogen_nb import Pipeline
from videogen_nb.notebook import configure_media
from videogen_nb.notebook.wire import count_sent


def open_editor(p: Pipeline) -> dict:
    """Open a new live editor; time it and count the bytes, then the same for its two other tabs."""
    if p._preview is not None:
        p._preview.close()
    out = {}
    with count_sent() as sent:
        t0 = time.perf_counter()
        view = p.preview()
        out["open_s"] = time.perf_counter() - t0
        view.gallery.wait()
        out["thumbnails_done_s"] = time.perf_counter() - t0
    out["open_mb"] = sent.total / 1e6
    with count_sent() as sent:
        t0 = time.perf_counter()
        view.tabs.selected_index = 1
        out["narration_tab_s"] = time.perf_counter() - t0
    out["narration_tab_mb"] = sent.total / 1e6
    with count_sent() as sent:
        t0 = time.perf_counter()
        view.tabs.selected_index = 2
        out["timing_tab_s"] = time.perf_counter() - t0
    out["timing_tab_mb"] = sent.total / 1e6
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result: dict = {"scenes": args.scenes, "target_open_s": 1.0, "target_mb": 5.0}
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "lecture.md"
        doc.write_text(lecture(args.scenes), encoding="utf-8")
        p = Pipeline(doc, workdir=Path(tmp) / "work", progress=None)
        t0 = time.perf_counter()
        p.run()
        result["pipeline_s"] = round(time.perf_counter() - t0, 2)
        assert len(p.scenes) == args.scenes
        video_mb = p.video_path.stat().st_size / 1e6
        audio_mb = sum(t.audio_path.stat().st_size for t in p.ctx.timing_report.scenes) / 1e6
        result["video_mb"], result["audio_mb"] = round(video_mb, 1), round(audio_mb, 1)
        for mode in ("by reference", "as bytes"):
            configure_media(Path(tmp) if mode == "by reference" else None, "/files/")
            shutil.rmtree(p.workdir / "preview", ignore_errors=True)
            first = open_editor(p)
            later = [open_editor(p) for _ in range(args.repeat)]
            result[mode] = {
                "first_open": {k: round(v, 3) for k, v in first.items()},
                "later_open_s_median": round(statistics.median(r["open_s"] for r in later), 3),
                "later_open_mb": round(later[-1]["open_mb"], 3),
            }
        configure_media(None)
        if p._preview is not None:
            p._preview.close()
    print(f"{args.scenes} scenes, pipeline to the end {result['pipeline_s']:.1f} s; the video {result['video_mb']} MB, "
          f"the scenes' audio {result['audio_mb']} MB")  # fmt: skip
    for mode in ("by reference", "as bytes"):
        r, f = result[mode], result[mode]["first_open"]
        print(f"media {mode}:")
        print(f"  open (first): {f['open_s']:.2f} s, {f['open_mb']:.2f} MB sent; thumbnails all drawn after {f['thumbnails_done_s']:.2f} s")
        print(f"  open (later, thumbnails kept): median {r['later_open_s_median']:.2f} s, {r['later_open_mb']:.2f} MB sent")
        print(f"  narration tab: {f['narration_tab_s']:.2f} s, {f['narration_tab_mb']:.2f} MB; "
              f"timing tab: {f['timing_tab_s']:.2f} s, {f['timing_tab_mb']:.2f} MB")  # fmt: skip
    print("targets: open < 1 s, < 5 MB sent")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
