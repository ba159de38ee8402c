"""``metadata.json``: what the output stage writes beside the video, as a typed, versioned model.

Its JSON Schema is published in the repository (``schemas/metadata.schema.json``)
so other tools can read the file without this package; ``schema_version``
changes whenever a field changes meaning or goes away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from pydantic import Field

from .base import Model
from .timing import WordTimingSource

METADATA_SCHEMA_VERSION = 1


class SceneMetadata(Model):
    """One scene of the video: where it sits, what was said, and how the sound was made."""

    index: int = Field(description="0-based position in the video")
    scene_id: str
    kind: str = Field(description="the scene's kind (title, bullets, code, a plug-in's own ...)")
    title: str
    start: float = Field(description="seconds from the start of the video")
    end: float
    duration: float
    audio_start: float = Field(description="when the narration begins, in seconds from the start of the video")
    audio_duration: float
    engine: str = Field(description="the speech engine that spoke this scene (the fallback's name if it stood in)")
    audio_source: Literal["synthesized", "workdir", "cache"]
    loudness: Optional[float] = Field(None, description="integrated loudness of the narration, LUFS; null: silence")
    words: int
    word_timings: WordTimingSource = Field(
        "engine",
        description="where the times of the words (subtitles, reveals) come from: the engine itself (espeak's word "
        "events, Piper's phoneme durations) or an estimate that spreads the words over the clip by their length",
    )
    narration: Optional[str]
    audio_sha256: str


class VideoMetadata(Model):
    """Everything about a finished video: its files, timeline, voice, scenes and the versions that made it."""

    schema_version: int = Field(METADATA_SCHEMA_VERSION, description="bumped when a field changes meaning")
    title: str
    subtitle: str = ""
    author: str = ""
    video: str = Field(description="file name of the MP4, beside this file")
    thumbnail: str
    duration: float = Field(description="seconds")
    frames: int
    fps: int
    resolution: tuple[int, int]
    engine: str = Field(description="the speech engine that spoke the video (what auto chose)")
    requested_engine: str = Field("", description="the engine asked for: a name, or auto (piper where it has a voice "
                                  "for the language, else espeak)")  # fmt: skip
    voice: str
    lang: str
    fallback: Optional[str] = None
    loudness_target: Optional[float] = Field(None, description="LUFS every clip was set to; null: as made")
    pronunciations: dict[str, str] = Field(default_factory=dict)
    subtitles: dict[str, str] = Field(description="subtitle file names by format (srt, vtt)")
    subtitle_cues: int
    source: Optional[str] = Field(None, description="the document the video was made from")
    source_sha256: Optional[str] = None
    stages: list[str] = Field(description="the stages that made the video, in the order they ran")
    scenes: list[SceneMetadata]
    warnings: list[str] = Field(default_factory=list)
    versions: dict[str, str] = Field(description="versions of Python and the packages that shape the output")
    created_at: datetime
