"""Stage 5, video: draw each slide, encode each still once and repeat it, fade between scenes, add the sound.

Only what changed is made again: slides are kept by what they show, picture
segments and the narration's AAC by content, so after one narration edit a
render encodes that scene's segment and sound and copies the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from PIL import Image

from ..atomic import inside, recorded_digest
from ..errors import RenderError, StageOrderError
from ..ffmpeg import probe
from ..fingerprint import stable_hash
from ..models import (
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    SubtitleCue,
    TimingReport,
    VideoConfig,
    effective_theme,
)
from ..render.captions import draw_caption
from ..render.encode import EncoderSettings, concat_raw, mux
from ..render.narration_track import NarrationTrack
from ..render.segments import SegmentStore
from ..render.slide_store import SlideStore, StoredSlide
from ..render.slides import Slide, render_slide, slide_background
from ..render.theme import Theme, get_theme
from ..subtitles import build_cues
from ..timeline import frame_quantum
from .base import Services, Stage

RENDERER = 1  # bump when slides are drawn differently, so stored slides are drawn again


def draw_scene(scene: SceneConfig, size, theme: Theme, index: int, total: int, footer: str) -> Slide:
    """Draw one scene; if its layout fails, fall back to a plain text slide with a warning."""
    try:
        return render_slide(scene, size, theme, index=index, total=total, footer=footer)
    except Exception as exc:  # one bad slide must not cost the whole video
        plain = SceneConfig(kind="text", scene_id=scene.scene_id, title=scene.title, body=[scene.narration or ""])
        slide = render_slide(plain, size, theme, index=index, total=total, footer=footer)
        slide.warnings.append(f"scene {index + 1} ({scene.title!r}) could not be drawn ({exc}); shown as plain text")
        return slide


def transition_frames(settings: PipelineSettings) -> int:
    """Frames of each crossfade: the setting rounded to whole steps of the timeline (0: cut)."""
    if settings.transition <= 0:
        return 0
    q = frame_quantum(settings.fps)
    return max(q, q * round(settings.transition * settings.fps / q))


class VideoStage(Stage):
    """Encodes every still stretch once as a short segment; the rest is stream copy."""

    name = "video"
    requires = ("scenes", "timing_report")
    provides = ("video_dir", "final_video_path")

    def steps(self, ctx: PipelineContext) -> int:
        return len(ctx.video_config.scenes) if ctx.video_config else 1

    def run(self, ctx: PipelineContext, services: Services) -> str:
        vc, report = ctx.video_config, ctx.timing_report
        if [t.scene_id for t in report.scenes] != [s.scene_id for s in vc.scenes]:
            raise StageOrderError("video", "audio", "is out of date with the scenes (they were added or removed)")
        video_dir = ctx.workdir / "video"
        render = _Render(vc, report, ctx.settings, video_dir, services.clips)
        events = services.events
        total = len(vc.scenes)
        steps = 2 * total + 1
        events.progress(self.name, 0, steps, "drawing slides")
        with services.executor(None) as pool:
            sound = pool.submit(render.track.build, report, video_dir / "narration.aac")  # runs beside the picture
            drawn = []
            for i, s in enumerate(pool.map(render.draw, range(total))):
                drawn.append(s)
                events.progress(self.name, i + 1, steps, f"slide {i + 1}: {vc.scenes[i].title[:40]}")
            parts = []
            for i, p in enumerate(pool.map(lambda i: render.picture(i, drawn), range(total))):
                parts.append(p)
                events.progress(self.name, total + i + 1, steps, f"scene {i + 1}: {vc.scenes[i].title[:40]}")
            narration = sound.result()
        warnings = [w for s in drawn for w in s.warnings]
        for w in warnings:
            events.warning(self.name, w)
        ctx.warnings.extend(w for w in warnings if w not in ctx.warnings)

        events.progress(self.name, steps - 1, steps, "muxing")
        stream = video_dir / "stream.h264"
        concat_raw((p for scene in parts for p in scene), stream)
        final = inside(video_dir, f"{vc.video_id}.mp4")
        mux(stream, narration, final, render.encoder)
        stream.unlink(missing_ok=True)  # as large as the video and rebuilt from segments in milliseconds
        info = probe(final)
        ctx.video_dir = video_dir
        ctx.final_video_path = final
        sounds = len(render.track.encoded)
        return (
            f"{final.name}: {info.width}x{info.height}, {render.encoder.fps} fps, {info.duration:.1f} s "
            f"(encoded {render.store.encoded_frames} frames and the sound of {sounds} "
            f"scene{'' if sounds == 1 else 's'}; the rest reused)"
        )

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        if vc is None or report is None:
            return None
        timeline = [(t.scene_id, t.start_frame, t.end_frame, t.audio_hash, t.audio_start) for t in report.scenes]
        return stable_hash(
            st.resolution, st.fps, effective_theme(st, vc), st.transition, st.burn_subtitles, vc.title,
            vc.video_id, [s.visual_dict() for s in vc.scenes], timeline,
        )  # fmt: skip

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        p = ctx.final_video_path
        if p is not None and not Path(p).is_file():
            return [f"the video {Path(p).name} is missing"]
        if p is not None and deep and recorded_digest(Path(p)) is None:
            return [f"the video {Path(p).name} is damaged or was changed (its size or hash differs from when it was made)"]
        return []

    def repair(self, ctx: PipelineContext) -> list[str]:
        problems = self.check_artifacts(ctx, deep=True)
        if problems and ctx.final_video_path is not None:
            Path(ctx.final_video_path).unlink(missing_ok=True)  # so the stage reads as stale and makes it again
        return problems


class _Render:
    """One video run's picture: slides by content, still segments, captions, fades, clips, and the sound track."""

    def __init__(
        self, vc: VideoConfig, report: TimingReport, st: PipelineSettings, video_dir: Path, clips: Mapping[str, Any]
    ) -> None:
        self.vc, self.report, self.st, self.clips = vc, report, st, clips
        self.theme_name = effective_theme(st, vc)
        self.theme = get_theme(self.theme_name)
        self.size = st.resolution
        self.encoder = EncoderSettings(fps=st.fps)
        self.slides = SlideStore(video_dir / "slides")
        q = frame_quantum(st.fps)
        self.store = SegmentStore(video_dir / "segments", self.encoder, self.size, unit=q if q > 1 else st.fps)
        self.track = NarrationTrack(video_dir / "narration", self.encoder)
        self.fade = transition_frames(st)
        self.cues: dict[int, list[SubtitleCue]] = {}
        if st.burn_subtitles:
            for cue in build_cues(report):
                self.cues.setdefault(cue.scene_index, []).append(cue)

    def draw(self, i: int) -> StoredSlide:
        """Scene ``i``'s slide, drawn once for what it shows."""
        vc, scene, total = self.vc, self.vc.scenes[i], len(self.vc.scenes)
        key = stable_hash(RENDERER, scene.visual_dict(), self.size, self.theme_name, i, total, vc.title)[:24]
        return self.slides.get(
            key, lambda: draw_scene(scene, self.size, self.theme, i, total, vc.title), name=f"{scene.scene_id}-"
        )

    def captioned(self, i: int, slide: StoredSlide, cue: SubtitleCue) -> StoredSlide:
        """The slide with one subtitle cue burnt in."""
        key = stable_hash("caption", slide.sha256, cue.lines, self.theme_name)[:24]

        def draw() -> Slide:
            with Image.open(slide.path) as im:
                return Slide(draw_caption(im.convert("RGB"), cue.lines, self.theme))

        return self.slides.get(key, draw, name=f"{self.vc.scenes[i].scene_id}-cue{cue.index}-")

    def clip_frames(self, i: int, frames: int) -> list[Path]:
        """The frames of scene ``i``'s moving clip, encoded one by one (once for its content)."""
        scene = self.vc.scenes[i]
        clip_id = scene.plays_clip
        clip = self.clips.get(clip_id)

        def make() -> Iterator:
            if clip is None:
                raise RenderError(
                    f"scene {i + 1} ({scene.scene_id}) plays a moviepy clip this pipeline no longer holds "
                    f"(checkpoints cannot keep clips): give it back with p.attach_clip({i}, clip), then run video again"
                )
            return clip.iter_frames(fps=self.st.fps, dtype="uint8")

        # the letterbox is the theme's background, so the theme is part of what the segment shows
        background = slide_background(self.size, self.theme)
        return self.store.frames(f"{clip_id}-{self.theme_name}", frames, make, background=background)

    def picture(self, i: int, drawn: list[StoredSlide]) -> list[Path]:
        """The segments of scene ``i``: its still (and captions), then the fade into the next scene."""
        t = self.report.scenes[i]
        frames = t.end_frame - t.start_frame
        if self.vc.scenes[i].plays_clip is not None:  # moving pictures: every frame encoded, and a cut after it
            return self.clip_frames(i, frames)
        # the fade takes the end of this scene, so the next one opens on its own slide
        f = self.fade if i + 1 < len(drawn) and frames > self.fade else 0
        still_end = t.end_frame - f
        parts: list[Path] = []
        cursor = t.start_frame
        for cue in self.cues.get(i, []):
            # each cue is a still of its own: the slide with the caption, for the cue's frames
            a, b = max(cursor, round(cue.start * self.st.fps)), min(still_end, round(cue.end * self.st.fps))
            if b <= a:
                continue
            parts += self.store.still(drawn[i].path, drawn[i].sha256, a - cursor)
            cap = self.captioned(i, drawn[i], cue)
            parts += self.store.still(cap.path, cap.sha256, b - a)
            cursor = b
        parts += self.store.still(drawn[i].path, drawn[i].sha256, still_end - cursor)
        if f:
            nxt = drawn[i + 1]
            parts += self.store.fade(drawn[i].path, drawn[i].sha256, nxt.path, nxt.sha256, f)
        return parts
