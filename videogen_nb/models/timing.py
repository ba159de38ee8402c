"""The timeline: spoken words, where each scene sits, and the subtitle cues."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from .base import Model


class WordTiming(Model):
    """One spoken word, in seconds from the start of its scene's audio."""

    word: str
    start: float
    end: float


AudioSource = Literal["synthesized", "workdir", "cache"]
#: where word timings come from: the engine (espeak's word events, Piper's phoneme durations), or an
#: estimate that spreads the words over the clip by their length (gtts, silent, a voice without durations)
WordTimingSource = Literal["engine", "estimated"]


class SceneTiming(Model):
    """Where one scene sits on the video's timeline, and what its audio is.

    ``source`` says where the clip came from in the last audio run: made now
    (``synthesized``), reused from this work folder (``workdir``) or from the
    speech cache shared by every pipeline on the machine (``cache``).
    ``word_timings`` hold the narration's own words (as the slides and
    subtitles show them), timed from the speech.
    """

    index: int
    scene_id: str
    title: str = ""
    start: float
    end: float
    start_frame: int
    end_frame: int
    audio_start: float  # absolute time the narration begins (after the lead-in pad)
    audio_duration: float
    words: int
    synthesized: bool
    audio_path: Path
    audio_hash: str
    word_timings: list[WordTiming] = Field(default_factory=list)
    engine: str = ""  # the engine that made this clip (the fallback's name if it stood in)
    source: AudioSource = "synthesized"
    loudness: Optional[float] = None  # integrated loudness of the clip, LUFS (None: silence)
    word_timing: WordTimingSource = "engine"  # whether ``word_timings`` were measured by the engine or estimated

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def words_per_minute(self) -> float:
        return 60.0 * self.words / self.audio_duration if self.audio_duration > 0 else 0.0


class TimingReport(Model):
    """The timeline the audio stage lays out and the video stage follows."""

    fps: int
    sample_rate: int
    engine: str  # the engine that spoke (what ``auto`` chose)
    voice: str = ""
    lang: str = ""
    scenes: list[SceneTiming] = Field(default_factory=list)
    requested: str = ""  # the engine asked for, when it differs from ``engine`` (``auto``)

    @property
    def total_duration(self) -> float:
        return self.scenes[-1].end if self.scenes else 0.0

    @property
    def total_frames(self) -> int:
        return self.scenes[-1].end_frame if self.scenes else 0

    @property
    def synthesized(self) -> list[int]:
        """Indices of the scenes synthesised in the last audio run."""
        return [s.index for s in self.scenes if s.synthesized]

    @property
    def reused(self) -> list[int]:
        """Indices of the scenes whose clip came from the work folder or the shared cache."""
        return [s.index for s in self.scenes if not s.synthesized]

    @property
    def from_cache(self) -> list[int]:
        """Indices of the scenes reused from the shared speech cache (made by another pipeline or run)."""
        return [s.index for s in self.scenes if s.source == "cache"]

    @property
    def fallback_scenes(self) -> list[int]:
        """Indices of the scenes spoken by the fallback engine instead of ``engine``."""
        return [s.index for s in self.scenes if s.engine and s.engine != self.engine]

    @property
    def estimated_timings(self) -> list[int]:
        """Indices of the scenes whose word timings are estimated rather than given by the engine."""
        return [s.index for s in self.scenes if s.word_timing == "estimated"]

    def describe_engine(self) -> str:
        """Which engine spoke: ``auto: piper en_US-joe-medium``, with the scenes a fallback spoke."""
        text = f"{self.requested}: " if self.requested and self.requested != self.engine else ""
        text += f"{self.engine} {self.voice}".strip()
        by_fallback: dict[str, list[int]] = {}
        for s in self.scenes:
            if s.engine and s.engine != self.engine:
                by_fallback.setdefault(s.engine, []).append(s.index + 1)
        for name, scenes in by_fallback.items():
            text += f"; scene{'s' if len(scenes) > 1 else ''} {', '.join(map(str, scenes))} by {name}"
        return text

    def __repr__(self) -> str:
        fallback = f", {len(self.fallback_scenes)} by the fallback engine" if self.fallback_scenes else ""
        return (
            f"<TimingReport {len(self.scenes)} scenes, {self.total_duration:.2f} s at {self.fps} fps, "
            f"{self.engine} {self.voice}: {len(self.synthesized)} synthesised, {len(self.reused)} reused "
            f"({len(self.from_cache)} from the shared cache){fallback}>"
        )


class SubtitleCue(Model):
    """One subtitle: at most two lines, shown from ``start`` to ``end`` on the video's timeline."""

    index: int
    scene_index: int
    start: float
    end: float
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"<cue {self.index} {self.start:.3f}-{self.end:.3f} s: {' / '.join(self.lines)!r}>"
