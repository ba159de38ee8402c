"""WAV files: what the speech cache stores and the narration track reads."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np

from .ffmpeg import ffmpeg_exe


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono PCM WAV of ``samples`` (int16, or float in -1..1)."""
    if samples.dtype != np.int16:
        samples = np.clip(np.asarray(samples, dtype=np.float64) * 32767.0, -32768, 32767).astype(np.int16)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(samples.astype("<i2").tobytes())
    return buf.getvalue()


def wav_rate(path: Path) -> int:
    """The sample rate of a WAV file (its header only is read)."""
    with wave.open(str(path), "rb") as w:
        return w.getframerate()


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV as mono int16 samples and its sample rate."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
        rate = w.getframerate()
        channels = w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data.astype(np.int16, copy=False), rate


def decode_audio_bytes(data: bytes, sample_rate: int, what: str = "audio") -> np.ndarray:
    """Decode any audio ffmpeg reads (MP3, OGG ...) from memory to mono int16 at ``sample_rate``."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(int(sample_rate)), "pipe:1"],
        input=data, capture_output=True,
    )  # fmt: skip
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:])
        raise ValueError(f"ffmpeg cannot decode the {what}: {tail or 'exit code ' + str(proc.returncode)}")
    return np.frombuffer(proc.stdout, dtype="<i2").astype(np.int16)
