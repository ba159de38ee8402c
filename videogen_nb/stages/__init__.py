"""The stages, one module each; :data:`default_stages` is the six of the seed, in the order they run."""

from .audio import AudioStage
from .base import Enhancer, ExecutorFactory, Services, Stage
from .graph import check_stages, dependencies, order_stages
from .input import InputStage
from .output import OutputStage
from .parse import ParseStage
from .script import ScriptStage
from .video import VideoStage


def default_stages() -> list[Stage]:
    """input, parse, script, audio, video, output: a new list of new stage objects."""
    return [InputStage(), ParseStage(), ScriptStage(), AudioStage(), VideoStage(), OutputStage()]


__all__ = [
    "AudioStage",
    "Enhancer",
    "ExecutorFactory",
    "InputStage",
    "OutputStage",
    "ParseStage",
    "ScriptStage",
    "Services",
    "Stage",
    "VideoStage",
    "check_stages",
    "default_stages",
    "dependencies",
    "order_stages",
]
