"""The order of stages, derived from what each requires and provides.

A stage runs after every stage that provides something it requires. Several
stages may provide the same thing: one that also requires it refines it (a
stage rewriting narration after ``script``) and runs after the stages that
make it from scratch and after the refiners listed before it; any other
stage that requires it waits for all of them. Among stages free to go in
either order, the order they were listed in wins.
"""

from __future__ import annotations

import difflib
import heapq
from graphlib import CycleError, TopologicalSorter
from typing import Optional, Sequence

from ..errors import StageGraphError
from ..models import CONTEXT_PARTS, INITIAL_FIELDS, PipelineContext
from .base import Stage


def dependencies(stage: Stage, stages: Sequence[Stage]) -> list[Stage]:
    """The stages ``stage`` waits for: the providers of what it requires (``stages`` in run or listed order)."""
    position = {id(s): i for i, s in enumerate(stages)}
    here = position.get(id(stage), len(stages))
    out: list[Stage] = []
    for name in stage.requires:
        refining = name in stage.provides
        for other in stages:
            if other is stage or name not in other.provides or other in out:
                continue
            if refining and name in other.requires and position[id(other)] > here:
                continue  # another refiner, listed later: it runs after this one
            out.append(other)
    return out


def suggest(name: str, known: Sequence[str]) -> str:
    """`` (did you mean 'script'?)`` for a typo, else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_stages(stages: Sequence[Stage]) -> None:
    """Refuse a stage list that cannot run: unnamed or twice-named stages, requirements nobody provides."""
    names: list[str] = []
    for s in stages:
        if not isinstance(s, Stage):
            raise StageGraphError(f"{s!r} is not a Stage: a stage subclasses videogen_nb.Stage")
        if not s.name or not isinstance(s.name, str):
            raise StageGraphError(f"the stage {type(s).__name__} has no name: set name = '...' on its class")
        if s.name in names:
            raise StageGraphError(f"two stages are called {s.name!r}: each stage needs a name of its own")
        names.append(s.name)
    available = set(INITIAL_FIELDS) | {p for s in stages for p in s.provides}
    known = sorted(available | set(PipelineContext.field_artifacts()) | set(CONTEXT_PARTS))
    for s in stages:
        for name in s.requires:
            if name not in available:
                made = "no stage provides it" if name in known else "it is not a context field, a part or an artifact"
                raise StageGraphError(
                    f"stage {s.name!r} requires {name!r}{suggest(name, known)}, but {made}. "
                    f"What stages can require: {', '.join(known)}"
                )


def order_stages(stages: Sequence[Stage]) -> list[Stage]:
    """``stages`` in the order they must run (listed order among equals); StageGraphError on a cycle."""
    check_stages(stages)
    by_name = {s.name: s for s in stages}
    index = {s.name: i for i, s in enumerate(stages)}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for s in stages:
        sorter.add(s.name, *(d.name for d in dependencies(s, stages)))
    try:
        sorter.prepare()
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise StageGraphError(f"these stages each wait for another: {cycle}; change what they require or provide") from None
    ready: list[tuple[int, str]] = []
    out: list[Stage] = []
    while sorter.is_active():
        for name in sorter.get_ready():
            heapq.heappush(ready, (index[name], name))
        _, name = heapq.heappop(ready)
        out.append(by_name[name])
        sorter.done(name)
    return out


def find_stage(stages: Sequence[Stage], name: str) -> Optional[Stage]:
    return next((s for s in stages if s.name == name), None)
