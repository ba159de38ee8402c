"""Pipeline state: the settings a video is made with, and the context the stages share."""

from __future__ import annotations

import difflib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import ConfigDict, Field, field_validator

from .base import Model, ThemeName, check_pronunciations, parse_resolution
from .scenes import SceneConfig
from .timing import TimingReport
from .video import Document, InputConfig, VideoConfig


class PipelineSettings(Model):
    """Every choice about how the video is made: one object taken by ``Pipeline``, ``Pipeline.resume``,
    the ``videogen`` command and the seed API, and kept in every checkpoint.

    Live objects (a speech engine object, an enhancer function, an executor)
    cannot be kept in a checkpoint: their names are, and resume asks for them
    again by those names.
    """

    # --- speech ---
    tts: str = Field(
        "auto",
        description="speech engine: a registered name (auto: piper where it has a voice for the language, else "
        "espeak; piper, espeak, gtts, silent, a plug-in's)",
    )
    tts_options: dict[str, Any] = Field(default_factory=dict, description="the engine's options, e.g. {'rate': 180}")
    fallback: Optional[str] = Field(None, description="engine that speaks a scene the main engine failed on")
    lang: Optional[str] = Field(None, description="language of the narration (default: front matter, else en)")
    voice: Optional[str] = Field(None, description="a voice of the engine (piper: a voice name or .onnx path)")
    cache_dir: Optional[Path] = Field(None, description="speech cache shared by pipelines (default: $VIDEOGEN_CACHE_DIR)")
    pronunciations: dict[str, str] = Field(default_factory=dict, description="how to say words; win over front matter")
    loudness: Optional[float] = Field(-16.0, ge=-40.0, le=-5.0, description="LUFS every clip is set to; None: as made")
    notes_only: bool = Field(False, description="speak only the speaker notes the author wrote; a scene without notes holds silently")
    silent_hold: float = Field(3.0, ge=0.5, le=30.0, description="seconds a scene with nothing to say stays on screen")
    # --- picture ---
    resolution: tuple[int, int] = Field((1920, 1080), description="1080p, 720p, vertical, WIDTHxHEIGHT or (w, h)")
    fps: int = Field(30, ge=1, le=120, description="frames per second")
    theme: Optional[ThemeName] = Field(None, description="slide theme; None: the document's, else dark")
    transition: float = Field(0.5, ge=0.0, le=3.0, description="seconds of crossfade into each next scene; 0: cut")
    burn_subtitles: bool = Field(False, description="draw each subtitle cue onto the picture")
    reveal: bool = Field(
        True, description="build slides up as the narration speaks (entries appear, the sentence or line spoken is "
        "marked, pictures move slowly); False: every slide holds still"
    )
    proxy: Optional[int] = Field(
        360, ge=120, le=1080, description="short side in pixels of a light copy for quick looks; None: no copy"
    )
    # --- timeline ---
    pad_before: float = Field(0.25, ge=0.0, le=5.0, description="seconds of quiet before each scene's narration")
    pad_after: float = Field(0.75, ge=0.0, le=5.0, description="seconds of quiet after it")
    min_scene: float = Field(2.0, ge=0.1, le=60.0, description="the shortest a scene lasts")
    # --- where and how ---
    output_dir: Optional[Path] = Field(None, description="folder for the finished video (default: WORKDIR/output)")
    max_workers: Optional[int] = Field(None, ge=1, le=256, description="parallel workers (default: what the work prefers)")
    offline: bool = Field(False, description="never use the network: pictures on the web are not fetched but shown as cards")
    strict: bool = Field(False, description="stop with an error where a viewer would see something wrong, such as characters no font has")
    #: the enhancer the narration was written with (its name: a function cannot be kept in a checkpoint)
    enhancer: Optional[str] = None
    #: the executor the pipeline ran on, if the caller gave one (its name)
    executor: Optional[str] = None
    #: True when ``tts`` names an engine object the caller passed rather than a registered engine
    custom_engine: bool = False

    @field_validator("resolution", mode="before")
    @classmethod
    def _resolution(cls, v: Any) -> tuple[int, int]:
        return parse_resolution(v)

    @field_validator("pronunciations", mode="before")
    @classmethod
    def _pronunciations(cls, v: Any) -> dict[str, str]:
        return check_pronunciations(v, "pronunciations=")

    @field_validator("cache_dir", "output_dir", mode="after")
    @classmethod
    def _absolute(cls, v: Optional[Path]) -> Optional[Path]:
        # kept absolute: a resumed pipeline may run from another folder
        return v.expanduser().absolute() if v is not None else None

    def updated(self, **changes: Any) -> "PipelineSettings":
        """A validated copy with ``changes``; an unknown name is an error that suggests the closest one."""
        unknown = [k for k in changes if k not in type(self).model_fields]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(type(self).model_fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown option {unknown[0]!r}{hint}: the settings are {', '.join(type(self).model_fields)}"
            )
        return type(self).model_validate({**self.model_dump(), **changes})

    def __repr__(self) -> str:
        changed = self.model_dump(exclude_defaults=True)
        return f"PipelineSettings({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def effective_theme(settings: PipelineSettings, video: Optional[VideoConfig]) -> str:
    """The theme slides are drawn in: the caller's choice, else the document's, else dark."""
    return settings.theme or (video.theme if video is not None else None) or "dark"


def scene_animates(settings: PipelineSettings, video: Optional[VideoConfig], scene: SceneConfig) -> bool:
    """Whether ``scene`` builds up as it is spoken: never with ``reveal=False`` (``--no-reveal``); else the
    scene's own ``animate``, else the document's front matter ``reveal:``, else yes."""
    if not settings.reveal:
        return False
    if scene.animate is not None:
        return scene.animate
    return video.reveal if video is not None and video.reveal is not None else True


class StageRecord(Model):
    """What one run of a stage did: kept so status and staleness can be told."""

    stage: str
    state: Literal["done", "failed"]
    seq: int
    fingerprint: Optional[str] = None
    started_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    seconds: float = 0.0
    summary: str = ""
    error: Optional[str] = None


#: what a stage can name in ``requires`` besides context fields and artifacts: parts of the video config
CONTEXT_PARTS: dict[str, str] = {
    "scenes": "the scenes (what each slide shows)",
    "narration": "the narration of every scene",
}
#: fields every pipeline has before any stage runs
INITIAL_FIELDS: tuple[str, ...] = ("task_id", "workdir", "input_config", "settings")
#: bookkeeping fields, never made by a stage
_BOOKKEEPING = ("format_version", "warnings", "stage_records", "seq", "artifacts")


class PipelineContext(Model):
    """Everything the stages share; pickled to a checkpoint after each stage.

    The fields carry the seed's names. What a stage added by the user makes
    goes in ``artifacts`` under the names its ``provides`` declares.
    """

    model_config = ConfigDict(validate_assignment=True, extra="forbid", arbitrary_types_allowed=True)

    format_version: int = 2
    task_id: str
    workdir: Path
    input_config: InputConfig
    settings: PipelineSettings = Field(default_factory=PipelineSettings)
    document: Optional[Document] = None
    video_config: Optional[VideoConfig] = None
    input_metadata: dict[str, Any] = Field(default_factory=dict)
    audio_dir: Optional[Path] = None
    timing_report: Optional[TimingReport] = None
    video_dir: Optional[Path] = None
    final_video_path: Optional[Path] = None
    #: a small low-bitrate copy of the video (the same timeline), for quick looks in the notebook
    proxy_path: Optional[Path] = None
    output_dir: Optional[Path] = None
    metadata_path: Optional[Path] = None
    thumbnail_path: Optional[Path] = None
    subtitle_paths: dict[str, Path] = Field(default_factory=dict)  # {"srt": ..., "vtt": ...}
    #: what stages added by the user made, by the names they provide
    artifacts: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    stage_records: dict[str, StageRecord] = Field(default_factory=dict)
    seq: int = 0

    @classmethod
    def field_artifacts(cls) -> tuple[str, ...]:
        """The context fields a stage can provide or require (the seed's names)."""
        return tuple(n for n in cls.model_fields if n not in _BOOKKEEPING)

    def artifact(self, name: str) -> Any:
        """The current value of a named artifact: a context field, a part of the video config, or an artifact."""
        vc = self.video_config
        if name == "scenes":
            return [s.visual_dict() for s in vc.scenes] if vc else None
        if name == "narration":
            return [s.narration for s in vc.scenes] if vc else None
        if name in self.field_artifacts():
            return getattr(self, name)
        return self.artifacts.get(name)

    @property
    def spoken_lang(self) -> Optional[str]:
        """The language the narration is spoken in: the pipeline's ``lang``, else the document's, else the one
        detected in its text (None: the engine's default)."""
        vc = self.video_config
        return self.settings.lang or (vc.lang or vc.detected_lang if vc else None)

    def __repr__(self) -> str:
        done = [n for n, r in self.stage_records.items() if r.state == "done"]
        return f"<PipelineContext {self.task_id} in {self.workdir}: done {done or 'nothing'}>"
