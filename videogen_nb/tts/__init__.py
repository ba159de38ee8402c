"""Speech engines behind one interface; pick one by name or pass your own object."""

from __future__ import annotations

from typing import Callable, Union

from .base import Speech, SpeechEngine, even_word_timings
from .espeak import EspeakEngine
from .silent import SilentEngine

ENGINES: dict[str, Callable[[], SpeechEngine]] = {
    "espeak": EspeakEngine,
    "silent": SilentEngine,
}


def get_engine(engine: Union[str, SpeechEngine]) -> SpeechEngine:
    """An engine object from a name (``"espeak"``, ``"silent"``) or the object itself."""
    if isinstance(engine, SpeechEngine):
        return engine
    try:
        return ENGINES[engine]()
    except KeyError:
        raise ValueError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}") from None


__all__ = ["ENGINES", "EspeakEngine", "SilentEngine", "Speech", "SpeechEngine", "even_word_timings", "get_engine"]
