"""The narration track: every scene's speech placed on the frame-exact timeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..audio_io import read_wav, resample, write_wav
from ..models import TimingReport


def build_soundtrack(report: TimingReport, out: Path) -> Path:
    """Write one WAV as long as the video, each scene's speech at its ``audio_start``.

    The silence before and after each scene's speech is the same pad the picture
    holds, so the sound can never run ahead of its slide.
    """
    rate = report.sample_rate
    total = int(round(report.total_frames / report.fps * rate))
    track = np.zeros(total, dtype=np.int16)
    for scene in report.scenes:
        samples, sr = read_wav(scene.audio_path)
        samples = resample(samples, sr, rate)
        start = int(round(scene.audio_start * rate))
        # never let speech spill into the next scene, even by a rounding sample
        limit = int(round(scene.end * rate))
        n = max(0, min(len(samples), limit - start, total - start))
        track[start : start + n] = samples[:n]
    write_wav(out, track, rate)
    return out
