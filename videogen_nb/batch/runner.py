"""Running a batch: one pipeline per video as a Dask task, progress from the workers, the report as videos end.

Without a client, a ``distributed.LocalCluster`` sized to the machine is
started for the batch and closed after it. With a scheduler address or a
client, the videos run on that cluster: every worker must see the output
folder and the speech cache at the same paths (a shared file system), which
is checked before anything is sent.
"""

from __future__ import annotations

import logging
import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from ..errors import VideogenError
from ..speech_cache import SpeechCache
from ..stages import default_stages
from .models import WORK_DIR, BatchResult, VideoJob, VideoResult
from .progress import BatchProgress, auto_display
from .report import write_report
from .sets import BatchPlan, plan_batch
from .worker import render_on_worker, render_video

SEQUENTIAL = "sequential"
INSTALL_HINT = "pip install 'videogen_nb[dask]'"


class ClusterError(VideogenError):
    """The cluster cannot run the batch: Dask is missing, the scheduler is unreachable, workers cannot see the files."""


def run_batch(
    sources: Union[str, Path, Sequence[Union[str, Path]], BatchPlan],
    out: Union[str, Path],
    client: Any = None,
    *,
    workers: Optional[int] = None,
    resume: bool = False,
    progress: Any = "auto",
    plugins: Sequence[str] = (),
    **settings: Any,
) -> BatchResult:
    """Make a video of every document of ``sources`` into ``out``, one pipeline per video on a Dask cluster.

    ``sources``: video sets (YAML/JSON with ``videos:``), folders of documents,
    documents, or a :class:`BatchPlan`. ``client``: a ``distributed.Client``,
    a scheduler address (``"tcp://host:8786"``), None for a LocalCluster of
    ``workers`` processes (default: one a core), or ``"sequential"`` for one
    video after another in this process, without Dask. ``settings`` are
    settings fields for every video (``resolution="720p"``, ``cache_dir=...``).
    With ``resume``, only videos that failed or went stale are made again.

    Each video goes to ``out/<name>/`` (video, subtitles, thumbnail, metadata);
    ``out/index.html`` and ``out/batch.json`` list them all. A failing video is
    reported in the result and the others go on.
    """
    plan = sources if isinstance(sources, BatchPlan) else plan_batch(sources, settings, plugins)
    out = Path(out).expanduser().absolute()
    # the speech cache every worker reads and fills: the caller's choice, else this machine's default, by its full path
    cache = SpeechCache(settings.get("cache_dir")).folder
    for job in plan.jobs:
        job.settings.setdefault("cache_dir", cache)
    started = datetime.now(timezone.utc)
    state = BatchProgress([j.name for j in plan.jobs], len(default_stages()), auto_display(progress))
    results: dict[str, VideoResult] = {}

    def report(address: str, count: int, dashboard: Optional[str]) -> BatchResult:
        ordered = [results[j.name] for j in plan.jobs if j.name in results]
        seconds = (datetime.now(timezone.utc) - started).total_seconds()
        return write_report(BatchResult(
            out=out, title=plan.title, videos=ordered, started_at=started, seconds=seconds, workers=count,
            scheduler=address, dashboard=dashboard,
        ))  # fmt: skip

    def ended(res: VideoResult, address: str, count: int, dashboard: Optional[str]) -> None:
        results[res.name] = res
        state.finish(res)
        report(address, count, dashboard)  # the index is up to date as each video ends

    def prepare() -> None:  # only once the batch can run: a batch that cannot start writes nothing
        (out / WORK_DIR).mkdir(parents=True, exist_ok=True)
        cache.mkdir(parents=True, exist_ok=True)

    try:
        if client == SEQUENTIAL:
            prepare()
            for job in plan.jobs:
                ended(render_video(job, out, resume, state.message), SEQUENTIAL, 1, None)
            return report(SEQUENTIAL, 1, None)
        with _cluster(client, workers, len(plan.jobs)) as dask_client:
            info = dask_client.scheduler_info()
            address, count = info["address"], len(info["workers"])
            dashboard = _dashboard(dask_client)
            prepare()
            _check_shared(dask_client, [out / WORK_DIR, cache])
            for job in plan.jobs:
                if job.problem:  # known bad before it starts: no worker needed to say so
                    ended(render_video(job, out), address, count, dashboard)
            _run_on(dask_client, [j for j in plan.jobs if not j.problem], out, resume, state,
                    lambda res: ended(res, address, count, dashboard))  # fmt: skip
            return report(address, count, dashboard)
    finally:
        state.close()


def _run_on(client, jobs: list[VideoJob], out: Path, resume: bool, state: BatchProgress, ended) -> None:
    """Submit one task per video and take each result as it comes; a lost worker fails its video only."""
    from distributed import as_completed

    topic = f"videogen-batch-{uuid.uuid4().hex[:12]}"
    client.subscribe_topic(topic, lambda event: state.message(event[1]))
    futures = {}
    try:
        for job in jobs:
            fut = client.submit(render_on_worker, job, str(out), resume, topic, key=f"video-{job.name}-{topic[-12:]}", pure=False)
            futures[fut] = job
        for fut in as_completed(list(futures)):
            job = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # the worker died (out of memory, killed) or the task could not run there
                res = VideoResult(name=job.name, origin=job.origin, status="failed",
                                  error=f"the worker making it was lost or the task failed: {type(exc).__name__}: {exc}")  # fmt: skip
            ended(res)
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.unsubscribe_topic(topic)


@contextmanager
def _cluster(client: Any, workers: Optional[int], jobs: int) -> Iterator[Any]:
    """The Dask client to run on: the one given, one connected to an address, or a LocalCluster of our own."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"a batch runs on Dask, which is not installed: {INSTALL_HINT} (or run it sequentially)") from None
    if isinstance(client, distributed.Client):
        yield client  # the caller's: not ours to close
        return
    if isinstance(client, str):
        try:
            own = distributed.Client(client, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {client}: {exc}. Start one with `dask scheduler` "
                               "and workers with `dask worker ADDRESS`, or leave --scheduler out for a local cluster") from None  # fmt: skip
        try:
            if workers:
                own.wait_for_workers(workers, timeout=120)
            elif not own.scheduler_info()["workers"]:
                own.wait_for_workers(1, timeout=60)
            yield own
        finally:
            own.close()
        return
    if client is not None:
        raise TypeError(f"client must be a distributed.Client, a scheduler address, None or {SEQUENTIAL!r}, not {client!r}")
    n = workers or max(1, min(os.cpu_count() or 1, jobs))
    # one thread a worker: a pipeline runs its own threads and ffmpeg processes
    cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                       silence_logs=logging.ERROR)  # fmt: skip
    try:
        with distributed.Client(cluster) as own:
            yield own
    finally:
        cluster.close()


def _dashboard(client) -> Optional[str]:
    try:
        return client.dashboard_link
    except Exception:  # no dashboard (bokeh missing): the batch runs all the same
        return None


def _sees(paths: list[str]) -> list[str]:
    """On a worker: which of ``paths`` (marker files) it cannot see."""
    return [p for p in paths if not os.path.exists(p)]


def _check_shared(client, folders: list[Path]) -> None:
    """Every worker must see the output folder and the speech cache where this process does."""
    token = uuid.uuid4().hex[:12]
    markers = [f / f".videogen-visible-{token}" for f in folders]
    for m in markers:
        m.write_bytes(b"")
    try:
        try:
            unseen = client.run(_sees, [str(m) for m in markers])
        except Exception as exc:
            raise ClusterError(f"the Dask workers cannot run videogen_nb ({type(exc).__name__}: {exc}): install the same "
                               f"version on every worker ({INSTALL_HINT})") from None  # fmt: skip
    finally:
        for m in markers:
            m.unlink(missing_ok=True)
    for worker, missing in sorted(unseen.items()):
        if missing:
            folder = Path(missing[0]).parent
            raise ClusterError(
                f"the worker {worker} cannot see {folder}: the output folder and the speech cache must be on a file "
                "system every worker mounts at the same path (NFS, a shared volume); pass such paths with -o and --cache-dir"
            )
