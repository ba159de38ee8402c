"""The seed's calls work as written: create_complete_pipeline, execute_sync, resume, get_status."""

from __future__ import annotations

import asyncio

from videogen_nb import InputConfig, PipelineResult, TaskState, create_complete_pipeline
from videogen_nb.tts import SpeechEngine

STAGES = ["input", "parse", "script", "audio", "video", "output"]


class FailingEngine(SpeechEngine):
    name = "failing"

    def synthesize(self, text, lang=None, voice=None):
        raise ConnectionError("speech service unreachable")


def test_execute_sync_makes_the_video_and_reports_status(three_scene_doc, tmp_path):
    pipeline = create_complete_pipeline(work_root=tmp_path / "tasks", resolution=(320, 180))
    input_config = InputConfig(input_type="document", source=str(three_scene_doc))
    result = pipeline.execute_sync(input_config)
    assert isinstance(result, PipelineResult)
    assert result.success, result.errors
    assert result.video_path.is_file() and result.video_path.suffix == ".mp4"
    assert result.task_id.startswith("task_")
    assert result.duration > 0

    task_state = pipeline.get_status(result.task_id)
    assert isinstance(task_state, TaskState)
    assert task_state.status == "completed"
    assert task_state.overall_progress == 1.0
    assert task_state.get_completed_stages() == STAGES
    assert f"{task_state.overall_progress:.0%}" == "100%"


def test_resume_a_failed_task_by_its_id(three_scene_doc, tmp_path):
    cfg = InputConfig(input_type="document", source=str(three_scene_doc))
    first = create_complete_pipeline(tmp_path / "tasks", tts=FailingEngine(), resolution=(320, 180))
    result = first.execute_sync(cfg, task_id="task_abc123")
    assert not result.success
    assert "audio" in result.errors[0] and "unreachable" in result.errors[0]
    state = first.get_status("task_abc123")
    assert state.status == "failed"
    assert state.get_completed_stages() == ["input", "parse", "script"]
    assert 0.4 < state.overall_progress < 0.6

    pipeline = create_complete_pipeline(tmp_path / "tasks", resolution=(320, 180))
    result = pipeline.execute_sync(cfg, task_id="task_abc123", resume=True)
    assert result.success, result.errors
    state = pipeline.get_status("task_abc123")
    assert state.status == "completed" and state.get_completed_stages() == STAGES


def test_resume_of_a_finished_task_does_no_work(three_scene_doc, tmp_path):
    cfg = InputConfig(input_type="document", source=str(three_scene_doc))
    pipeline = create_complete_pipeline(tmp_path / "tasks", resolution=(320, 180))
    pipeline.execute_sync(cfg, task_id="t1")
    mtime = (tmp_path / "tasks" / "t1" / "checkpoints" / "06_output.pkl").stat().st_mtime_ns
    again = pipeline.execute_sync(cfg, task_id="t1", resume=True)
    assert again.success
    assert (tmp_path / "tasks" / "t1" / "checkpoints" / "06_output.pkl").stat().st_mtime_ns == mtime


def test_async_execute(three_scene_doc, tmp_path):
    pipeline = create_complete_pipeline(tmp_path / "tasks", resolution=(320, 180), tts="silent")
    result = asyncio.run(pipeline.execute(InputConfig(input_type="document", source=str(three_scene_doc))))
    assert result.success and result.video_path.is_file()


def test_bad_input_is_a_failed_result_with_the_reason(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    pipeline = create_complete_pipeline(tmp_path / "tasks")
    result = pipeline.execute_sync(InputConfig(input_type="document", source=str(empty)), task_id="bad")
    assert not result.success and "empty.md" in result.errors[0]
    assert pipeline.get_status("bad") is None
    assert not (tmp_path / "tasks" / "bad").exists()


def test_unknown_task_has_no_status(tmp_path):
    assert create_complete_pipeline(tmp_path).get_status("nope") is None


def test_pipeline_options_reach_every_task(three_scene_doc, tmp_path):
    pipeline = create_complete_pipeline(tmp_path / "tasks", resolution=(320, 180), tts="silent", transition=0, burn_subtitles=True)
    result = pipeline.execute_sync(InputConfig(input_type="document", source=str(three_scene_doc)), task_id="opts")
    assert result.success
    slides = tmp_path / "tasks" / "opts" / "video" / "slides"
    assert list(slides.glob("*-cue*.png")), "burn_subtitles did not reach the pipeline"
