"""The stepwise Pipeline: one method per stage, status, staleness, checkpoints, resume."""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

from .checkpoint import (
    latest_checkpoint,
    load_checkpoint,
    rebase_paths,
    remove_foreign_checkpoints,
    save_checkpoint,
)
from .custom_scenes import clip_scene, figure_scene
from .documents import looks_like_path
from .errors import InputError, StageFailedError, StageOrderError, VideogenError
from .events import EventBus, Subscriber, default_progress
from .models import (
    STAGE_NAMES,
    InputConfig,
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    StageRecord,
    SubtitleCue,
    VideoConfig,
    effective_theme,
)
from .pronounce import check_pronunciations
from .render.export import ExportedSlides, export_slides
from .render.theme import get_theme
from .speech_cache import SpeechCache
from .stages import (
    AudioStage,
    InputStage,
    OutputStage,
    ParseStage,
    ScriptStage,
    Stage,
    VideoStage,
)
from .stages.script import Enhancer
from .stages.video import draw_scene
from .status import StatusView, compute_rows, dependencies
from .subtitles import build_cues
from .text import slugify
from .tts import ENGINES, SpeechEngine, get_engine

Source = Union[str, Path, InputConfig, VideoConfig, list]


def as_input_config(source: Source) -> InputConfig:
    """An InputConfig from a path (Markdown, text, YAML, JSON), a Markdown string, a VideoConfig or an InputConfig."""
    if isinstance(source, InputConfig):
        return source
    if isinstance(source, VideoConfig):
        return InputConfig(input_type="programmatic", source=source)
    if isinstance(source, list) and all(isinstance(s, (SceneConfig, dict)) for s in source):
        return InputConfig(input_type="programmatic", source=VideoConfig(scenes=source))
    if isinstance(source, Path):
        return InputConfig(input_type="document", source=source)
    if isinstance(source, str):
        return InputConfig(input_type="document", source=source)
    raise TypeError(
        f"cannot make a video from a {type(source).__name__}: pass a file path, Markdown text, "
        "a VideoConfig, a list of scenes or an InputConfig"
    )


def fallback_engine(fallback: Union[str, SpeechEngine, None], engine: SpeechEngine) -> Optional[SpeechEngine]:
    """The engine that speaks a scene ``engine`` failed on; it must make sound and differ from ``engine``."""
    if fallback is None:
        return None
    fb = get_engine(fallback)
    if not fb.audible:
        raise ValueError(f"the fallback engine {fb.name!r} makes silence; a video must not go out mute: use 'espeak'")
    if fb.name == engine.name:
        raise ValueError(f"the fallback engine is the main engine {engine.name!r}: choose another, e.g. 'espeak'")
    return fb


def _check_registered(engine: Union[str, SpeechEngine, None], argument: str) -> None:
    """A saved engine name must be one the registry can make again; a custom one must be passed."""
    if isinstance(engine, str) and engine not in ENGINES:
        raise ValueError(
            f"this pipeline was made with a custom speech engine {engine!r}: "
            f"pass it again, Pipeline.resume(workdir, {argument}=your_engine)"
        )


def default_workdir(config: InputConfig) -> Path:
    """``build/<name>`` beside the current folder, named after the document."""
    src = config.source
    if isinstance(src, VideoConfig):
        return Path("build") / slugify(config.title or src.title or "video")
    if config.input_type in ("document", "yaml", "json") and (isinstance(src, Path) or looks_like_path(str(src))):
        return Path("build") / slugify(Path(src).stem, fallback="video")
    return Path("build") / slugify(config.title or "video")


class Pipeline:
    """Turn one document into a narrated video, one stage per call.

    >>> p = Pipeline("talk.md", workdir="build/talk")   # nothing runs yet
    >>> p.input(); p.parse(); p.script()                 # doctest: +SKIP
    >>> p.scenes[2].narration = "Shorter words here."    # doctest: +SKIP
    >>> p.run()                                          # doctest: +SKIP
    """

    def __init__(
        self,
        source: Source,
        workdir: Union[str, Path, None] = None,
        *,
        tts: Union[str, SpeechEngine] = "espeak",
        resolution: Union[str, tuple[int, int]] = "1080p",
        fps: int = 30,
        lang: Optional[str] = None,
        voice: Optional[str] = None,
        theme: Optional[str] = None,
        enhancer: Optional[Enhancer] = None,
        output_dir: Union[str, Path, None] = None,
        max_workers: Optional[int] = None,
        executor: Optional[Executor] = None,
        progress: Union[str, Subscriber, None] = "auto",
        task_id: Optional[str] = None,
        tts_options: Optional[Mapping[str, Any]] = None,
        fallback: Union[str, SpeechEngine, None] = None,
        cache_dir: Union[str, Path, None] = None,
        pronunciations: Optional[Mapping[str, str]] = None,
        loudness: Optional[float] = -16.0,
        transition: float = 0.5,
        burn_subtitles: bool = False,
    ) -> None:
        """Set up a pipeline; nothing runs until a stage method is called.

        Speech: ``tts`` is ``"espeak"`` (offline), ``"gtts"`` (online) or
        ``"silent"`` (drafts), or any SpeechEngine object; ``tts_options`` are
        its keyword arguments (``{"rate": 180}``, ``{"tld": "co.uk", "slow":
        True}``). ``fallback="espeak"`` speaks a scene the engine fails on
        (no network) offline, with a warning. ``cache_dir`` is the speech
        cache shared with other pipelines (default ``$VIDEOGEN_CACHE_DIR`` or
        ``~/.cache/videogen_nb/speech``). ``pronunciations`` (``{"SQL":
        "sequel"}``) change what is said, never what is shown. Every clip is
        set to ``loudness`` LUFS (None: as the engine made it).

        Picture: ``transition`` seconds of crossfade into each next scene (0:
        cuts); ``burn_subtitles=True`` draws the subtitles onto the video.
        """
        config = as_input_config(source)
        engine = get_engine(tts, **dict(tts_options or {}))
        fb = fallback_engine(fallback, engine)
        settings = PipelineSettings(
            tts=engine.name,
            tts_options=dict(tts_options or {}),
            lang=lang,
            voice=voice,
            fallback=fb.name if fb else None,
            cache_dir=Path(cache_dir).expanduser().absolute() if cache_dir is not None else None,
            pronunciations=check_pronunciations(pronunciations, "pronunciations="),
            loudness=loudness,
            resolution=resolution,
            fps=fps,
            theme=theme,
            output_dir=Path(output_dir).absolute() if output_dir is not None else None,
            transition=transition,
            burn_subtitles=burn_subtitles,
        )
        workdir = Path(workdir) if workdir is not None else default_workdir(config)
        ctx = PipelineContext(
            task_id=task_id or f"task_{uuid.uuid4().hex[:12]}",
            workdir=workdir.absolute(),
            input_config=config,
            settings=settings,
        )
        self._setup(ctx, engine, fb, max_workers, executor, progress, enhancer)

    def _setup(self, ctx, engine, fallback, max_workers, executor, progress, enhancer=None) -> None:
        self.ctx: PipelineContext = ctx
        self.engine: SpeechEngine = engine
        self.fallback: Optional[SpeechEngine] = fallback
        self.max_workers = max_workers or min(8, (os.cpu_count() or 1) * 2)
        self._max_workers_given = max_workers
        self._executor = executor
        self.events = EventBus()
        bar = default_progress() if progress == "auto" else progress
        if bar is not None:
            self.events.subscribe(bar)
        #: shown in a failure message as the command-line way to pick up again
        self.resume_command: Optional[str] = None
        self._last_change = ""
        #: moviepy clips of clip scenes by their clip_id: live objects, never in a checkpoint
        self.clips: dict[str, Any] = {}
        self._claimed_workdir = False
        factory = self._executor_cm
        self._stages: list[Stage] = [
            InputStage(),
            ParseStage(),
            ScriptStage(enhancer, factory),
            AudioStage(engine, factory, fallback),
            VideoStage(factory, self.clips),
            OutputStage(),
        ]

    @contextmanager
    def _executor_cm(self, preferred: Optional[int] = None) -> Iterator[Executor]:
        """The caller's executor, else a thread pool: ``max_workers`` if given, else what the work prefers.

        A network speech engine prefers more threads than cores (its calls wait).
        """
        if self._executor is not None:
            yield self._executor  # the caller's executor (a Dask client's, a shared pool): not ours to shut down
        else:
            workers = self._max_workers_given or preferred or self.max_workers
            with ThreadPoolExecutor(workers, thread_name_prefix="videogen") as pool:
                yield pool

    # --- resume ---------------------------------------------------------------------

    @classmethod
    def resume(
        cls,
        workdir: Union[str, Path],
        *,
        tts: Union[str, SpeechEngine, None] = None,
        lang: Optional[str] = None,
        voice: Optional[str] = None,
        max_workers: Optional[int] = None,
        executor: Optional[Executor] = None,
        progress: Union[str, Subscriber, None] = "auto",
        fallback: Union[str, SpeechEngine, None] = None,
        cache_dir: Union[str, Path, None] = None,
        enhancer: Optional[Enhancer] = None,
    ) -> "Pipeline":
        """Load the newest checkpoint in ``workdir``; ``.run()`` then continues where it stopped.

        Audio files named in the checkpoint are checked against their hashes;
        a missing or changed one makes the audio stage stale, and only those
        scenes are synthesised again. ``tts``, ``lang``, ``voice``,
        ``fallback`` and ``cache_dir`` replace the saved choices (the audio
        goes stale if that changes the sound).
        """
        workdir = Path(workdir).absolute()
        checkpoint = latest_checkpoint(workdir)
        ctx = load_checkpoint(checkpoint)
        rebase_paths(ctx, workdir)
        if lang is not None:
            ctx.settings.lang = lang
        if voice is not None:
            ctx.settings.voice = voice
        if cache_dir is not None:
            ctx.settings.cache_dir = Path(cache_dir).expanduser().absolute()
        st = ctx.settings
        if tts is None or tts == st.tts:
            _check_registered(st.tts, "tts")
            engine = get_engine(st.tts, **st.tts_options)  # the saved engine, made with its saved options
        else:
            engine = get_engine(tts)
            st.tts_options = {}
        _check_registered(fallback if fallback is not None else st.fallback, "fallback")
        fb = fallback_engine(fallback if fallback is not None else st.fallback, engine)
        st.tts, st.fallback = engine.name, fb.name if fb else None
        p = cls.__new__(cls)
        p._setup(ctx, engine, fb, max_workers, executor, progress, enhancer)
        for stage in p._stages:
            for problem in stage.repair(ctx):
                ctx.warnings.append(f"on resume: {problem}")
                p.events.warning(stage.name, f"on resume: {problem}")
        p._last_change = f"resumed from {checkpoint.name}"
        return p

    # --- the live objects ----------------------------------------------------------------

    @property
    def scenes(self) -> list[SceneConfig]:
        """The live scene list: edit a scene here and the stages that depend on it go stale."""
        if self.ctx.video_config is None or "parse" not in self.ctx.stage_records:
            raise StageOrderError("scenes", "parse" if self.ctx.document else "input", "has not run")
        return self.ctx.video_config.scenes

    @property
    def workdir(self) -> Path:
        return self.ctx.workdir

    @property
    def video_path(self) -> Optional[Path]:
        """The finished video in the output folder (or the work folder before output runs)."""
        if self.ctx.output_dir is not None and self.ctx.video_config is not None:
            return self.ctx.output_dir / f"{self.ctx.video_config.video_id}.mp4"
        return self.ctx.final_video_path

    @property
    def speech_cache(self) -> SpeechCache:
        """The speech cache this pipeline reads and fills (shared with every pipeline using its folder)."""
        return SpeechCache(self.ctx.settings.cache_dir)

    @property
    def subtitle_paths(self) -> dict[str, Path]:
        """``{"srt": ..., "vtt": ...}`` in the output folder, once the output stage has run."""
        return dict(self.ctx.subtitle_paths)

    def subtitle_cues(self) -> list[SubtitleCue]:
        """The subtitle cues of the current audio (times on the video's timeline), before output writes them."""
        if self.ctx.timing_report is None:
            raise StageOrderError("subtitle_cues", "audio", "has not run")
        return build_cues(self.ctx.timing_report)

    @property
    def stages(self) -> list[Stage]:
        return list(self._stages)

    def stage(self, name: str) -> Stage:
        for st in self._stages:
            if st.name == name:
                return st
        raise ValueError(f"no stage {name!r}: the stages are {', '.join(STAGE_NAMES)}")

    # --- status ----------------------------------------------------------------------------

    def status(self) -> StatusView:
        """Each stage's state: done, stale, pending or failed (a dict that prints as a table)."""
        return StatusView(compute_rows(self._stages, self.ctx), title=self._title(), changed=self._last_change)

    def _title(self) -> str:
        st = self.ctx.settings
        vc = self.ctx.video_config
        name = f"{vc.title!r}" if vc is not None and vc.title else repr(str(self.ctx.input_config.source)[:40])
        w, h = st.resolution
        return f"Pipeline {name} in {self.ctx.workdir} ({w}x{h}, {st.fps} fps, {st.tts})"

    def __repr__(self) -> str:
        return repr(self.status())

    def _repr_html_(self) -> str:
        return self.status()._repr_html_()

    # --- running stages ------------------------------------------------------------------------

    def _first_blocker(self, stage: Stage, status: StatusView) -> Optional[tuple[str, str]]:
        """The earliest stage, among what ``stage`` needs, that is not done (and its state)."""
        needed: set[str] = set()
        todo = [stage]
        while todo:
            for dep in dependencies(todo.pop(), self._stages):
                if dep.name not in needed:
                    needed.add(dep.name)
                    todo.append(dep)
        for st in self._stages:
            if st.name in needed and status[st.name] != "done":
                return st.name, status[st.name]
        return None

    def _check_ready(self, stage: Stage) -> None:
        blocker = self._first_blocker(stage, self.status())
        if blocker:
            name, state = blocker
            reason = {
                "pending": "has not run",
                "stale": "is stale (what it read has changed since it ran)",
                "failed": "failed",
            }[state]
            raise StageOrderError(stage.name, name, reason)

    def run_stage(self, name: str, **options) -> StatusView:
        """Run one stage by name (its prerequisites must be done); checkpoint after it."""
        stage = self.stage(name)
        self._check_ready(stage)
        ctx = self.ctx
        ctx.seq += 1
        seq = ctx.seq
        self.events.started(name, total=len(ctx.video_config.scenes) if ctx.video_config and name in ("audio", "video") else 1)
        t0 = time.perf_counter()
        try:
            summary = stage.run(ctx, self.events, **options)
        except InputError:
            ctx.seq -= 1
            self.events.failed(name, "bad input")
            raise  # bad input: nothing was made, nothing to resume; the error says what to fix
        except (Exception, KeyboardInterrupt) as exc:
            seconds = time.perf_counter() - t0
            reason = str(exc) if isinstance(exc, VideogenError) else f"{type(exc).__name__}: {exc}"
            ctx.stage_records[name] = StageRecord(stage=name, state="failed", seq=seq, seconds=seconds, error=reason)
            self.events.failed(name, reason)
            if any(r.state == "done" for r in ctx.stage_records.values()):
                self._save(name)  # so a resumed pipeline knows where it stopped
            self._last_change = f"{name} failed"
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise StageFailedError(name, reason, ctx.workdir, self.resume_command) from exc
        seconds = time.perf_counter() - t0
        ctx.stage_records[name] = StageRecord(
            stage=name, state="done", seq=seq, seconds=seconds, summary=summary, fingerprint=stage.fingerprint(ctx)
        )
        self._save(name)
        self.events.finished(name, summary)
        self._last_change = f"ran {name} in {seconds:.2f} s: {summary}"
        return self.status()

    def input(self) -> StatusView:
        """Read the document (stage 1)."""
        return self.run_stage("input")

    def parse(self) -> StatusView:
        """Split the document into scenes (stage 2)."""
        return self.run_stage("parse")

    def script(self) -> StatusView:
        """Write narration for scenes that have none (stage 3)."""
        return self.run_stage("script")

    def audio(self, force: Sequence[int] = ()) -> StatusView:
        """Speak every scene; unchanged narration is reused, scenes in ``force`` are spoken again (stage 4)."""
        return self.run_stage("audio", force=tuple(force)) if force else self.run_stage("audio")

    def video(self) -> StatusView:
        """Draw and encode the video (stage 5)."""
        return self.run_stage("video")

    def output(self) -> StatusView:
        """Write the video, thumbnail and metadata to the output folder (stage 6)."""
        return self.run_stage("output")

    def run(self, until: Optional[str] = None) -> StatusView:
        """Run every stage that is not done, in order, up to and including ``until``.

        A failing non-critical stage (output) is reported as a warning when
        nothing after it needs it; any other failure raises StageFailedError.
        """
        names = list(STAGE_NAMES)
        if until is not None:
            self.stage(until)
            names = names[: names.index(until) + 1]
        deferred: Optional[StageFailedError] = None
        ran: list[str] = []
        t0 = time.perf_counter()
        for name in names:
            status = self.status()
            if status[name] == "done":
                continue
            blocker = self._first_blocker(self.stage(name), status)
            if blocker and deferred is not None:
                raise deferred
            try:
                self.run_stage(name)
                ran.append(name)
            except StageFailedError as exc:
                if self.stage(name).critical:
                    raise
                deferred = exc
                self.events.warning(name, str(exc))
        if len(ran) > 1:
            self._last_change = f"ran {', '.join(ran)} in {time.perf_counter() - t0:.2f} s"
        elif not ran and deferred is None:
            self._last_change = "nothing to do: every stage asked for is done"
        return self.status()

    def save(self) -> Path:
        """Checkpoint the context now (edits made since the last stage included); return the file."""
        records = list(self.ctx.stage_records.values())
        if not records:
            raise StageOrderError("save", "input", "has not run, so there is nothing to save")
        last = max(records, key=lambda r: r.seq)
        self.ctx.seq += 1
        return self._save(last.stage)

    def _save(self, stage: str) -> Path:
        if not self._claimed_workdir:
            # a new run in a used folder: older runs' checkpoints must not win a later resume
            for old in remove_foreign_checkpoints(self.ctx.workdir, self.ctx.task_id):
                self.events.warning(stage, f"replaced {old.name} of an earlier run in {self.ctx.workdir}")
            self._claimed_workdir = True
        return save_checkpoint(self.ctx, stage)

    # --- scenes made in the notebook ------------------------------------------------------------

    def _insert(self, scene: SceneConfig, at: Optional[int]) -> SceneConfig:
        scenes = self.scenes
        if at is None:  # before the closing summary, if there is one
            at = len(scenes) - 1 if scenes and scenes[-1].kind == "outro" else len(scenes)
        taken = {s.scene_id for s in scenes}
        base, k = scene.scene_id, 2
        while scene.scene_id in taken:
            scene.scene_id, k = f"{base}-{k}", k + 1
        scenes.insert(at, scene)
        return scene

    def add_figure(
        self, figure: Any, *, title: str = "", narration: Optional[str] = None, alt: str = "", at: Optional[int] = None
    ) -> SceneConfig:
        """Insert a scene showing a matplotlib Figure (drawn once, as a still) at ``at`` (default: before the outro)."""
        scene = figure_scene(
            figure, self.ctx.workdir / "media", self.ctx.settings.resolution, title=title, narration=narration, alt=alt
        )
        return self._insert(scene, at)

    def add_clip(
        self, clip: Any, *, title: str = "", narration: Optional[str] = None, at: Optional[int] = None,
        length: str = "clip",
    ) -> SceneConfig:  # fmt: skip
        """Insert a scene playing a moviepy clip full frame (its frames encoded one by one).

        ``length="clip"``: the scene lasts at least the clip; ``"narration"``:
        the narration decides and the clip is cut or holds its last frame.
        The clip's own sound is not used; the narration is the sound.
        """
        scene = clip_scene(clip, self.ctx.workdir / "media", title=title, narration=narration, length=length)
        self.clips[scene.clip_id] = clip
        return self._insert(scene, at)

    def attach_clip(self, index: int, clip: Any) -> SceneConfig:
        """Give a resumed pipeline the clip of clip scene ``index`` again (checkpoints cannot keep clips)."""
        scene = self.scenes[index]
        if scene.kind != "clip":
            raise ValueError(f"scene {index} is a {scene.kind} scene, not a clip scene")
        fresh = clip_scene(clip, self.ctx.workdir / "media", title=scene.title, narration=scene.narration, length=scene.length)
        if fresh.clip_id != scene.clip_id:
            # another clip: the scene now shows it (and the video goes stale)
            scene.clip_id, scene.clip_duration, scene.poster = fresh.clip_id, fresh.clip_duration, fresh.poster
        self.clips[scene.clip_id] = clip
        return scene

    # --- notebook views -----------------------------------------------------------------------

    def preview(self):
        """Slides, narration editors, audio players, timing chart and video in one widget."""
        from .notebook import build_preview

        return build_preview(self)

    def timing_chart(self):
        """A matplotlib Figure: one bar per scene on the timeline, speech inside, pace flagged."""
        from .notebook import timing_chart

        if self.ctx.timing_report is None:
            raise StageOrderError("timing_chart", "audio", "has not run")
        return timing_chart(self.ctx.timing_report, self.scenes)

    # --- conveniences --------------------------------------------------------------------------

    def edit(self, index: int, narration: str) -> SceneConfig:
        """Set the narration of scene ``index`` (0-based); audio, video and output go stale."""
        scene = self.scenes[index]
        scene.narration = narration
        return scene

    def _theme(self):
        return get_theme(effective_theme(self.ctx.settings, self.ctx.video_config))

    def slide(self, index: int, size: Sequence[int] | None = None):
        """Draw scene ``index`` as it will appear (a Slide that shows itself in a notebook)."""
        scenes = self.scenes
        st = self.ctx.settings
        size = tuple(size) if size else st.resolution
        return draw_scene(scenes[index], size, self._theme(), index, len(scenes), self.ctx.video_config.title)

    def save_slides(self, folder: Union[str, Path], size: Sequence[int] | None = None) -> ExportedSlides:
        """Write every slide as ``NN-<scene_id>.png`` and a ``contact_sheet.png`` into ``folder``; no audio needed."""
        slides = [self.slide(i, size) for i in range(len(self.scenes))]
        return export_slides(self.scenes, slides, Path(folder))
