"""Courses at scale: many documents into many videos, one pipeline per video on a Dask cluster.

>>> from videogen_nb import run_batch
>>> result = run_batch(["course.yaml"], "build/course")        # doctest: +SKIP
>>> result.failed                                              # doctest: +SKIP

Dask (``pip install 'videogen_nb[dask]'``) is imported only when a batch runs
on it; ``client="sequential"`` runs the videos one after another without it.
"""

from .models import BatchResult, VideoJob, VideoResult
from .progress import BatchBars, BatchDisplay, BatchLines, BatchProgress, BatchWidget
from .report import batch_data, index_html, write_report
from .runner import ClusterError, run_batch
from .sets import BatchPlan, plan_batch
from .worker import render_video

__all__ = [
    "BatchBars",
    "BatchDisplay",
    "BatchLines",
    "BatchPlan",
    "BatchProgress",
    "BatchResult",
    "BatchWidget",
    "ClusterError",
    "VideoJob",
    "VideoResult",
    "batch_data",
    "index_html",
    "plan_batch",
    "render_video",
    "run_batch",
    "write_report",
]
