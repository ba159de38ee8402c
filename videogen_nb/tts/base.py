"""The one interface every speech engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from ..models import WordTiming


@dataclass
class Speech:
    """Spoken audio for one text: mono int16 samples, their rate, and word timings."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTiming] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    def __repr__(self) -> str:
        return f"<Speech {self.duration:.2f} s at {self.sample_rate} Hz, {len(self.words)} timed words>"


class SpeechEngine(ABC):
    """A text-to-speech backend: ``synthesize(text, lang, voice) -> Speech``.

    Subclasses set ``name`` and say whether calls may run in parallel threads
    (``thread_safe``); the audio stage serialises calls of engines that are not.
    """

    name: str = "engine"
    thread_safe: bool = True
    default_lang: str = "en"

    @abstractmethod
    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        """Speak ``text`` and return its samples and word timings."""

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        """Everything besides the text that changes the sound; keys the audio cache."""
        return {"engine": self.name, "lang": lang or self.default_lang, "voice": voice or ""}

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        """A human-readable name of the voice used for ``lang``/``voice``."""
        return voice or lang or self.default_lang

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def even_word_timings(text: str, duration: float) -> list[WordTiming]:
    """Spread the words of ``text`` over ``duration`` in proportion to their length.

    For engines that give no word events; good enough to place subtitle cues.
    """
    words = text.split()
    if not words or duration <= 0:
        return []
    weights = [len(w) + 1 for w in words]
    total = float(sum(weights))
    out, t = [], 0.0
    for w, k in zip(words, weights):
        d = duration * k / total
        out.append(WordTiming(word=w, start=round(t, 4), end=round(t + d, 4)))
        t += d
    return out
