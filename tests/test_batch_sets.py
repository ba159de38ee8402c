"""What a batch is made of: video sets, folders and documents read into jobs; what it writes; how it reports."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from videogen_nb import VideoConfig
from videogen_nb.batch import (
    BatchLines,
    BatchProgress,
    BatchResult,
    ClusterError,
    VideoResult,
    index_html,
    plan_batch,
    run_batch,
    write_report,
)
from videogen_nb.cli import main
from videogen_nb.errors import SetError


@pytest.fixture
def lessons(write_doc, tmp_path):
    """``write_doc`` that makes folders too, after writing three lessons into ``lessons/``."""

    def write(name: str, text: str) -> Path:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        return write_doc(name, text)

    write("lessons/intro.md", "# Intro\n\n## First\n\nSome words.\n")
    write("lessons/loops.txt", "Loops repeat things.\n\nThey are everywhere.\n")
    write("lessons/quiz.yaml", "title: A quiz\nscenes:\n  - kind: quiz\n    question: Two?\n    options: [one, two]\n    answer: B\n")
    return write


def test_a_set_lists_documents_and_inline_videos_with_settings_of_their_own(lessons, tmp_path):
    course = lessons(
        "course.yaml",
        """
        title: A course
        defaults:
          resolution: 720p
          theme: dark
        videos:
          - source: lessons/intro.md
            theme: light
          - lessons/loops.txt
          - source: lessons/quiz.yaml
            name: the-quiz
          - title: Written here
            scenes:
              - kind: bullets
                title: Points
                items: [one, two]
        """,
    )
    plan = plan_batch([course], {"theme": "light", "fps": 25, "resolution": "480p"})
    assert plan.title == "A course"
    assert [j.name for j in plan.jobs] == ["intro", "loops", "the-quiz", "written-here"]
    intro, loops, quiz, inline = plan.jobs
    # sources are taken from the set's folder, whatever the current folder
    assert intro.source == (tmp_path / "lessons" / "intro.md").absolute() and intro.source.is_file()
    assert intro.origin == f"lessons/intro.md in {course}:6"
    # a video's own settings win over the caller's, which win over the set's defaults
    assert intro.settings["theme"] == "light" and loops.settings["resolution"] == "480p" and loops.settings["fps"] == 25
    assert plan_batch([course]).jobs[1].settings == {"resolution": "720p", "theme": "dark"}
    assert isinstance(inline.source, VideoConfig) and inline.source.title == "Written here"
    assert [s.kind for s in inline.source.scenes] == ["bullets"] and inline.problem is None
    assert inline.input_config().input_type == "programmatic"
    assert "4 videos" in repr(plan) and "written-here" in repr(plan)


def test_a_folder_is_a_batch_of_every_document_in_it(lessons, tmp_path):
    lessons("lessons/notes.png", "not a document")
    lessons("lessons/.hidden.md", "# Hidden\n")
    plan = plan_batch([tmp_path / "lessons"])
    assert [j.name for j in plan.jobs] == ["intro", "loops", "quiz"]  # sorted; pictures and hidden files left out
    # a second source with the same file names gets names of its own
    lessons("more/intro.md", "# Another intro\n")
    plan = plan_batch([tmp_path / "lessons", tmp_path / "more"])
    assert [j.name for j in plan.jobs] == ["intro", "loops", "quiz", "intro-2"]


def test_a_bad_inline_video_fails_alone_and_names_the_set_and_line(lessons):
    course = lessons(
        "course.yaml",
        """
        videos:
          - lessons/intro.md
          - title: Broken
            scenes:
              - kind: quizz
                question: Why?
        """,
    )
    jobs = plan_batch([course]).jobs
    assert jobs[0].problem is None
    assert "course.yaml: line 5: scene 1 has the unknown kind 'quizz'" in jobs[1].problem
    assert "Did you mean 'quiz'?" in jobs[1].problem


@pytest.mark.parametrize(
    "text, expected",
    [
        ("videos:\n  - source: a.md\n    resolutoin: 720p\n", "line 3: unknown field 'resolutoin' in video 1. Did you mean 'resolution'?"),
        ("defaults:\n  resolution: huge\nvideos: [a.md]\n", "line 2: defaults: resolution: "),
        ("defaults:\n  output_dir: x\nvideos: [a.md]\n", "line 2: unknown field 'output_dir' in 'defaults'"),
        ("videos: []\n", "line 1: 'videos' is not a list of videos"),
        ("videos:\n  - source: a.md\n    scenes: []\n", "line 2: video 1 needs either 'source:' (a document) or 'scenes:'"),
        ("videos:\n  - source: a.md\n    title: T\n", "line 3: video 1 has a source document and 'title'"),
        ("videos:\n  - source: a.md\n    name: My Intro\n", "line 3: the name 'My Intro' of video 1 is not a folder name"),
        ("videos:\n  - {source: a.md, name: x}\n  - {source: b.md, name: x}\n", "two videos are named 'x'"),
        ("vidoes: [a.md]\nvideos: [a.md]\n", "line 1: unknown field 'vidoes' in the video set. Did you mean 'videos'?"),
        ("videos:\n  - 42\n", "line 2: video 1 is neither a path nor a mapping"),
    ],
)
def test_a_mistake_in_the_set_is_one_error_with_its_line_and_nothing_runs(write_doc, tmp_path, text, expected):
    course = write_doc("course.yaml", text)
    with pytest.raises(SetError) as info:
        run_batch([course], tmp_path / "out", client="sequential", progress=None)
    assert expected in str(info.value)
    assert not (tmp_path / "out").exists()


def test_sources_that_are_not_there_or_hold_nothing_are_refused(tmp_path):
    with pytest.raises(SetError, match="no such file or folder"):
        plan_batch([tmp_path / "missing.yaml"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(SetError, match="holds no documents"):
        plan_batch([tmp_path / "empty"])
    with pytest.raises(SetError, match="no sources"):
        plan_batch([])
    with pytest.raises(ValueError, match="output_dir cannot be set for a batch"):
        plan_batch([tmp_path], {"output_dir": tmp_path})


def test_a_scene_spec_is_a_document_and_a_broken_set_like_file_too(lessons, tmp_path):
    # quiz.yaml has no 'videos': it is one video; a file that is not valid YAML is a document that will fail alone
    lessons("lessons/broken.yaml", "videos: [unclosed\n")
    plan = plan_batch([tmp_path / "lessons"])
    assert [j.name for j in plan.jobs] == ["broken", "intro", "loops", "quiz"]
    assert all(isinstance(j.source, Path) for j in plan.jobs)


def test_without_dask_the_error_says_how_to_install_it(lessons, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    with pytest.raises(ClusterError, match=r"pip install 'videogen_nb\[dask\]'"):
        run_batch([tmp_path / "lessons"], tmp_path / "out", progress=None)
    assert not (tmp_path / "out").exists()
    code = main(["batch", str(tmp_path / "lessons"), "-o", str(tmp_path / "out"), "-q"])
    assert code == 2


def _result(tmp_path) -> BatchResult:
    out = tmp_path / "out"
    (out / "good").mkdir(parents=True)
    Image.new("RGB", (64, 36), (200, 30, 30)).save(out / "good" / "thumbnail.png")
    return BatchResult(
        out=out, title="Course <1>", started_at=datetime.now(timezone.utc), seconds=3.2, workers=2, scheduler="tcp://x",
        videos=[
            VideoResult(name="good", origin="a.md", status="rendered", title="A & B", video=out / "good" / "a.mp4",
                        thumbnail=out / "good" / "thumbnail.png", metadata=out / "good" / "metadata.json",
                        subtitles={"srt": out / "good" / "a.srt"}, duration=75.0, frames=2250, scenes=4),
            VideoResult(name="bad", origin="b.md", status="failed", failed_stage="input", error="b.md: <empty> & more"),
        ],
    )  # fmt: skip


def test_the_index_lists_every_video_and_batch_json_the_same_as_data(tmp_path):
    result = write_report(_result(tmp_path))
    page = result.index_path.read_text(encoding="utf-8")
    assert "<title>Course &lt;1&gt;</title>" in page and "A &amp; B" in page
    assert 'src="good/thumbnail.png"' in page and 'href="good/a.mp4"' in page and "1:15" in page
    assert "b.md: &lt;empty&gt; &amp; more" in page and "failed" in page
    data = json.loads(result.data_path.read_text(encoding="utf-8"))
    assert data["summary"] == {"videos": 2, "rendered": 1, "unchanged": 0, "failed": 1, "video_seconds": 75.0}
    good, bad = data["videos"]
    assert good["video"] == "good/a.mp4" and good["subtitles"] == {"srt": "good/a.srt"} and good["duration"] == 75.0
    assert bad["status"] == "failed" and bad["error"] == "b.md: <empty> & more" and bad["video"] is None
    assert index_html(result) == page


def test_a_batch_result_reads_well(tmp_path):
    result = _result(tmp_path)
    assert not result.ok and [v.name for v in result.failed] == ["bad"] and result["good"].ok
    text = repr(result)
    assert "2 videos" in text and "1 rendered, 0 unchanged, 1 failed" in text and "b.md: <empty>" in text
    assert str(result) == text
    shown = result._repr_html_()
    assert "<table>" in shown and "A &amp; B" in shown and 'src="data:image/jpeg;base64,' in shown
    with pytest.raises(KeyError, match="no video 'nope'"):
        result["nope"]


def test_progress_counts_each_video_and_the_batch():
    out = io.StringIO()
    state = BatchProgress(["a", "b"], 6, BatchLines(out))
    state.message({"video": "a", "event": "begin", "worker": "tcp://w1"})
    for stage in ("input", "parse", "script"):
        state.message({"video": "a", "event": "stage", "stage": stage, "status": "done", "done": 1, "total": 1})
    state.message({"video": "a", "event": "stage", "stage": "audio", "status": "running", "done": 2, "total": 4})
    assert state.videos["a"].fraction == pytest.approx(3.5 / 6) and state.videos["b"].fraction == 0
    assert state.fraction == pytest.approx(3.5 / 12)
    state.finish(VideoResult(name="b", origin="b.md", status="failed", error="it broke"))
    state.message({"video": "b", "event": "stage", "stage": "audio", "status": "running"})  # late news: ignored
    assert state.ended == 1 and state.count("failed") == 1 and state.videos["b"].fraction == 1
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["a: started on tcp://w1", "a: input done", "a: parse done", "a: script done"]
    assert lines[-1] == "[1/2] FAILED b (b.md): it broke"


def test_a_set_given_as_one_document_says_to_make_it_as_a_batch(lessons, tmp_path):
    from videogen_nb import Pipeline
    from videogen_nb.errors import InputError

    course = lessons("course.yaml", "videos:\n  - lessons/intro.md\n")
    with pytest.raises(InputError, match=r"line 1: this is a video set .* videogen batch .*course.yaml -o OUT"):
        Pipeline(course, tmp_path / "w", progress=None).run(until="input")
