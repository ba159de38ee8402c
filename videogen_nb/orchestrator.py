"""The seed's calls: ``create_complete_pipeline().execute_sync(InputConfig(...))``.

A thin layer over :class:`Pipeline`: one work folder per task id under a
work root, a JSON task state that another process can read with
``get_status(task_id)``, and resume from the task's checkpoints.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Union

from .atomic import atomic_write_bytes
from .checkpoint import CHECKPOINT_DIR
from .errors import VideogenError
from .events import Event, Subscriber
from .models import STAGE_NAMES, InputConfig, PipelineResult, StageState, TaskState
from .pipeline import Pipeline
from .tts import SpeechEngine

STATE_FILE = "task_state.json"


class _TaskRecorder:
    """Keeps a task's JSON state in step with the pipeline's events."""

    def __init__(self, path: Path, state: TaskState) -> None:
        self.path = path
        self.state = state

    def save(self) -> None:
        self.state.updated_at = datetime.now(timezone.utc)
        atomic_write_bytes(self.path, self.state.model_dump_json(indent=1).encode())

    def __call__(self, event: Event) -> None:
        st = self.state.stages.setdefault(event.stage, StageState())
        if event.kind == "started":
            st.status, st.progress, st.error = "running", 0.0, None
            self.state.status = "running"
            self.state.current_stage = event.stage
        elif event.kind == "progress" and event.total:
            st.progress = min(1.0, event.done / event.total)
        elif event.kind == "finished":
            st.status, st.progress = "completed", 1.0
        elif event.kind == "failed":
            st.status, st.error = "failed", event.message
        else:
            return
        if self.path.parent.is_dir():  # bad input creates no work folder; keep it that way
            self.save()


class CompletePipeline:
    """Runs whole tasks (all six stages) and remembers their state by task id."""

    def __init__(
        self,
        work_root: Union[str, Path, None] = None,
        *,
        tts: Union[str, SpeechEngine] = "espeak",
        resolution: Union[str, tuple[int, int]] = "1080p",
        fps: int = 30,
        progress: Optional[Subscriber] = None,
        **pipeline_options: Any,
    ) -> None:
        """Tasks run in ``work_root/<task_id>``; ``pipeline_options`` go to every Pipeline
        (``lang=``, ``fallback=``, ``burn_subtitles=``, ``cache_dir=`` ...)."""
        root = work_root or os.environ.get("VIDEOGEN_WORK_ROOT") or "videogen_tasks"
        self.work_root = Path(root).absolute()
        self.tts = tts
        self.resolution = resolution
        self.fps = fps
        self.progress = progress
        self.pipeline_options = pipeline_options
        self.stages = list(STAGE_NAMES)

    def task_dir(self, task_id: str) -> Path:
        return self.work_root / task_id

    def execute_sync(
        self, input_config: InputConfig, task_id: Optional[str] = None, resume: bool = False
    ) -> PipelineResult:
        """Run every stage of a task; with ``resume=True`` continue a task from its checkpoints."""
        task_id = task_id or f"task_{uuid.uuid4().hex[:12]}"
        workdir = self.task_dir(task_id)
        t0 = time.perf_counter()
        try:
            if resume and (workdir / CHECKPOINT_DIR).is_dir():
                pipeline = Pipeline.resume(workdir, tts=self.tts, progress=self.progress)
            else:
                pipeline = Pipeline(
                    input_config, workdir, tts=self.tts, resolution=self.resolution, fps=self.fps,
                    progress=self.progress, task_id=task_id, **self.pipeline_options,
                )  # fmt: skip
        except VideogenError as exc:
            return PipelineResult(success=False, task_id=task_id, errors=[str(exc)], elapsed=time.perf_counter() - t0)

        state = self.get_status(task_id) or TaskState(task_id=task_id)
        for name, s in pipeline.status().items():
            if s == "done":
                state.stages[name] = StageState(status="completed", progress=1.0)
        recorder = _TaskRecorder(workdir / STATE_FILE, state)
        pipeline.events.subscribe(recorder)
        try:
            pipeline.run()
        except VideogenError as exc:
            state.status = "failed"
            state.errors.append(str(exc))
            if workdir.is_dir():
                recorder.save()
            return PipelineResult(
                success=False, task_id=task_id, errors=[str(exc)], warnings=list(pipeline.ctx.warnings),
                elapsed=time.perf_counter() - t0,
            )  # fmt: skip
        finally:
            pipeline.events.unsubscribe(recorder)
        ctx = pipeline.ctx
        failed = [n for n, s in pipeline.status().items() if s == "failed"]
        state.status = "completed" if not failed else "failed"
        state.current_stage = None
        state.video_path = pipeline.video_path
        recorder.save()
        return PipelineResult(
            success=ctx.final_video_path is not None,
            task_id=task_id,
            video_path=pipeline.video_path,
            output_dir=ctx.output_dir,
            metadata_path=ctx.metadata_path,
            thumbnail_path=ctx.thumbnail_path,
            duration=ctx.timing_report.total_duration if ctx.timing_report else 0.0,
            elapsed=time.perf_counter() - t0,
            warnings=list(ctx.warnings) + [f"stage {n} failed" for n in failed],
        )

    async def execute(
        self, input_config: InputConfig, task_id: Optional[str] = None, resume: bool = False
    ) -> PipelineResult:
        """``execute_sync`` in a worker thread, so an event loop (Jupyter's) stays responsive."""
        return await asyncio.to_thread(self.execute_sync, input_config, task_id, resume)

    def get_status(self, task_id: str) -> Optional[TaskState]:
        """The saved state of a task, or None if there is no such task."""
        path = self.task_dir(task_id) / STATE_FILE
        try:
            return TaskState.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def __repr__(self) -> str:
        return f"<CompletePipeline work_root={str(self.work_root)!r} stages={self.stages}>"


def create_complete_pipeline(work_root: Union[str, Path, None] = None, **options) -> CompletePipeline:
    """The seed's entry point: a pipeline of all six stages (work root: ./videogen_tasks)."""
    return CompletePipeline(work_root, **options)
