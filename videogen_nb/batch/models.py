"""What a batch is made of and what it made: a job per video, a result per video, and the whole batch."""

from __future__ import annotations

import html
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field

from ..models import InputConfig, Model, VideoConfig

VideoStatus = Literal["rendered", "unchanged", "failed"]

#: where each video's files go inside the batch's output folder, and its work folder (checkpoints, audio, segments)
WORK_DIR = ".work"


class VideoJob(Model):
    """One video of a batch: what it is made from, its folder name, and the settings it is made with.

    Small and picklable: it travels to whichever Dask worker makes the video.
    """

    name: str
    #: a document path (absolute), or the video written inline in a set
    source: Union[Path, VideoConfig]
    #: where it was listed, for messages: ``course.yaml, video 3 (line 12)`` or the document's path
    origin: str
    #: settings fields given for this video (the set's defaults, the caller's, the video's own)
    settings: dict[str, Any] = Field(default_factory=dict)
    #: modules to import first (plug-ins with scene kinds or engines), and the folder to find them in
    plugins: list[str] = Field(default_factory=list)
    plugin_path: Optional[Path] = None
    #: what was wrong with it when the set was read: the video fails without running
    problem: Optional[str] = None
    #: True when the set named it (``name:``); a name derived from a file or title yields to those
    explicit_name: bool = False

    def input_config(self) -> InputConfig:
        if isinstance(self.source, VideoConfig):
            return InputConfig(input_type="programmatic", source=self.source)
        return InputConfig(input_type="document", source=self.source)

    def output_dir(self, out: Path) -> Path:
        return Path(out) / self.name

    def workdir(self, out: Path) -> Path:
        return Path(out) / WORK_DIR / self.name

    def __repr__(self) -> str:
        what = f"{len(self.source.scenes)} inline scenes" if isinstance(self.source, VideoConfig) else str(self.source)
        return f"<VideoJob {self.name}: {what}{' (' + self.problem + ')' if self.problem else ''}>"

    __str__ = __repr__


class VideoResult(Model):
    """How one video of a batch ended: made now, unchanged since an earlier run, or failed (and why)."""

    name: str
    origin: str
    status: VideoStatus
    title: str = ""
    video: Optional[Path] = None
    thumbnail: Optional[Path] = None
    metadata: Optional[Path] = None
    subtitles: dict[str, Path] = Field(default_factory=dict)
    duration: float = 0.0  # seconds of video
    frames: int = 0
    scenes: int = 0
    seconds: float = 0.0  # wall time its worker spent on it
    worker: str = ""
    #: the stage that failed ("input" for a document that could not be read), and the error
    failed_stage: Optional[str] = None
    error: Optional[str] = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def __repr__(self) -> str:
        if not self.ok:
            return f"<VideoResult {self.name} FAILED: {self.error}>"
        return f"<VideoResult {self.name} {self.status}: {self.video} ({self.duration:.1f} s)>"

    __str__ = __repr__


class BatchResult(Model):
    """Every video of a batch, in the order listed, with where the index and the data were written."""

    out: Path
    title: str = ""
    videos: list[VideoResult] = Field(default_factory=list)
    started_at: datetime
    seconds: float = 0.0  # wall time of the whole batch
    workers: int = 0
    scheduler: str = ""  # the Dask scheduler's address, or "sequential"
    dashboard: Optional[str] = None
    index_path: Optional[Path] = None
    data_path: Optional[Path] = None

    def _with(self, status: str) -> list[VideoResult]:
        return [v for v in self.videos if v.status == status]

    @property
    def rendered(self) -> list[VideoResult]:
        return self._with("rendered")

    @property
    def unchanged(self) -> list[VideoResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[VideoResult]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        """True when every video exists (made now or before)."""
        return not self.failed

    @property
    def video_seconds(self) -> float:
        return sum(v.duration for v in self.videos if v.ok)

    def summary(self) -> str:
        """One line: how many videos ended how, how much video, how long it took and where."""
        where = f"on {self.workers} worker{'' if self.workers == 1 else 's'}" if self.scheduler != "sequential" else "one after another"
        return (
            f"{len(self.videos)} videos in {self.out}: {len(self.rendered)} rendered, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed ({clock(self.video_seconds)} of video; {self.seconds:.1f} s {where})"
        )

    def __getitem__(self, name: str) -> VideoResult:
        for v in self.videos:
            if v.name == name:
                return v
        raise KeyError(f"no video {name!r} in this batch: {', '.join(v.name for v in self.videos)}")

    def __repr__(self) -> str:
        lines = [self.summary()]
        for v in self.videos:
            detail = v.error if v.error else f"{clock(v.duration)}, {v.scenes} scenes"
            lines.append(f"  {v.status:<9} {v.name:<24} {detail}")
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        rows = []
        for v in self.videos:
            thumb = _thumbnail_uri(v.thumbnail) if v.ok else None
            picture = f'<img src="{thumb}" width="160">' if thumb else ""
            detail = html.escape(v.error or f"{clock(v.duration)}, {v.scenes} scenes, {v.frames} frames")
            rows.append(
                f"<tr><td>{picture}</td><td><b>{html.escape(v.title or v.name)}</b><br><code>{html.escape(v.name)}</code></td>"
                f'<td style="color:{STATUS_COLOURS[v.status]}">{v.status}</td><td style="text-align:left">{detail}</td></tr>'
            )
        return (
            f"<p>{html.escape(self.summary())}</p><table><tr><th></th><th>video</th><th>status</th><th></th></tr>"
            + "".join(rows)
            + "</table>"
        )


STATUS_COLOURS = {"rendered": "#15803d", "unchanged": "#1d4ed8", "failed": "#b91c1c"}


def clock(seconds: float) -> str:
    """``83.4`` -> ``"1:23"``; hours when there are any."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def _thumbnail_uri(path: Optional[Path]) -> Optional[str]:
    """A small JPEG of the thumbnail as a data URI, so a notebook shows it wherever the notebook is opened."""
    if path is None or not os.path.isfile(path):
        return None
    import base64
    import io

    from PIL import Image

    try:
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((320, 180))
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=80)
    except OSError:  # a damaged thumbnail must not break the table
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
