"""videogen_nb: turn a written document into a narrated explainer video, stage by stage.

>>> from videogen_nb import Pipeline
>>> p = Pipeline("talk.md", workdir="build/talk")   # doctest: +SKIP
>>> p.run()                                          # doctest: +SKIP
"""

from . import errors
from .errors import VideogenError
from .models import (
    SCENE_KINDS,
    BulletsScene,
    CheckpointScene,
    CodeComparisonScene,
    CodeScene,
    ExerciseScene,
    ImageScene,
    InputConfig,
    Item,
    LearningObjectivesScene,
    OutroScene,
    PipelineContext,
    PipelineResult,
    ProblemScene,
    QuizScene,
    QuoteScene,
    SceneConfig,
    SceneTiming,
    SolutionScene,
    StepsScene,
    SubtitleCue,
    TableScene,
    TaskState,
    TextScene,
    TimingReport,
    TitleScene,
    VideoConfig,
)
from .orchestrator import CompletePipeline, create_complete_pipeline
from .pipeline import Pipeline

__version__ = "0.1.0"

__all__ = [
    "SCENE_KINDS",
    "BulletsScene",
    "CheckpointScene",
    "CodeComparisonScene",
    "CodeScene",
    "CompletePipeline",
    "ExerciseScene",
    "ImageScene",
    "InputConfig",
    "Item",
    "LearningObjectivesScene",
    "OutroScene",
    "ProblemScene",
    "QuizScene",
    "QuoteScene",
    "SolutionScene",
    "StepsScene",
    "TableScene",
    "TextScene",
    "TitleScene",
    "Pipeline",
    "PipelineContext",
    "PipelineResult",
    "SceneConfig",
    "SceneTiming",
    "SubtitleCue",
    "TaskState",
    "TimingReport",
    "VideoConfig",
    "VideogenError",
    "create_complete_pipeline",
    "errors",
]
