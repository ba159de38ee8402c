"""Speech engines behind one interface; pick one by name or pass your own object."""

from __future__ import annotations

from typing import Any, Callable, Union

from .base import Speech, SpeechEngine, estimate_word_timings
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .silent import SilentEngine

ENGINES: dict[str, Callable[..., SpeechEngine]] = {
    "espeak": EspeakEngine,
    "gtts": GttsEngine,
    "silent": SilentEngine,
}


def get_engine(engine: Union[str, SpeechEngine], **options: Any) -> SpeechEngine:
    """An engine object from a name (``"espeak"``, ``"gtts"``, ``"silent"``) and its options, or the object itself."""
    if isinstance(engine, SpeechEngine):
        if options:
            raise ValueError(f"tts_options {sorted(options)} apply to an engine chosen by name, not to {engine!r}")
        return engine
    try:
        factory = ENGINES[engine]
    except KeyError:
        raise ValueError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}") from None
    try:
        return factory(**options)
    except TypeError as exc:
        raise ValueError(f"speech engine {engine!r} does not take these options {sorted(options)}: {exc}") from None


__all__ = [
    "ENGINES",
    "EspeakEngine",
    "GttsEngine",
    "SilentEngine",
    "Speech",
    "SpeechEngine",
    "estimate_word_timings",
    "get_engine",
]
