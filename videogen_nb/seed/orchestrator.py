"""The seed's calls: ``create_complete_pipeline().execute_sync(InputConfig(...))``.

A thin layer over :class:`Pipeline`: one work folder per task id under a
work root, a JSON task state that another process can read with
``get_status(task_id)``, and resume from the task's checkpoints. Every
option (settings, engines, enhancer, executor, stages) reaches both a new
task and a resumed one.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from ..atomic import atomic_write_bytes
from ..checkpoint import CHECKPOINT_DIR
from ..errors import VideogenError
from ..events import ProgressDisplay, StageProgress, Subscriber
from ..models import InputConfig, PipelineSettings
from ..pipeline import Pipeline
from ..stages import Stage, default_stages, order_stages
from ..tts import SpeechEngine
from .state import PipelineResult, StageState, TaskState

STATE_FILE = "task_state.json"
_STATUS = {"running": "running", "done": "completed", "failed": "failed"}


class TaskRecorder(ProgressDisplay):
    """Shows the pipeline's progress as the task's JSON state (the seed's state manager)."""

    def __init__(self, path: Path, state: TaskState) -> None:
        super().__init__()
        self.path = path
        self.task = state

    def save(self) -> None:
        self.task.updated_at = datetime.now(timezone.utc)
        atomic_write_bytes(self.path, self.task.model_dump_json(indent=1).encode())

    def show(self, task: StageProgress, started: bool) -> None:
        self.task.stages[task.stage] = StageState(
            status=_STATUS[task.status], progress=task.fraction, error=task.message if task.status == "failed" else None
        )
        if started:
            self.task.status, self.task.current_stage = "running", task.stage
        if (self.path.parent / CHECKPOINT_DIR).is_dir():  # bad input leaves no work folder behind; keep it that way
            self.save()


class CompletePipeline:
    """Runs whole tasks (every stage) and remembers their state by task id."""

    def __init__(
        self,
        work_root: Union[str, Path, None] = None,
        *,
        tts: Union[str, SpeechEngine] = PipelineSettings.model_fields["tts"].default,
        progress: Optional[Subscriber] = None,
        stages: Optional[Sequence[Stage]] = None,
        **options: Any,
    ) -> None:
        """Tasks run in ``work_root/<task_id>``, spoken by ``tts`` (new or resumed; default ``auto``);
        ``options`` go to every Pipeline, new or resumed
        (settings such as ``resolution=``, ``lang=``, ``burn_subtitles=``; ``fallback=``, ``enhancer=``,
        ``executor=``)."""
        root = work_root or os.environ.get("VIDEOGEN_WORK_ROOT") or "videogen_tasks"
        self.work_root = Path(root).absolute()
        self.tts = tts
        self.progress = progress
        self.stage_list = list(stages) if stages is not None else None
        self.options = options

    @property
    def stages(self) -> list[str]:
        """The names of the stages every task runs, in order."""
        return [s.name for s in order_stages(self.stage_list or default_stages())]

    def task_dir(self, task_id: str) -> Path:
        return self.work_root / task_id

    def _pipeline(self, input_config: InputConfig, task_id: str, resume: bool) -> Pipeline:
        workdir = self.task_dir(task_id)
        if resume and (workdir / CHECKPOINT_DIR).is_dir():
            return Pipeline.resume(workdir, tts=self.tts, progress=self.progress, **self.options)
        stages = [*self.stage_list] if self.stage_list is not None else None
        return Pipeline(
            input_config, workdir, tts=self.tts, stages=stages, progress=self.progress, task_id=task_id, **self.options
        )

    def execute_sync(
        self, input_config: InputConfig, task_id: Optional[str] = None, resume: bool = False
    ) -> PipelineResult:
        """Run every stage of a task; with ``resume=True`` continue a task from its checkpoints."""
        task_id = task_id or f"task_{uuid.uuid4().hex[:12]}"
        workdir = self.task_dir(task_id)
        t0 = time.perf_counter()
        try:
            pipeline = self._pipeline(input_config, task_id, resume)
        except VideogenError as exc:
            return PipelineResult(success=False, task_id=task_id, errors=[str(exc)], elapsed=time.perf_counter() - t0)

        names = [s.name for s in pipeline.stages]
        state = self.get_status(task_id) or TaskState.for_stages(task_id, names)
        state.stages = {n: state.stages.get(n, StageState()) for n in names}  # the real stage list
        for name, s in pipeline.status().items():
            if s == "done":
                state.stages[name] = StageState(status="completed", progress=1.0)
        recorder = TaskRecorder(workdir / STATE_FILE, state)
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


def create_complete_pipeline(work_root: Union[str, Path, None] = None, **options: Any) -> CompletePipeline:
    """The seed's entry point: a pipeline of every stage (work root: ./videogen_tasks)."""
    return CompletePipeline(work_root, **options)
