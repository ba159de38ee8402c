"""One video of a batch, made wherever it is sent: a Dask worker, or this process.

Each video is one :class:`Pipeline` in its own work folder (``OUT/.work/<name>``)
writing to ``OUT/<name>``. With ``resume``, a video whose checkpoints show
every stage done and nothing stale is left as it is; one that failed or went
stale picks up from its checkpoints; one whose source changed in the set is
made afresh. Whatever happens, the outcome is a :class:`VideoResult`: a
failing video never raises, so it cannot stop the others.
"""

from __future__ import annotations

import importlib
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from ..checkpoint import CHECKPOINT_DIR, latest_checkpoint, load_checkpoint
from ..errors import CheckpointError, InputError, StageFailedError, VideogenError
from ..events import ProgressDisplay, StageProgress
from ..models import VideoMetadata
from ..pipeline import Pipeline
from .models import VideoJob, VideoResult

#: receives the progress of one video as small dicts (msgpack-able: they cross to the client from a worker)
Report = Callable[[dict[str, Any]], None]


class ForwardProgress(ProgressDisplay):
    """Sends a pipeline's progress on as dicts: every start and end of a stage, steps at most every ``interval`` s."""

    def __init__(self, video: str, report: Report, interval: float = 0.3) -> None:
        super().__init__()
        self.video, self.report, self.interval = video, report, interval
        self._last = 0.0

    def show(self, task: StageProgress, started: bool) -> None:
        now = time.monotonic()
        if not started and task.status == "running" and now - self._last < self.interval:
            return
        self._last = now
        self.report({
            "video": self.video, "event": "stage", "stage": task.stage, "status": task.status,
            "done": task.done, "total": task.total, "detail": (task.message if task.status != "running" else task.detail)[:200],
        })  # fmt: skip


def render_video(job: VideoJob, out: Path, resume: bool = False, report: Optional[Report] = None, worker: str = "") -> VideoResult:
    """Make (or, with ``resume``, bring up to date) one video of a batch; never raises for a bad document."""
    t0 = time.perf_counter()
    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    base = dict(name=job.name, origin=job.origin, worker=worker)
    if report is not None:
        report({"video": job.name, "event": "begin", "worker": worker})
    if job.problem:
        return VideoResult(**base, status="failed", failed_stage="input", error=job.problem)
    try:
        _import_plugins(job)
        p, resumed, notes = _open(job, Path(out), resume, ForwardProgress(job.name, report) if report else None)
        if resumed and all(state == "done" for state in p.status().values()):
            return _result(p, "unchanged", base, 0.0)
        p.run()
    except StageFailedError as exc:
        return VideoResult(**base, status="failed", failed_stage=exc.stage, error=f"stage '{exc.stage}' failed: {exc.reason}",
                           seconds=time.perf_counter() - t0)  # fmt: skip
    except InputError as exc:
        return VideoResult(**base, status="failed", failed_stage="input", error=str(exc), seconds=time.perf_counter() - t0)
    except (VideogenError, ValueError) as exc:  # bad settings for this video, a custom stage's error ...
        return VideoResult(**base, status="failed", error=str(exc), seconds=time.perf_counter() - t0)
    except Exception as exc:  # a bug must cost one video, not the batch: say what it was
        return VideoResult(**base, status="failed", error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - t0)
    result = _result(p, "rendered", base, time.perf_counter() - t0)
    result.warnings = notes + result.warnings
    return result


def _import_plugins(job: VideoJob) -> None:
    """Import the plug-ins the batch was started with (in a worker, they are not imported yet)."""
    if job.plugins and job.plugin_path is not None and str(job.plugin_path) not in sys.path:
        sys.path.insert(0, str(job.plugin_path))
    for name in job.plugins:
        importlib.import_module(name)


def _open(job: VideoJob, out: Path, resume: bool, progress) -> tuple[Pipeline, bool, list[str]]:
    """(the pipeline of ``job``, whether it was resumed from checkpoints, notes on why it was not)."""
    workdir = job.workdir(out)
    settings = {**job.settings, "output_dir": job.output_dir(out)}
    notes: list[str] = []
    if resume and (workdir / CHECKPOINT_DIR).is_dir():
        try:
            saved = load_checkpoint(latest_checkpoint(workdir)).context.input_config
            if saved.model_dump(mode="json") == job.input_config().model_dump(mode="json"):
                return Pipeline.resume(workdir, progress=progress, **settings), True, notes
            notes.append("its source changed in the set since the last run: made afresh")
        except CheckpointError as exc:
            notes.append(f"its checkpoints could not be used ({exc}): made afresh")
    return Pipeline(job.input_config(), workdir, progress=progress, **settings), False, notes


def _result(p: Pipeline, status: str, base: dict, seconds: float) -> VideoResult:
    """The result of a pipeline that ran (or had nothing to do), read from its metadata.json."""
    ctx = p.ctx
    if ctx.output_dir is None or ctx.metadata_path is None:
        rec = ctx.stage_records.get("output")
        reason = rec.error if rec is not None and rec.error else "the output stage did not run"
        return VideoResult(**base, status="failed", failed_stage="output", error=f"stage 'output' failed: {reason}",
                           seconds=seconds, warnings=list(ctx.warnings))  # fmt: skip
    meta = VideoMetadata.model_validate_json(Path(ctx.metadata_path).read_text(encoding="utf-8"))
    folder = Path(ctx.output_dir)
    return VideoResult(
        **base, status=status, title=meta.title, video=folder / meta.video, thumbnail=folder / meta.thumbnail,
        metadata=Path(ctx.metadata_path), subtitles={k: folder / v for k, v in meta.subtitles.items()},
        duration=meta.duration, frames=meta.frames, scenes=len(meta.scenes), seconds=seconds, warnings=list(ctx.warnings),
    )  # fmt: skip


def render_on_worker(job: VideoJob, out: str, resume: bool, topic: str) -> VideoResult:
    """The Dask task of one video: :func:`render_video`, its progress sent to the client under ``topic``."""
    from distributed import get_worker

    w = get_worker()

    def report(msg: dict[str, Any]) -> None:
        try:
            w.log_event(topic, msg)
        except Exception:  # progress is a courtesy; it must never fail a video
            pass

    return render_video(job, Path(out), resume, report, worker=w.address)
