"""Stage 5, video: draw each slide, encode each still once and repeat it, fade between scenes, add the sound.

Only what changed is made again: slides are kept by what they show, picture
segments and the narration's AAC by content, so after one narration edit a
render encodes that scene's segment and sound and copies the rest.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from PIL import Image

from ..atomic import inside, recorded_digest
from ..errors import RenderError, StageOrderError
from ..fingerprint import stable_hash
from ..models import (
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    SubtitleCue,
    TimingReport,
    effective_theme,
    scene_animates,
)
from ..render.captions import draw_caption
from ..render.encode import EncoderSettings, StillPiece, mux_pieces
from ..render.mp4 import AacTrack, read_adts
from ..render.motion import moving_frames
from ..render.narration_track import NarrationPlan, NarrationTrack
from ..render.opening import OPENING_SCENES, opening_path, write_opening
from ..render.segments import KeyframeBatch, SegmentStore, Shot, encode_keyframes_together
from ..render.slide_store import DrawnPicture, SlideStore, StoredSlide, drawn_picture, picture_file, picture_image
from ..render.slides import Slide, render_slide, slide_background
from ..render.theme import Theme, get_theme
from ..subtitles import build_cues
from ..timeline import crossfade_frames
from .base import Services, Stage, collect
from .builds import SceneBuild, draw_build, draw_states, last_step_frame

RENDERER = 1  # bump when slides are drawn differently, so stored slides are drawn again
#: most scenes drawn and encoded in one task of the executor
SCENE_BATCH = 6
#: most keyframes encoded in one run of x264 (a batch is one task of the executor)
KEYFRAME_BATCH = 24
#: the proxy's encoder: low bitrate, for a quick look (its frame rate is the video's)
PROXY_ENCODER = EncoderSettings(crf=30)


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
    return crossfade_frames(settings.transition, settings.fps)


class VideoStage(Stage):
    """Encodes one keyframe per slide (the frames after it cost nothing) and the fades; makes a light proxy too.

    Per-scene work (drawing a slide, encoding a scene's segments, the
    narration track) goes to the pipeline's executor as module functions of
    small, picklable arguments, so a Dask client's executor runs it in other
    processes with the same result. A moviepy clip lives in this process:
    clip scenes are encoded here, while the executor does the rest.
    """

    name = "video"
    requires = ("scenes", "timing_report")
    prepares_from = ("scenes",)
    provides = ("video_dir", "final_video_path", "proxy_path")

    def steps(self, ctx: PipelineContext) -> int:
        return len(ctx.video_config.scenes) if ctx.video_config else 1

    def run(self, ctx: PipelineContext, services: Services) -> str:
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        if [t.scene_id for t in report.scenes] != [s.scene_id for s in vc.scenes]:
            raise StageOrderError("video", "audio", "is out of date with the scenes (they were added or removed)")
        video_dir = ctx.workdir / "video"
        total = len(vc.scenes)
        look, encodings = self._looks(ctx)
        enc, light = encodings[0], (encodings[1] if len(encodings) > 1 else None)
        cues: dict[int, list[SubtitleCue]] = {}
        if st.burn_subtitles:
            for cue in build_cues(report):
                cues.setdefault(cue.scene_index, []).append(cue)
        events = services.events
        steps = total * (1 + len(encodings)) + 1
        events.progress(self.name, 0, steps, "drawing slides")
        with services.executor(None) as pool:
            # the sound is built beside the picture
            # what it has to encode is found first, while nothing else runs: many small file checks, which beside
            # the Python below would each wait for the interpreter
            plan = NarrationTrack(video_dir / "narration", enc.encoder).plan(report)
            sound = pool.submit(build_narration, video_dir / "narration", enc.encoder, report, video_dir / "narration.aac",
                                plan)  # fmt: skip
            services.prepared()  # the slides drawn ahead while the speech was made: the sound needs none of them
            drawn: list[StoredSlide] = []
            # the slides and their keyframes (the states a reveal shows are drawn for its plan, below)
            for batch in self._scene_batches(ctx, look, encodings, pool, states=False):
                for s in batch.result():
                    drawn.append(s)
                    i = len(drawn) - 1
                    events.progress(self.name, i + 1, steps, f"slide {i + 1}: {vc.scenes[i].title[:40]}")
            builds = self._builds(ctx, look, enc.fade, drawn, pool)
            self._keyframes(vc, encodings, drawn, builds, pool, events, steps)
            pictures = self._pictures(vc, report, encodings, cues, drawn, builds, services, pool, steps)
            narration, sounds = sound.result()
        warnings = [w for s in drawn for w in s.warnings]
        for w in warnings:
            events.warning(self.name, w)
        ctx.warnings.extend(w for w in warnings if w not in ctx.warnings)

        events.progress(self.name, steps - 1, steps, "muxing")
        final = inside(video_dir, f"{vc.video_id}.mp4")
        proxy = inside(video_dir, f"{vc.video_id}.proxy.mp4") if light is not None else None
        opening_path(final).unlink(missing_ok=True)  # says nothing of the video about to be made
        master = [pictures[0, i] for i in range(total)]
        track = read_adts(narration)  # read once for both videos
        digests = [_join(master, track, final, enc.encoder)]
        if light is not None:
            digests.append(_join([pictures[1, i] for i in range(total)], track, proxy, light.encoder))
        write_opening(final, digests[0], [p for scene in master[:OPENING_SCENES] for p in scene.parts])
        ctx.video_dir = video_dir
        ctx.final_video_path = final
        ctx.proxy_path = proxy
        frames = sum(p.encoded_frames for (k, _), p in pictures.items() if k == 0)
        small = f"; proxy {proxy.stat().st_size / 1e6:.1f} MB" if proxy is not None else ""
        return (
            f"{final.name}: {enc.size[0]}x{enc.size[1]}, {enc.encoder.fps} fps, {report.total_duration:.1f} s, "
            f"{final.stat().st_size / 1e6:.1f} MB{small} (encoded {frames} frames and the sound of {len(sounds)} "
            f"scene{'' if len(sounds) == 1 else 's'}; the rest reused)"
        )

    def warm_up(self, ctx: PipelineContext) -> "DrawingProcess":
        """The process the preparation draws in, started now: it imports the drawing code while the document is
        parsed (a core the parsing leaves free), not after."""
        return DrawingProcess()

    def prepare(self, ctx: PipelineContext, services: Services, stop: threading.Event) -> None:
        """While the speech is made: draw every slide and every state a reveal may show, and encode their keyframes
        (none of it waits for the timing, which only says when each shows).

        In a Python process of its own (the one warmed up as the run began, if
        it was): drawing is Python, and in a thread it would take turns with
        the speech for the interpreter (it made both slower than one after the
        other).
        """
        if ctx.video_config is None or not ctx.video_config.scenes:
            return
        look, encodings = self._looks(ctx)
        stores = [enc.store() for enc in encodings]
        jobs = [(look, tuple(encodings), *batch) for batch in self._batches(ctx) if not _drawn_already(look, stores, *batch)]
        if not jobs:
            return  # a run after an edit of the narration: every slide is there (starting a process costs a second)
        process = services.warm if isinstance(services.warm, DrawingProcess) else DrawingProcess()
        try:
            process.draw(jobs, stop)
        finally:
            process.close()

    def _batches(self, ctx: PipelineContext) -> list[tuple[tuple[SceneConfig, ...], int, tuple[bool, ...]]]:
        """The scenes in batches for :func:`draw_scenes`: (scenes, index of the first, whether each builds up)."""
        vc, st = ctx.video_config, ctx.settings
        total = len(vc.scenes)
        size = max(1, min(SCENE_BATCH, -(-total // (2 * (os.cpu_count() or 1)))))
        out = []
        for k in range(0, total, size):
            scenes = tuple(vc.scenes[k : k + size])
            out.append((scenes, k, tuple(s.plays_clip is None and scene_animates(st, vc, s) for s in scenes)))
        return out

    def _looks(self, ctx: PipelineContext) -> tuple["SlideLook", list["Encoding"]]:
        """How the slides look, and the encodings made of them: the video's and its proxy's (the same slides and
        sound at a low bitrate, for quick looks in the notebook), if one is asked for."""
        vc, st = ctx.video_config, ctx.settings
        video_dir = ctx.workdir / "video"
        theme_name = effective_theme(st, vc)
        look = SlideLook(video_dir / "slides", st.resolution, theme_name, len(vc.scenes), vc.title)
        light = Encoding.for_proxy(video_dir, st, theme_name)
        return look, [Encoding.for_video(video_dir, st, theme_name)] + ([light] if light is not None else [])

    def _scene_batches(self, ctx: PipelineContext, look: "SlideLook", encodings: list["Encoding"], pool,
                       states: bool = True) -> list:  # fmt: skip
        """Futures, in scene order, of batches of scenes drawn (slides, and with ``states`` every state of their
        reveals) with the keyframes of their stills encoded; each gives its scenes' slides."""
        return [pool.submit(draw_scenes, look, tuple(encodings), scenes, first, animate if states else (False,) * len(scenes))
                for scenes, first, animate in self._batches(ctx)]  # fmt: skip

    def _builds(self, ctx: PipelineContext, look: "SlideLook", fade: int, drawn: list[StoredSlide], pool) -> list[Optional[SceneBuild]]:
        """Each scene's reveal with its states drawn (None where the slide holds still), on the executor."""
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        total = len(vc.scenes)
        out: list[Optional[SceneBuild]] = [None] * total
        moving = [i for i, s in enumerate(vc.scenes) if s.plays_clip is None and scene_animates(st, vc, s)]
        if not moving:
            return out
        timings = [report.scenes[i] for i in moving]
        last = [last_step_frame(t, i, total, fade) for i, t in zip(moving, timings)]
        slides = [drawn[i] for i in moving]
        # a moving picture is drawn frame by frame: not under burnt-in captions, which are stills of their own
        made = pool.map(
            partial(draw_build, look, moving=not st.burn_subtitles), [vc.scenes[i] for i in moving], moving, timings,
            [st.fps] * len(moving), last, slides,
        )  # fmt: skip
        for i, build in zip(moving, made):
            out[i] = build
        return out

    def _keyframes(self, vc, encodings, drawn, builds, pool, events, steps) -> None:
        """Every still picture's keyframe in every encoding, a batch of them per run of x264 on the executor (a run
        per picture cost two to three times as much); the scenes' pieces then find them made."""
        pictures: dict[str, StoredSlide] = {}
        for i, scene in enumerate(vc.scenes):
            build = builds[i]
            if scene.plays_clip is None and (build is None or build.motion is None):
                pictures.update((p.sha256, p) for p in (build.pictures if build is not None else (drawn[i],)))
        todo = list(pictures.values())
        if not todo:
            return
        events.progress(self.name, len(vc.scenes), steps, f"encoding {len(todo)} keyframes")
        # batches small enough that the workers share them out evenly, large enough that starting x264 is little
        size = max(1, min(KEYFRAME_BATCH, -(-len(todo) // (2 * (os.cpu_count() or 1)))))
        batches = [tuple(todo[k : k + size]) for k in range(0, len(todo), size)]
        futures = [pool.submit(encode_keyframes_of, tuple(encodings), batch) for batch in batches]
        for f in futures:
            f.result()

    def _pictures(self, vc, report, encodings, cues, drawn, builds, services, pool, steps) -> dict[tuple[int, int], "ScenePicture"]:
        """Every scene's pieces in every encoding (the video, its proxy): still scenes on the executor, clip
        scenes here, progress as each ends. Keyed by (encoding, scene)."""
        total = len(vc.scenes)
        events = services.events
        done: dict[tuple[int, int], ScenePicture] = {}

        def finished(key: tuple[int, int], picture: ScenePicture) -> None:
            done[key] = picture
            k, i = key
            what = "scene" if k == 0 else "proxy of scene"
            events.progress(self.name, total + len(done), steps, f"{what} {i + 1}: {vc.scenes[i].title[:40]}")

        futures = {}
        # a still's pieces (its keyframes made already) are Python and file writes: on this process's own threads
        # they would only take turns for the interpreter, so they are made here; what x264 encodes (captions, a
        # zoom) and all of it on another executor (a cluster's) goes to the executor
        here = isinstance(pool, ThreadPoolExecutor)
        fades = scene_fades(vc.scenes, report, encodings[0].fade)
        for i, build in enumerate(builds[:-1]):
            if build is not None and build.motion is not None:
                fades[i + 1] = 0  # a moving picture is cut from, as a clip is
        try:
            for k, enc in enumerate(encodings):
                for i, scene in enumerate(vc.scenes):
                    if scene.plays_clip is None:
                        t = report.scenes[i]
                        job = (enc, scene.scene_id, t.start_frame, t.end_frame, tuple(cues.get(i, ())), drawn[i],
                               fades[i], fades[i + 1] if i + 1 < total else 0, builds[i])  # fmt: skip
                        if here and not cues.get(i) and (builds[i] is None or builds[i].motion is None):
                            finished((k, i), encode_scene(*job))
                        else:
                            futures[pool.submit(encode_scene, *job)] = (k, i)
            for k, enc in enumerate(encodings):
                for i, scene in enumerate(vc.scenes):
                    if scene.plays_clip is not None:  # while the executor works on the rest
                        t = report.scenes[i]
                        finished((k, i), encode_clip_scene(enc, i, scene, t.end_frame - t.start_frame, services.clips))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        collect(futures, finished)
        return done

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        vc, report, st = ctx.video_config, ctx.timing_report, ctx.settings
        if vc is None or report is None:
            return None
        timeline = [(t.scene_id, t.start_frame, t.end_frame, t.audio_hash, t.audio_start) for t in report.scenes]
        return stable_hash(
            st.resolution, st.fps, effective_theme(st, vc), st.transition, st.burn_subtitles, st.proxy, vc.title,
            vc.video_id, [s.visual_dict() for s in vc.scenes], timeline, st.reveal, vc.reveal,
        )  # fmt: skip

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        for p in (ctx.final_video_path, ctx.proxy_path):
            if p is not None and not Path(p).is_file():
                return [f"the video {Path(p).name} is missing"]
            if p is not None and deep and recorded_digest(Path(p)) is None:
                return [f"the video {Path(p).name} is damaged or was changed (its size or hash differs from when it was made)"]
        return []

    def repair(self, ctx: PipelineContext) -> list[str]:
        problems = self.check_artifacts(ctx, deep=True)
        if problems:
            for p in (ctx.final_video_path, ctx.proxy_path):
                if p is not None:
                    Path(p).unlink(missing_ok=True)  # so the stage reads as stale and makes it again
        return problems


def _join(pieces: list["ScenePicture"], narration: AacTrack, out: Path, encoder: EncoderSettings) -> str:
    """The pieces of every scene joined (stream copy) and muxed with the narration track; the video's hash."""
    return mux_pieces([p for scene in pieces for p in scene.parts], narration, out, encoder)


def proxy_size(size: tuple[int, int], short_side: Optional[int]) -> Optional[tuple[int, int]]:
    """The proxy's size: ``short_side`` on the short side, the master's shape, even sides; None if not smaller."""
    w, h = size
    if not short_side or min(w, h) <= short_side:
        return None
    k = short_side / min(w, h)
    return (max(2, round(w * k / 2) * 2), max(2, round(h * k / 2) * 2))


# --- per-scene work: module functions of picklable arguments, run by whatever executor the pipeline has ---


@dataclass(frozen=True)
class SlideLook:
    """What every slide of one video shares: where slides are kept, their size, theme, count and footer."""

    folder: Path
    size: tuple[int, int]
    theme_name: str
    total: int
    title: str


def _slide_key(look: SlideLook, scene: SceneConfig, index: int) -> str:
    return stable_hash(RENDERER, scene.visual_dict(), look.size, look.theme_name, index, look.total, look.title)[:24]


def _drawn_already(look: SlideLook, stores: list[SegmentStore], scenes: tuple[SceneConfig, ...], first: int,
                   animate: tuple[bool, ...]) -> bool:  # fmt: skip
    """Whether every slide of a batch is stored with its keyframes (then so are its reveal's states, drawn with it)."""
    slides = SlideStore(look.folder)
    for k, scene in enumerate(scenes):
        slide = slides.find(_slide_key(look, scene, first + k), name=f"{scene.scene_id}-")
        if slide is None or (scene.plays_clip is None and not all(s.has_keyframe(slide.sha256) for s in stores)):
            return False
    return True


def draw_slide_now(look: SlideLook, scene: SceneConfig, index: int) -> tuple[StoredSlide, Optional[DrawnPicture]]:
    """Scene ``index``'s slide, drawn once for what it shows (kept as a PNG by content), with the picture if it was
    drawn now (None if it was stored already)."""
    key = _slide_key(look, scene, index)
    theme = get_theme(look.theme_name)
    return SlideStore(look.folder).get_drawn(
        key, lambda: draw_scene(scene, look.size, theme, index, look.total, look.title), name=f"{scene.scene_id}-"
    )


@dataclass(frozen=True)
class Encoding:
    """What every segment of one video shares: where segments and slides are kept, the codec, the size, the fade."""

    segments: Path
    slides: Path
    encoder: EncoderSettings
    size: tuple[int, int]
    fade: int
    theme_name: str

    @classmethod
    def for_video(cls, video_dir: Path, st: PipelineSettings, theme_name: str) -> "Encoding":
        return cls(
            video_dir / "segments", video_dir / "slides", EncoderSettings(fps=st.fps), st.resolution,
            transition_frames(st), theme_name,
        )  # fmt: skip

    @classmethod
    def for_proxy(cls, video_dir: Path, st: PipelineSettings, theme_name: str) -> Optional["Encoding"]:
        """The light copy's encoding: the same slides at ``st.proxy`` pixels on the short side; None if not smaller."""
        small = proxy_size(st.resolution, st.proxy)
        if small is None:
            return None
        encoder = replace(PROXY_ENCODER, fps=st.fps)
        return cls(video_dir / "proxy", video_dir / "slides", encoder, small, transition_frames(st), theme_name)

    def store(self) -> SegmentStore:
        # one store per task: its count of encoded frames is that task's work, added up by the stage
        return SegmentStore(self.segments, self.encoder, self.size)


@dataclass(frozen=True)
class ScenePicture:
    """One scene's picture: its segments in order, and how many frames had to be encoded for it."""

    parts: tuple["Path | StillPiece", ...]
    encoded_frames: int


def scene_fades(scenes: list[SceneConfig], report: TimingReport, fade: int) -> list[int]:
    """Frames of the crossfade into each scene (0: a cut). A still scene fades in over the end of the one before,
    when that one is long enough to give them; a moving clip is cut to and from."""
    out = [0] * len(scenes)
    for i in range(1, len(scenes)):
        before = report.scenes[i - 1]
        if scenes[i].plays_clip is None and scenes[i - 1].plays_clip is None and before.end_frame - before.start_frame > fade:
            out[i] = fade
    return out


def draw_scenes(
    look: SlideLook, encodings: tuple[Encoding, ...], scenes: tuple[SceneConfig, ...], first: int,
    animate: tuple[bool, ...],
) -> list[StoredSlide]:  # fmt: skip
    """Scenes ``first``, ``first + 1``... drawn: each slide and, where ``animate`` says, every state its reveal may
    show; then the keyframes of all of them (but a clip's) in every encoding, in one run of x264 each. Returns the
    slides. Pictures drawn now go to the encoder as they are; only stored ones are read back.

    A slide that builds up keeps its still's keyframe too: its timed plan may hold it still after all (an edit of
    the narration that no longer says its entries), and a re-render would otherwise start x264 for it.
    """
    slides: list[StoredSlide] = []
    keyframes = KeyframeBatch([enc.store() for enc in encodings])
    try:
        for k, scene in enumerate(scenes):
            slide, image = draw_slide_now(look, scene, first + k)
            slides.append(slide)
            if scene.plays_clip is not None:
                continue
            keyframes.add(slide.path, slide.sha256, image)  # each picture to x264 as it is drawn: none is held
            if animate[k]:
                for pic, draw in draw_states(look, scene, first + k, slide):
                    keyframes.add(pic.path, pic.sha256, draw)  # drawn only if a keyframe of it is missing
    except BaseException:
        keyframes.close()
        raise
    keyframes.finish()
    return slides


class DrawingProcess:
    """A Python process for :func:`draw_batches`, started before it has work: it imports the drawing code at once,
    then draws the jobs it is sent; closed without any, it ends."""

    # the child looks for modules where this process does (a notebook's added paths, a plug-in's kinds)
    CODE = ("import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
            "from videogen_nb.stages.video import draw_sent; draw_sent(sys.stdin.buffer)")  # fmt: skip

    def __init__(self) -> None:
        # a session of its own, so that stopping it stops its workers and their encoders too
        self._group = {"start_new_session": True} if os.name == "posix" else {}
        self.proc = subprocess.Popen([sys.executable, "-c", self.CODE], stdin=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     **self._group)  # fmt: skip
        self.proc.stdin.write(pickle.dumps(list(sys.path)))
        self.proc.stdin.flush()

    def __repr__(self) -> str:
        state = "running" if self.proc.poll() is None else f"ended ({self.proc.returncode})"
        return f"<DrawingProcess pid={self.proc.pid} {state}>"

    def draw(self, jobs: list[tuple], stop: threading.Event) -> None:
        """Send ``jobs`` (see :func:`draw_batches`) and wait until they are drawn or ``stop`` is set."""
        self.proc.stdin.write(pickle.dumps(jobs))
        self.proc.stdin.close()
        while self.proc.poll() is None:
            if stop.wait(0.05):
                break

    def close(self) -> None:
        """Stop the process and its workers if they still run (nothing to draw, or the run ended)."""
        if self.proc.poll() is None:
            if self._group:
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
        self.proc.wait()
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass  # the pipe to a killed process


def draw_sent(stream) -> None:
    """The drawing process's work: the jobs pickled on ``stream``, or nothing if it is closed without any."""
    try:
        jobs = pickle.load(stream)
    except EOFError:
        return  # closed unused: the run needed no drawing
    draw_batches(jobs)


def draw_batches(jobs: list[tuple]) -> None:
    """:func:`draw_scenes` for each job, a process a core (the video stage's preparation runs this in a process of
    its own, whose workers are forked from it where the system can)."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        for job in jobs:
            draw_scenes(*job)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for done in [pool.submit(draw_scenes, *job) for job in jobs]:
            done.result()


def encode_keyframes_of(encodings: tuple[Encoding, ...], pictures: tuple[StoredSlide, ...]) -> int:
    """The keyframes of ``pictures`` in each of ``encodings`` not made yet, a run of x264 for each, every picture read
    (or, kept only by what it shows, drawn) once for all of them; how many were encoded."""
    return keyframes_of([enc.store() for enc in encodings], pictures)


def keyframes_of(stores: list[SegmentStore], pictures: Iterable[StoredSlide]) -> int:
    """:func:`encode_keyframes_of` for ``stores``."""
    pictures = list(pictures)
    drawers = {p.sha256: partial(_drawn_again, p.drawing) for p in pictures if p.drawing is not None}
    return encode_keyframes_together(stores, [(p.path, p.sha256) for p in pictures], drawers)


def _drawn_again(drawing: Callable[[], Image.Image]) -> DrawnPicture:
    return drawn_picture(drawing())


def encode_scene(
    enc: Encoding, scene_id: str, start: int, end: int, cues: tuple[SubtitleCue, ...],
    slide: StoredSlide, fade_in: int, fade_out: int, build: Optional[SceneBuild] = None,
) -> ScenePicture:  # fmt: skip
    """A still scene's segments: its slide (or the states of its reveal, each from its frame; captions over them)
    from frame ``start - fade_in`` (fading in from the scene before) to ``end - fade_out`` (where the next scene's
    fade takes over). A picture that zooms slowly is encoded frame by frame after the fade in."""
    store = enc.store()
    begin, stop = start - fade_in, end - fade_out
    # the keyframes of states kept only by what they show are made before this (the stage's keyframes); one lost
    # since is drawn again here, not read from a PNG that was never written
    kept = build.pictures if build is not None else ()
    lost = [p for p in kept if p.drawing is not None and not store.has_keyframe(p.sha256)]
    if lost:
        keyframes_of([store], lost)
    if build is not None and build.motion is not None and stop > start + 1:
        # the fade into the scene ends on its first picture (the still); then every frame of the zoom
        opening = [Shot(build.first.path, build.first.sha256, fade_in + 1, fade_in)] if fade_in else []
        parts = store.shots(opening) + _moving(store, build, begin + sum(s.frames for s in opening), stop)
        return ScenePicture(tuple(parts), store.encoded_frames)
    shots = [
        Shot(pic.path, pic.sha256, n, fade_in if k == 0 else fade)
        for k, (pic, n, fade) in enumerate(_scene_shots(enc, scene_id, begin, stop, cues, slide, build))
    ]
    return ScenePicture(tuple(store.shots(shots)), store.encoded_frames)


def _moving(store: SegmentStore, build: SceneBuild, start: int, end: int) -> list[Path]:
    """Frames ``start`` to ``end`` of a scene whose picture zooms slowly: its reveal's states (or its slide), each
    from its frame, with the picture's window of the zoom drawn in; encoded frame by frame (once for its content)."""
    steps = [(max(0, frame - start), pic) for frame, pic, _ in build.pictures_at(start, end)]
    key = stable_hash(build.motion, [(n, pic.sha256) for n, pic in steps])
    # each state's PNG is written (if it was not) only when the frames are made
    return store.frames(key, end - start, lambda: moving_frames(build.motion, [(n, picture_file(pic)) for n, pic in steps],
                                                                end - start))  # fmt: skip


def _scene_shots(
    enc: Encoding, scene_id: str, start: int, end: int, cues: tuple[SubtitleCue, ...], slide: StoredSlide,
    build: Optional[SceneBuild],
) -> list[tuple[StoredSlide, int, int]]:  # fmt: skip
    """(picture, frames, frames of fade into it) from ``start`` to ``end``: the reveal's states (or the slide), each
    with the subtitle cue shown over it burnt in."""
    steps = build.pictures_at(start, end) if build is not None else [(start, slide, 0)]
    fps = enc.encoder.fps
    spans = [(max(start, round(c.start * fps)), min(end, round(c.end * fps)), c) for c in cues]
    spans = [s for s in spans if s[1] > s[0]]
    cuts = sorted({start, end, *(f for f, _, _ in steps), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    cuts = [c for c in cuts if start <= c <= end]
    shots: list[tuple[StoredSlide, int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        k = max(j for j, s in enumerate(steps) if s[0] <= a) if steps[0][0] <= a else 0
        frame, pic, fade = steps[k]
        cue = next((c for x, y, c in spans if x <= a < y), None)
        if cue is not None:
            pic = _captioned(enc, scene_id, pic, cue)
        fade = min(fade, b - a - 1) if frame == a else 0  # the fade belongs to the shot its step starts
        if shots and shots[-1][0] == pic and not fade:
            shots[-1] = (pic, shots[-1][1] + b - a, shots[-1][2])
        else:
            shots.append((pic, b - a, max(0, fade)))
    return shots


def _captioned(enc: Encoding, scene_id: str, slide: StoredSlide, cue: SubtitleCue) -> StoredSlide:
    """The slide with one subtitle cue burnt in."""
    theme = get_theme(enc.theme_name)
    key = stable_hash("caption", slide.sha256, cue.lines, enc.theme_name)[:24]

    def draw() -> Slide:
        return Slide(draw_caption(picture_image(slide), cue.lines, theme))

    return SlideStore(enc.slides).get(key, draw, name=f"{scene_id}-cue{cue.index}-")


def encode_clip_scene(enc: Encoding, i: int, scene: SceneConfig, frames: int, clips: Mapping[str, Any]) -> ScenePicture:
    """The frames of scene ``i``'s moving clip, encoded one by one (once for its content), in this process."""
    clip_id = scene.plays_clip
    clip = clips.get(clip_id)

    def make() -> Iterator:
        if clip is None:
            raise RenderError(
                f"scene {i + 1} ({scene.scene_id}) plays a moviepy clip this pipeline no longer holds "
                f"(checkpoints cannot keep clips): give it back with p.attach_clip({i}, clip), then run video again"
            )
        return clip.iter_frames(fps=enc.encoder.fps, dtype="uint8")

    # the letterbox is the theme's background, so the theme is part of what the segment shows
    store = enc.store()
    background = slide_background(enc.size, get_theme(enc.theme_name))
    parts = store.frames(f"{clip_id}-{enc.theme_name}", frames, make, background=background)
    return ScenePicture(tuple(parts), store.encoded_frames)


def build_narration(
    folder: Path, encoder: EncoderSettings, report: TimingReport, out: Path, plan: Optional[NarrationPlan] = None
) -> tuple[Path, tuple[int, ...]]:
    """The narration track at ``out`` (encoding what ``plan`` says), and the scenes whose sound had to be encoded."""
    track = NarrationTrack(folder, encoder)
    track.build(report, out, plan)
    return out, tuple(track.encoded)
