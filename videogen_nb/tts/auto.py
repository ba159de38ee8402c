"""The default engine, ``auto``: Piper's natural voice where it has one for the language, Kokoro for Japanese
where the ``ja`` extra is installed, espeak otherwise.

The choice depends on what is installed (the ``voice`` extra, downloaded
voices) and on the language, which is known only once the document is read;
so ``auto`` chooses when a stage asks (:meth:`AutoEngine.resolve`), and the
audio stage records the engine it chose in the timing report, the metadata
and the status table. The same machine makes the same choice on resume;
where it would choose differently (the extra removed), the audio's cache keys
change, so every scene is spoken again by the new choice, never a mix.
"""

from __future__ import annotations

import threading
from typing import Any, Mapping, Optional

from ..errors import UnknownVoiceError
from .base import EngineOptions, Speech, SpeechEngine
from .espeak import EspeakEngine
from .kokoro_ja import KokoroJaEngine, kokoro_installed
from .piper import PiperEngine, piper_installed
from .piper_voices import find_voice


class AutoOptions(EngineOptions):
    """None: ``auto`` picks piper or espeak, whose options differ (a rate in words a minute, or against the voice's)."""

    @classmethod
    def parse(cls, engine: str, options: Mapping[str, Any]) -> "AutoOptions":
        if options:
            given = ", ".join(sorted(options))
            raise ValueError(
                f"speech engine {engine!r} takes no options ({given}): it picks piper or espeak by language, and "
                f"their options differ; to set {given}, name the engine: tts='piper' or tts='espeak'"
            )
        return cls()


class AutoEngine(SpeechEngine):
    """Piper where an installed voice speaks the language (or is the voice asked for), Kokoro for Japanese where it
    is installed (espeak cannot read kanji), else espeak."""

    name = "auto"
    Options = AutoOptions

    def __init__(self) -> None:
        self._engines: dict[str, SpeechEngine] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "<AutoEngine 'auto': piper where it has a voice for the language, kokoro-ja for Japanese, else espeak>"

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the engines it made are remade where it is unpickled (a process pool, a Dask worker)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def choice(self, lang: Optional[str], voice: Optional[str]) -> str:
        """The name of the engine that speaks ``lang``/``voice``: ``piper``, ``kokoro-ja`` or ``espeak``."""
        if piper_installed():
            try:
                find_voice(voice, lang)  # a Piper voice by name or path, else one for the language
                return "piper"
            except UnknownVoiceError:
                pass  # an espeak voice (``en-gb``) or a language no installed Piper voice speaks
        if (lang or "").lower().replace("_", "-").split("-")[0] == "ja" and kokoro_installed():
            return "kokoro-ja"
        return "espeak"

    def resolve(self, lang: Optional[str], voice: Optional[str]) -> SpeechEngine:
        name = self.choice(lang, voice)
        with self._lock:
            if name not in self._engines:
                self._engines[name] = {"piper": PiperEngine, "kokoro-ja": KokoroJaEngine}.get(name, EspeakEngine)()
            return self._engines[name]

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return self.resolve(lang, voice).identity(lang, voice)

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        engine = self.resolve(lang, voice)
        return f"{engine.name} {engine.describe_voice(lang, voice)}"

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        return self.resolve(lang, voice).synthesize(text, lang, voice)
