"""Speech engines behind one interface; pick one by name or pass your own object.

Each engine is its own module over :class:`SpeechEngine`; engines are found
by name in a registry that plug-ins join through the entry-point group
``videogen_nb.engines`` (see :mod:`videogen_nb.tts.registry`).
"""

from __future__ import annotations

from .base import EngineOptions, Speech, SpeechEngine, estimate_word_timings
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .kokoro_ja import KokoroJaEngine
from .registry import (
    ENTRY_POINT_GROUP,
    engine_factory,
    engine_names,
    engine_options,
    get_engine,
    is_registered,
    register_engine,
)
from .silent import SilentEngine

for _engine in (EspeakEngine, GttsEngine, SilentEngine, KokoroJaEngine):
    register_engine(_engine.name, _engine)

__all__ = [
    "ENTRY_POINT_GROUP",
    "EngineOptions",
    "EspeakEngine",
    "GttsEngine",
    "KokoroJaEngine",
    "SilentEngine",
    "Speech",
    "SpeechEngine",
    "engine_factory",
    "engine_names",
    "engine_options",
    "estimate_word_timings",
    "get_engine",
    "is_registered",
    "register_engine",
]
