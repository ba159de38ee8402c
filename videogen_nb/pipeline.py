"""The stepwise Pipeline: one method per stage, status, staleness, checkpoints, resume.

The pipeline holds the live objects (speech engines, the enhancer, the
executor, moviepy clips) and lends them to its stages; everything else is
in the context and the settings, which checkpoints keep. Stages are data:
``Pipeline(stages=[...])`` and ``p.insert_stage(...)`` change them, and the
order they run in comes from what each requires and provides.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import uuid
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence, Union

from pydantic import TypeAdapter, ValidationError

from .atomic import inside, remove_stray_temporaries
from .check import CheckReport, check_context
from .checkpoint import (
    check_keepable,
    newest_valid_checkpoint,
    rebase_paths,
    remove_foreign_checkpoints,
    save_checkpoint,
    set_aside,
)
from .custom_scenes import clip_scene, figure_scene
from .documents import looks_like_path
from .edits import Edit, EditHistory, field_text, parse_field_text, text_fields
from .errors import (
    InputError,
    StageFailedError,
    StageGraphError,
    StageInterrupted,
    StageOrderError,
    StorageError,
    VideogenError,
    storage_error,
)
from .events import EventBus, Subscriber, TqdmProgress
from .fingerprint import stable_hash
from .kinds import ClipScene, OutroScene
from .models import (
    InputConfig,
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    StageRecord,
    SubtitleCue,
    VideoConfig,
    derived_id,
    effective_theme,
)
from .render.export import ExportedSlides, export_slides
from .render.theme import get_theme
from .narration import template_narration
from .speech_cache import SpeechCache
from .stages import Enhancer, Services, Stage, default_stages, dependencies, order_stages
from .stages.audio import scene_voice
from .stages.graph import suggest
from .stages.video import draw_scene
from .status import StatusView, compute_rows
from .subtitles import build_cues
from .text import slugify
from .tts import SpeechEngine, get_engine, is_registered
from .worklock import WorkdirLock
from .tts.piper import INSTALL_HINT as PIPER_INSTALL_HINT

Source = Union[str, Path, InputConfig, VideoConfig, list]
Progress = Union[str, Subscriber, None]

#: the stages that have a method of their own (``p.audio()``); any other is run with ``p.run_stage(name)``
STAGE_METHODS = ("input", "parse", "script", "audio", "video", "output")
#: per-scene marks: which stage's run a change of the scene's narration, or of its slide, makes out of date
SCENE_MARKS = {"narration": "audio", "slide": "video"}


def as_input_config(source: Source) -> InputConfig:
    """An InputConfig from a path (Markdown, text, YAML, JSON), a Markdown string, a VideoConfig or an InputConfig."""
    if isinstance(source, InputConfig):
        return source
    if isinstance(source, VideoConfig):
        return InputConfig(input_type="programmatic", source=source)
    if isinstance(source, list) and all(isinstance(s, (SceneConfig, dict)) for s in source):
        return InputConfig(input_type="programmatic", source=VideoConfig(scenes=source))
    if isinstance(source, (Path, str)):
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


def _check_registered(engine: Optional[str], argument: str) -> None:
    """A saved engine name must be one the registry can make again; a custom object must be passed again."""
    if engine is not None and not is_registered(engine):
        raise ValueError(
            f"this pipeline was made with a custom speech engine {engine!r}: "
            f"pass it again, Pipeline.resume(workdir, {argument}=your_engine), or register it by name"
        )


def _engine_choice_notes(ctx: PipelineContext, engine: SpeechEngine) -> list[str]:
    """Say so when a chooser (``tts="auto"``) would pick another engine than the one that spoke the saved audio.

    The audio's fingerprint holds the chosen engine, so the audio goes stale
    and every scene is spoken again by the new choice, never a mix of voices.
    """
    report = ctx.timing_report
    if report is None or not report.requested or report.requested != engine.name:
        return []
    lang, voice = scene_voice(ctx)
    now = engine.resolve(lang, voice).name
    if now == report.engine:
        return []
    why = f" ({PIPER_INSTALL_HINT} for the natural voice)" if report.engine == "piper" else ""
    return [
        f"tts={engine.name!r} chose {report.engine} for this video and chooses {now} now{why}: the audio is stale and "
        f"every scene will be spoken again by {now}; pass tts={report.engine!r} to insist on {report.engine}"
    ]


def describe_live(obj: Any) -> str:
    """A name for an object a checkpoint cannot keep: ``module.function``, or the object's class."""
    name = getattr(obj, "__qualname__", None)
    if name:
        return f"{getattr(obj, '__module__', '?')}.{name}"
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def default_workdir(config: InputConfig) -> Path:
    """``build/<name>`` beside the current folder, named after the document."""
    src = config.source
    if isinstance(src, VideoConfig):
        return Path("build") / slugify(config.title or src.title or "video")
    if config.input_type in ("document", "yaml", "json") and (isinstance(src, Path) or looks_like_path(str(src))):
        return Path("build") / slugify(Path(src).stem, fallback="video")
    return Path("build") / slugify(config.title or "video")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where a widget bar beats a text bar)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and ip.__class__.__name__ == "ZMQInteractiveShell"


def auto_progress() -> Optional[Subscriber]:
    """A widget bar in a notebook, tqdm on a terminal, nothing when piped."""
    if in_notebook():
        from .notebook.progress import WidgetProgress

        return WidgetProgress()
    if sys.stderr is not None and sys.stderr.isatty():
        return TqdmProgress()
    return None


def _event_bus(progress: Progress) -> EventBus:
    events = EventBus()
    bar = auto_progress() if progress == "auto" else progress
    if bar is not None:
        events.subscribe(bar)
    return events


def _waiting_note(events: EventBus):
    """Say that the pipeline waits for another process: on its progress display, else on stderr."""

    def note(message: str) -> None:
        if events.subscribers:
            events.warning("workdir", message)
        else:
            print(f"videogen: {message}", file=sys.stderr, flush=True)

    return note


class _Preparations:
    """Stages' preparations running in threads beside the stages before them (see :meth:`Stage.prepare`)."""

    def __init__(self) -> None:
        self._running: dict[str, tuple[threading.Thread, threading.Event]] = {}
        self._warm: dict[str, Any] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._running

    def warm_up(self, stage: Stage, ctx: PipelineContext) -> None:
        """Start what ``stage``'s preparation will need (see :meth:`Stage.warm_up`), once."""
        if stage.name not in self._warm:
            try:
                self._warm[stage.name] = stage.warm_up(ctx)
            except Exception:  # noqa: BLE001 - only a head start: the preparation starts what it needs itself
                logging.getLogger(__name__).debug("warming up %s failed", stage.name, exc_info=True)

    def start(self, stage: Stage, ctx: PipelineContext, services: Services) -> None:
        stop = threading.Event()
        services = replace(services, warm=self._warm.get(stage.name))

        def work() -> None:
            try:
                stage.prepare(ctx, services, stop)
            except Exception:  # noqa: BLE001 - only a head start: the stage's run does the work again and reports
                logging.getLogger(__name__).debug("preparing %s failed", stage.name, exc_info=True)

        thread = threading.Thread(target=work, name=f"prepare-{stage.name}", daemon=True)
        self._running[stage.name] = (thread, stop)
        thread.start()

    def waiter(self, name: str) -> Callable[[], None]:
        """What stage ``name``'s run calls to wait for its preparation (see ``Services.prepared``)."""
        running = self._running.get(name)
        return running[0].join if running is not None else (lambda: None)

    def stop(self) -> None:
        """Stop every preparation and wait for it (the run ended, or failed: nothing may write on behind it)."""
        for thread, stop in self._running.values():
            stop.set()
        for thread, _ in self._running.values():
            thread.join()
        for warm in self._warm.values():
            if warm is not None:
                warm.close()


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
        settings: Optional[PipelineSettings] = None,
        stages: Optional[Sequence[Stage]] = None,
        tts: Union[str, SpeechEngine, None] = None,
        fallback: Union[str, SpeechEngine, None] = None,
        enhancer: Optional[Enhancer] = None,
        executor: Optional[Executor] = None,
        progress: Progress = "auto",
        task_id: Optional[str] = None,
        wait: bool = True,
        **options: Any,
    ) -> None:
        """Set up a pipeline; nothing runs until a stage method is called.

        ``options`` are the fields of :class:`PipelineSettings` (``resolution="720p"``,
        ``lang="de"``, ``transition=0``, ``tts_options={"rate": 180}`` ...),
        applied over ``settings`` if given. Speech: ``tts`` is an engine's
        name (``"espeak"`` offline, ``"gtts"`` online, ``"silent"`` for drafts,
        or a plug-in's) or a SpeechEngine object; ``fallback="espeak"`` speaks
        a scene the engine fails on. ``enhancer(scene, draft) -> text``
        rewrites template narration; ``executor`` (a Dask client's, a shared
        pool) runs per-scene work. ``stages`` replaces the six stages of the
        seed (see :func:`videogen_nb.stages.default_stages`). One process at a time
        works in a work folder: a stage waits while another process runs there,
        or with ``wait=False`` raises WorkdirBusyError at once.
        """
        config = as_input_config(source)
        settings = settings or PipelineSettings()
        if tts is not None:
            options["tts"] = tts.name if isinstance(tts, SpeechEngine) else tts
        if fallback is not None:
            options["fallback"] = fallback.name if isinstance(fallback, SpeechEngine) else fallback
        settings = settings.updated(**options)
        engine = get_engine(tts if isinstance(tts, SpeechEngine) else settings.tts, **settings.tts_options)
        fb = fallback_engine(fallback if isinstance(fallback, SpeechEngine) else settings.fallback, engine)
        settings = settings.updated(
            enhancer=describe_live(enhancer) if enhancer is not None else None,
            executor=describe_live(executor) if executor is not None else None,
        )
        workdir = Path(workdir) if workdir is not None else default_workdir(config)
        ctx = PipelineContext(
            task_id=task_id or f"task_{uuid.uuid4().hex[:12]}",
            workdir=workdir.absolute(),
            input_config=config,
            settings=settings,
        )
        events = _event_bus(progress)
        lock = WorkdirLock(ctx.workdir, wait, _waiting_note(events))
        self._setup(ctx, stages if stages is not None else default_stages(), engine, fb, enhancer, executor, events, lock)

    def _setup(self, ctx, stages, engine, fallback, enhancer, executor, events: EventBus, lock: WorkdirLock) -> None:
        self.ctx: PipelineContext = ctx
        self.engine: SpeechEngine = engine
        self.fallback: Optional[SpeechEngine] = fallback
        self.enhancer: Optional[Enhancer] = enhancer
        self._executor = executor
        self.events = events
        #: the work folder's lock, held while stages run (``p.lock.wait = False``: fail at once when it is taken)
        self.lock = lock
        self._lock_depth = 0
        #: shown in a failure message as the command-line way to pick up again
        self.resume_command: Optional[str] = None
        self._last_change = ""
        #: moviepy clips of clip scenes by their clip_id: live objects, never in a checkpoint
        self.clips: dict[str, Any] = {}
        self._claimed_workdir = False
        #: edits made through p.edit / p.revert, newest last; p.undo() takes back the newest
        self.edits = EditHistory()
        #: per mark ("narration", "slide"): each scene's hash when the stage that uses it was last seen done
        self._seen: dict[str, dict[str, str]] = {}
        self._preview = None
        self._declared: list[Stage] = list(stages)
        self._stages: list[Stage] = order_stages(self._declared)
        check_keepable(self._declared)

    @property
    def settings(self) -> PipelineSettings:
        """How the video is made (kept in checkpoints); assigning a field validates it."""
        return self.ctx.settings

    @property
    def max_workers(self) -> int:
        """Workers of the pipeline's own thread pool: the setting, else twice the cores (at most 8)."""
        return self.ctx.settings.max_workers or min(8, (os.cpu_count() or 1) * 2)

    @contextmanager
    def _executor_cm(self, preferred: Optional[int] = None) -> Iterator[Executor]:
        """The caller's executor, else a thread pool: ``max_workers`` if set, else what the work prefers.

        A network speech engine prefers more threads than cores (its calls wait).
        """
        if self._executor is not None:
            yield self._executor  # the caller's executor (a Dask client's, a shared pool): not ours to shut down
        else:
            workers = self.ctx.settings.max_workers or preferred or self.max_workers
            with ThreadPoolExecutor(workers, thread_name_prefix="videogen") as pool:
                yield pool

    def _services(self) -> Services:
        return Services(
            events=self.events, executor=self._executor_cm, engine=self.engine, fallback=self.fallback,
            enhancer=self.enhancer, clips=self.clips, stage_names=tuple(s.name for s in self._stages),
        )  # fmt: skip

    # --- resume ---------------------------------------------------------------------

    @classmethod
    def resume(
        cls,
        workdir: Union[str, Path],
        *,
        tts: Union[str, SpeechEngine, None] = None,
        fallback: Union[str, SpeechEngine, None] = None,
        enhancer: Optional[Enhancer] = None,
        executor: Optional[Executor] = None,
        progress: Progress = "auto",
        wait: bool = True,
        **options: Any,
    ) -> "Pipeline":
        """Load the newest checkpoint in ``workdir``; ``.run()`` then continues where it stopped.

        The settings, the stages (custom ones included) and the scenes come
        back from the checkpoint; ``options`` (settings fields) and ``tts`` /
        ``fallback`` replace saved choices (stages go stale where that changes
        what they make). Objects a checkpoint cannot keep are named in it: a
        custom engine object must be passed again, an enhancer when the script
        stage must run again. Audio files are checked against their hashes; a
        missing or changed one makes the audio stage stale, and only those
        scenes are synthesised again. A damaged newest checkpoint is set aside
        (``.damaged``) with a warning and the one before it is used; files a
        killed process left half-written are removed.
        """
        workdir = Path(workdir).absolute()
        events = _event_bus(progress)
        lock = WorkdirLock(workdir, wait, _waiting_note(events))
        try:
            with lock:
                return cls._resume(workdir, events, lock, tts, fallback, enhancer, executor, options)
        except OSError as exc:
            mapped = storage_error(exc, f"resuming from {workdir}")
            if mapped is None:
                raise
            raise mapped from exc

    @classmethod
    def _resume(cls, workdir: Path, events: EventBus, lock: WorkdirLock, tts, fallback, enhancer, executor, options) -> "Pipeline":
        checkpoint, saved, skipped = newest_valid_checkpoint(workdir)
        notes = []
        for path, reason in skipped:
            aside = set_aside(path)
            notes.append(f"the checkpoint {path.name} cannot be used ({reason}); it was renamed {aside.name} and "
                         f"the pipeline resumes from {checkpoint.name}, so later stages run again")  # fmt: skip
        ctx = saved.context
        rebase_paths(ctx, workdir)
        st = ctx.settings
        engine_obj = tts if isinstance(tts, SpeechEngine) else None
        tts_name = tts.name if engine_obj is not None else tts
        if tts_name is not None and tts_name != st.tts:
            options["tts"] = tts_name
            options.setdefault("tts_options", {})  # the old engine's options mean nothing to another engine
        fb_obj = fallback if isinstance(fallback, SpeechEngine) else None
        if fallback is not None:
            options["fallback"] = fallback.name if fb_obj is not None else fallback
        st = st.updated(**options)
        if engine_obj is None:
            _check_registered(st.tts, "tts")
        engine = get_engine(engine_obj or st.tts, **({} if engine_obj else st.tts_options))
        if fb_obj is None:
            _check_registered(st.fallback, "fallback")
        fb = fallback_engine(fb_obj or st.fallback, engine)
        if enhancer is not None:
            st = st.updated(enhancer=describe_live(enhancer))
        elif st.enhancer:
            notes.append(
                f"the narration was written with the enhancer {st.enhancer}, which a checkpoint cannot keep: "
                "pass enhancer= again if the script stage must run again"
            )
        notes += _engine_choice_notes(ctx, engine)
        if executor is not None:
            st = st.updated(executor=describe_live(executor))
        elif st.executor:
            notes.append(f"it ran on the executor {st.executor} before; now on a local thread pool (pass executor= again)")
            st = st.updated(executor=None)
        ctx.settings = st
        p = cls.__new__(cls)
        p._setup(ctx, saved.stages or default_stages(), engine, fb, enhancer, executor, events, lock)
        p._clean_strays()
        for stage in p._stages:
            notes += stage.repair(ctx)
        for note in notes:
            ctx.warnings.append(f"on resume: {note}")
            p.events.warning("resume", f"on resume: {note}")
        p._last_change = f"resumed from {checkpoint.name}"
        return p

    # --- the live objects ----------------------------------------------------------------

    @property
    def scenes(self) -> list[SceneConfig]:
        """The live scene list: edit a scene here and the stages that depend on it go stale."""
        if self.ctx.video_config is None or "parse" not in self.ctx.stage_records:
            first = "parse" if self.ctx.document else "input"
            raise StageOrderError("scenes", first, "has not run", action="read p.scenes", calls=["p.run(until='parse')"])
        return self.ctx.video_config.scenes

    @property
    def workdir(self) -> Path:
        return self.ctx.workdir

    @property
    def video_path(self) -> Optional[Path]:
        """The finished video in the output folder (or the work folder before output runs)."""
        if self.ctx.output_dir is not None and self.ctx.video_config is not None:
            return inside(self.ctx.output_dir, f"{self.ctx.video_config.video_id}.mp4")
        return self.ctx.final_video_path

    @property
    def proxy_path(self) -> Optional[Path]:
        """The light copy of the video for quick looks (None before video runs, or when the video is small already)."""
        return self.ctx.proxy_path

    @property
    def artifacts(self) -> dict[str, Any]:
        """What stages added by the user made, by name (kept in checkpoints)."""
        return self.ctx.artifacts

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
            raise self._needs("audio", "call p.subtitle_cues()")
        return build_cues(self.ctx.timing_report)

    # --- stages -------------------------------------------------------------------------

    @property
    def stages(self) -> list[Stage]:
        """The stages in the order they run."""
        return list(self._stages)

    def stage(self, name: str) -> Stage:
        for st in self._stages:
            if st.name == name:
                return st
        names = [s.name for s in self._stages]
        raise StageGraphError(f"no stage {name!r}{suggest(name, names)}: the stages are {', '.join(names)}")

    def insert_stage(self, stage: Stage, *, after: Optional[str] = None, before: Optional[str] = None) -> StatusView:
        """Add ``stage`` right after (or before) the stage named; what it requires and provides must allow it there.

        Stages after it that need what it provides go stale; it is checkpointed with the others.
        """
        if (after is None) == (before is None):
            raise ValueError("say where the stage goes: insert_stage(stage, after='script') or before='audio'")
        anchor = self.stage(after or before)
        at = self._declared.index(anchor) + (1 if after else 0)
        declared = self._declared[:at] + [stage] + self._declared[at:]
        ordered = order_stages(declared)
        check_keepable([stage])
        names = [s.name for s in ordered]
        i, j = names.index(stage.name), names.index(anchor.name)
        if (after and i < j) or (before and i > j):
            raise StageGraphError(
                f"stage {stage.name!r} cannot run {'after' if after else 'before'} {anchor.name!r}: what they require "
                f"and provide puts it {'before' if after else 'after'} ({', '.join(names)})"
            )
        self._declared, self._stages = declared, ordered
        self._last_change = f"inserted stage {stage.name} {'after ' + after if after else 'before ' + before}"
        return self.status()

    # --- status ----------------------------------------------------------------------------

    def status(self) -> StatusView:
        """Each stage's state: done, stale, pending or failed (a dict that prints as a table)."""
        rows = compute_rows(self._stages, self.ctx, self._services())
        view = StatusView(rows, title=self._title(), changed=self._last_change)
        self._note_done(view)
        return view

    def _scene_hashes(self, mark: str) -> dict[str, str]:
        scenes = self.ctx.video_config.scenes if self.ctx.video_config is not None else []
        if mark == "narration":
            return {s.scene_id: stable_hash(s.narration) for s in scenes}
        return {s.scene_id: stable_hash(s.visual_dict()) for s in scenes}

    def _note_done(self, status: StatusView) -> None:
        """A stage that is done used the scenes as they are now: remember them, to tell later which changed."""
        for mark, stage in SCENE_MARKS.items():
            if status.get(stage) == "done":
                self._seen[mark] = self._scene_hashes(mark)

    def changed_scenes(self) -> dict[str, list[int]]:
        """Scenes changed since the stage that uses them ran: ``{"narration": [...], "slide": [...]}`` (0-based).

        ``narration``: spoken differently from the audio there is; ``slide``:
        drawn differently from the video there is. A scene the stage never saw
        counts as changed; before the stage ever ran the list is empty.
        """
        status = self.status()
        out: dict[str, list[int]] = {}
        for mark, stage in SCENE_MARKS.items():
            seen = self._seen.get(mark)
            if seen is None or stage not in status or status[stage] == "pending":
                out[mark] = []
                continue
            now = self._scene_hashes(mark)
            out[mark] = [i for i, (sid, h) in enumerate(now.items()) if seen.get(sid) != h]
        return out

    def _title(self) -> str:
        st = self.ctx.settings
        vc = self.ctx.video_config
        name = f"{vc.title!r}" if vc is not None and vc.title else repr(str(self.ctx.input_config.source)[:40])
        w, h = st.resolution
        report = self.ctx.timing_report
        # after audio: the engine that spoke (what auto chose, and scenes a fallback spoke); before: what was asked
        speech = report.describe_engine() if report is not None else st.tts
        return f"Pipeline {name} in {self.ctx.workdir} ({w}x{h}, {st.fps} fps, {speech})"

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
            raise StageOrderError(stage.name, name, reason, calls=[self._stage_call(name), f"p.run(until='{stage.name}')"])

    def _stage_call(self, name: str) -> str:
        """The call that runs stage ``name``: its own method if it has one, else ``p.run_stage(name)``."""
        return f"p.{name}()" if name in STAGE_METHODS else f"p.run_stage({name!r})"

    def _needs(self, stage: str, action: str, reason: str = "has not run") -> StageOrderError:
        """The error for ``action`` (not a stage) asked before ``stage`` ran: it says to run up to that stage."""
        return StageOrderError(stage, stage, reason, action=action, calls=[f"p.run(until={stage!r})"])

    def _check_made(self, stage: Stage) -> None:
        """A stage must leave in ``ctx.artifacts`` what it provides there, of the types it declares."""
        made = self.ctx.artifacts
        for name in stage.artifacts():
            if name not in made:
                raise VideogenError(f"stage {stage.name!r} provides {name!r} but did not put it in ctx.artifacts[{name!r}]")
        for name, kind in stage.artifact_types.items():
            try:
                made[name] = TypeAdapter(kind).validate_python(made.get(name))
            except ValidationError as exc:
                raise VideogenError(
                    f"stage {stage.name!r} put a {type(made.get(name)).__name__} in ctx.artifacts[{name!r}], "
                    f"declared as {getattr(kind, '__name__', kind)}: {exc.errors()[0]['msg']}"
                ) from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the work folder's lock (waiting for another process, or failing, as ``self.lock.wait`` says).

        Taking it (not re-entering it) removes what a killed process left half-written: no other
        process can be writing here while the lock is held.
        """
        try:
            self.lock.acquire()
        except OSError as exc:  # the folder cannot be made or written: say so as our own error
            mapped = storage_error(exc, "taking the lock of the work folder")
            if mapped is None:
                raise
            raise mapped from None
        self._lock_depth += 1
        try:
            if self._lock_depth == 1:  # held by this process (the CLI may have taken it first): no one else writes here
                self._clean_strays()
            yield
        finally:
            self._lock_depth -= 1
            self.lock.release()
            self.lock.remove_if_unused()  # bad input wrote nothing: leave no empty work folder behind either

    def _clean_strays(self) -> None:
        """Remove temporary files a killed process left in the work folder (and stages' own leftovers)."""
        cache = Path(self.ctx.settings.cache_dir).absolute() if self.ctx.settings.cache_dir else None
        strays = remove_stray_temporaries(self.ctx.workdir, exclude=cache)
        for stage in self._stages:
            strays += stage.remove_leftovers(self.ctx)
        if strays:
            self.events.warning("workdir", f"removed {len(strays)} half-written temporary files a stopped run left behind")

    def run_stage(self, name: str, **options) -> StatusView:
        """Run one stage by name (its prerequisites must be done); checkpoint after it."""
        with self._locked():
            return self._run_stage(name, **options)

    def _run_stage(self, name: str, _prepared: Optional[Callable[[], None]] = None, **options) -> StatusView:
        stage = self.stage(name)
        self._check_ready(stage)
        ctx = self.ctx
        ctx.seq += 1
        seq = ctx.seq
        services = self._services()
        if _prepared is not None:
            services.prepared = _prepared
        self.events.started(name, total=stage.steps(ctx))
        t0 = time.perf_counter()
        try:
            summary = stage.run(ctx, services, **options)
            self._check_made(stage)
        except InputError:
            ctx.seq -= 1
            self.events.failed(name, "bad input")
            raise  # bad input: nothing was made, nothing to resume; the error says what to fix
        except (Exception, KeyboardInterrupt) as exc:
            seconds = time.perf_counter() - t0
            if isinstance(exc, KeyboardInterrupt):
                reason = "interrupted (Ctrl-C or the stop button)"
            elif isinstance(exc, VideogenError):
                reason = str(exc)
            else:
                reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
            ctx.stage_records[name] = StageRecord(stage=name, state="failed", seq=seq, seconds=seconds, error=reason)
            self.events.failed(name, reason)
            if any(r.state == "done" for r in ctx.stage_records.values()):
                try:
                    self._save(name)  # so a resumed pipeline knows where it stopped
                except (OSError, StorageError):
                    pass  # the disk that failed the stage may refuse this too; the error below says why
            self._last_change = f"{name} failed"
            if isinstance(exc, KeyboardInterrupt):
                raise StageInterrupted(name, ctx.workdir) from exc
            storage = storage_error(exc, f"running the {name} stage")
            if storage is not None:  # no permission, no space: a problem the user fixes, not a bug of the stage
                raise storage.with_advice(f"then pick up with {self._resume_hint()}") from exc
            raise StageFailedError(name, reason, ctx.workdir, self.resume_command) from exc
        seconds = time.perf_counter() - t0
        ctx.stage_records[name] = StageRecord(
            stage=name, state="done", seq=seq, seconds=seconds, summary=str(summary or ""),
            fingerprint=stage.fingerprint(ctx, services),
        )  # fmt: skip
        try:
            self._save(name)
        except OSError as exc:
            mapped = storage_error(exc, f"writing the checkpoint of the {name} stage")
            if mapped is None:
                raise
            raise mapped from exc
        self.edits.seal()
        self._last_change = f"ran {name} in {seconds:.2f} s: {summary}"
        self.events.finished(name, str(summary or ""))
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

    def _resume_hint(self) -> str:
        python = f'Pipeline.resume("{self.ctx.workdir}").run()'
        return f"`{self.resume_command}`" if self.resume_command else python

    def run(self, until: Optional[str] = None) -> StatusView:
        """Run every stage that is not done, in order, up to and including ``until``.

        A failing non-critical stage (output) is reported as a warning when
        nothing after it needs it; any other failure raises StageFailedError
        (StorageError when a folder is not writable or the disk is full). The
        work folder stays locked from the first stage to the last.
        """
        with self._locked():
            return self._run(until)

    def _run(self, until: Optional[str]) -> StatusView:
        names = [s.name for s in self._stages]
        if until is not None:
            self.stage(until)
            names = names[: names.index(until) + 1]
        deferred: Optional[StageFailedError] = None
        ran: list[str] = []
        t0 = time.perf_counter()
        early = _Preparations()
        status, acted = self.status(), False
        try:
            for name in names:
                if acted:  # a stage ran (or failed) since the status was read: read it again
                    status, acted = self.status(), False
                if status[name] == "done":
                    continue
                blocker = self._first_blocker(self.stage(name), status)
                if blocker and deferred is not None:
                    raise deferred
                # as the run begins, the preparations that must wait for stages still to run are warmed up
                self._prepare_later_stages(names[names.index(name) + 1 :], status, early, warm=not ran)
                acted = True
                try:
                    self._run_stage(name, _prepared=early.waiter(name))
                    ran.append(name)
                except StageFailedError as exc:
                    if self.stage(name).critical:
                        raise
                    deferred = exc
                    self.events.warning(name, str(exc))
        finally:
            early.stop()
        if len(ran) > 1:
            self._last_change = f"ran {', '.join(ran)} in {time.perf_counter() - t0:.2f} s"
        elif not ran and deferred is None:
            self._last_change = "nothing to do: every stage asked for is done"
        return self.status()

    def _prepare_later_stages(self, later: list[str], status: StatusView, early: "_Preparations", warm: bool) -> None:
        """Start the preparation of each stage in ``later`` whose ``prepares_from`` is made by stages all done; with
        ``warm``, warm up the others (see :meth:`Stage.warm_up`): their preparation starts once stages still to
        run make what it prepares from."""
        for name in later:
            stage = self.stage(name)
            if not stage.prepares_from or name in early or status[name] == "done":
                continue
            makers = [s for s in self._stages if set(s.provides) & set(stage.prepares_from)]
            if all(status[m.name] == "done" for m in makers):
                # events of its own: a preparation shows no progress beside the stage that runs
                early.start(stage, self.ctx, replace(self._services(), events=EventBus()))
            elif warm:
                early.warm_up(stage, self.ctx)

    def save(self) -> Path:
        """Checkpoint the context now (edits made since the last stage included); return the file."""
        records = list(self.ctx.stage_records.values())
        if not records:
            raise self._needs("input", "save", "has not run, so there is nothing to save")
        last = max(records, key=lambda r: r.seq)
        with self._locked():
            self.ctx.seq += 1
            return self._save(last.stage)

    def _save(self, stage: str) -> Path:
        if not self._claimed_workdir:
            # a new run in a used folder: older runs' checkpoints must not win a later resume
            for old in remove_foreign_checkpoints(self.ctx.workdir, self.ctx.task_id):
                self.events.warning(stage, f"replaced {old.name} of an earlier run in {self.ctx.workdir}")
            self._claimed_workdir = True
        index = [s.name for s in self._stages].index(stage)
        return save_checkpoint(self.ctx, stage, index, self._declared)

    # --- scenes made in the notebook ------------------------------------------------------------

    def _insert(self, scene: SceneConfig, at: Optional[int]) -> SceneConfig:
        scenes = self.scenes
        if at is None:  # before the closing summary, if there is one
            at = len(scenes) - 1 if scenes and isinstance(scenes[-1], OutroScene) else len(scenes)
        taken = {s.scene_id for s in scenes}
        base, k = scene.scene_id, 2
        while scene.scene_id in taken:
            scene.scene_id, k = derived_id(base, str(k)), k + 1
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
        if not isinstance(scene, ClipScene):
            raise ValueError(f"scene {index} is a {scene.kind} scene, not a clip scene")
        fresh = clip_scene(clip, self.ctx.workdir / "media", title=scene.title, narration=scene.narration, length=scene.length)
        if fresh.clip_id != scene.clip_id:
            # another clip: the scene now shows it (and the video goes stale)
            scene.clip_id, scene.clip_duration, scene.poster = fresh.clip_id, fresh.clip_duration, fresh.poster
        self.clips[scene.clip_id] = clip
        return scene

    # --- notebook views -----------------------------------------------------------------------

    def preview(self):
        """The pipeline's live editor: status, slides, narration, audio, timing chart and video in one widget.

        There is one per pipeline: it follows every stage run from any cell and
        every edit made in code; showing it in two cells shows two views of it.
        """
        from .notebook import build_preview

        if self._preview is None or getattr(self._preview, "closed", False):
            self._preview = build_preview(self)
        return self._preview

    def timing_chart(self):
        """A matplotlib Figure: one bar per scene on the timeline, speech inside, pace flagged, a tick where each
        entry of a slide appears (or its marked sentence or line changes)."""
        from .notebook import reveal_times, timing_chart

        if self.ctx.timing_report is None:
            raise self._needs("audio", "call p.timing_chart()")
        return timing_chart(self.ctx.timing_report, self.scenes, reveals=reveal_times(self))

    def reveal_strip(self, index: int, width: int = 240):
        """Scene ``index``'s reveal as a picture: its states side by side, when each begins (an IPython Image);
        None when the slide holds still (a title, a picture, ``reveal=False``, ``animate: false``)."""
        from IPython.display import Image as IPImage

        from .notebook import reveal_strip

        path = reveal_strip(self, index, width)
        return IPImage(filename=str(path)) if path is not None else None

    # --- conveniences --------------------------------------------------------------------------

    def edit(self, index: int, narration: Optional[str] = None, *, title: Optional[str] = None, **fields: Any) -> SceneConfig:
        """Change scene ``index`` (0-based): its ``narration``, its slide's ``title``, any field of its kind.

        A text field may be given as text, one line per paragraph or entry
        (``items="light\\nwater\\n  from the roots"``: two spaces nest an
        entry); see :meth:`slide_text`. A new narration makes audio, video and
        output stale, a new slide video and output. ``p.undo()`` takes it back.
        """
        scene = self.scenes[index]
        updates: dict[str, Any] = dict(fields)
        if narration is not None:
            updates["narration"] = narration
        if title is not None:
            updates["title"] = title
        for name, value in list(updates.items()):
            if name not in type(scene).model_fields or name in ("kind", "scene_id"):
                editable = ", ".join(["narration", "title", *text_fields(scene)])
                raise ValueError(f"scene {index} ({scene.kind}) has no field {name!r} to edit: it has {editable}")
            if isinstance(value, str) and name in text_fields(scene):
                updates[name] = parse_field_text(scene, name, value)
        return self._change(index, updates, "edit")

    def _change(self, index: int, updates: dict[str, Any], what: str) -> SceneConfig:
        scene = self.scenes[index]
        changes = {}
        for name, value in updates.items():
            before = getattr(scene, name)
            setattr(scene, name, value)  # validated: a wrong value raises and leaves the field as it was
            after = getattr(scene, name)
            if after != before:
                changes[name] = (before, after)
        if changes:
            self.edits.record(Edit(index, scene.scene_id, changes, what))
            if what != "edit":
                self.edits.seal()
            self._last_change = f"{what}: scene {index + 1} {', '.join(changes)}"
            self.events.changed(what, ", ".join(changes), index)
        return scene

    def slide_text(self, index: int) -> dict[str, str]:
        """The text fields of scene ``index``'s slide as text (``{"body": ..., "items": ...}``), to edit and pass to :meth:`edit`."""
        scene = self.scenes[index]
        return {name: field_text(scene, name) for name in text_fields(scene)}

    def template_narration(self, index: int) -> str:
        """The narration the script stage writes for scene ``index`` from its slide (no enhancer)."""
        scene = self.scenes[index]  # first: before parse this says what to run
        return template_narration(scene, self.ctx.video_config.lang or self.ctx.settings.lang)

    def revert(self, index: int) -> SceneConfig:
        """Put the template narration back on scene ``index`` (see :meth:`template_narration`); undoable."""
        return self._change(index, {"narration": self.template_narration(index)}, "revert")

    def undo(self) -> Optional[Edit]:
        """Take back the newest edit (or revert); None when there is none. Returns what was taken back."""
        edit = self.edits.pop()
        if edit is None:
            return None
        scenes = self.scenes
        index = next((i for i, s in enumerate(scenes) if s.scene_id == edit.scene_id), None)
        if index is None:
            raise ValueError(f"cannot undo {edit!r}: scene {edit.scene_id} is no longer in the video")
        scene = scenes[index]
        for name, (before, _after) in edit.changes.items():
            setattr(scene, name, before)
        self._last_change = f"undid the {edit.what} of scene {index + 1} ({', '.join(edit.changes)})"
        self.events.changed("undo", ", ".join(edit.changes), index)
        return edit

    def resynthesize(self, index: int) -> StatusView:
        """Speak scene ``index`` again (even if its narration is unchanged); the others come from the cache."""
        return self.audio(force=[index])

    def render(self) -> StatusView:
        """Run every stage that is stale or pending (what the editor's Render button does): ``p.run()``."""
        return self.run()

    def _theme(self):
        return get_theme(effective_theme(self.ctx.settings, self.ctx.video_config))

    def slide(self, index: int, size: Sequence[int] | None = None):
        """Draw scene ``index`` as it will appear (a Slide that shows itself in a notebook)."""
        scenes = self.scenes
        st = self.ctx.settings
        size = tuple(size) if size else st.resolution
        return draw_scene(scenes[index], size, self._theme(), index, len(scenes), self.ctx.video_config.title)

    def check(self, thumbnails: bool = True) -> CheckReport:
        """What a viewer will see and hear, scene by scene: words on screen, text size, time on screen against
        reading time, holds, missing glyphs and pictures, the voice's language, leaked markup, narration a
        listener stumbles on. Runs the stages up to script first if they have not run; durations are measured
        once audio has run, estimated before. Shows as a table with thumbnails in a notebook."""
        if self.ctx.video_config is None or not self.ctx.video_config.scenes or any(
            self.ctx.stage_records.get(n) is None or self.ctx.stage_records[n].state != "done" for n in ("parse", "script")
        ):
            self.run(until="script")
        return check_context(self.ctx, self.engine, thumbnails=thumbnails)

    def save_slides(self, folder: Union[str, Path], size: Sequence[int] | None = None) -> ExportedSlides:
        """Write every slide as ``NN-<scene_id>.png`` and a ``contact_sheet.png`` into ``folder``; no audio needed."""
        slides = [self.slide(i, size) for i in range(len(self.scenes))]
        return export_slides(self.scenes, slides, Path(folder))
