"""Stage 5, video: draw each slide, encode it once, repeat it by stream copy, add the sound."""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Callable, Optional

from ..checkpoint import atomic_write_bytes
from ..errors import StageOrderError
from ..events import EventBus
from ..fingerprint import stable_hash
from ..models import PipelineContext, SceneConfig, SceneTiming, effective_theme
from ..render.encode import (
    EncoderSettings,
    concat_raw,
    encode_still_segments,
    mux,
    probe,
)
from ..render.slides import Slide, render_slide
from ..render.soundtrack import build_soundtrack
from ..render.theme import Theme, get_theme
from .base import Stage

ExecutorFactory = Callable[[], AbstractContextManager[Executor]]


def draw_scene(scene: SceneConfig, size, theme: Theme, index: int, total: int, footer: str) -> Slide:
    """Draw one scene; if its layout fails, fall back to a plain text slide with a warning."""
    try:
        return render_slide(scene, size, theme, index=index, total=total, footer=footer)
    except Exception as exc:  # one bad slide must not cost the whole video
        plain = SceneConfig(kind="text", scene_id=scene.scene_id, title=scene.title, body=[scene.narration or ""])
        slide = render_slide(plain, size, theme, index=index, total=total, footer=footer)
        slide.warnings.append(f"scene {index + 1} ({scene.title!r}) could not be drawn ({exc}); shown as plain text")
        return slide


class VideoStage(Stage):
    """Encodes every still stretch once as a short segment; the rest is stream copy."""

    name = "video"
    requires = ("scenes", "timing_report")
    provides = ("video_dir", "final_video_path")

    def __init__(self, executor: ExecutorFactory) -> None:
        self.executor = executor

    def encoder(self, ctx: PipelineContext) -> EncoderSettings:
        return EncoderSettings(fps=ctx.settings.fps)

    def run(self, ctx: PipelineContext, events: EventBus) -> str:
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        if [t.scene_id for t in report.scenes] != [s.scene_id for s in vc.scenes]:
            raise StageOrderError("video", "audio", "is out of date with the scenes (they were added or removed)")
        theme = get_theme(effective_theme(st, vc))
        size = st.resolution
        enc = self.encoder(ctx)
        video_dir = ctx.workdir / "video"
        slides_dir, seg_dir = video_dir / "slides", video_dir / "segments"
        slides_dir.mkdir(parents=True, exist_ok=True)
        seg_dir.mkdir(parents=True, exist_ok=True)
        total = len(vc.scenes)
        events.progress(self.name, 0, total + 1, "drawing slides")

        def scene_parts(i: int) -> tuple[list[Path], list[str]]:
            scene, timing = vc.scenes[i], report.scenes[i]
            slide = draw_scene(scene, size, theme, i, total, vc.title)
            return self._segments(slide, timing, slides_dir, seg_dir, enc), slide.warnings

        parts: list[list[Path]] = [[] for _ in vc.scenes]
        warnings: list[str] = []
        with self.executor() as pool:
            futures = [pool.submit(scene_parts, i) for i in range(total)]
            for i, fut in enumerate(futures):
                parts[i], w = fut.result()
                warnings.extend(w)
                events.progress(self.name, i + 1, total + 1, f"scene {i + 1}: {vc.scenes[i].title[:40]}")
        for w in warnings:
            events.warning(self.name, w)
        ctx.warnings.extend(warnings)

        events.progress(self.name, total, total + 1, "muxing")
        stream = video_dir / "stream.h264"
        concat_raw((p for scene in parts for p in scene), stream)
        soundtrack = build_soundtrack(report, video_dir / "soundtrack.wav")
        final = video_dir / f"{vc.video_id}.mp4"
        mux(stream, soundtrack, final, enc)
        stream.unlink(missing_ok=True)  # as large as the video and rebuilt from segments in milliseconds
        info = probe(final)
        ctx.video_dir = video_dir
        ctx.final_video_path = final
        return f"{final.name}: {info.width}x{info.height}, {enc.fps} fps, {info.duration:.1f} s"

    def _segments(
        self, slide: Slide, timing: SceneTiming, slides_dir: Path, seg_dir: Path, enc: EncoderSettings
    ) -> list[Path]:
        """Raw H.264 pieces that together show ``slide`` for the scene's frames."""
        buf = io.BytesIO()
        slide.image.save(buf, format="PNG", compress_level=1)
        png = buf.getvalue()
        png_path = slides_dir / f"{timing.scene_id}.png"
        if not png_path.is_file() or png_path.read_bytes() != png:
            atomic_write_bytes(png_path, png)
        frames = timing.end_frame - timing.start_frame
        unit = enc.fps  # one second: long enough to be cheap to repeat, short enough to encode fast
        repeats, rest = divmod(frames, unit)
        # segments are keyed by content: an unchanged slide of unchanged length is never encoded twice
        key = stable_hash(hashlib.sha256(png).hexdigest(), enc.__dict__, slide.image.size)[:24]
        unit_path = seg_dir / f"{key}_{unit}.h264"
        rest_path = seg_dir / f"{key}_{rest}.h264"
        wanted = [(unit_path, unit)] if repeats else []
        if rest:
            wanted.append((rest_path, rest))
        todo = [(p, n) for p, n in wanted if not p.is_file()]
        if todo:
            encode_still_segments(png_path, todo, enc)
        return [unit_path] * repeats + ([rest_path] if rest else [])

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        if vc is None or report is None:
            return None
        timeline = [(t.scene_id, t.start_frame, t.end_frame, t.audio_hash, t.audio_start) for t in report.scenes]
        return stable_hash(
            st.resolution, st.fps, effective_theme(st, vc), vc.title, vc.video_id, [s.visual_dict() for s in vc.scenes], timeline
        )

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        p = ctx.final_video_path
        if p is not None and not Path(p).is_file():
            return [f"the video {Path(p).name} is missing"]
        return []

