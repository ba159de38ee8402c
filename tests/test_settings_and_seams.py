"""One settings object everywhere, nothing dropped on resume, metadata by schema, progress by one state, layers kept."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from videogen_nb import InputConfig, Pipeline, PipelineSettings, VideoMetadata, create_complete_pipeline, errors
from videogen_nb.events import Event, EventBus, LineProgress, ProgressState, TqdmProgress
from videogen_nb.tts import SpeechEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from write_schemas import metadata_schema  # noqa: E402


class FailingEngine(SpeechEngine):
    name = "failing"

    def synthesize(self, text, lang=None, voice=None):
        raise ConnectionError("speech service unreachable")


class CountingPool(ThreadPoolExecutor):
    """A thread pool that counts the work given to it."""

    def __init__(self):
        super().__init__(2)
        self.submitted = 0

    def submit(self, *args, **kwargs):
        self.submitted += 1
        return super().submit(*args, **kwargs)


def shout(scene, draft):
    return draft.upper()


def test_one_settings_object_builds_a_pipeline_and_unknown_options_get_a_suggestion(three_scene_doc, tmp_path):
    settings = PipelineSettings(resolution="720p", tts="silent", transition=0)
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", settings=settings, fps=25, progress=None)
    assert (p.settings.resolution, p.settings.fps, p.settings.transition, p.engine.name) == ((1280, 720), 25, 0, "silent")
    assert settings.fps == 30  # the caller's object is not changed
    with pytest.raises(ValueError, match=r"unknown option 'resolutoin' \(did you mean 'resolution'\?\)"):
        Pipeline(three_scene_doc, workdir=tmp_path / "w", resolutoin="720p")
    with pytest.raises(ValueError, match="espeak option rate=20 is out of range"):
        Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="espeak", tts_options={"rate": 20})


def test_resume_replaces_any_setting_it_is_given(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="silent", progress=None)
    p.run()
    q = Pipeline.resume(tmp_path / "w", transition=0, max_workers=1, progress=None)
    assert q.settings.transition == 0 and q.settings.max_workers == 1
    st = q.status()
    assert (st["audio"], st["video"]) == ("done", "stale")  # only the picture depends on the crossfade


def test_the_seed_api_resumes_with_every_option_it_was_given(three_scene_doc, tmp_path):
    cfg = InputConfig(input_type="document", source=str(three_scene_doc))
    first = create_complete_pipeline(tmp_path / "tasks", tts=FailingEngine(), resolution=(320, 180), enhancer=shout)
    assert not first.execute_sync(cfg, task_id="t").success
    pool = CountingPool()
    again = create_complete_pipeline(tmp_path / "tasks", resolution=(320, 180), enhancer=shout, executor=pool, max_workers=2)
    result = again.execute_sync(cfg, task_id="t", resume=True)
    assert result.success, result.errors
    assert pool.submitted > 0  # the resumed task's work went through the executor it was given
    settings = Pipeline.resume(tmp_path / "tasks" / "t", progress=None).settings
    assert settings.max_workers == 2 and settings.enhancer.endswith("shout")
    assert json.loads(result.metadata_path.read_text())["scenes"][1]["narration"].isupper()
    pool.shutdown()


def test_resume_names_the_live_objects_a_checkpoint_could_not_keep(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="silent", enhancer=shout, executor=ThreadPoolExecutor(1),
                 progress=None)  # fmt: skip
    p.run(until="script")
    q = Pipeline.resume(tmp_path / "w", progress=None)
    said = " ".join(q.ctx.warnings)
    assert "enhancer" in said and "shout" in said and "ThreadPoolExecutor" in said
    q.scenes[1].narration = None  # the script stage must write this narration again: never without the enhancer
    with pytest.raises(errors.StageFailedError, match=r"enhancer=shout"):
        q.script()
    with pytest.raises(errors.StageFailedError, match=r"enhancer=shout"):
        q.run()  # audio needs the narration the script stage could not write
    r = Pipeline.resume(tmp_path / "w", enhancer=shout, progress=None)
    r.scenes[1].narration = None
    r.run(until="script")
    assert r.scenes[1].narration.isupper()


def test_metadata_follows_the_published_schema(three_scene_doc, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    published = json.loads((ROOT / "schemas" / "metadata.schema.json").read_text())
    assert published == metadata_schema(), "the model changed: run python tools/write_schemas.py"
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="silent", progress=None)
    p.run()
    data = json.loads(p.ctx.metadata_path.read_text())
    jsonschema.validate(data, published)
    meta = VideoMetadata.model_validate(data)
    assert meta.schema_version == 1 and meta.stages == ["input", "parse", "script", "audio", "video", "output"]
    assert [s.kind for s in meta.scenes] == ["title", "text", "bullets"]


def test_every_progress_display_shows_one_progress_state():
    bus = EventBus()
    tty, lines = io.StringIO(), io.StringIO()
    bar, log = TqdmProgress(tty), LineProgress(lines)
    bus.subscribe(bar)
    bus.subscribe(log)
    bus.started("audio", total=4)
    bus.progress("audio", 3, 4, "scene 3: Results")
    assert bar.state.stages["audio"].fraction == log.state.stages["audio"].fraction == 0.75
    bus.warning("audio", "scene 2 spoken by espeak")
    bus.finished("audio", "4 scenes")
    bus.started("video", total=2)
    bus.failed("video", "ffmpeg broke")
    for display in (bar, log):
        s = display.state
        assert (s.stages["audio"].status, s.stages["video"].status, s.current) == ("done", "failed", None)
        assert s.stages["video"].message == "ffmpeg broke" and s.warnings == [("audio", "scene 2 spoken by espeak")]
    assert lines.getvalue().splitlines() == ["audio   warning: scene 2 spoken by espeak", "audio   done  4 scenes"]
    assert "4/4" in tty.getvalue() and "scene 3: Results" in tty.getvalue()
    fresh = ProgressState()
    assert fresh.apply(Event("warning", "x", "m")) is None and fresh.stages == {}


def test_the_layers_hold():
    # the one beside this interpreter: the venv need not be activated
    exe = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(exe) if exe.exists() else "lint-imports"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert re.search(r"Contracts: [3-9] kept, 0 broken", proc.stdout)


def test_no_table_keyed_by_kind_outside_the_kinds():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "videogen_nb").rglob("*.py")
        if "kinds" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"kind\s*(==|!=)|\.kind\s+(not\s+)?in\s*[(\[{]", line)
    ]
    assert not offenders, offenders
