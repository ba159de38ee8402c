"""The video's timeline: scene lengths in whole frames, counted cumulatively.

Scene lengths are also whole multiples of a small quantum of frames (16 at
30 fps) chosen so that each scene's audio at 48 kHz is a whole number of AAC
frames (1024 samples). Each scene's narration can then be encoded once and
spliced into the track; editing one scene re-encodes only that scene's sound.
"""

from __future__ import annotations

import math

AUDIO_RATE = 48000  # Hz of the narration track in the MP4
AAC_FRAME = 1024  # samples per AAC frame
MAX_QUANTUM_SECONDS = 0.7  # longer steps would hold slides noticeably longer than their speech


def frame_quantum(fps: int) -> int:
    """Frames per step of scene length: the fewest whose audio is whole AAC frames (1 if none is short)."""
    if AUDIO_RATE % fps:
        return 1
    spf = AUDIO_RATE // fps
    q = AAC_FRAME // math.gcd(spf, AAC_FRAME)
    return q if q / fps <= MAX_QUANTUM_SECONDS else 1


def scene_frames(seconds: float, fps: int) -> int:
    """Frames a scene of ``seconds`` lasts: rounded to a frame, then up to the quantum (never zero)."""
    q = frame_quantum(fps)
    frames = max(1, int(round(seconds * fps)))
    return max(q, -(-frames // q) * q)


def crossfade_frames(seconds: float, fps: int) -> int:
    """Frames of a crossfade of ``seconds`` between scenes: whole steps of the quantum (0: a cut)."""
    if seconds <= 0:
        return 0
    q = frame_quantum(fps)
    return max(q, q * round(seconds * fps / q))


def chunked_audio(fps: int) -> bool:
    """Whether scenes' sound can be encoded one scene at a time at this frame rate."""
    return frame_quantum(fps) > 1
