"""What every stage is: a name, what it needs and makes, and one ``run`` method."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Optional

from ..events import EventBus
from ..models import PipelineContext


class Stage(ABC):
    """One step from document to video.

    ``requires`` and ``provides`` name artifacts of the context; the pipeline
    derives the order of stages from them. ``run`` computes everything first
    and assigns to the context last, so a failing stage leaves it as it was.
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()
    critical: ClassVar[bool] = True

    @abstractmethod
    def run(self, ctx: PipelineContext, events: EventBus) -> str:
        """Do the stage's work on ``ctx``; return a one-line summary of what it made."""

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        """Hash of what this stage reads; a change makes its output stale. None: cannot tell."""
        return None

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        """Problems with the files this stage made (missing; with ``deep``, changed)."""
        return []

    def repair(self, ctx: PipelineContext) -> list[str]:
        """Check artifacts deeply (on resume), discarding any that cannot be trusted."""
        return self.check_artifacts(ctx, deep=True)

    def __repr__(self) -> str:
        crit = "critical" if self.critical else "non-critical"
        return f"<{self.name} stage: {', '.join(self.requires) or '-'} -> {', '.join(self.provides)} ({crit})>"
