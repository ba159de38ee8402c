"""Stage 6, output: the video, its thumbnail and metadata, in the output folder."""

from __future__ import annotations

import platform
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Optional

from PIL import Image

from ..atomic import AtomicBatch, inside, is_temporary, recorded_digest, write_recorded
from ..ffmpeg import frame_at
from ..fingerprint import stable_hash
from ..models import PipelineContext, SceneMetadata, VideoMetadata
from ..render.opening import read_opening
from ..render.png import png_bytes
from ..subtitles import build_cues, write_subtitles
from .base import Services, Stage

THUMBNAIL_SIZE = (1280, 720)


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the output, for metadata.json."""
    return dict(_package_versions())


@lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    # read once a process: reading nine packages' metadata took 60 ms, a twentieth of a re-render after an edit
    out = {"python": platform.python_version()}
    for name in ("videogen_nb", "pillow", "moviepy", "imageio-ffmpeg", "espeakng-loader", "piper-tts", "onnxruntime",
                 "markdown-it-py", "pydantic"):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            pass
    return out


def thumbnail_png(video: Path, report, video_size: tuple[int, int]) -> bytes:
    """A frame from the middle of the first scene (of a video ``video_size`` large), as PNG at most 1280x720: what a
    viewer sees, not a re-render."""
    first = report.scenes[0]
    w, h = video_size
    k = min(1.0, THUMBNAIL_SIZE[0] / w, THUMBNAIL_SIZE[1] / h)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    return png_bytes(Image.frombytes("RGB", size, frame_at(video, (first.start + first.end) / 2, size)))


class OutputStage(Stage):
    """Non-critical: when it fails, the video already exists in the work folder."""

    name = "output"
    requires = ("final_video_path", "timing_report")
    provides = ("output_dir", "metadata_path", "thumbnail_path", "subtitle_paths")
    critical = False

    def target_dir(self, ctx: PipelineContext) -> Path:
        return Path(ctx.settings.output_dir) if ctx.settings.output_dir else ctx.workdir / "output"

    def run(self, ctx: PipelineContext, services: Services) -> str:
        vc, report = ctx.video_config, ctx.timing_report
        out = self.target_dir(ctx)
        out.mkdir(parents=True, exist_ok=True)
        video = inside(out, f"{vc.video_id}.mp4")
        thumbnail = out / "thumbnail.png"
        meta_path = out / "metadata.json"
        # every file is staged first and all are renamed together at the end: a full disk or a kill on
        # the way leaves the output of the previous run whole, never half old and half new
        with AtomicBatch() as batch, ThreadPoolExecutor(1) as side:
            # ffmpeg finds the thumbnail's frame while the subtitles and metadata are written
            frame = side.submit(self.thumbnail, ctx)
            batch.place(ctx.final_video_path, video)
            cues = build_cues(report)
            subtitles = write_subtitles(cues, out, vc.video_id, batch)
            meta = self.metadata(ctx, services, video, thumbnail, len(cues), subtitles)
            batch.write(meta_path, meta.model_dump_json(indent=2).encode("utf-8"))
            batch.write(thumbnail, frame.result())
        ctx.output_dir = out
        ctx.metadata_path = meta_path
        ctx.thumbnail_path = thumbnail
        ctx.subtitle_paths = subtitles
        return f"{video} with {len(cues)} subtitles (.srt, .vtt), metadata.json and thumbnail.png"

    def thumbnail(self, ctx: PipelineContext) -> bytes:
        """The thumbnail's PNG: made from the video, or the one made before from an opening the same as this
        video's (kept in the work folder by a key of the opening, its time and its size)."""
        report, size = ctx.timing_report, ctx.settings.resolution
        opening = read_opening(ctx.final_video_path)
        if opening is None:
            return thumbnail_png(ctx.final_video_path, report, size)
        first = report.scenes[0]
        key = stable_hash("thumbnail", opening, first.start, first.end, size, THUMBNAIL_SIZE)[:32]
        kept = ctx.workdir / "thumbnails" / f"{key}.png"
        if recorded_digest(kept) is not None:
            return kept.read_bytes()
        png = thumbnail_png(ctx.final_video_path, report, size)
        write_recorded(kept, png)
        return png

    def metadata(
        self, ctx: PipelineContext, services: Services, video: Path, thumbnail: Path, cues: int, subtitles: dict[str, Path]
    ) -> VideoMetadata:
        """What metadata.json says about the video."""
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        return VideoMetadata(
            title=vc.title,
            subtitle=vc.subtitle,
            author=vc.author,
            video=video.name,
            thumbnail=thumbnail.name,
            duration=report.total_duration,
            frames=report.total_frames,
            fps=st.fps,
            resolution=st.resolution,
            engine=report.engine,
            requested_engine=report.requested or st.tts,
            voice=report.voice,
            lang=report.lang,
            fallback=st.fallback,
            loudness_target=st.loudness,
            pronunciations={**vc.pronunciations, **st.pronunciations},
            subtitles={kind: path.name for kind, path in subtitles.items()},
            subtitle_cues=cues,
            source=ctx.input_metadata.get("source"),
            source_sha256=ctx.input_metadata.get("sha256"),
            stages=list(services.stage_names),
            scenes=[
                SceneMetadata(
                    index=t.index,
                    scene_id=t.scene_id,
                    kind=s.kind,
                    title=s.title,
                    start=t.start,
                    end=t.end,
                    duration=t.duration,
                    audio_duration=round(t.audio_duration, 4),
                    audio_start=t.audio_start,
                    engine=t.engine,
                    audio_source=t.source,
                    loudness=None if t.loudness is None else round(t.loudness, 2),
                    words=t.words,
                    word_timings=t.word_timing,
                    narration=s.narration,
                    audio_sha256=t.audio_hash,
                )
                for s, t in zip(vc.scenes, report.scenes)
            ],
            warnings=list(ctx.warnings),
            versions=package_versions(),
            created_at=datetime.now(timezone.utc).replace(microsecond=0),
        )

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        vc = ctx.video_config
        return stable_hash(str(self.target_dir(ctx)), str(ctx.final_video_path), [s.narration for s in vc.scenes] if vc else None)

    def remove_leftovers(self, ctx: PipelineContext) -> list[Path]:
        """Temporary files of this video's output files (``.<name>.XXXX.tmp``) left in the output folder by a killed run."""
        out, vc = self.target_dir(ctx), ctx.video_config
        if vc is None or not out.is_dir():
            return []
        names = (f"{vc.video_id}.mp4", f"{vc.video_id}.srt", f"{vc.video_id}.vtt", "thumbnail.png", "metadata.json")
        removed = []
        for p in out.iterdir():
            if is_temporary(p) and any(p.name.startswith(f".{n}.") for n in names):
                p.unlink(missing_ok=True)
                removed.append(p)
        return removed

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        made = (ctx.metadata_path, ctx.thumbnail_path, *ctx.subtitle_paths.values())
        missing = [p.name for p in made if p is not None and not Path(p).is_file()]
        if ctx.output_dir is not None and ctx.video_config is not None:
            video = inside(Path(ctx.output_dir), f"{ctx.video_config.video_id}.mp4")
            if not video.is_file():
                missing.append(video.name)
        return [f"{name} is missing from the output folder" for name in missing]
