"""videogen_nb: turn a written document into a narrated explainer video, stage by stage.

>>> from videogen_nb import Pipeline
>>> p = Pipeline("talk.md", workdir="build/talk")   # doctest: +SKIP
>>> p.run()                                          # doctest: +SKIP

Extending it takes no edit of the package: a scene kind is a
:class:`SceneConfig` subclass decorated with :func:`scene_kind`, a stage a
:class:`Stage` subclass passed to ``Pipeline(stages=...)`` or
``p.insert_stage(...)``, a speech engine a :class:`SpeechEngine` registered
with :func:`register_engine` or by the entry-point group ``videogen_nb.engines``.
"""

from . import errors
from .batch import BatchResult, VideoResult, run_batch
from .errors import VideogenError, show_traceback
from .kinds import (
    BulletsScene,
    CheckpointScene,
    ClipScene,
    CodeComparisonScene,
    CodeScene,
    ExerciseScene,
    FigureScene,
    ImageScene,
    LearningObjectivesScene,
    OutroScene,
    ProblemScene,
    QuizScene,
    QuoteScene,
    SolutionScene,
    StepsScene,
    TableScene,
    TextScene,
    TitleScene,
)
from .models import (
    InputConfig,
    Item,
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    SceneTiming,
    SubtitleCue,
    TimingReport,
    VideoConfig,
    VideoMetadata,
    scene_class,
    scene_kind,
    scene_kinds,
)
from .pipeline import Pipeline
from .seed import CompletePipeline, PipelineResult, TaskState, create_complete_pipeline
from .stages import Services, Stage, default_stages
from .tts import EngineOptions, Speech, SpeechEngine, register_engine

__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
    """``%load_ext videogen_nb`` registers the ``%%videogen`` cell magic (Markdown in a cell becomes a video)."""
    from .magic import load_ipython_extension as load

    load(ipython)


__all__ = [
    "BatchResult",
    "BulletsScene",
    "CheckpointScene",
    "ClipScene",
    "CodeComparisonScene",
    "CodeScene",
    "CompletePipeline",
    "EngineOptions",
    "ExerciseScene",
    "FigureScene",
    "ImageScene",
    "InputConfig",
    "Item",
    "LearningObjectivesScene",
    "OutroScene",
    "Pipeline",
    "PipelineContext",
    "PipelineResult",
    "PipelineSettings",
    "ProblemScene",
    "QuizScene",
    "QuoteScene",
    "SceneConfig",
    "SceneTiming",
    "Services",
    "SolutionScene",
    "Speech",
    "SpeechEngine",
    "Stage",
    "StepsScene",
    "SubtitleCue",
    "TableScene",
    "TaskState",
    "TextScene",
    "TimingReport",
    "TitleScene",
    "VideoConfig",
    "VideoMetadata",
    "VideoResult",
    "VideogenError",
    "create_complete_pipeline",
    "default_stages",
    "errors",
    "register_engine",
    "run_batch",
    "show_traceback",
    "scene_class",
    "scene_kind",
    "scene_kinds",
]
