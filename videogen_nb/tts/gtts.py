"""Online speech with gTTS (Google Translate's voice): natural, many languages, needs the internet.

gTTS sends one HTTP request per piece of at most 100 characters and never
retries. Here the text is cut into such pieces at sentence and clause ends,
each piece is fetched with retries and back-off, and each piece's MP3 is
decoded on its own, so its length is known: words are timed within the
piece they belong to, not guessed over the whole scene.
"""

from __future__ import annotations

import io
import random
import re
import time
from functools import lru_cache
from typing import Any, Optional

import numpy as np
from pydantic import Field

from ..audio_io import decode_audio_bytes
from ..errors import SpeechError, UnknownVoiceError
from ..models import WordTiming
from .base import EngineOptions, Speech, SpeechEngine, estimate_word_timings

MAX_PIECE = 100  # characters gTTS sends in one request
SAMPLE_RATE = 24000  # what Google's MP3s carry; decoding keeps it
# HTTP answers that will not change if asked again (bad token, unsupported tld ...)
_FINAL_STATUS = range(400, 500)
_RETRY_STATUS = {408, 425, 429}
_CLAUSE_END = re.compile(r"(?<=[.!?;:,。！？；：，、])\s+")


@lru_cache(maxsize=1)
def gtts_languages() -> dict[str, str]:
    """Language codes gTTS speaks and their English names (gTTS's own offline list)."""
    from gtts.lang import tts_langs

    return dict(tts_langs())


@lru_cache(maxsize=1)
def gtts_accents() -> tuple[str, ...]:
    """Google domains (``tld``) known to give a local accent, e.g. ``co.uk``, ``com.au``."""
    from gtts.accents import accents

    return tuple(accents)


def split_for_requests(text: str, limit: int = MAX_PIECE) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters at clause ends, then at spaces.

    Clauses are joined while they fit, so a scene costs as few requests as it can.
    """
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(" ".join(text.split())):
        for part in _split_long(clause, limit):
            if pieces and len(pieces[-1]) + 1 + len(part) <= limit:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
    return [p for p in pieces if p.strip()]


def _split_long(clause: str, limit: int) -> list[str]:
    """A clause longer than ``limit`` split at spaces; a word longer than it (a URL, CJK) by characters."""
    out: list[str] = []
    for word in clause.split(" "):
        chunks = [word[i : i + limit] for i in range(0, len(word), limit)] or [""]
        for chunk in chunks:
            if out and len(out[-1]) + 1 + len(chunk) <= limit:
                out[-1] += " " + chunk
            else:
                out.append(chunk)
    return out


def _voiced(samples: np.ndarray) -> tuple[int, int]:
    """First and last sample louder than 5% of the peak: where the words of a piece are."""
    if len(samples) == 0:
        return 0, 0
    level = np.abs(samples.astype(np.int32))
    loud = np.flatnonzero(level > 0.05 * max(int(level.max()), 1))
    return (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (0, len(samples))


class GttsOptions(EngineOptions):
    tld: str = Field("com", description="the Google domain whose accent to use, e.g. co.uk, com.au")
    slow: bool = Field(False, description="speak slowly")
    retries: int = Field(3, ge=0, le=20, description="times to ask again after a network failure")
    backoff: float = Field(1.0, ge=0, le=60, description="seconds before the first retry (doubling after)")
    timeout: float = Field(15.0, gt=0, le=300, description="seconds to wait for each answer")


class GttsEngine(SpeechEngine):
    """Google Translate's voice through gTTS: ``lang``, accent by ``tld``, ``slow`` speech.

    Network failures (no connection, HTTP 429, timeouts) are retried
    ``retries`` times with exponential back-off from ``backoff`` seconds, then
    raise SpeechError. ``voice`` picks the accent too: a Google domain such as
    ``"co.uk"``.
    """

    name = "gtts"
    thread_safe = True
    concurrency = 8  # requests mostly wait on the network: more threads than cores pay off
    Options = GttsOptions

    def __init__(
        self, tld: str = "com", slow: bool = False, retries: int = 3, backoff: float = 1.0, timeout: float = 15.0
    ) -> None:
        opts = GttsOptions.parse(
            self.name, {"tld": tld, "slow": slow, "retries": retries, "backoff": backoff, "timeout": timeout}
        )
        self.tld = self.resolve_tld(opts.tld)
        self.slow = opts.slow
        self.retries = opts.retries
        self.backoff = opts.backoff
        self.timeout = opts.timeout

    def __repr__(self) -> str:
        return f"<GttsEngine 'gtts' translate.google.{self.tld}{', slow' if self.slow else ''}, {self.retries} retries>"

    # --- languages and accents ----------------------------------------------------------

    def resolve_lang(self, lang: Optional[str]) -> str:
        """gTTS's code for ``lang`` (``en-US`` -> ``en``); UnknownVoiceError lists the languages."""
        wanted = (lang or self.default_lang).strip().replace("_", "-")
        known = {code.lower(): code for code in gtts_languages()}
        for candidate in (wanted.lower(), wanted.split("-")[0].lower()):
            if candidate in known:
                return known[candidate]
        listing = ", ".join(f"{code} ({name})" for code, name in sorted(gtts_languages().items()))
        raise UnknownVoiceError(
            f"gtts has no language {wanted!r}. Available languages: {listing}. "
            "Set `lang:` in the front matter or pass lang=... with one of these."
        )

    def resolve_tld(self, voice: Optional[str]) -> str:
        """The Google domain of an accent (``"co.uk"``); UnknownVoiceError lists the known ones."""
        tld = (voice or self.tld).strip().lower().removeprefix("translate.google.").lstrip(".")
        if tld in gtts_accents():
            return tld
        raise UnknownVoiceError(
            f"gtts has no accent {voice!r}: its voices are Google domains. "
            f"Available: {', '.join(gtts_accents())}."
        )

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        return {
            "engine": self.name,
            "lang": self.resolve_lang(lang),
            "tld": self.resolve_tld(voice),
            "slow": self.slow,
        }

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        code = self.resolve_lang(lang)
        return f"{code} ({gtts_languages()[code]}) from translate.google.{self.resolve_tld(voice)}"

    # --- speaking ----------------------------------------------------------------------

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        code, tld = self.resolve_lang(lang), self.resolve_tld(voice)
        chunks: list[np.ndarray] = []
        words: list[WordTiming] = []
        offset = 0
        for piece in split_for_requests(text):
            mp3 = self._fetch(piece, code, tld)
            try:
                samples = decode_audio_bytes(mp3, SAMPLE_RATE, "MP3 gtts received")
            except ValueError as exc:
                raise SpeechError(f"gtts: {exc}") from exc
            if len(samples) == 0:
                raise SpeechError(f"gtts received no audio for {piece[:40]!r}")
            first, last = _voiced(samples)
            t0 = (offset + first) / SAMPLE_RATE
            words.extend(
                WordTiming(word=w.word, start=round(t0 + w.start, 4), end=round(t0 + w.end, 4))
                for w in estimate_word_timings(piece, (last - first) / SAMPLE_RATE)
            )
            chunks.append(samples)
            offset += len(samples)
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return Speech(samples, SAMPLE_RATE, words, timing="estimated")  # spread over each piece's voiced span

    def _fetch(self, piece: str, lang: str, tld: str) -> bytes:
        """One piece's MP3, asking again with growing pauses while the failure may pass."""
        from gtts import gTTS, gTTSError
        from requests import RequestException

        attempt = 0
        while True:
            attempt += 1
            try:
                buf = io.BytesIO()
                # keywords: tld is gTTS's second positional argument
                gTTS(piece, tld=tld, lang=lang, slow=self.slow, lang_check=False, timeout=self.timeout).write_to_fp(buf)
                if buf.tell() == 0:
                    raise gTTSError("the TTS API answered without audio")
                return buf.getvalue()
            except (gTTSError, RequestException) as exc:
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                final = status in _FINAL_STATUS and status not in _RETRY_STATUS
                if final or attempt > self.retries:
                    tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                    advice = (
                        "Google refused the request: update gTTS (pip install -U gTTS)"
                        if final
                        else "gtts needs the internet: check the connection, wait a while if Google limits "
                        "requests (HTTP 429)"
                    )
                    raise SpeechError(
                        f"gtts failed at translate.google.{tld} after {tries} ({exc}). {advice}, "
                        "or pass fallback='espeak' (CLI: --fallback espeak) to speak such scenes offline"
                    ) from exc
                # exponential back-off with jitter, so parallel scenes do not retry in lockstep
                time.sleep(self.backoff * 2 ** (attempt - 1) * (1 + 0.25 * random.random()))
