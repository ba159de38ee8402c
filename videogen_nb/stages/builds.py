"""A scene's slide built up as it is spoken, as pictures on its timeline.

The reveal plan (:mod:`videogen_nb.reveal`) says which state of the slide
shows from which frame; here each state is drawn once, for its keyframes (it
is kept by what it shows: an edit of the narration that only moves the times
draws nothing, and no PNG is written for a state unless something reads its
picture from a file), and the scene's timeline becomes a list of shots: a
picture, how many frames it shows, and how many of them fade in from the
picture before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

from PIL import Image

from ..atomic import inside
from ..errors import RenderError
from ..fingerprint import stable_hash
from ..models import PipelineContext, SceneConfig, SceneTiming, effective_theme, scene_animates
from ..render.motion import Motion, find_motion
from ..render.reveal import RevealLayout, draw_state, reveal_layout
from ..render.slide_store import DrawnPicture, StoredSlide, drawn_picture
from ..render.slides import slide_ops
from ..render.theme import get_theme
from ..reveal import RevealPlan, plan_reveal, scene_reveal

if TYPE_CHECKING:
    from .video import SlideLook

BUILD_RENDERER = 3  # bump when reveal states are drawn differently (3: a state's identity is its key)
BUILDS = "builds"  # where a state's PNG is written when one is read from a file (``<scene_id>-<key>-<n>.png``)


@dataclass(frozen=True)
class SceneBuild:
    """One scene's reveal: its plan and, for each step of it, the picture shown (without a plan: the slide);
    and a picture on it that zooms slowly."""

    plan: Optional[RevealPlan]
    pictures: tuple[StoredSlide, ...]
    motion: Optional[Motion] = None

    @property
    def first(self) -> StoredSlide:
        """The picture the scene opens on (what the fade into it ends on)."""
        return self.pictures[0]

    def pictures_at(self, start: int, end: int) -> list[tuple[int, StoredSlide, int]]:
        """(first frame, picture, frames of fade into it) of each step, from ``start`` until ``end``."""
        if self.plan is None:
            return [(start, self.pictures[0], 0)]
        steps = self.plan.steps
        out = []
        for k, (step, pic) in enumerate(zip(steps, self.pictures)):
            frame = max(start, step.frame)
            stop = steps[k + 1].frame if k + 1 < len(steps) else end
            if frame >= min(stop, end):
                continue
            fade = min(step.fade, stop - frame - 1) if k else 0  # a shot is longer than its fade
            out.append((frame, pic, max(0, fade)))
        return out


def last_step_frame(timing: SceneTiming, index: int, total: int, fade: int) -> int:
    """The last frame a step of scene ``index`` may begin on: the scene's own fade into the next takes the rest."""
    frames = timing.end_frame - timing.start_frame
    return timing.end_frame - 1 - (fade if index + 1 < total and frames > fade else 0)


def draw_build(
    look: "SlideLook", scene: SceneConfig, index: int, timing: SceneTiming, fps: int, last_frame: int,
    slide: StoredSlide, moving: bool = True,
) -> Optional[SceneBuild]:  # fmt: skip
    """Scene ``index``'s reveal with its states drawn (each once for what it shows), and the slow zoom of its
    picture (``moving``: pictures may move); None if its slide holds still."""
    theme = get_theme(look.theme_name)
    where = dict(index=index, total=look.total, footer=look.title)
    laid = slide_ops(scene, look.size, theme, **where)  # laid out once, for the reveal and the zoom
    layout, plan = scene_reveal(scene, timing, look.size, theme, fps, last_frame=last_frame, laid=laid, **where)
    laid = laid if moving else None
    motion = find_motion(laid.blocks, laid.ops) if laid is not None else None
    if plan is None and motion is None:
        return None
    pictures = (slide,)
    if plan is not None:
        state = _states(look, scene, index, layout, slide)
        pictures = tuple(state(s.current, s.shown, s.count)[0] for s in plan.steps)
    return SceneBuild(plan, pictures, motion)


def _states(
    look: "SlideLook", scene: SceneConfig, index: int, layout: RevealLayout, slide: StoredSlide
) -> Callable[[int, int, int], tuple[StoredSlide, Optional[Callable[[], DrawnPicture]]]]:  # fmt: skip
    """``state(current, shown, count)``: the slide while unit ``current`` is spoken with the entries up to ``shown``
    in view and ``count`` in the countdown's ring, as a picture kept by what it shows (its keyframes are all the
    video needs: no PNG is written for it unless something reads it from a file), with what draws it now from
    ``layout``. A state with nothing marked and every entry shown is the still itself (nothing to draw)."""
    folder, key = Path(look.folder).parent / BUILDS, _build_key(look, scene, index)
    hidden = [u for u, unit in enumerate(layout.units) if unit.hides]

    def state(current: int, shown: int, count: int) -> tuple[StoredSlide, Optional[Callable[[], DrawnPicture]]]:
        if current < 0 and not count and all(u <= shown for u in hidden):
            return slide, None
        name = _state_name(key, current, shown, count)
        pic = StoredSlide(inside(folder, f"{scene.scene_id}-{name}.png"), _state_hash(name), (),
                          StateDrawing(look, scene, index, current, shown, count))  # fmt: skip
        return pic, lambda: drawn_picture(draw_state(layout, current, shown, count))

    return state


@dataclass(frozen=True)
class StateDrawing:
    """Draws one state of scene ``index``'s reveal again, laying its slide out first (once for a few scenes): what
    a state kept only by what it shows is drawn with when its picture is wanted (a lost keyframe, a caption burnt
    in, a zoom)."""

    look: "SlideLook"
    scene: SceneConfig
    index: int
    current: int
    shown: int
    count: int

    def __call__(self) -> Image.Image:
        key = _build_key(self.look, self.scene, self.index)
        layout = _LAYOUTS.get(key)
        if layout is None:
            layout = reveal_layout(self.scene, self.look.size, get_theme(self.look.theme_name), index=self.index,
                                   total=self.look.total, footer=self.look.title)  # fmt: skip
            if layout is None:
                raise RenderError(f"scene {self.index + 1} ({self.scene.scene_id}) has no reveal to draw a state of")
            if len(_LAYOUTS) >= 8:
                _LAYOUTS.clear()
            _LAYOUTS[key] = layout
        return draw_state(layout, self.current, self.shown, self.count)


_LAYOUTS: dict[str, RevealLayout] = {}  # the last few scenes' layouts, by build key: their states are drawn in turn


def _build_key(look: "SlideLook", scene: SceneConfig, index: int) -> str:
    look_of = (look.size, look.theme_name, index, look.total, look.title)
    return stable_hash(BUILD_RENDERER, scene.visual_dict(), *look_of)[:20]


def _state_name(key: str, current: int, shown: int, count: int) -> str:
    return f"{key}-{current + 1}-{shown + 1}-{count}"


def _state_hash(name: str) -> str:
    """A state's identity (where a slide's is its PNG's hash): the hash of everything that decides how it looks."""
    return stable_hash("reveal state", name)


def draw_states(
    look: "SlideLook", scene: SceneConfig, index: int, slide: StoredSlide
) -> Iterator[tuple[StoredSlide, Optional[Callable[[], DrawnPicture]]]]:  # fmt: skip
    """The states scene ``index``'s reveal shows when its narration says its units in order, laid out before its
    timing is known, one at a time as they are asked for, each with what draws it (called only if its keyframes
    are missing): a head start for the video stage, whose plan, once the speech is timed, draws whatever else it
    needs. Nothing for a slide that holds still."""
    layout = reveal_layout(scene, look.size, get_theme(look.theme_name), index=index, total=look.total, footer=look.title)
    if layout is None:
        return
    state = _states(look, scene, index, layout, slide)
    first = -1 if any(u.hides for u in layout.units) else 0  # where none hides, the reveal opens on the still
    for c in range(first, len(layout.units)):
        yield state(c, c, 0)


def scene_reveal_of(
    ctx: PipelineContext, index: int, size: Optional[tuple[int, int]] = None
) -> tuple[Optional[RevealLayout], Optional[RevealPlan]]:
    """Scene ``index``'s reveal as the video stage makes it: (layout, plan). The plan is None until the audio has
    timed the scene (or when the narration does not say the entries); the layout is None for a slide that holds
    still. ``size``: lay it out at another size (a preview's), with the video's timing."""
    vc, st, report = ctx.video_config, ctx.settings, ctx.timing_report
    if vc is None or not 0 <= index < len(vc.scenes):
        return None, None
    scene = vc.scenes[index]
    if scene.plays_clip is not None or not scene_animates(st, vc, scene):
        return None, None
    theme = get_theme(effective_theme(st, vc))
    total = len(vc.scenes)
    layout = reveal_layout(scene, size or st.resolution, theme, index=index, total=total, footer=vc.title)
    if layout is None:
        return None, None
    if report is None or len(report.scenes) != total or report.scenes[index].scene_id != scene.scene_id:
        return layout, None
    from .video import transition_frames  # the video stage holds this module's users: imported when asked

    t = report.scenes[index]
    last = last_step_frame(t, index, total, transition_frames(st))
    return layout, plan_reveal(layout, scene.scene_id, t, st.fps, last, scene.countdown)
