"""Parse time against document size: does input + parse (with pagination) grow linearly?

Two families of documents: N sections of a short paragraph each (10 ... 2,000), and one
table of N rows (100 ... 5,000); plus a paragraph of three 10,000-character words. Each
is parsed by ``Pipeline(...).run(until="parse")`` at 1080p (pagination included: a long
table becomes hundreds of slides). For each family the exponent k of time ~ N^k is
fitted by least squares on the logarithms of the CPU seconds: 1 is linear, 2 quadratic.

    python benchmarks/bench_parse.py              # prints a table, writes benchmarks/results/bench_parse.json
    python benchmarks/bench_parse.py --repeat 3   # best of 3 for each size

Each size is measured in a process of its own (after a small warm-up document), so
the layout caches filled by a smaller size do not flatter a larger one.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from videogen_nb import Pipeline

SECTIONS = (10, 100, 1000, 2000)
ROWS = (100, 1000, 5000)


def sections(n: int) -> str:
    return "# Sections\n\n" + "".join(f"## Section {i}\n\nSome text about point {i}, short enough for one slide.\n\n" for i in range(n))


def table(n: int) -> str:
    return "# Table\n\n## Data\n\n| id | name | value |\n|---|---|---|\n" + "".join(
        f"| r{i} | value {i} | x{i * 7} |\n" for i in range(n)
    )


def long_words(n: int) -> str:
    return "# Words\n\n## Long\n\n" + " ".join("x" * 10_000 for _ in range(n)) + "\n"


def parse_time(text: str) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of input + parse of ``text``, and the number of scenes made."""
    with tempfile.TemporaryDirectory() as work:
        p = Pipeline(text, workdir=Path(work) / "w", tts="silent", progress=None)
        t0, c0 = time.perf_counter(), time.process_time()
        p.run(until="parse")
        return time.perf_counter() - t0, time.process_time() - c0, len(p.scenes)


def measure_in_new_process(family: str, n: int, repeat: int) -> tuple[float, float, int]:
    """Best of ``repeat`` runs, each in a new process: nothing a smaller size measured is cached for a larger one."""
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--one", family, str(n)], capture_output=True, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


FAMILIES = {"sections": (sections, SECTIONS), "table rows": (table, ROWS), "10,000-char words": (long_words, (1, 3))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="runs per size; the best is kept (default 1)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_parse.json")
    ap.add_argument("--one", nargs=2, metavar=("FAMILY", "N"), help=argparse.SUPPRESS)  # one measurement, as JSON
    args = ap.parse_args()
    if args.one:
        family, n = args.one[0], int(args.one[1])
        parse_time(sections(3))  # warm up: imports, fonts and their glyph tables
        print(json.dumps(parse_time(FAMILIES[family][0](n))))
        return
    results: dict = {"machine": platform.platform(), "python": platform.python_version(), "families": {}}
    print(f"{'document':<34}{'size':>7}{'scenes':>8}{'wall s':>9}{'CPU s':>9}")
    for family, (_, sizes) in FAMILIES.items():
        points = []
        for n in sizes:
            wall, cpu, scenes = measure_in_new_process(family, n, args.repeat)
            points.append((n, cpu))  # CPU time: on a shared machine it is the steadier measure
            print(f"{family:<34}{n:>7}{scenes:>8}{wall:>9.2f}{cpu:>9.2f}")
        k = exponent(points)
        print(f"{family:<34} fitted exponent (CPU): time ~ N^{k:.2f}")
        results["families"][family] = {"points_cpu": points, "exponent": round(k, 3)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
