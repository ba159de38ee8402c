"""What every stage is: a name, what it needs and makes, and one ``run`` method.

A stage is data: the pipeline orders stages by what they ``requires`` and
``provides`` (see :mod:`.graph`), keeps them in its checkpoints, and lends
them what cannot be kept there (speech engines, the executor, progress
events) as :class:`Services` each time one runs. A stage added by a user
keeps what it makes in ``ctx.artifacts`` under the names it provides::

    class Poster(Stage):
        name = "poster"
        requires = ("final_video_path",)
        provides = ("poster",)
        artifact_types = {"poster": Path}

        def run(self, ctx, services):
            ctx.artifacts["poster"] = make_poster(ctx.final_video_path)
            return "poster.jpg"
"""

from __future__ import annotations

import threading

from abc import ABC, abstractmethod
from concurrent.futures import Executor, Future, as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from ..events import EventBus
from ..fingerprint import plain, stable_hash
from ..models import CONTEXT_PARTS, PipelineContext, SceneConfig
from ..tts.base import SpeechEngine

#: ``with executor(preferred_workers) as pool:`` gives the pipeline's executor (a thread pool unless the caller gave one)
ExecutorFactory = Callable[[Optional[int]], AbstractContextManager[Executor]]
#: rewrites one scene's template narration (an LLM, a style guide ...); returns the new text
Enhancer = Callable[[SceneConfig, str], Optional[str]]


def collect(futures: Mapping[Future, Any], done: Callable[[Any, Any], None]) -> None:
    """Call ``done(key, result)`` for each future of ``{future: key}`` as it finishes; on a failure cancel the rest.

    The futures may come from any executor (a thread pool, a Dask client's):
    only ``result`` and ``cancel`` are used, and ``done`` runs in the caller's thread.
    """
    try:
        for fut in as_completed(futures):
            done(futures[fut], fut.result())
    except BaseException:
        for f in futures:
            f.cancel()
        raise


@dataclass
class Services:
    """What the pipeline lends a stage while it runs: live objects that no checkpoint can keep."""

    events: EventBus
    executor: ExecutorFactory
    engine: Optional[SpeechEngine] = None
    fallback: Optional[SpeechEngine] = None
    enhancer: Optional[Enhancer] = None
    #: moviepy clips of clip scenes, by their clip id
    clips: Mapping[str, Any] = field(default_factory=dict)
    #: the names of the pipeline's stages, in the order they run
    stage_names: tuple[str, ...] = ()
    #: waits until the stage's :meth:`Stage.prepare`, begun beside earlier stages, is finished (at once if none
    #: was): a run calls it before it reads what the preparation makes, and may do other work first
    prepared: Callable[[], None] = field(default=lambda: None)
    #: what :meth:`Stage.warm_up` started for this stage's preparation as the run began (None: nothing)
    warm: Any = None


class Stage(ABC):
    """One step from document to video.

    ``requires`` and ``provides`` name what the stage reads and makes: fields
    of the context (the seed's names: ``video_config``, ``timing_report`` ...),
    the parts ``scenes`` and ``narration``, or artifacts of other stages. The
    pipeline derives the order of stages from them. ``run`` computes
    everything first and assigns to the context last, so a failing stage
    leaves it as it was. A non-``critical`` stage may fail with a warning when
    nothing after it needs what it makes.
    """

    name: str = ""
    requires: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    critical: bool = True
    #: the type of each artifact this stage keeps in ``ctx.artifacts``, checked when it finishes
    artifact_types: Mapping[str, Any] = {}

    #: what :meth:`prepare` reads: once the stages that make these are done, it may start beside the stages
    #: still to run before this one (empty: the stage prepares nothing)
    prepares_from: tuple[str, ...] = ()

    @abstractmethod
    def run(self, ctx: PipelineContext, services: Services) -> str:
        """Do the stage's work on ``ctx``; return a one-line summary of what it made."""

    def prepare(self, ctx: PipelineContext, services: Services, stop: threading.Event) -> None:
        """Work that can begin early, beside the stages before this one (the video draws its slides while the
        speech is made). It only fills stores the run reads by content, so the run makes the same output with
        or without it; it must not change ``ctx``, and stops soon after ``stop`` is set. The run waits for it
        with ``services.prepared()``. Nothing by default."""

    def warm_up(self, ctx: PipelineContext) -> Any:
        """What :meth:`prepare` will need that is slow to start and reads nothing the stages before it make (the
        video stage's drawing process, which imports its code while the document is parsed): started as a run
        begins whose stages before this one make what it prepares from. The preparation finds it as
        ``services.warm``; when the run ends its ``close()`` is called, used or not. None (the default): nothing."""
        return None

    def steps(self, ctx: PipelineContext) -> int:
        """How many steps its progress bar counts (1 unless the stage works scene by scene)."""
        return 1

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        """Hash of what this stage reads; a change makes its output stale. None: cannot tell.

        By default, the values of everything it ``requires`` (paths in the work folder relative to it).
        """
        return stable_hash(self.name, [plain(ctx.artifact(name), ctx.workdir) for name in self.requires])

    def artifacts(self) -> tuple[str, ...]:
        """The names this stage provides that are kept in ``ctx.artifacts`` (not context fields or parts)."""
        builtin = set(PipelineContext.field_artifacts()) | set(CONTEXT_PARTS)
        return tuple(n for n in self.provides if n not in builtin)

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        """Problems with the files this stage made (missing; with ``deep``, changed).

        By default, an artifact that is a path must still exist.
        """
        problems = []
        for name in self.artifacts():
            value = ctx.artifacts.get(name)
            if isinstance(value, Path) and not value.exists():
                problems.append(f"{name} ({value.name}) is missing")
        return problems

    def remove_leftovers(self, ctx: PipelineContext) -> list[Path]:
        """Remove temporary files of this stage that a killed run left outside the work folder; return them.

        (Those inside the work folder are removed by the pipeline.)
        """
        return []

    def repair(self, ctx: PipelineContext) -> list[str]:
        """Check artifacts deeply (on resume), discarding any that cannot be trusted."""
        return self.check_artifacts(ctx, deep=True)

    def __repr__(self) -> str:
        crit = "critical" if self.critical else "non-critical"
        return f"<{self.name} stage: {', '.join(self.requires) or '-'} -> {', '.join(self.provides) or '-'} ({crit})>"
