"""CPU seconds of parsing (input + parse, pagination at 1080p included), before and after a change.

The documents are the three of ``tests/test_hardening.py -k under_5`` (a 5,000-row table, 2,000
sections, three 10,000-character words) and a lecture as people write them (30 sections of prose,
lists, code, tables, quotations and tips). Each is parsed by ``Pipeline(...).run(until="parse")``
in a process of its own, as the test does: nothing is warmed up but the imports.

    python benchmarks/bench_parse.py                    # this tree: CPU seconds of each document
    python benchmarks/bench_parse.py --compare main     # this tree and main's videogen_nb, runs interleaved
    python benchmarks/bench_parse.py --repeat 5         # best of 5 (default 3): the machine is shared
    python benchmarks/bench_parse.py --scaling          # time against size (10 ... 2,000 sections, 100 ... 5,000
                                                        # rows) and the fitted exponent k of time ~ N^k

With ``--compare REV`` the package of REV is taken from git (``git archive``, no checkout) and
imported in place of this tree's; the runs of the two alternate, so both see the same load, and
the ratio is what to read. "same output" says whether both made the same scenes, warnings and
languages (a digest of them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # benchmarks/documents.py, from wherever this runs
from documents import data_lecture  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (10, 100, 1000, 2000)
ROWS = (100, 1000, 5000)


def sections(n: int, line: str = "Some text about point {i}.") -> str:
    return "# T\n\n" + "".join(f"## Section {i}\n\n{line.format(i=i)}\n\n" for i in range(n))


def table(n: int) -> str:
    return "# T\n\n## Data\n\n| a | b | c |\n|---|---|---|\n" + "".join(f"| r{i} | value {i} | x{i * 7} |\n" for i in range(n))


def long_words(n: int) -> str:
    return "# T\n\n## W\n\n" + " ".join("x" * 10_000 for _ in range(n)) + "\n"


#: name -> the document (the first three are those of the test, word for word)
DOCUMENTS = {
    "5,000-row table": lambda: table(5000),
    "2,000 sections": lambda: sections(2000),
    "three 10,000-char words": lambda: long_words(3),
    "30-section lecture": data_lecture,
}


def parse_once(text: str) -> dict:
    """Input + parse of ``text`` in this process: CPU and wall seconds, scenes, and a digest of what was made."""
    from videogen_nb import Pipeline

    with tempfile.TemporaryDirectory() as work:
        p = Pipeline(text, workdir=Path(work) / "w", tts="silent", progress=None)
        c0, t0 = time.process_time(), time.perf_counter()
        p.run(until="parse")
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        made = json.dumps([[s.model_dump(mode="json") for s in p.scenes], p.ctx.warnings, p.ctx.video_config.detected_lang],
                          sort_keys=True, default=str)  # fmt: skip
        return {"cpu": cpu, "wall": wall, "scenes": len(p.scenes), "digest": hashlib.sha256(made.encode()).hexdigest()[:12]}


def run_child(args: list[str], package_root: Path | None) -> dict:
    """This script with ``args`` in a new process; ``package_root``: import videogen_nb from there instead."""
    env = dict(os.environ)
    if package_root is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(package_root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"bench_parse {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def export_package(rev: str, into: Path) -> Path:
    """videogen_nb as it is at git revision ``rev``, unpacked under ``into`` (nothing is checked out)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "videogen_nb"], capture_output=True, check=True).stdout
    tar = into / "src.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as t:
        try:
            t.extractall(into, filter="data")
        except TypeError:  # Python before 3.10.12 / 3.11.4: no filters (the archive is our own)
            t.extractall(into)
    return into


def compare(rev: str | None, repeat: int) -> None:
    """Best-of-``repeat`` CPU seconds of each document for this tree (and ``rev``), runs interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        trees: dict[str, Path | None] = {"this tree": None}
        if rev:
            trees[rev] = export_package(rev, Path(tmp))
        for name, root in trees.items():  # say which code each column ran
            where = run_child(["--where"], root)["where"]
            print(f"{name}: {where}")
        best: dict[tuple[str, str], dict] = {}
        for _ in range(repeat):
            for doc in DOCUMENTS:
                for name, root in trees.items():
                    r = run_child(["--one", doc], root)
                    key = (doc, name)
                    if key not in best or r["cpu"] < best[key]["cpu"]:
                        best[key] = r
        head = f"{'document':<26}{'scenes':>7}" + "".join(f"{name[:14] + ' CPU s':>20}" for name in trees)
        print(head + (f"{'ratio':>8}  same output" if rev else ""))
        for doc in DOCUMENTS:
            row = [best[(doc, name)] for name in trees]
            line = f"{doc:<26}{row[0]['scenes']:>7}" + "".join(f"{r['cpu']:>20.2f}" for r in row)
            if rev:
                line += f"{row[1]['cpu'] / row[0]['cpu']:>7.1f}x  {'yes' if row[0]['digest'] == row[1]['digest'] else 'NO'}"
            print(line)
        print(f"(best of {repeat}; a process per run; {platform.platform()}, Python {platform.python_version()})")


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


FAMILIES = {"sections": (sections, SECTIONS), "table rows": (table, ROWS), "10,000-char words": (long_words, (1, 3))}


def scaling(repeat: int, out: Path) -> None:
    """CPU seconds against size for each family (after a small warm-up document), and the fitted exponent."""
    results: dict = {"machine": platform.platform(), "python": platform.python_version(), "families": {}}
    print(f"{'document':<34}{'size':>7}{'scenes':>8}{'wall s':>9}{'CPU s':>9}")
    for family, (_, sizes) in FAMILIES.items():
        points = []
        for n in sizes:
            runs = [run_child(["--size", family, str(n)], None) for _ in range(repeat)]
            cpu, wall = min(r["cpu"] for r in runs), min(r["wall"] for r in runs)
            points.append((n, cpu))  # CPU time: on a shared machine it is the steadier measure
            print(f"{family:<34}{n:>7}{runs[0]['scenes']:>8}{wall:>9.2f}{cpu:>9.2f}")
        k = exponent(points)
        print(f"{family:<34} fitted exponent (CPU): time ~ N^{k:.2f}")
        results["families"][family] = {"points_cpu": points, "exponent": round(k, 3)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", metavar="REV", help="also run videogen_nb as it is at this git revision (main, a commit)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the least CPU time is kept (default 3)")
    ap.add_argument("--scaling", action="store_true", help="time against document size instead, with the fitted exponent")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "bench_parse.json", help="--scaling's JSON")
    ap.add_argument("--one", metavar="DOCUMENT", help=argparse.SUPPRESS)  # one measurement, printed as JSON
    ap.add_argument("--size", nargs=2, metavar=("FAMILY", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--where", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.where:
        import videogen_nb

        print(json.dumps({"where": str(Path(videogen_nb.__file__).parent)}))
    elif args.one:
        print(json.dumps(parse_once(DOCUMENTS[args.one]())))
    elif args.size:
        family, n = args.size[0], int(args.size[1])
        parse_once(sections(3, "Some text about point {i}, short enough for one slide."))  # warm-up: imports, fonts
        print(json.dumps(parse_once(FAMILIES[family][0](n))))
    elif args.scaling:
        scaling(args.repeat, args.out)
    else:
        compare(args.compare, args.repeat)


if __name__ == "__main__":
    main()
