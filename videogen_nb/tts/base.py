"""The one interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from ..models import WordTiming, WordTimingSource


class EngineOptions(BaseModel):
    """The options of a speech engine: its keyword arguments, with types, limits and help.

    Each engine declares its own subclass as ``Options``; the pipeline
    validates ``tts_options`` against it and the ``videogen`` command makes a
    flag of each field (``rate`` -> ``--rate``), its description as the help.
    """

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def parse(cls, engine: str, options: Mapping[str, Any]) -> "EngineOptions":
        """The options, validated; a ValueError that names the engine, the option and what is allowed."""
        try:
            return cls.model_validate(dict(options))
        except ValidationError as exc:
            raise ValueError(describe_option_errors(engine, cls, exc)) from None


_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def describe_option_errors(engine: str, options: type[BaseModel], exc: ValidationError) -> str:
    """One sentence for what was wrong with an engine's options."""
    errors = exc.errors()
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        known = ", ".join(options.model_fields) or "none"
        return f"speech engine {engine!r} does not take these options {unknown}: its options are {known}"
    parts = []
    for e in errors:
        field = ".".join(str(x) for x in e["loc"])
        what = "is out of range" if e["type"] in _RANGE_ERRORS else "is not valid"
        parts.append(f"{engine} option {field}={e.get('input')!r} {what} ({e['msg'].lower()})")
    return "; ".join(parts)


@dataclass
class Speech:
    """Spoken audio for one text: mono int16 samples, their rate, and word timings.

    ``timing`` says whether the engine measured the word timings (``"engine"``)
    or spread the words over the audio by their length (``"estimated"``).
    """

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming] = field(default_factory=list)
    timing: WordTimingSource = "engine"

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    def __repr__(self) -> str:
        how = " (estimated)" if self.timing == "estimated" and self.words else ""
        return f"<Speech {self.duration:.2f} s at {self.sample_rate} Hz, {len(self.words)} timed words{how}>"


class SpeechEngine(ABC):
    """A text-to-speech backend: ``synthesize(text, lang, voice) -> Speech``.

    Subclasses set ``name`` and say whether calls may run in parallel threads
    (``thread_safe``); the audio stage calls an engine that is not from one
    thread, one scene after another. ``concurrency`` is how many calls a
    thread-safe engine wants in flight (a network engine waits, so more threads
    than cores pay off); None leaves it to the pipeline's ``max_workers``.
    ``audible`` is False only for engines meant to make silence. ``Options``
    lists the keyword arguments the engine is made with.
    """

    name: str = "engine"
    thread_safe: bool = True
    concurrency: Optional[int] = None
    audible: bool = True
    default_lang: str = "en"
    #: the engine's options (its keyword arguments) as a pydantic model
    Options: ClassVar[type[EngineOptions]] = EngineOptions

    @abstractmethod
    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        """Speak ``text`` and return its samples and word timings."""

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        """Everything besides the text that changes the sound; keys the audio cache."""
        return {"engine": self.name, "lang": lang or self.default_lang, "voice": voice or ""}

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        """A human-readable name of the voice used for ``lang``/``voice``."""
        return voice or lang or self.default_lang

    def resolve(self, lang: Optional[str], voice: Optional[str]) -> "SpeechEngine":
        """The engine that speaks ``lang``/``voice``: this one, or for a chooser such as ``auto`` the one it picks."""
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


# extra weight (in characters) for the pause a speaker makes after these marks
_PAUSES = {".": 6, "!": 6, "?": 6, "。": 6, "！": 6, "？": 6, "…": 6, ",": 3, ";": 3, ":": 3, "，": 3, "、": 3}


def estimate_word_timings(text: str, duration: float) -> list[WordTiming]:
    """Spread the words of ``text`` over ``duration`` by their length, pausing at sentence ends.

    For engines that give no word events: a sentence gets time in proportion
    to its characters, good enough to place subtitle cues.
    """
    words = text.split()
    if not words or duration <= 0:
        return []
    spoken = [len(w) + 1 for w in words]
    pauses = [_PAUSES.get(w[-1], 0) if k + 1 < len(words) else 0 for k, w in enumerate(words)]
    scale = duration / float(sum(spoken) + sum(pauses))
    out, t = [], 0.0
    for w, n, pause in zip(words, spoken, pauses):
        out.append(WordTiming(word=w, start=round(t, 4), end=round(min(t + n * scale, duration), 4)))
        t += (n + pause) * scale
    return out
