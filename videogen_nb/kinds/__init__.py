"""The built-in kinds of scene, one class each, registered with ``@scene_kind``.

Importing this package registers them; ``videogen_nb`` does so on import.
"""

from .title import TitleScene  # noqa: I001 - the order kinds are listed in: the title first
from .text import (
    BulletsScene,
    CheckpointScene,
    ExerciseScene,
    LearningObjectivesScene,
    OutroScene,
    ProblemScene,
    StepsScene,
    TextScene,
)
from .code import CodeComparisonScene, CodeScene, SolutionScene
from .table import TableScene
from .quote import QuoteScene
from .picture import ClipScene, FigureScene, ImageScene
from .quiz import QuizScene
from .callout import CalloutScene, callout_style
from .common import ContentScene, ListedScene, item_blocks, paragraphs

__all__ = [
    "BulletsScene",
    "CalloutScene",
    "CheckpointScene",
    "ClipScene",
    "CodeComparisonScene",
    "CodeScene",
    "ContentScene",
    "ExerciseScene",
    "FigureScene",
    "ImageScene",
    "LearningObjectivesScene",
    "ListedScene",
    "OutroScene",
    "ProblemScene",
    "QuizScene",
    "QuoteScene",
    "SolutionScene",
    "StepsScene",
    "TableScene",
    "TextScene",
    "TitleScene",
    "callout_style",
    "item_blocks",
    "paragraphs",
]
