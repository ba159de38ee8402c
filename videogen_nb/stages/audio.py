"""Stage 4, audio: speak every scene, reuse what is cached, lay out the timeline."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Executor, as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Optional

import numpy as np

from ..audio_io import wav_bytes
from ..checkpoint import atomic_write_bytes
from ..errors import SpeechError, StageOrderError, VideogenError
from ..events import EventBus
from ..fingerprint import file_digest, stable_hash
from ..models import PipelineContext, SceneConfig, SceneTiming, TimingReport, WordTiming
from ..tts.base import Speech, SpeechEngine
from .base import Stage

ExecutorFactory = Callable[[], AbstractContextManager[Executor]]


@dataclass
class _Clip:
    """One scene's speech on disk."""

    path: Path
    duration: float
    sample_rate: int
    sha256: str
    words: list[WordTiming]
    synthesized: bool


def _load_clip(wav: Path) -> Optional[_Clip]:
    meta = wav.with_suffix(".json")
    if not (wav.is_file() and meta.is_file()):
        return None
    try:
        m = json.loads(meta.read_text(encoding="utf-8"))
        return _Clip(wav, m["duration"], m["sample_rate"], m["sha256"], [WordTiming(**w) for w in m["words"]], False)
    except (ValueError, KeyError, TypeError):
        return None  # a damaged sidecar: synthesise again rather than trust it


def _save_clip(wav: Path, speech: Speech, text: str, identity: dict) -> _Clip:
    data = wav_bytes(speech.samples, speech.sample_rate)
    atomic_write_bytes(wav, data)
    digest = hashlib.sha256(data).hexdigest()
    meta = {
        "duration": speech.duration,
        "sample_rate": speech.sample_rate,
        "sha256": digest,
        "words": [w.model_dump() for w in speech.words],
        "identity": identity,
        "text": text,
    }
    # the sidecar is written last: a clip without one is incomplete and is made again
    atomic_write_bytes(wav.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    return _Clip(wav, speech.duration, speech.sample_rate, digest, list(speech.words), True)


class AudioStage(Stage):
    """Synthesises each scene's narration in parallel; unchanged narration is reused by content hash."""

    name = "audio"
    requires = ("narration",)
    provides = ("audio_dir", "timing_report")

    def __init__(self, engine: SpeechEngine, executor: ExecutorFactory) -> None:
        self.engine = engine
        self.executor = executor

    def _voice(self, ctx: PipelineContext) -> tuple[Optional[str], Optional[str]]:
        vc = ctx.video_config
        return ctx.settings.lang or (vc.lang if vc else None), ctx.settings.voice or (vc.voice if vc else None)

    def _key(self, identity: dict, scene: SceneConfig) -> str:
        return stable_hash(identity, scene.narration or "")[:24]

    def run(self, ctx: PipelineContext, events: EventBus, force: Collection[int] = ()) -> str:
        """Speak every scene not in the cache; scenes in ``force`` are spoken again regardless."""
        scenes = ctx.video_config.scenes
        bad = [i for i in force if not 0 <= i < len(scenes)]
        if bad:
            raise IndexError(f"no scene {bad[0]}: scenes are numbered 0 to {len(scenes) - 1}")
        missing = [s.scene_id for s in scenes if s.narration is None]
        if missing:
            raise StageOrderError("audio", "script", f"has not written narration for {', '.join(missing)}")
        lang, voice = self._voice(ctx)
        identity = self.engine.identity(lang, voice)  # an unknown voice fails here, before any work
        audio_dir = ctx.workdir / "audio"
        audio_dir.mkdir(parents=True, exist_ok=True)

        clips: dict[int, _Clip] = {}
        todo: list[int] = []
        for i, scene in enumerate(scenes):
            clip = None if i in force else _load_clip(audio_dir / f"{self._key(identity, scene)}.wav")
            if clip is None:
                todo.append(i)
            else:
                clips[i] = clip
        total = len(scenes)
        events.progress(self.name, len(clips), total, f"{len(clips)} reused")

        def speak(i: int) -> _Clip:
            scene = scenes[i]
            text = scene.narration or ""
            try:
                speech = (
                    self.engine.synthesize(text, lang=lang, voice=voice)
                    if text.strip()
                    else Speech(np.zeros(0, np.int16), 22050)
                )
            except VideogenError:
                raise
            except Exception as exc:
                raise SpeechError(f"scene {i + 1} ({scene.title or scene.scene_id!r}): {self.engine.name} failed: {exc}") from exc
            if speech.sample_rate <= 0:
                raise SpeechError(f"scene {i + 1}: {self.engine.name} returned audio without a sample rate")
            return _save_clip(audio_dir / f"{self._key(identity, scene)}.wav", speech, text, identity)

        if todo:
            with self.executor() as pool:
                futures = {pool.submit(speak, i): i for i in todo}
                try:
                    for fut in as_completed(futures):
                        i = futures[fut]
                        clips[i] = fut.result()
                        events.progress(self.name, len(clips), total, f"scene {i + 1}: {scenes[i].title[:40]}")
                except BaseException:
                    for f in futures:
                        f.cancel()
                    raise

        report = self._timeline(ctx, scenes, clips, lang, voice)
        ctx.audio_dir = audio_dir
        ctx.timing_report = report
        return (
            f"{total} scenes, {report.total_duration:.1f} s of video: "
            f"{len(todo)} synthesised, {total - len(todo)} reused"
        )

    def _timeline(self, ctx, scenes, clips, lang, voice) -> TimingReport:
        """Scene boundaries on the frame grid, counted cumulatively so nothing drifts."""
        st = ctx.settings
        fps = st.fps
        frame = 0
        timings = []
        for i, scene in enumerate(scenes):
            clip = clips[i]
            seconds = max(st.pad_before + clip.duration + st.pad_after, st.min_scene)
            n = max(1, int(round(seconds * fps)))
            start_f, end_f = frame, frame + n
            timings.append(
                SceneTiming(
                    index=i,
                    scene_id=scene.scene_id,
                    title=scene.title,
                    start=start_f / fps,
                    end=end_f / fps,
                    start_frame=start_f,
                    end_frame=end_f,
                    audio_start=start_f / fps + st.pad_before,
                    audio_duration=clip.duration,
                    words=len((scene.narration or "").split()),
                    synthesized=clip.synthesized,
                    audio_path=clip.path,
                    audio_hash=clip.sha256,
                    word_timings=clip.words,
                )
            )
            frame = end_f
        rate = max((c.sample_rate for c in clips.values()), default=22050)
        return TimingReport(
            fps=fps,
            sample_rate=rate,
            engine=self.engine.name,
            voice=self.engine.describe_voice(lang, voice),
            lang=lang or self.engine.default_lang,
            scenes=timings,
        )

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        vc = ctx.video_config
        if vc is None:
            return None
        lang, voice = self._voice(ctx)
        st = ctx.settings
        try:
            identity = self.engine.identity(lang, voice)
        except VideogenError:
            identity = {"engine": self.engine.name, "lang": lang, "voice": voice, "invalid": True}
        return stable_hash(
            identity, [s.narration for s in vc.scenes], st.fps, st.pad_before, st.pad_after, st.min_scene
        )

    def check_artifacts(self, ctx: PipelineContext, deep: bool = False) -> list[str]:
        problems = []
        for s in ctx.timing_report.scenes if ctx.timing_report else []:
            if not s.audio_path.is_file():
                problems.append(f"audio of scene {s.index + 1} is missing ({s.audio_path.name})")
            elif deep and file_digest(s.audio_path) != s.audio_hash:
                problems.append(f"audio of scene {s.index + 1} was changed on disk ({s.audio_path.name})")
        return problems

    def repair(self, ctx: PipelineContext) -> list[str]:
        problems = self.check_artifacts(ctx, deep=True)
        for s in ctx.timing_report.scenes if ctx.timing_report else []:
            # a changed clip must not be reused by the cache: remove it so it is made again
            if s.audio_path.is_file() and file_digest(s.audio_path) != s.audio_hash:
                s.audio_path.unlink()
                s.audio_path.with_suffix(".json").unlink(missing_ok=True)
        return problems
