"""Even loudness: every scene of the finished video measures the target, however loud the engine spoke it."""

from __future__ import annotations

import subprocess

import numpy as np
import pyloudnorm
import pytest

from conftest import SMALL
from videogen_nb import Pipeline
from videogen_nb.audio_io import read_wav
from videogen_nb.loudness import true_peak_db
from videogen_nb.ffmpeg import ffmpeg_exe
from videogen_nb.tts import EspeakEngine, Speech

GAINS = {"whisper": 0.03, "shout": 1.0}


class UnevenEngine(EspeakEngine):
    """espeak at a gain chosen by the text: some scenes whispered, some shouted (clipping included)."""

    name = "uneven"

    def synthesize(self, text, lang=None, voice=None):
        s = super().synthesize(text, lang, voice)
        gain = next((g for word, g in GAINS.items() if word in text), 0.3)
        loud = np.clip(s.samples.astype(np.float64) * gain * (4 if gain == 1.0 else 1), -32768, 32767)
        return Speech(loud.astype(np.int16), s.sample_rate, s.words)


@pytest.fixture
def uneven_doc(write_doc):
    return write_doc(
        "uneven.md",
        """
        # Loud and Quiet

        ## Quiet

        This scene is a whisper, far below the others.

        ## Loud

        This scene is a shout, clipped and far too loud.

        ## Short

        Hi.
        """,
    )


def video_audio(video, rate=48000) -> np.ndarray:
    """The finished video's sound as stored (the narration track is mono, as BS.1770 measures it)."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:a:0", "-ar", str(rate), "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0


def probe_channels(video) -> int:
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(video)], capture_output=True, text=True).stderr
    return 1 if ", mono," in err else 2 if ", stereo," in err else 0


def measure(samples: np.ndarray, rate: int) -> float:
    block = min(0.4, len(samples) / rate)  # a clip shorter than one gating block is one block
    return pyloudnorm.Meter(rate, block_size=block).integrated_loudness(samples)


def test_every_scene_of_the_video_is_within_1_lu_of_the_target(uneven_doc, tmp_path):
    engine = UnevenEngine()
    raw = [engine.synthesize(t) for t in ("a whisper here", "a shout here")]
    raw_levels = [measure(s.samples / 32768.0, s.sample_rate) for s in raw]
    assert raw_levels[1] - raw_levels[0] > 25  # as the engine makes them, scenes are far apart

    p = Pipeline(uneven_doc, workdir=tmp_path / "w", tts=engine, resolution=SMALL, progress=None)
    p.run(until="script")
    p.edit(3, "Hi.")
    p.run()
    assert probe_channels(p.video_path) == 1
    audio = video_audio(p.video_path)
    scenes = p.ctx.timing_report.scenes
    assert scenes[3].audio_duration < 0.4  # shorter than one gating block of BS.1770
    for s in scenes:
        seg = audio[int(s.audio_start * 48000) : int((s.audio_start + s.audio_duration) * 48000)]
        level = measure(seg, 48000)
        assert level == pytest.approx(-16.0, abs=1.0), f"scene {s.index} measures {level:.2f} LUFS"
        assert s.loudness == pytest.approx(-16.0, abs=0.2)


def test_true_peaks_stay_under_the_ceiling(uneven_doc, tmp_path):
    p = Pipeline(uneven_doc, workdir=tmp_path / "w", tts=UnevenEngine(), resolution=SMALL, progress=None)
    p.run(until="audio")
    for s in p.ctx.timing_report.scenes:
        samples, _ = read_wav(s.audio_path)
        assert true_peak_db(samples) <= -1.4


def test_loudness_none_keeps_what_the_engine_made(uneven_doc, tmp_path):
    p = Pipeline(uneven_doc, workdir=tmp_path / "w", tts=UnevenEngine(), resolution=SMALL, progress=None, loudness=None)
    p.run(until="audio")
    levels = []
    for s in p.ctx.timing_report.scenes[1:3]:
        samples, rate = read_wav(s.audio_path)
        levels.append(measure(samples / 32768.0, rate))
        assert s.loudness is None
    assert levels[1] - levels[0] > 25
