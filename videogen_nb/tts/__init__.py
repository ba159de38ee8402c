"""Speech engines behind one interface; pick one by name or pass your own object.

Each engine is its own module over :class:`SpeechEngine`; engines are found
by name in a registry that plug-ins join through the entry-point group
``videogen_nb.engines`` (see :mod:`videogen_nb.tts.registry`). ``auto``, the
default, picks ``piper``'s natural voice where one is installed for the
language, else ``espeak``.
"""

from __future__ import annotations

from .auto import AutoEngine
from .base import EngineOptions, Speech, SpeechEngine, estimate_word_timings
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .kokoro_ja import KokoroJaEngine
from .piper import PiperEngine, piper_installed
from .piper_voices import installed_voices, voice_folders
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

# piper and kokoro-ja are registered even without their extras: asking for one then says how to install it
for _engine in (AutoEngine, EspeakEngine, PiperEngine, GttsEngine, SilentEngine, KokoroJaEngine):
    register_engine(_engine.name, _engine)

__all__ = [
    "ENTRY_POINT_GROUP",
    "AutoEngine",
    "EngineOptions",
    "EspeakEngine",
    "GttsEngine",
    "KokoroJaEngine",
    "PiperEngine",
    "SilentEngine",
    "Speech",
    "SpeechEngine",
    "engine_factory",
    "engine_names",
    "engine_options",
    "estimate_word_timings",
    "get_engine",
    "installed_voices",
    "is_registered",
    "piper_installed",
    "register_engine",
    "voice_folders",
]
