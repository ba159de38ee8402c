"""The silent engine: timed silence from a words-per-minute estimate, for fast drafts."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .base import Speech, SpeechEngine, estimate_word_timings


class SilentEngine(SpeechEngine):
    """Silence as long as ``text`` would take to say at ``wpm`` words a minute."""

    name = "silent"
    audible = False

    def __init__(self, wpm: float = 160.0, sample_rate: int = 22050) -> None:
        if wpm <= 0:
            raise ValueError("wpm must be positive")
        self.wpm = float(wpm)
        self.sample_rate = int(sample_rate)

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return {**super().identity(lang, voice), "wpm": self.wpm, "rate": self.sample_rate}

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        n_words = len(text.split())
        duration = 60.0 * n_words / self.wpm
        samples = np.zeros(int(round(duration * self.sample_rate)), dtype=np.int16)
        return Speech(samples, self.sample_rate, estimate_word_timings(text, duration))
