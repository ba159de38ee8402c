"""Even loudness: every clip set to one integrated loudness (ITU-R BS.1770, pyloudnorm) under a true-peak ceiling.

Done once, when a clip is made; cached clips are stored normalised.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional

import numpy as np

DEFAULT_TARGET = -16.0  # LUFS integrated: the usual level for spoken web video and podcasts
DEFAULT_CEILING = -1.5  # dBTP: room for lossy encoders, which add peaks
GATE_BLOCK = 0.4  # seconds: BS.1770's gating block
_OVERSAMPLE = 4  # BS.1770 measures true peak at 4x the sample rate (at 22-48 kHz)
_ABSOLUTE_GATE = -70.0  # LUFS: BS.1770 leaves out blocks quieter than this
_DENSE = 8  # where more than one sample in this many needs its true peak, compute all of them
_HALF_TAPS = 10 * _OVERSAMPLE  # resample_poly's own low-pass: 10 zero crossings on each side
#: input samples on each side that an oversampled value depends on (11 for 4x), with one to spare
_REACH = _HALF_TAPS // _OVERSAMPLE + 2


def _as_float(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return samples.astype(np.float64) / 32768.0
    return np.asarray(samples, dtype=np.float64)


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> Optional[float]:
    """Integrated loudness in LUFS of mono or (n, channels) audio; None for silence.

    A clip shorter than one 0.4 s gating block is measured as one block of its
    own length, the nearest meaningful figure (BS.1770 itself needs 0.4 s).
    """
    return _measure(_as_float(samples), sample_rate)[0]


def _measure(data: np.ndarray, sample_rate: int) -> tuple[Optional[float], np.ndarray]:
    """:func:`integrated_loudness` of float ``data``, and the loudness of each gating block (pyloudnorm's own)."""
    import pyloudnorm

    n = data.shape[0]
    if n < max(1, int(0.01 * sample_rate)) or not np.any(data):
        return None, np.zeros(0)
    meter = pyloudnorm.Meter(sample_rate, block_size=min(GATE_BLOCK, n / sample_rate))
    value = float(meter.integrated_loudness(data))
    return (value if np.isfinite(value) else None), np.asarray(meter.blockwise_loudness, dtype=np.float64)


def _same_gating(blocks: np.ndarray, gain_db: float) -> bool:
    """Whether BS.1770 gates the same blocks after a gain: then the loudness moves by exactly the gain.

    The relative gate moves with the gain; only the absolute one (-70 LUFS) stays, so a block crossing it
    would change which blocks count.
    """
    return bool(np.array_equal(blocks >= _ABSOLUTE_GATE, blocks + gain_db >= _ABSOLUTE_GATE))


@lru_cache(maxsize=1)
def _oversampling_filter() -> tuple[np.ndarray, np.ndarray]:
    """The low-pass resample_poly designs for 4x (given to it explicitly, so the bound is of the filter it uses),
    and the weights of a bound on the envelope: at each offset from a sample, the largest magnitude with which
    the input there enters one of the sample's oversampled values (read off the response to an impulse)."""
    from scipy.signal import firwin, resample_poly

    taps = firwin(2 * _HALF_TAPS + 1, 1 / _OVERSAMPLE, window=("kaiser", 5.0))
    impulse = np.zeros(2 * _REACH + 1)
    impulse[_REACH] = 1.0
    response = np.abs(resample_poly(impulse, _OVERSAMPLE, 1, window=taps)).reshape(-1, _OVERSAMPLE).max(axis=1)
    weights = response[::-1].copy()  # the value at m takes the input at m + d with weight response[_REACH - d]
    weights[_REACH] = max(weights[_REACH], 1.0)  # the envelope is never under the sample itself
    return taps, weights * (1 + 1e-6)  # the margin covers rounding in the filter's sums and in the bound's


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per input sample, the largest magnitude of the 4x oversampled signal around it (true peak)."""
    from scipy.signal import resample_poly

    up = np.abs(resample_poly(x, _OVERSAMPLE, 1, window=_oversampling_filter()[0]))[: len(x) * _OVERSAMPLE]
    up = np.pad(up, (0, len(x) * _OVERSAMPLE - len(up)))
    return np.maximum(up.reshape(len(x), _OVERSAMPLE).max(axis=1), np.abs(x))


def _around(points: np.ndarray, reach: int, n: int) -> np.ndarray:
    """The sorted indices (below ``n``) of every sample within ``reach`` of one of the sorted ``points``."""
    if not len(points):
        return points
    starts, ends = np.maximum(points - reach, 0), np.minimum(points + reach + 1, n)
    first = np.flatnonzero(np.r_[True, starts[1:] > ends[:-1]])  # each stretch begins where the last one ended
    s, e = starts[first], np.r_[ends[first[1:] - 1], ends[-1]]
    lengths = e - s
    # the stretches in one array: steps of one, and a jump from each stretch's end to the next one's start
    steps = np.ones(int(lengths.sum()), dtype=np.intp)
    steps[0] = s[0]
    steps[np.cumsum(lengths)[:-1]] = s[1:] - e[:-1] + 1
    return np.cumsum(steps)


class _TruePeaks:
    """The :func:`_peak_envelope` of ``x``, computed only where it could exceed a level asked for.

    A bound that costs one short filter of the magnitudes (each sample's
    neighbours times the most they can add to its oversampled values) rules
    out most samples: at the level a limiter cares about, about one sample of
    speech in sixteen needs its true peak. Where it is computed it equals the
    full computation exactly: the filter reaches ``_REACH`` samples, and every
    stretch is computed with that much of its neighbourhood.
    """

    def __init__(self, x: np.ndarray) -> None:
        from scipy.ndimage import correlate1d

        self.x = x
        self.bound = correlate1d(np.abs(x), _oversampling_filter()[1], mode="constant")
        self.envelope = np.zeros_like(x)
        self.known = np.zeros(len(x), dtype=bool)
        self.complete = False

    def above(self, level: float) -> np.ndarray:
        """The envelope wherever it could exceed ``level``; elsewhere at most ``level`` (0 where not computed)."""
        if self.complete:
            return self.envelope
        where = np.flatnonzero(self.bound > level)
        todo = where[~self.known[where]]
        if len(todo) > len(self.x) // _DENSE:  # then one pass over the whole clip costs less than stretches of it
            self.envelope, self.complete = _peak_envelope(self.x), True
        elif len(todo):
            # the stretches laid end to end for one filter call: each value kept is a reach away from the joins
            near = _around(todo, _REACH, len(self.x))
            self.envelope[todo] = _peak_envelope(self.x[near])[np.searchsorted(near, todo)]
            self.known[todo] = True
        return self.envelope


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
    away, so the gain is found by a few secant steps on the limited result;
    a step the limiter leaves alone is not measured again: its loudness is the
    first measure plus the gain, when the same blocks pass the gate.
    """
    x = _as_float(samples)
    measured, blocks = _measure(x, sample_rate)
    if measured is None:
        return np.asarray(samples, dtype=np.int16), None
    ceiling = 10 ** (ceiling_db / 20)
    peaks = _TruePeaks(x)  # the true peaks scale with the gain: oversample once, where it matters

    def attempt(gain_db: float) -> tuple[np.ndarray, float]:
        g = 10 ** (gain_db / 20)
        # every true peak that times g could reach the ceiling (1e-9 covers the rounding of the product); the
        # others stay under it, where the limiter leaves the sound alone: it gives the same gain as for all peaks
        envelope = peaks.above(ceiling / g * (1 - 1e-9)) * g
        if envelope.max() <= ceiling:  # nothing to limit
            y = x * g
            if _same_gating(blocks, gain_db):
                return y, measured + gain_db
        else:
            y = x * g * _limiter_gain(envelope, sample_rate, ceiling)
        return y, _measure(y, sample_rate)[0] or float("-inf")

    y, level = _secant_search(attempt, target - measured, target)
    return np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16), level


def _secant_search(
    attempt: Callable[[float], tuple[np.ndarray, float]], gain_db: float, target: float
) -> tuple[np.ndarray, float]:
    """The last of a few secant steps from ``gain_db`` towards ``target``: ``attempt(gain)`` is (sound, loudness)."""
    g0 = gain_db
    y, level0 = attempt(g0)
    g1 = g0 + (target - level0)
    for _ in range(6):
        if abs(level0 - target) < 0.05:
            break
        y, level1 = attempt(g1)
        slope = (level1 - level0) / (g1 - g0) if g1 != g0 else 1.0
        # loudness grows with gain, never faster than the gain itself: keep the slope in (0.05, 1]
        g0, level0, g1 = g1, level1, g1 + (target - level1) / min(1.0, max(slope, 0.05))
    return y, level0
