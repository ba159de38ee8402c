"""The reveal plan of a scene: at which frame each entry appears and each sentence or line is marked.

The units come from the slide's layout (:mod:`videogen_nb.render.reveal`), the
times from the narration's word timings (the engine's, or an estimate) via
:mod:`videogen_nb.alignment`, and every time is put on the frame grid. A
plan is a short list of steps; each step is one still (drawn once) shown from
its frame, entered with a short fade when an entry appears and with a cut when
only the marker moves (so a sentence's mark changes exactly at its first word).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .alignment import first_spoken
from .models import SceneConfig, SceneTiming
from .render.reveal import RevealLayout, reveal_layout
from .render.theme import Theme

#: frames of the fade an entry appears with (0.13 s at 30 fps): short, so it is there as its first word is heard
ENTRY_FADE = 4


@dataclass(frozen=True)
class RevealStep:
    """From ``frame`` (on the video's timeline) the slide shows unit ``current`` as spoken (-1: none yet), entered
    with a crossfade of ``fade`` frames from the step before (0: a cut)."""

    frame: int
    current: int
    fade: int = 0


@dataclass(frozen=True)
class RevealPlan:
    """One scene's reveal: its units (what each is, what it says), when each is first spoken, and the steps."""

    scene_id: str
    roles: tuple[str, ...]  # item, sentence or line
    texts: tuple[str, ...]
    #: seconds on the video's timeline each unit is first spoken; None for one the narration does not say
    times: tuple[Optional[float], ...]
    steps: tuple[RevealStep, ...]
    fps: int

    @property
    def appearances(self) -> list[tuple[float, str, str]]:
        """(seconds, role, text) of each unit as the video shows it: when its step begins."""
        at = {s.current: s.frame / self.fps for s in self.steps}
        out = []
        for u, (role, text) in enumerate(zip(self.roles, self.texts)):
            # an entry said together with a later one appears at that one's step
            later = [at[v] for v in at if v >= u]
            if later:
                out.append((min(later), role, text))
        return out

    def __repr__(self) -> str:
        said = sum(t is not None for t in self.times)
        return f"<RevealPlan {self.scene_id}: {len(self.texts)} units ({said} found in the narration), {len(self.steps)} steps>"


def plan_reveal(
    layout: RevealLayout, scene_id: str, timing: SceneTiming, fps: int, last_frame: Optional[int] = None
) -> Optional[RevealPlan]:
    """The steps of ``layout``'s reveal over the scene ``timing`` places; None when there is nothing to step through
    (the narration says too few of its entries to place them, or everything falls on one frame).

    ``last_frame``: the last frame a step may begin on (the scene's own fade into the next one takes the frames
    after it).
    """
    units = layout.units
    words = timing.word_timings
    if not words or (len(units) == 1 and not units[0].hides):
        return None  # one sentence alone on a slide: marking it says nothing
    found = first_spoken([u.text for u in units], [w.word for w in words], [u.role != "line" for u in units])
    items = [k for k, u in enumerate(units) if u.hides]
    if items and sum(found[k] is not None for k in items) * 2 < len(items):
        return None  # the narration is not about these entries: the slide stays as it is
    times: list[Optional[float]] = [timing.audio_start + words[i].start if i is not None else None for i in found]
    end = timing.audio_start + (words[-1].end if words else 0.0)
    placed = list(times)
    for k in items:  # an entry the narration skips still appears: between its neighbours
        if placed[k] is None:
            before = max((t for t in placed[:k] if t is not None), default=timing.start)
            after = min((t for t in placed[k + 1 :] if t is not None), default=end)
            placed[k] = (before + after) / 2
    first = timing.start_frame
    last = min(timing.end_frame - 1, last_frame if last_frame is not None else timing.end_frame - 1)
    steps: list[RevealStep] = [RevealStep(first, -1)]
    for u, t in enumerate(placed):
        if t is None:
            continue
        frame = min(max(first, round(t * fps)), last)
        if frame <= steps[-1].frame:  # said at once (or before the scene could show it): one step for both
            steps[-1] = RevealStep(steps[-1].frame, u, steps[-1].fade)
        else:
            steps.append(RevealStep(frame, u))
    # an entry appears with a short fade; a marker that only moves, with a cut
    out: list[RevealStep] = []
    for k, s in enumerate(steps):
        prev = steps[k - 1].current if k else -2
        appears = k > 0 and any(units[v].hides for v in range(max(prev + 1, 0), s.current + 1))
        out.append(RevealStep(s.frame, s.current, ENTRY_FADE if appears else 0))
    if len(out) < 2:
        return None
    roles = tuple(u.role for u in units)
    return RevealPlan(scene_id, roles, tuple(u.text for u in units), tuple(times), tuple(out), fps)


def scene_reveal(
    scene: SceneConfig, timing: SceneTiming, size: tuple[int, int], theme: Theme, fps: int, *,
    index: int = 0, total: int = 0, footer: str = "", last_frame: Optional[int] = None,
) -> tuple[Optional[RevealLayout], Optional[RevealPlan]]:  # fmt: skip
    """``scene``'s layout as a reveal walks it and its plan; (None, None) when the slide holds still."""
    layout = reveal_layout(scene, size, theme, index=index, total=total, footer=footer)
    if layout is None:
        return None, None
    plan = plan_reveal(layout, scene.scene_id, timing, fps, last_frame)
    return (layout, plan) if plan is not None else (None, None)
