"""The six stages, one module each, in the order they run."""

from .audio import AudioStage
from .base import Stage
from .input import InputStage
from .output import OutputStage
from .parse import ParseStage
from .script import ScriptStage
from .video import VideoStage

__all__ = ["AudioStage", "InputStage", "OutputStage", "ParseStage", "ScriptStage", "Stage", "VideoStage"]
