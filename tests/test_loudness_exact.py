"""The fast loudness normalisation makes what the straightforward one made: the same samples, loudness and peaks.

``reference_normalize`` is the computation as it was first written (the true
peaks of every sample oversampled, every secant step measured again); the
package now oversamples only where a peak could reach the ceiling and skips
measures it can predict. The clips are speech at several levels and signals
made to be hard for a true-peak shortcut.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from videogen_nb.loudness import (
    _limiter_gain,
    _secant_search,
    integrated_loudness,
    normalize_loudness,
    true_peak_db,
)
from videogen_nb.tts import EspeakEngine

RATE = 22050


def reference_loudness(x: np.ndarray, rate: int) -> Optional[float]:
    n = len(x)
    if n < max(1, int(0.01 * rate)) or not np.any(x):
        return None
    value = float(pyloudnorm.Meter(rate, block_size=min(0.4, n / rate)).integrated_loudness(x))
    return value if np.isfinite(value) else None


def reference_normalize(samples: np.ndarray, rate: int, target: float = -16.0, ceiling_db: float = -1.5):
    """The first implementation: every sample's 4x oversampled peak handed to the limiter, every step of the
    gain search measured."""
    x = samples.astype(np.float64) / 32768.0
    measured = reference_loudness(x, rate)
    if measured is None:
        return samples, None
    up = np.abs(resample_poly(x, 4, 1))[: len(x) * 4]
    up = np.pad(up, (0, len(x) * 4 - len(up)))
    envelope = np.maximum(up.reshape(len(x), 4).max(axis=1), np.abs(x))
    ceiling = 10 ** (ceiling_db / 20)

    def attempt(gain_db):
        g = 10 ** (gain_db / 20)
        y = x * g * _limiter_gain(envelope * g, rate, ceiling)  # given every sample's peak
        return y, reference_loudness(y, rate) or float("-inf")

    y, level = _secant_search(attempt, target - measured, target)  # the search itself is unchanged
    return np.clip(np.round(y * 32768.0), -32768, 32767).astype(np.int16), level


def as_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    s = EspeakEngine().synthesize("Loudness is measured in blocks. Peaks between the samples count too, said the meter.")
    assert s.sample_rate == RATE
    return s.samples


def clips(speech: np.ndarray) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    t = np.arange(RATE) / RATE
    spiky = np.zeros(RATE)
    spiky[::997] = 0.9  # lone clicks: the oversampled peak lies beside each one
    return {
        "whisper": (speech * 0.03).astype(np.int16),
        "speech": speech,
        "shout, clipped": np.clip(speech.astype(np.int32) * 4, -32768, 32767).astype(np.int16),
        "short": speech[: RATE // 5],
        "clipped noise": as_int16(np.clip(rng.standard_normal(RATE) * 0.8, -1, 1)),
        "near Nyquist": as_int16(0.99 * np.sin(2 * np.pi * 0.49 * RATE * t + 0.3)),
        "clicks": as_int16(spiky),
    }


@pytest.mark.parametrize("target", [-16.0, -23.0, -10.0])
def test_the_same_clips_as_the_straightforward_computation(speech, target):
    for name, samples in clips(speech).items():
        expected, expected_level = reference_normalize(samples, RATE, target)
        out, level = normalize_loudness(samples, RATE, target)
        assert level == pytest.approx(expected_level, abs=1e-9), name
        assert np.array_equal(out, expected), f"{name}: {np.count_nonzero(out != expected)} samples differ"
        # what a listener gets: the same loudness and true peak
        assert integrated_loudness(out, RATE) == pytest.approx(integrated_loudness(expected, RATE), abs=0.05), name
        assert true_peak_db(out) == pytest.approx(true_peak_db(expected), abs=0.05), name


def measures(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = pyloudnorm.Meter.integrated_loudness

    def counted(self, data):
        calls.append(len(data))
        return original(self, data)

    monkeypatch.setattr(pyloudnorm.Meter, "integrated_loudness", counted)
    return calls


def test_a_gain_the_limiter_leaves_alone_is_not_measured_again(speech, monkeypatch):
    calls = measures(monkeypatch)
    out, level = normalize_loudness(speech, RATE, -23.0)  # quiet enough that no peak nears the ceiling
    assert len(calls) == 1
    assert level == pytest.approx(integrated_loudness(out, RATE), abs=0.01)
    assert level == pytest.approx(-23.0, abs=0.05)


def test_a_gain_that_lifts_blocks_over_the_absolute_gate_is_measured(monkeypatch):
    # 2 s of tone at -60 LUFS, then 20 s at -71: only the first part passes BS.1770's -70 LUFS gate. Raised by
    # 2 dB the long quiet part passes too and the loudness falls by about 7 LU instead of rising by the 2 dB:
    # the first measure plus the gain would be wrong, and what is said must be what the clip measures
    tone = np.sin(2 * np.pi * 1000 * np.arange(22 * RATE) / RATE)
    parts = np.where(np.arange(len(tone)) < 2 * RATE, 10 ** (-60 / 20), 10 ** (-71 / 20)) * np.sqrt(2) * tone
    samples = as_int16(parts * 10 ** (0.691 / 20))
    first = integrated_loudness(samples, RATE)
    calls = measures(monkeypatch)
    out, level = normalize_loudness(samples, RATE, first + 2.0)
    assert len(calls) >= 2
    assert level == pytest.approx(integrated_loudness(out, RATE), abs=0.05)  # out is rounded to 16 bits
    expected, expected_level = reference_normalize(samples, RATE, first + 2.0)
    assert np.array_equal(out, expected) and level == pytest.approx(expected_level, abs=1e-9)


def test_speech_takes_fewer_oversampled_samples_than_it_has(speech, monkeypatch):
    import videogen_nb.loudness as loudness

    seen: list[int] = []
    original = loudness._peak_envelope

    def counted(x):
        seen.append(len(x))
        return original(x)

    monkeypatch.setattr(loudness, "_peak_envelope", counted)
    normalize_loudness(np.tile(speech, 4), RATE)
    assert 0 < sum(seen) < 0.5 * 4 * len(speech)


def test_the_bound_that_spares_oversampling_is_never_under_a_true_peak(speech):
    # the shortcut's whole safety: where the bound is under the ceiling no true peak can be over it. Random
    # signs at full scale are the worst case for peaks between samples (the bound is tight there)
    from videogen_nb.loudness import _peak_envelope, _TruePeaks

    rng = np.random.default_rng(3)
    signals = [np.sign(rng.standard_normal(20000)), rng.standard_normal(20000), speech / 32768.0]
    signals += [np.sign(np.sin(np.arange(20000) * f)) for f in (0.3, 1.1, 2.9)]
    for x in signals:
        x = x.astype(np.float64)
        assert np.all(_TruePeaks(x).bound >= _peak_envelope(x))
