"""Offline speech with libespeak-ng from the ``espeakng-loader`` wheel, through ctypes.

No system package is needed: the wheel ships the library and its data. The
library keeps global state, so one synthesis runs at a time per process (a
lock); at ~250x real time that is no bottleneck.
"""

from __future__ import annotations

import ctypes
import os
import threading
from functools import lru_cache
from typing import Any, Optional

import numpy as np
from pydantic import Field

from ..errors import SpeechError, UnknownVoiceError
from ..models import WordTiming
from .base import EngineOptions, Speech, SpeechEngine

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
ESPEAK_RATE = 1

# espeak-ng's own names for common language codes where the bare code is not the usual voice
LANG_ALIASES = {"en": "en-us", "zh": "cmn", "pt": "pt-br"}


# languages espeak has a voice for but cannot read: it would spell them out letter by letter
CANNOT_READ = {
    "ja": "espeak cannot read Japanese: its 'ja' voice reads kana but says \"Chinese letter\" for every kanji. "
    "Speak Japanese with --tts gtts (online; tts='gtts' in Python) or, offline, install the kokoro-ja engine "
    "(pip install 'videogen_nb[ja]') and use --tts kokoro-ja",
}


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class _Espeak:
    """The process-wide libespeak-ng handle (initialised once per process)."""

    lock = threading.Lock()
    _instance: Optional["_Espeak"] = None
    _pid: Optional[int] = None

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise SpeechError("espeakng-loader is not installed: pip install espeakng-loader") from exc
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        data = espeakng_loader.get_data_path().encode()
        rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if rate <= 0:
            raise SpeechError(f"libespeak-ng failed to initialise with data at {data.decode()}")
        self.sample_rate = rate
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, int]] = []
        self._cb = _CALLBACK(self._on_audio)  # keep a reference: ctypes callbacks die with it
        self.lib.espeak_SetSynthCallback(self._cb)

    @classmethod
    def get(cls) -> "_Espeak":
        # a forked worker inherits the handle but not the library's threads: start afresh
        if cls._instance is None or cls._pid != os.getpid():
            cls._instance = cls()
            cls._pid = os.getpid()
        return cls._instance

    def _on_audio(self, wav, numsamples, events) -> int:
        if numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type == EVENT_WORD:
                self._events.append((e.text_position, e.length, e.audio_position))
            i += 1
        return 0

    def voices(self) -> list[tuple[int, str, str]]:
        """(priority, language, voice identifier) for every language of every voice the data holds."""
        out = []
        arr = self.lib.espeak_ListVoices(None)
        i = 0
        while arr[i]:
            v = arr[i].contents
            ident = (v.identifier or b"").decode("utf-8", "replace")
            # languages: repeated (priority byte, NUL-terminated name), ending with a zero byte
            p = v.languages
            while p and ctypes.c_ubyte.from_address(p).value != 0:
                priority = ctypes.c_ubyte.from_address(p).value
                lang = ctypes.string_at(p + 1).decode("utf-8", "replace")
                out.append((priority, lang, ident))
                p += 2 + len(lang.encode())
            i += 1
        return out

    def speak(self, text: str, voice: str, rate: int) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise UnknownVoiceError(f"espeak has no voice {voice!r}")
        self.lib.espeak_SetParameter(ESPEAK_RATE, int(rate), 0)
        self._chunks, self._events = [], []
        data = text.encode("utf-8")
        err = self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        if err != 0:
            raise SpeechError(f"espeak_Synth failed with code {err}")
        samples = np.frombuffer(b"".join(self._chunks), dtype="<i2").astype(np.int16)
        return samples, list(self._events)


@lru_cache(maxsize=1)
def espeak_voices() -> dict[str, str]:
    """Map every language code espeak speaks (and every voice identifier) to the voice that speaks it best.

    Values are voice identifiers such as ``gmw/en``: ``espeak_SetVoiceByName``
    accepts those, not every language code (``en-gb`` is a language of ``gmw/en``).
    """
    with _Espeak.lock:
        entries = _Espeak.get().voices()
    best: dict[str, tuple[int, str]] = {}
    for priority, lang, ident in entries:
        key = lang.lower()
        if key not in best or priority < best[key][0]:  # espeak: a lower number is a better match
            best[key] = (priority, ident)
    voices = {lang: ident for lang, (_, ident) in best.items()}
    voices.update({ident.lower(): ident for _, _, ident in entries})
    return voices


class EspeakOptions(EngineOptions):
    rate: int = Field(165, ge=80, le=450, description="speaking rate in words a minute")


class EspeakEngine(SpeechEngine):
    """espeak-ng: offline, many languages, word timings from its word events."""

    name = "espeak"
    thread_safe = False
    Options = EspeakOptions

    def __init__(self, rate: int = 165) -> None:
        self.rate = EspeakOptions.parse(self.name, {"rate": rate}).rate

    def resolve_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        """The espeak voice for ``voice`` or ``lang``; UnknownVoiceError lists what exists."""
        wanted = (voice or lang or self.default_lang).strip().lower().replace("_", "-")
        if wanted.split("-")[0] in CANNOT_READ:
            raise UnknownVoiceError(CANNOT_READ[wanted.split("-")[0]])
        known = espeak_voices()
        for candidate in (LANG_ALIASES.get(wanted, ""), wanted, wanted.split("-")[0]):
            if candidate and candidate in known:
                return candidate
        available = ", ".join(sorted(k for k in known if "/" not in k))
        raise UnknownVoiceError(
            f"espeak has no voice for {wanted!r}. Available languages: {available}. "
            "Set `lang:` in the front matter or pass lang=... with one of these."
        )

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return {"engine": self.name, "voice": self.resolve_voice(lang, voice), "rate": self.rate}

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        return self.resolve_voice(lang, voice)

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        name = espeak_voices()[self.resolve_voice(lang, voice)]
        with _Espeak.lock:
            es = _Espeak.get()
            samples, events = es.speak(text, name, self.rate)
            rate = es.sample_rate
        duration = len(samples) / rate
        words: list[WordTiming] = []
        for k, (pos, length, ms) in enumerate(events):
            word = text[pos - 1 : pos - 1 + length].strip()
            if not word:
                continue
            end = events[k + 1][2] / 1000.0 if k + 1 < len(events) else duration
            start = ms / 1000.0
            words.append(WordTiming(word=word, start=start, end=max(start, min(end, duration))))
        return Speech(samples, rate, words)
