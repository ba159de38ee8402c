"""Even loudness: every clip set to one integrated loudness (ITU-R BS.1770, pyloudnorm) under a true-peak ceiling.

Done once, when a clip is made; cached clips are stored normalised.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

DEFAULT_TARGET = -16.0  # LUFS integrated: the usual level for spoken web video and podcasts
DEFAULT_CEILING = -1.5  # dBTP: room for lossy encoders, which add peaks
GATE_BLOCK = 0.4  # seconds: BS.1770's gating block
_OVERSAMPLE = 4  # BS.1770 measures true peak at 4x the sample rate (at 22-48 kHz)


def _as_float(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return samples.astype(np.float64) / 32768.0
    return np.asarray(samples, dtype=np.float64)


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> Optional[float]:
    """Integrated loudness in LUFS of mono or (n, channels) audio; None for silence.

    A clip shorter than one 0.4 s gating block is measured as one block of its
    own length, the nearest meaningful figure (BS.1770 itself needs 0.4 s).
    """
    import pyloudnorm

    data = _as_float(samples)
    n = data.shape[0]
    if n < max(1, int(0.01 * sample_rate)) or not np.any(data):
        return None
    block = min(GATE_BLOCK, n / sample_rate)
    value = float(pyloudnorm.Meter(sample_rate, block_size=block).integrated_loudness(data))
    return value if np.isfinite(value) else None


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per input sample, the largest magnitude of the 4x oversampled signal around it (true peak)."""
    from scipy.signal import resample_poly

    up = np.abs(resample_poly(x, _OVERSAMPLE, 1))[: len(x) * _OVERSAMPLE]
    up = np.pad(up, (0, len(x) * _OVERSAMPLE - len(up)))
    return np.maximum(up.reshape(len(x), _OVERSAMPLE).max(axis=1), np.abs(x))


def true_peak_db(samples: np.ndarray) -> float:
    """True peak in dBTP (4x oversampled); -inf for silence."""
    env = _peak_envelope(_as_float(samples))
    peak = float(env.max()) if len(env) else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def _limiter_gain(envelope: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
    """Per-sample gain that brings every true peak of ``envelope`` under ``ceiling``: 5 ms look-ahead, no clipping."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    if envelope.max() <= ceiling:
        return np.ones_like(envelope)
    need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    width = 2 * max(1, int(0.005 * sample_rate)) + 1
    # the minimum over a window, averaged over the same window, is at most ``need`` at every peak
    gain = uniform_filter1d(minimum_filter1d(need, width, mode="nearest"), width, mode="nearest")
    return np.minimum(gain, need)


def normalize_loudness(
    samples: np.ndarray, sample_rate: int, target: float = DEFAULT_TARGET, ceiling_db: float = DEFAULT_CEILING
) -> tuple[np.ndarray, Optional[float]]:
    """``samples`` at ``target`` LUFS with true peaks under ``ceiling_db`` dBTP, as int16; and its loudness.

    Silence is returned as it is (loudness None). Limiting takes loudness
    away, so the gain is found by a few secant steps on the limited result.
    """
    x = _as_float(samples)
    measured = integrated_loudness(x, sample_rate)
    if measured is None:
        return np.asarray(samples, dtype=np.int16), None
    ceiling = 10 ** (ceiling_db / 20)
    envelope = _peak_envelope(x)  # the true peaks scale with the gain: oversample once

    def attempt(gain_db: float) -> tuple[np.ndarray, float]:
        g = 10 ** (gain_db / 20)
        y = x * g * _limiter_gain(envelope * g, sample_rate, ceiling)
        return y, integrated_loudness(y, sample_rate) or float("-inf")

    g0 = target - measured
    y, level0 = attempt(g0)
    g1 = g0 + (target - level0)
    for _ in range(6):
        if abs(level0 - target) < 0.05:
            break
        y, level1 = attempt(g1)
        slope = (level1 - level0) / (g1 - g0) if g1 != g0 else 1.0
        # loudness grows with gain, never faster than the gain itself: keep the slope in (0.05, 1]
        g0, level0, g1 = g1, level1, g1 + (target - level1) / min(1.0, max(slope, 0.05))
    out = np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16)
    return out, level0
