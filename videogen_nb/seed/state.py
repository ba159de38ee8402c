"""The seed's task records: ``PipelineResult`` from ``execute_sync`` and the ``TaskState`` of ``get_status``."""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from ..models import Model


class PipelineResult(Model):
    """What ``execute_sync`` returns (the seed's result object)."""

    success: bool
    task_id: str
    video_path: Optional[Path] = None
    output_dir: Optional[Path] = None
    metadata_path: Optional[Path] = None
    thumbnail_path: Optional[Path] = None
    duration: float = 0.0  # seconds of video
    elapsed: float = 0.0  # seconds the run took
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def __repr__(self) -> str:
        if self.success:
            return f"<PipelineResult {self.task_id} ok: {self.video_path} ({self.duration:.1f} s)>"
        return f"<PipelineResult {self.task_id} FAILED: {'; '.join(self.errors)}>"


class StageState(Model):
    """One stage of a task as the seed's state manager saw it."""

    status: Literal["pending", "running", "completed", "failed"] = "pending"
    progress: float = 0.0
    error: Optional[str] = None


class TaskState(Model):
    """A task's progress, saved as JSON so another process can read it; one entry per stage of its pipeline."""

    task_id: str
    status: Literal["pending", "running", "completed", "failed"] = "pending"
    stages: dict[str, StageState] = Field(default_factory=dict)
    current_stage: Optional[str] = None
    errors: list[str] = Field(default_factory=list)
    video_path: Optional[Path] = None
    updated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @classmethod
    def for_stages(cls, task_id: str, names: list[str]) -> "TaskState":
        """A pending task of the stages ``names``, in the order they run."""
        return cls(task_id=task_id, stages={n: StageState() for n in names})

    @property
    def overall_progress(self) -> float:
        """Fraction of the stages completed, counting the running one's progress."""
        if not self.stages:
            return 0.0
        total = sum(1.0 if s.status == "completed" else s.progress for s in self.stages.values())
        return total / len(self.stages)

    def get_completed_stages(self) -> list[str]:
        return [n for n, s in self.stages.items() if s.status == "completed"]

    def __repr__(self) -> str:
        return f"<TaskState {self.task_id} {self.status} {self.overall_progress:.0%}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{s.status}</td><td>{s.progress:.0%}</td></tr>"
            for n, s in self.stages.items()
        )
        return (
            f"<b>{html.escape(self.task_id)}</b>: {self.status}, {self.overall_progress:.0%}"
            f"<table><tr><th>stage</th><th>status</th><th>progress</th></tr>{rows}</table>"
        )
