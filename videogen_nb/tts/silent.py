"""The silent engine: timed silence from a words-per-minute estimate, for fast drafts."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from pydantic import Field

from .base import EngineOptions, Speech, SpeechEngine, estimate_word_timings


class SilentOptions(EngineOptions):
    rate: float = Field(160.0, gt=0, le=1000, description="words a minute the silence is timed for")
    sample_rate: int = Field(22050, ge=8000, le=96000, description="samples a second of the silence")


class SilentEngine(SpeechEngine):
    """Silence as long as ``text`` would take to say at ``rate`` words a minute."""

    name = "silent"
    audible = False
    Options = SilentOptions

    def __init__(self, rate: float = 160.0, sample_rate: int = 22050) -> None:
        opts = SilentOptions.parse(self.name, {"rate": rate, "sample_rate": sample_rate})
        self.rate = opts.rate
        self.sample_rate = opts.sample_rate

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return {**super().identity(lang, voice), "wpm": self.rate, "rate": self.sample_rate}

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        n_words = len(text.split())
        duration = 60.0 * n_words / self.rate
        samples = np.zeros(int(round(duration * self.sample_rate)), dtype=np.int16)
        return Speech(samples, self.sample_rate, estimate_word_timings(text, duration), timing="estimated")
