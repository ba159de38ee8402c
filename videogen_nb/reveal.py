"""The reveal plan of a scene: at which frame each entry appears and each sentence or line is marked.

The units come from the slide's layout (:mod:`videogen_nb.render.reveal`), the
times from the narration's word timings (the engine's, or an estimate) via
:mod:`videogen_nb.alignment`, and every time is put on the frame grid. A
plan is a short list of steps; each step is one still (drawn once) shown from
its frame, entered with a short fade when an entry appears and with a cut when
only the marker moves (so a sentence's mark changes exactly at its first word).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Optional

from .alignment import first_spoken, mentions
from .models import SceneConfig, SceneTiming
from .render.reveal import LAY_OUT, RevealLayout, Unit, reveal_layout
from .render.theme import Theme

#: frames of the fade an entry appears with (0.13 s at 30 fps): short, so it is there as its first word is heard
ENTRY_FADE = 4
#: seconds between the end of the voice and a countdown's first number
COUNTDOWN_GAP = 0.3


@dataclass(frozen=True)
class RevealStep:
    """From ``frame`` (on the video's timeline) the slide shows unit ``current`` as spoken (-1: none marked), the
    entries up to unit ``through`` (None: up to ``current``), and the number ``count`` of a countdown (0: none);
    entered with a crossfade of ``fade`` frames from the step before (0: a cut)."""

    frame: int
    current: int
    fade: int = 0
    through: Optional[int] = None
    count: int = 0

    @property
    def shown(self) -> int:
        """The last unit whose entries are shown."""
        return self.current if self.through is None else self.through


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
        """(seconds, role, text) of each unit as the video shows it: an entry when its step begins (one said
        together with a later one, at that one's), a sentence or a line when it is first marked."""
        out = []
        for u, (role, text) in enumerate(zip(self.roles, self.texts)):
            frames = [s.frame for s in self.steps if (s.shown >= u if role == "item" else s.current == u) and not s.count]
            if frames:
                out.append((min(frames) / self.fps, role, text))
        return out

    @property
    def countdown(self) -> list[tuple[float, int]]:
        """(seconds, number) of each number of the scene's countdown, in order; empty without one."""
        return [(s.frame / self.fps, s.count) for s in self.steps if s.count]

    def __repr__(self) -> str:
        said = sum(t is not None for t in self.times)
        count = f", a countdown from {self.countdown[0][1]}" if self.countdown else ""
        return f"<RevealPlan {self.scene_id}: {len(self.texts)} units ({said} found in the narration), {len(self.steps)} steps{count}>"


def plan_reveal(
    layout: RevealLayout, scene_id: str, timing: SceneTiming, fps: int, last_frame: Optional[int] = None,
    countdown: int = 0,
) -> Optional[RevealPlan]:  # fmt: skip
    """The steps of ``layout``'s reveal over the scene ``timing`` places; None when there is nothing to step through
    (the narration says too few of its entries to place them, or everything falls on one frame).

    ``last_frame``: the last frame a step may begin on (the scene's own fade into the next one takes the frames
    after it). ``countdown``: the scene ends with numbers from this down to 1, a second each, after its narration
    (the timeline gave it the time: :func:`countdown_seconds`).
    """
    units = layout.units
    first = timing.start_frame
    last = min(timing.end_frame - 1, last_frame if last_frame is not None else timing.end_frame - 1)
    counting = _countdown(timing, fps, first, last, countdown)
    stop = counting[0][0] - 1 if counting else last  # what the narration marks, it marks before the countdown
    times, events = _spoken(units, timing)
    steps: list[RevealStep] = [RevealStep(first, -1, 0, -1 if events else len(units) - 1)]
    for t, u in events:
        frame = min(max(first, round(t * fps)), stop)
        prev = steps[-1]
        shown = max(prev.shown, u) if units[u].role != "line" else prev.shown
        if frame <= prev.frame:  # said at once (or before the scene could show it): one step for both
            steps[-1] = RevealStep(prev.frame, u, 0, shown)
        elif u != prev.current or shown != prev.shown:  # a line named again while it is marked: nothing moves
            steps.append(RevealStep(frame, u, 0, shown))
    steps += [RevealStep(frame, -1, 0, len(units) - 1, n) for frame, n in counting]
    # an entry appears with a short fade; a marker that only moves, and a countdown, with a cut
    out: list[RevealStep] = []
    for k, s in enumerate(steps):
        appears = k > 0 and not s.count and any(units[v].hides for v in range(steps[k - 1].shown + 1, s.shown + 1))
        out.append(replace(s, fade=ENTRY_FADE if appears else 0))
    if len(out) < 2:
        return None
    roles = tuple(u.role for u in units)
    return RevealPlan(scene_id, roles, tuple(u.text for u in units), tuple(times), tuple(out), fps)


def _spoken(units: list[Unit], timing: SceneTiming) -> tuple[list[Optional[float]], list[tuple[float, int]]]:
    """(the seconds each unit is first spoken, None if never; (seconds, unit) of every moment the marker moves,
    in time order). Entries and sentences are found in the narration in their order (an entry it skips still
    appears, between its neighbours); a line of code each time the narration names it, in the narration's order.
    No moments when the narration is not about the entries: the slide holds still rather than guess."""
    words = timing.word_timings
    times: list[Optional[float]] = [None] * len(units)
    if not words or (len(units) == 1 and not units[0].hides):
        return times, []  # one sentence alone on a slide: marking it says nothing
    spoken = [w.word for w in words]
    prose = [k for k, u in enumerate(units) if u.role != "line"]
    for k, i in zip(prose, first_spoken([units[k].text for k in prose], spoken)):
        times[k] = timing.audio_start + words[i].start if i is not None else None
    items = [k for k, u in enumerate(units) if u.hides]
    if items and sum(times[k] is not None for k in items) * 2 < len(items):
        return times, []
    end = timing.audio_start + words[-1].end
    placed = list(times)
    for k in items:
        if placed[k] is None:
            before = max((t for t in placed[:k] if t is not None), default=timing.start)
            after = min((t for t in placed[k + 1 :] if t is not None), default=end)
            placed[k] = (before + after) / 2
    events = [(t, u) for u, t in enumerate(placed) if t is not None]
    lines = [k for k, u in enumerate(units) if u.role == "line"]
    for w, j in mentions([units[k].names for k in lines], spoken):
        t = timing.audio_start + words[w].start
        events.append((t, lines[j]))
        times[lines[j]] = t if times[lines[j]] is None else min(times[lines[j]], t)
    events.sort(key=lambda e: e[0])  # stable: an entry and a line named at one word keep that order
    return times, events


def _countdown(timing: SceneTiming, fps: int, first: int, last: int, count: int) -> list[tuple[int, int]]:
    """(first frame, number) of each number of a countdown from ``count`` that ends where frame ``last`` does:
    a second each, never before the voice has finished; none where there is no room for a third of a second
    each."""
    if count <= 0:
        return []
    end = last + 1
    said = math.ceil((timing.audio_start + timing.audio_duration) * fps)
    start = max(said, end - count * fps, first + 1)
    each = (end - start) // count
    if each < max(1, fps // 3):
        return []
    return [(end - (count - j) * each, count - j) for j in range(count)]


def countdown_seconds(count: int, fade_frames: int, fps: int) -> float:
    """The quiet a scene with a countdown from ``count`` needs after its narration: a moment, a second for each
    number, and the fade into the next scene (which the countdown must not run into)."""
    return COUNTDOWN_GAP + count + fade_frames / fps if count > 0 else 0.0


def scene_reveal(
    scene: SceneConfig, timing: SceneTiming, size: tuple[int, int], theme: Theme, fps: int, *,
    index: int = 0, total: int = 0, footer: str = "", last_frame: Optional[int] = None, laid: Any = LAY_OUT,
) -> tuple[Optional[RevealLayout], Optional[RevealPlan]]:  # fmt: skip
    """``scene``'s layout as a reveal walks it and its plan; (None, None) when the slide holds still. ``laid``: the
    slide's :func:`slide_ops` where the caller has them."""
    layout = reveal_layout(scene, size, theme, index=index, total=total, footer=footer, laid=laid)
    if layout is None:
        return None, None
    plan = plan_reveal(layout, scene.scene_id, timing, fps, last_frame, scene.countdown)
    return (layout, plan) if plan is not None else (None, None)
