"""The narration track: AAC encoded one scene at a time, cached, and spliced.

Every scene lasts a whole number of AAC frames (see ``timeline.frame_quantum``)
and starts and ends in silence (the pads). An AAC encoder's first frame only
primes it; dropping it from every scene's packets and joining the rest gives a
track whose samples sit exactly where the timeline says, and whose joins fall
in silence, where the frames on either side decode to nothing audible. So a
scene's packets, once encoded, are reused as long as its sound is unchanged:
an edit re-encodes one scene, not the whole track.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from ..atomic import atomic_write_bytes, recorded_digest, temporary_sibling, write_recorded
from ..audio_io import read_wav, wav_rate
from ..errors import RenderError
from ..ffmpeg import ffmpeg_exe
from ..fingerprint import stable_hash
from ..models import TimingReport
from ..timeline import AAC_FRAME, AUDIO_RATE, chunked_audio
from .encode import EncoderSettings


@dataclass(frozen=True)
class Chunk:
    """One scene's share of the track: its length and where its speech starts, in samples."""

    index: int
    length: int
    offset: int
    clip: Path
    clip_hash: str

    def key(self, settings: EncoderSettings) -> str:
        return stable_hash("aac-chunk", self.length, self.offset, self.clip_hash, settings.audio_args())[:32]


def scene_chunks(report: TimingReport) -> list[Chunk]:
    """The chunks of every scene, at ``AUDIO_RATE``, laid end to end on the frame grid."""
    spf = Fraction(AUDIO_RATE, report.fps)
    chunks = []
    for s in report.scenes:
        start, end = s.start_frame * spf, s.end_frame * spf
        if start.denominator != 1 or end.denominator != 1:
            raise RenderError(f"scene {s.index + 1} does not start on a whole audio sample at {report.fps} fps")
        offset = int(round((s.audio_start - s.start) * AUDIO_RATE))
        chunks.append(Chunk(s.index, int(end - start), offset, Path(s.audio_path), s.audio_hash))
    return chunks


def audio_cutoff(report: TimingReport) -> int:
    """The highest frequency the narration's clips can hold, in whole kHz up (half their highest sample rate; at most
    20 kHz): what the AAC encoder needs to code (speech engines speak at 16-24 kHz, so nothing above 12 kHz)."""
    rates = []
    for s in report.scenes:
        try:
            rates.append(wav_rate(Path(s.audio_path)))
        except (OSError, EOFError, wave.Error):
            return 20000  # a clip that cannot be read says nothing: whatever it holds is coded (or its error told)
    half = max(rates, default=report.sample_rate) / 2
    return int(min(20000, -(-half // 1000) * 1000))


@lru_cache(maxsize=4)
def _ratio(rate: int) -> tuple[int, int]:
    f = Fraction(AUDIO_RATE, rate)
    return f.numerator, f.denominator


def chunk_pcm(chunk: Chunk) -> np.ndarray:
    """The chunk's samples: silence with the scene's speech at its offset (resampled with a polyphase filter)."""
    from scipy.signal import resample_poly

    samples, rate = read_wav(chunk.clip)
    speech = samples.astype(np.float32)
    if rate != AUDIO_RATE and len(speech):
        up, down = _ratio(rate)
        speech = resample_poly(speech, up, down).astype(np.float32)
    out = np.zeros(chunk.length, np.float32)
    n = max(0, min(len(speech), chunk.length - chunk.offset))
    out[chunk.offset : chunk.offset + n] = speech[:n]
    return np.clip(np.round(out), -32768, 32767).astype("<i2")


def adts_frames(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its frames (each carries its own length in the header)."""
    frames, i = [], 0
    while i + 7 <= len(data):
        if data[i] != 0xFF or (data[i + 1] & 0xF0) != 0xF0:
            raise RenderError("the AAC encoder wrote a damaged ADTS stream")
        length = ((data[i + 3] & 0x03) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
        frames.append(data[i : i + length])
        i += length
    return frames


def encode_pcm(pieces: Iterable[np.ndarray], total: int, settings: EncoderSettings) -> list[bytes]:
    """AAC frames of the PCM ``pieces`` (mono, ``AUDIO_RATE``, ``total`` samples in all), priming frame dropped.

    Frame k holds samples [1024k, 1024(k+1)). The pieces are streamed to the
    encoder one at a time, so memory does not grow with the length of the video.
    """
    proc = subprocess.Popen(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", str(AUDIO_RATE),
         "-ac", "1", "-i", "pipe:0", *settings.audio_args(), "-f", "adts", "pipe:1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    failure: list[BaseException] = []

    def feed() -> None:
        try:
            for pcm in pieces:
                proc.stdin.write(pcm.tobytes())
        except BaseException as exc:  # BrokenPipe when ffmpeg fails: its stderr says why
            failure.append(exc)
        finally:
            proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = proc.stdout.read()  # the AAC itself is small: ~12 KB a second
    writer.join()
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0 or failure:
        if failure and not isinstance(failure[0], BrokenPipeError):
            raise failure[0]
        raise RenderError(f"ffmpeg failed while encoding the narration: {err[-300:]}")
    frames = adts_frames(out)
    expected = -(-total // AAC_FRAME) + 1
    if len(frames) != expected:
        raise RenderError(f"the AAC encoder gave {len(frames)} frames for {total} samples, not {expected}")
    return frames[1:]


@dataclass(frozen=True)
class NarrationPlan:
    """What a build of the track has to do: the encoder's cutoff (Hz) and the scenes whose chunk it encodes."""

    cutoff: int
    missing: tuple[int, ...]


class NarrationTrack:
    """Builds the narration track from scene chunks, reusing chunks encoded before."""

    def __init__(self, cache_dir: Path, settings: EncoderSettings) -> None:
        self.cache_dir = Path(cache_dir)
        self.settings = settings
        self.encoded: list[int] = []  # indices of the scenes encoded by the last build

    def _path(self, chunk: Chunk, settings: Optional[EncoderSettings] = None) -> Path:
        return self.cache_dir / f"{chunk.key(settings or self.settings)}.aac"

    def plan(self, report: TimingReport) -> NarrationPlan:
        """What :meth:`build` has to encode for ``report``: the encoder's cutoff, and the scenes whose chunk is not
        stored whole. Checked file by file; the video stage asks before it starts its other work, because beside
        that work's Python these many small checks waited for the interpreter (a fifth of a second of a re-render)."""
        cutoff = audio_cutoff(report)
        settings = replace(self.settings, audio_cutoff=cutoff)
        chunks = scene_chunks(report)
        if not chunked_audio(report.fps):
            return NarrationPlan(cutoff, tuple(c.index for c in chunks))
        return NarrationPlan(cutoff, tuple(c.index for c in chunks if recorded_digest(self._path(c, settings)) is None))

    def build(self, report: TimingReport, out: Path, plan: Optional[NarrationPlan] = None) -> Path:
        """Write the whole track to ``out`` (ADTS), encoding only scenes not encoded before (those ``plan`` names,
        if it is given)."""
        plan = plan or self.plan(report)
        self.settings = replace(self.settings, audio_cutoff=plan.cutoff)
        chunks = scene_chunks(report)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if not chunked_audio(report.fps):
            # no whole-frame steps at this frame rate: the track is encoded in one piece every time
            frames = encode_pcm((chunk_pcm(c) for c in chunks), sum(c.length for c in chunks), self.settings)
            self.encoded = [c.index for c in chunks]
            atomic_write_bytes(out, b"".join(frames))
            return out
        # a chunk is reused only if it still has the size and hash recorded when it was encoded (see plan)
        wanted = set(plan.missing)
        missing = [c for c in chunks if c.index in wanted]
        runs = _runs(missing, parts=os.cpu_count() or 1)
        if len(runs) > 1:
            # the AAC encoder is single-threaded and the longest task of a render: its runs go side by side
            with ThreadPoolExecutor(min(len(runs), os.cpu_count() or 1)) as pool:
                list(pool.map(self._encode_run, runs))
        else:
            for run in runs:
                self._encode_run(run)
        self.encoded = [c.index for c in missing]
        _concatenate([self._path(c) for c in chunks], out)  # streamed: memory does not grow with the video
        return out


    def _encode_run(self, run: list[Chunk]) -> None:
        """Consecutive scenes encoded in one go, then split into their chunks."""
        frames = encode_pcm((chunk_pcm(c) for c in run), sum(c.length for c in run), self.settings)
        k = 0
        for c in run:
            n = c.length // AAC_FRAME
            write_recorded(self._path(c), b"".join(frames[k : k + n]))
            k += n


MAX_RUN_SAMPLES = 300 * AUDIO_RATE  # one encoder run holds at most five minutes: its AAC is kept in memory


def _concatenate(parts: list[Path], out: Path) -> None:
    """The files ``parts`` one after another into ``out``, through a temporary file and a rename."""
    tmp = temporary_sibling(out)
    try:
        with open(tmp, "wb") as fh:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, fh)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _runs(chunks: list[Chunk], parts: int = 1) -> list[list[Chunk]]:
    """Group chunks of consecutive scenes, at most :data:`MAX_RUN_SAMPLES` a group, and about an equal share of
    them in each of ``parts`` groups (so that that many encoders can share the work)."""
    total = sum(c.length for c in chunks)
    most = max(AAC_FRAME, min(MAX_RUN_SAMPLES, -(-total // max(1, parts))))
    runs: list[list[Chunk]] = []
    for c in chunks:
        if runs and runs[-1][-1].index + 1 == c.index and sum(x.length for x in runs[-1]) + c.length <= most:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs
