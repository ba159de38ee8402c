"""A course on a LocalCluster of 2 worker processes: six documents, one bad; the report; resume; a local run to match."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import SMALL
from videogen_nb import Pipeline, run_batch
from videogen_nb.batch import BatchDisplay
from videogen_nb.cli import main
from videogen_nb.ffmpeg import probe

DOCUMENTS = {
    "cells.md": """
        # Cells

        ## What a cell is

        A cell is the smallest unit of life.

        ## Parts of a cell

        - the membrane
        - the nucleus
        - the mitochondria
        """,
    "tides.txt": """
        Tides

        The moon pulls on the sea. Twice a day the water rises and falls along the coast.
        """,
    "fractions.yaml": """
        title: Fractions
        scenes:
          - kind: text
            title: Halves
            body: ["One half is one of two equal parts."]
          - kind: quiz
            question: Which is larger?
            options: ["one half", "one third"]
            answer: A
        """,
    "volcanoes.md": """
        ---
        title: Volcanoes
        theme: light
        ---

        # Volcanoes

        Molten rock rises from deep under the ground and erupts.
        """,
    "magnets.md": """
        # Magnets

        ## Poles

        Every magnet has a north pole and a south pole. Like poles push apart.
        """,
    "broken.md": """
        ---
        title: Nothing after this
        ---
        """,
}
BAD = "broken"


@pytest.fixture
def course(tmp_path) -> Path:
    """Six documents of four kinds, one of them bad (front matter and nothing else), listed in a set."""
    folder = tmp_path / "course"
    folder.mkdir()
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    listed = "\n".join(f"  - source: {name}" for name in DOCUMENTS)
    course = folder / "course.yaml"
    # espeak everywhere: the comparison with a local run needs the same voice in every process (tts="auto" picks
    # Piper where the voice extra is installed, and Piper's voice varies a little from one synthesis to the next)
    course.write_text(f"title: Six lessons\ndefaults:\n  resolution: {SMALL[0]}x{SMALL[1]}\n  tts: espeak\nvideos:\n{listed}\n", encoding="utf-8")
    return course


class Recorder(BatchDisplay):
    """Remembers what a display was shown: every stage of every video, and each video's end."""

    def __init__(self) -> None:
        self.stages: dict[str, set[str]] = {}
        self.workers: dict[str, str] = {}
        self.ended: list[tuple[str, str, int]] = []

    def changed(self, state, video) -> None:
        self.stages.setdefault(video.name, set()).update(video.finished_stages)
        self.workers[video.name] = video.worker

    def finished(self, state, video) -> None:
        self.ended.append((video.name, video.state, state.ended))


@pytest.mark.slow
def test_a_course_on_a_local_cluster_fails_one_video_resumes_it_and_matches_a_local_run(dask_client, course, tmp_path):
    out = tmp_path / "out"
    shown = Recorder()
    result = run_batch([course], out, client=dask_client, progress=shown)

    # five videos and one clear failure, in the order listed
    names = [Path(n).stem for n in DOCUMENTS]
    assert [v.name for v in result.videos] == names
    assert {v.name: v.status for v in result.videos} == {n: "failed" if n == BAD else "rendered" for n in names}
    bad = result[BAD]
    assert bad.failed_stage == "input" and "broken.md" in bad.error and "front matter but no content" in bad.error
    assert f"{len(names)} videos" in result.summary() and "5 rendered, 0 unchanged, 1 failed" in result.summary()

    # every good video was made on a worker of the cluster, with its progress sent here stage by stage
    workers = set(dask_client.scheduler_info()["workers"])
    assert {v.worker for v in result.rendered} <= workers and len({v.worker for v in result.rendered}) == 2
    assert result.workers == 2 and result.scheduler == dask_client.scheduler_info()["address"]
    for v in result.rendered:
        assert shown.stages[v.name] == {"input", "parse", "script", "audio", "video", "output"}
        assert shown.workers[v.name] == v.worker
    assert [count for *_, count in shown.ended] == list(range(1, len(names) + 1))

    # the index and the data list every video: thumbnail, duration, status
    page = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in data["videos"]] == names and data["summary"]["failed"] == 1
    for v in data["videos"]:
        assert v["name"] in page
        if v["status"] == "rendered":
            assert (out / v["thumbnail"]).is_file() and f'src="{v["thumbnail"]}"' in page
            assert (out / v["video"]).is_file() and v["duration"] > 2
        else:
            assert v["video"] is None and "front matter but no content" in page

    # each video is the one a single-machine run makes: frame count and scene timings
    for v in result.rendered:
        doc = course.parent / next(n for n in DOCUMENTS if Path(n).stem == v.name)
        local = Pipeline(doc, tmp_path / "local" / v.name, resolution=SMALL, tts="espeak", progress=None)
        local.run()
        report = local.ctx.timing_report
        assert probe(v.video, count_frames=True).frames == probe(local.video_path, count_frames=True).frames
        assert v.frames == report.total_frames and v.duration == pytest.approx(report.total_duration)
        scenes = json.loads(v.metadata.read_text(encoding="utf-8"))["scenes"]
        assert [(s["start"], s["end"], s["audio_start"]) for s in scenes] == [
            (t.start, t.end, t.audio_start) for t in report.scenes
        ]

    # fixed, the bad document alone is made again; the others are left as they are
    made = {v.name: (v.video.stat().st_ino, v.video.stat().st_mtime_ns) for v in result.rendered}
    (course.parent / "broken.md").write_text("---\ntitle: Fixed now\n---\n\n# Fixed now\n\nIt has words.\n", encoding="utf-8")
    again = run_batch([course], out, client=dask_client, resume=True, progress=None)
    assert {v.name: v.status for v in again.videos} == {n: "rendered" if n == BAD else "unchanged" for n in names}
    assert made == {n: (again[n].video.stat().st_ino, again[n].video.stat().st_mtime_ns) for n in made}
    assert again[BAD].title == "Fixed now" and again[BAD].video.is_file() and again.ok
    data = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert data["summary"] == {**data["summary"], "rendered": 1, "unchanged": 5, "failed": 0}


@pytest.mark.slow
def test_the_command_runs_a_folder_and_a_set_on_a_scheduler_and_resumes(dask_client, tmp_path, capsys):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "one.md").write_text("# One\n\n## Idea\n\nThe first lesson has one idea.\n", encoding="utf-8")
    (lessons / "two.md").write_text("", encoding="utf-8")  # empty: fails
    extra = tmp_path / "extra.yaml"
    extra.write_text(textwrap.dedent("""
        videos:
          - name: inline
            title: Written in the set
            theme: light
            scenes:
              - kind: bullets
                title: Two points
                items: [first, second]
        """), encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    address = dask_client.scheduler_info()["address"]
    argv = ["batch", str(lessons), str(extra), "-o", str(out), "--scheduler", address, "--resolution", "320x180", "-q"]
    assert main(argv) == 1  # some failed: the others were made all the same
    captured = capsys.readouterr()
    assert "3 videos" in captured.out and "2 rendered, 0 unchanged, 1 failed" in captured.out
    assert f"index: {out / 'index.html'}" in captured.out
    assert "failed: two (" in captured.err and "the document is empty" in captured.err
    assert f"make only that again: videogen batch {lessons} {extra} -o {out} --scheduler {address} --resolution 320x180 -q --resume" in captured.err
    meta = json.loads((out / "inline" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Written in the set" and meta["resolution"] == [320, 180]

    (lessons / "two.md").write_text("# Two\n\nNow it has words.\n", encoding="utf-8")
    assert main([*argv, "--resume"]) == 0
    assert "1 rendered, 2 unchanged, 0 failed" in capsys.readouterr().out


@pytest.mark.slow
def test_a_video_that_fails_in_a_later_stage_picks_up_from_its_checkpoints(tmp_path):
    """Sequential, without Dask: a language espeak lacks fails the audio stage; set right, resume goes on from there."""
    doc = tmp_path / "lesson.md"
    doc.write_text("---\nlang: xx-none\n---\n\n# Lesson\n\n## Idea\n\nOne idea, said once.\n", encoding="utf-8")
    course = tmp_path / "course.yaml"
    course.write_text("videos:\n  - source: lesson.md\n    resolution: 320x180\n", encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([course], out, client="sequential", progress=None)
    lesson = first["lesson"]
    assert lesson.status == "failed" and lesson.failed_stage == "audio"
    assert lesson.error.startswith("stage 'audio' failed: espeak has no voice for 'xx-none'")
    assert (out / ".work" / "lesson" / "checkpoints" / "03_script.pkl").is_file()

    course.write_text("videos:\n  - source: lesson.md\n    resolution: 320x180\n    lang: en\n", encoding="utf-8")
    again = run_batch([course], out, client="sequential", resume=True, progress=None)
    assert again["lesson"].status == "rendered" and again["lesson"].frames > 0
    p = Pipeline.resume(out / ".work" / "lesson", progress=None)
    assert p.ctx.stage_records["script"].seq < p.ctx.stage_records["audio"].seq  # script was not run again
    assert p.ctx.settings.lang == "en" and p.ctx.settings.output_dir == out / "lesson"
