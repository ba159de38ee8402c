"""The seed system's calls, kept working: ``create_complete_pipeline().execute_sync(InputConfig(...))``."""

from .orchestrator import CompletePipeline, create_complete_pipeline
from .state import PipelineResult, StageState, TaskState

__all__ = ["CompletePipeline", "PipelineResult", "StageState", "TaskState", "create_complete_pipeline"]
