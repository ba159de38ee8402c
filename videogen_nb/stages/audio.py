"""Stage 4, audio: speak every scene (in parallel where the engine allows), reuse cached clips, lay out the timeline."""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Optional

import numpy as np

from ..errors import SpeechError, StageOrderError, UnknownVoiceError, VideogenError
from ..fingerprint import file_digest, stable_hash
from ..loudness import normalize_loudness
from ..models import (
    AudioSource,
    PipelineContext,
    PipelineSettings,
    SceneConfig,
    SceneTiming,
    TimingReport,
    VideoConfig,
    scene_animates,
)
from ..language import same_language
from ..pronounce import SpokenText, narration_word_timings, speech_text
from ..speech_cache import Clip, SpeechCache, clip_key, copy_clip, read_clip
from ..reveal import countdown_seconds
from ..timeline import crossfade_frames, scene_frames
from ..tts.base import Speech, SpeechEngine, estimate_word_timings
from .base import Services, Stage, collect


@dataclass
class _Job:
    """One scene to speak: what is said, and the cache key of its clip."""

    index: int
    scene: SceneConfig
    spoken: SpokenText
    key: str
    force: bool = False  # speak again even if a clip is cached (and replace it)
    lang: Optional[str] = None
    voice: Optional[str] = None

    @property
    def label(self) -> str:
        return f"scene {self.index + 1} ({self.scene.title or self.scene.scene_id!r})"


@dataclass
class _Result:
    clip: Clip
    source: AudioSource
    warning: Optional[str] = None


# Locks live in this process, never in what is sent to an executor: on a Dask worker every task
# unpickles its own copy of the engine, so a lock per engine object would exclude nothing there.
_ENGINE_LOCKS: dict[type, threading.Lock] = {}
_ENGINE_LOCKS_GUARD = threading.Lock()


def engine_lock(engine: SpeechEngine) -> AbstractContextManager:
    """What to hold while calling ``engine``: nothing if it is thread-safe, else one lock per engine class and process.

    An engine that is not thread-safe usually keeps state of its module or
    library (espeak does), which every object of its class shares.
    """
    if engine.thread_safe:
        return nullcontext()
    with _ENGINE_LOCKS_GUARD:
        return _ENGINE_LOCKS.setdefault(type(engine), threading.Lock())


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def speak(
    engine: SpeechEngine, text: str, lang: Optional[str], voice: Optional[str], loudness: Optional[float]
) -> tuple[Speech, Optional[float]]:
    """``engine`` saying ``text``, checked (sound where there are words), timed, normalised; and its loudness."""
    if not text.strip():
        return Speech(np.zeros(0, np.int16), 22050), None
    with engine_lock(engine):  # only the engine call is serialised: checks and loudness run in parallel
        speech = engine.synthesize(text, lang=lang, voice=voice)
    if speech.sample_rate <= 0:
        raise SpeechError(f"{engine.name} returned audio without a sample rate")
    samples = np.asarray(speech.samples)
    if samples.ndim == 2:  # a plug-in engine that gives (n, channels): speech is mono here
        samples = samples.mean(axis=1)
    if samples.dtype != np.int16:
        samples = np.clip(np.round(samples.astype(np.float64) * 32767.0), -32768, 32767).astype(np.int16)
    if engine.audible and _has_words(text) and not np.any(samples):
        # never let a silent clip stand in for speech in the video
        raise SpeechError(f"{engine.name} returned silence for {text[:40]!r}")
    duration = len(samples) / speech.sample_rate
    words, timing = speech.words, speech.timing
    if not words and _has_words(text):  # the last resort, and said so in the metadata
        words, timing = estimate_word_timings(text, duration), "estimated"
    measured = None
    if loudness is not None and engine.audible:
        samples, measured = normalize_loudness(samples, speech.sample_rate, loudness)
    return Speech(samples, speech.sample_rate, words, timing), measured


class AudioStage(Stage):
    """Speaks each scene's narration; a clip is reused by content hash from this work folder or the shared cache."""

    name = "audio"
    requires = ("narration",)
    provides = ("audio_dir", "timing_report")

    def steps(self, ctx: PipelineContext) -> int:
        return len(ctx.video_config.scenes) if ctx.video_config else 1

    def run(self, ctx: PipelineContext, services: Services, force: Collection[int] = ()) -> str:
        """Speak every scene not cached; scenes in ``force`` are spoken again and their cached clip replaced."""
        events = services.events
        scenes = ctx.video_config.scenes
        bad = [i for i in force if not 0 <= i < len(scenes)]
        if bad:
            raise IndexError(f"no scene {bad[0]}: scenes are numbered 0 to {len(scenes) - 1}")
        missing = [s.scene_id for s in scenes if s.narration is None]
        if missing:
            raise StageOrderError("audio", "script", f"has not written narration for {', '.join(missing)}")
        lang, voice = scene_voice(ctx)
        engine, identities = speaking_engine(ctx, services.engine)  # an unknown voice fails here, before any work
        fallback = services.fallback.resolve(lang, voice) if services.fallback is not None else None
        if fallback is not None and fallback.name == engine.name:
            fallback = None  # auto chose the fallback itself: there is nothing else to fall back to
        if fallback is not None:
            try:
                voice_identities(ctx, fallback)
            except UnknownVoiceError as exc:
                raise UnknownVoiceError(f"the fallback engine cannot speak this language: {exc}") from exc
        audio_dir = ctx.workdir / "audio"
        audio_dir.mkdir(parents=True, exist_ok=True)
        speaker = _Speaker(engine, fallback, SpeechCache(ctx.settings.cache_dir), audio_dir, lang, voice, ctx.settings.loudness)
        jobs = _jobs(ctx, identities, set(force))

        results: dict[int, _Result] = {}
        todo: list[_Job] = []
        for job in jobs:
            reused = speaker.reuse(job)
            if reused is not None:
                results[job.index] = reused
            else:
                todo.append(job)
        total = len(scenes)
        events.progress(self.name, len(results), total, f"{len(results)} reused")

        def done(job: _Job, result: _Result) -> None:
            results[job.index] = result
            if result.warning:
                events.warning(self.name, result.warning)
            events.progress(self.name, len(results), total, f"scene {job.index + 1}: {job.scene.title[:40]}")

        if len(todo) > 1:
            # a thread-safe engine gets the workers it asks for; one that is not gets one a core, since
            # its calls take turns and only the work after them (loudness, files) runs side by side
            preferred = engine.concurrency if engine.thread_safe else (os.cpu_count() or 1)
            with services.executor(preferred) as pool:
                collect({pool.submit(speaker.make, job): job for job in todo}, done)
        else:
            for job in todo:
                done(job, speaker.make(job))

        report = _timeline(ctx, jobs, results, engine, lang, voice)
        if services.engine.name != engine.name:
            report.requested = services.engine.name  # auto: say what was asked beside what spoke
        warnings = [results[j.index].warning for j in jobs if results[j.index].warning]
        ctx.audio_dir = audio_dir
        ctx.timing_report = report
        ctx.warnings.extend(warnings)
        made = len(report.synthesized)
        fell_back = f", {len(report.fallback_scenes)} by {fallback.name}" if report.fallback_scenes else ""
        return (
            f"{total} scenes, {report.total_duration:.1f} s of video: {made} synthesised{fell_back}, "
            f"{total - made} reused ({len(report.from_cache)} from the shared cache)"
        )

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        vc = ctx.video_config
        if vc is None:
            return None
        lang, voice = scene_voice(ctx)
        st = ctx.settings
        engine = services.engine
        try:
            identity = (
                sorted((repr(k), v) for k, v in speaking_engine(ctx, engine)[1].items())
                if engine is not None else {"engine": st.tts, **st.tts_options}
            )  # fmt: skip
        except VideogenError:
            identity = {"engine": engine.name, "lang": lang, "voice": voice, "invalid": True}
        pron = pronunciations(ctx)
        spoken = [
            speech_text(s.narration or "", s.lang or lang, pron).text if s.narration is not None else None for s in vc.scenes
        ]
        least = [s.min_seconds for s in vc.scenes]
        counts = [_countdown(st, vc, s) for s in vc.scenes]
        extra = (counts, st.transition) if any(counts) else ()  # (no countdown: the hash it always had)
        return stable_hash(identity, spoken, least, st.loudness, st.fps, st.pad_before, st.pad_after, st.min_scene, st.silent_hold, *extra)

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        return [problem for _, problem in _clip_problems(ctx, deep)]

    def repair(self, ctx: PipelineContext) -> list[str]:
        problems = _clip_problems(ctx, deep=True)
        for s, _ in problems:
            if s.audio_path.is_file():
                # a changed clip must not be reused: remove it so it is made again
                s.audio_path.unlink()
                s.audio_path.with_suffix(".json").unlink(missing_ok=True)
        return [problem for _, problem in problems]


def _countdown(settings: PipelineSettings, video: Optional[VideoConfig], scene: SceneConfig) -> int:
    """The seconds ``scene`` counts down after its narration: only where its slide builds up."""
    return scene.countdown if scene.countdown and scene_animates(settings, video, scene) else 0


def _clip_problems(ctx: PipelineContext, deep: bool) -> list[tuple[SceneTiming, str]]:
    problems = []
    for s in ctx.timing_report.scenes if ctx.timing_report else []:
        if not s.audio_path.is_file():
            problems.append((s, f"audio of scene {s.index + 1} is missing ({s.audio_path.name})"))
        elif deep and file_digest(s.audio_path) != s.audio_hash:
            problems.append((s, f"audio of scene {s.index + 1} was changed on disk ({s.audio_path.name})"))
    return problems


def scene_voice(ctx: PipelineContext, scene: Optional[SceneConfig] = None) -> tuple[Optional[str], Optional[str]]:
    """(language, voice) the narration is spoken in: the pipeline's choice, else the document's, else the language
    found in its text. A ``scene`` in another language gets that language and the engine's voice for it."""
    vc = ctx.video_config
    lang, voice = ctx.spoken_lang, ctx.settings.voice or (vc.voice if vc else None)
    if scene is not None and scene.lang and not same_language(scene.lang, lang):
        return scene.lang, None
    return lang, voice


def speaking_engine(ctx: PipelineContext, engine: SpeechEngine) -> tuple[SpeechEngine, dict[tuple, dict]]:
    """The engine that speaks the document and its identity for every (language, voice) of the scenes.

    A chooser such as ``auto`` is resolved for the document's language, so the report names the engine that
    spoke; where scenes are in a language that engine has no voice for, the chooser itself speaks, picking
    an engine for each scene's language."""
    lang, voice = scene_voice(ctx)
    chosen = engine.resolve(lang, voice)
    try:
        return chosen, voice_identities(ctx, chosen)
    except UnknownVoiceError:
        if chosen is engine:
            raise
        return engine, voice_identities(ctx, engine)


def voice_identities(ctx: PipelineContext, engine: SpeechEngine) -> dict[tuple, dict]:
    """The engine's identity for every (language, voice) the scenes are spoken in; an UnknownVoiceError (raised
    before any synthesis) names the scenes in a language the engine has no voice for."""
    wanted: dict[tuple, list[int]] = {}
    for i, scene in enumerate(ctx.video_config.scenes if ctx.video_config else []):
        wanted.setdefault(scene_voice(ctx, scene), []).append(i)
    if not wanted:
        wanted[scene_voice(ctx)] = []
    out: dict[tuple, dict] = {}
    for (lang, voice), scenes in wanted.items():
        try:
            out[(lang, voice)] = engine.identity(lang, voice)
        except UnknownVoiceError as exc:
            if scenes and len(scenes) < len(ctx.video_config.scenes):
                which = ", ".join(str(i + 1) for i in scenes[:8]) + (" ..." if len(scenes) > 8 else "")
                raise UnknownVoiceError(f"scenes {which} are in {lang!r}: {exc}") from None
            raise
    return out


def pronunciations(ctx: PipelineContext) -> dict[str, str]:
    """The document's ``pronounce:`` entries, overridden by the pipeline's ``pronunciations=``."""
    vc = ctx.video_config
    return {**(vc.pronunciations if vc else {}), **ctx.settings.pronunciations}


def _jobs(ctx: PipelineContext, identities: dict[tuple, dict], force: Collection[int]) -> list[_Job]:
    pron = pronunciations(ctx)
    jobs = []
    for i, scene in enumerate(ctx.video_config.scenes):
        lang, voice = scene_voice(ctx, scene)
        spoken = speech_text(scene.narration or "", lang, pron)
        key = clip_key(identities[(lang, voice)], spoken.text, ctx.settings.loudness)
        jobs.append(_Job(i, scene, spoken, key, i in force, lang, voice))
    return jobs


@dataclass
class _Speaker:
    """One audio run's speaking: the engines, the shared cache and this work folder's audio."""

    engine: SpeechEngine
    fallback: Optional[SpeechEngine]
    cache: SpeechCache
    audio_dir: Path
    lang: Optional[str]
    voice: Optional[str]
    loudness: Optional[float]

    def reuse(self, job: _Job) -> Optional[_Result]:
        """The scene's clip from this work folder or the shared cache, if it is there and not forced."""
        if job.force:
            return None
        local = read_clip(self.audio_dir / f"{job.key}.wav", verify=True)
        if local is not None:
            return _Result(local, "workdir")
        shared = self.cache.get(job.key)
        return _Result(copy_clip(shared, self.audio_dir / f"{job.key}.wav"), "cache") if shared is not None else None

    def make(self, job: _Job) -> _Result:
        """Synthesise one scene under its cache lock (another pipeline may have made it meanwhile)."""
        wav = self.audio_dir / f"{job.key}.wav"
        with self.cache.lock(job.key):
            hit = None if job.force else self.cache.get(job.key)
            if hit is not None:
                return _Result(copy_clip(hit, wav), "cache")
            try:
                speech, measured = speak(self.engine, job.spoken.text, job.lang, job.voice, self.loudness)
            except UnknownVoiceError:
                raise
            except Exception as exc:
                reason = str(exc) if isinstance(exc, VideogenError) else f"{self.engine.name} failed: {exc}"
                if self.fallback is None:
                    raise SpeechError(f"{job.label}: {reason}") from exc
                return self.fall_back(job, reason)
            meta = self.meta(self.engine, job, speech, measured)
            clip = self.cache.put(job.key, speech.samples, speech.sample_rate, speech.words, meta)
        return _Result(copy_clip(clip, wav), "synthesized")

    def meta(self, engine: SpeechEngine, job: _Job, speech: Speech, measured: Optional[float]) -> dict:
        """What the cache's sidecar records beside the timings: who said what, how loud, how the words were timed."""
        return {
            "engine": engine.name,
            "identity": engine.identity(job.lang, job.voice),
            "text": job.spoken.text,
            "loudness_target": self.loudness,
            "loudness": measured,
            "word_timing": speech.timing,
        }

    def fall_back(self, job: _Job, reason: str) -> _Result:
        """Speak the scene with the fallback engine; its clip is cached under the fallback's own key."""
        fb = self.fallback
        key = clip_key(fb.identity(job.lang, job.voice), job.spoken.text, self.loudness)
        warning = f"{job.label}: {reason.rstrip('. ')}. Spoken by {fb.name} instead"
        with self.cache.lock(key):
            clip = self.cache.get(key)
            source: AudioSource = "cache"
            if clip is None:
                try:
                    speech, measured = speak(fb, job.spoken.text, job.lang, job.voice, self.loudness)
                except VideogenError as exc:
                    raise SpeechError(f"{job.label}: {reason}; the fallback {fb.name} failed too: {exc}") from exc
                meta = self.meta(fb, job, speech, measured)
                clip = self.cache.put(key, speech.samples, speech.sample_rate, speech.words, meta)
                source = "synthesized"
        return _Result(copy_clip(clip, self.audio_dir / f"{key}.wav"), source, warning)


def _timeline(ctx, jobs: list[_Job], results: dict[int, _Result], engine: SpeechEngine, lang, voice) -> TimingReport:
    """Scene boundaries on the frame grid, counted cumulatively so nothing drifts."""
    st = ctx.settings
    fps = st.fps
    frame = 0
    timings = []
    for job in jobs:
        res = results[job.index]
        clip = res.clip
        # a scene never ends before its own minimum (a clip that decides its length)
        least = max(st.min_scene, job.scene.min_seconds)
        if not _has_words(job.spoken.text):  # nothing to say (--notes-only and no notes): the slide holds a while
            least = max(least, st.silent_hold)
        # a countdown (a quiz's) runs in quiet after the voice and before the fade into the next scene
        after = max(st.pad_after, countdown_seconds(_countdown(st, ctx.video_config, job.scene), crossfade_frames(st.transition, fps), fps))
        n = scene_frames(max(st.pad_before + clip.duration + after, least), fps)
        start_f, end_f = frame, frame + n
        narration = job.scene.narration or ""
        timings.append(
            SceneTiming(
                index=job.index,
                scene_id=job.scene.scene_id,
                title=job.scene.title,
                start=start_f / fps,
                end=end_f / fps,
                start_frame=start_f,
                end_frame=end_f,
                audio_start=start_f / fps + st.pad_before,
                audio_duration=clip.duration,
                words=len(narration.split()),
                synthesized=res.source == "synthesized",
                audio_path=clip.path,
                audio_hash=clip.sha256,
                word_timings=narration_word_timings(narration, job.spoken, clip.words, clip.duration),
                engine=clip.engine or engine.name,
                source=res.source,
                loudness=clip.loudness,
                word_timing=clip.word_timing,
            )
        )
        frame = end_f
    rate = max((r.clip.sample_rate for r in results.values()), default=22050)
    return TimingReport(
        fps=fps,
        sample_rate=rate,
        engine=engine.name,
        voice=engine.describe_voice(lang, voice),
        lang=lang or engine.default_lang,
        scenes=timings,
    )
