"""Pydantic models: every object a stage reads or writes, by concern.

``base`` (validation and value types), ``scenes`` (the scene base and the
registry of kinds), ``video`` (input, document, video), ``timing`` (audio
timeline and subtitles), ``state`` (settings and the pipeline context) and
``metadata`` (``metadata.json``). Field names follow the seed pipeline
(``video_config``, ``audio_dir``, ``timing_report`` ...).
"""

from .base import (
    ACCENTS,
    RESOLUTIONS,
    THEME_NAMES,
    Accent,
    Model,
    ThemeName,
    check_pronunciations,
    parse_resolution,
    short,
)
from .metadata import METADATA_SCHEMA_VERSION, SceneMetadata, VideoMetadata
from .scenes import (
    CONT,
    ID_MAX,
    MAX_LIST_LEVEL,
    Item,
    SceneConfig,
    Scenes,
    Unit,
    UnknownSceneKind,
    check_id,
    closest_kind,
    derived_id,
    flatten_items,
    id_problem,
    scene_class,
    scene_kind,
    scene_kinds,
)
from .state import (
    CONTEXT_PARTS,
    INITIAL_FIELDS,
    PipelineContext,
    PipelineSettings,
    StageRecord,
    effective_theme,
    scene_animates,
)
from .timing import AudioSource, SceneTiming, SubtitleCue, TimingReport, WordTiming, WordTimingSource
from .video import Document, InputConfig, VideoConfig

__all__ = [
    "ACCENTS",
    "CONT",
    "CONTEXT_PARTS",
    "ID_MAX",
    "INITIAL_FIELDS",
    "MAX_LIST_LEVEL",
    "METADATA_SCHEMA_VERSION",
    "RESOLUTIONS",
    "THEME_NAMES",
    "Accent",
    "AudioSource",
    "Document",
    "InputConfig",
    "Item",
    "Model",
    "PipelineContext",
    "PipelineSettings",
    "SceneConfig",
    "SceneMetadata",
    "SceneTiming",
    "Scenes",
    "StageRecord",
    "SubtitleCue",
    "ThemeName",
    "TimingReport",
    "Unit",
    "UnknownSceneKind",
    "VideoConfig",
    "VideoMetadata",
    "WordTiming",
    "WordTimingSource",
    "check_pronunciations",
    "check_id",
    "closest_kind",
    "derived_id",
    "effective_theme",
    "scene_animates",
    "flatten_items",
    "id_problem",
    "parse_resolution",
    "scene_class",
    "scene_kind",
    "scene_kinds",
    "short",
]
