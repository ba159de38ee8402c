"""Subtitles from the narration's word timings: cues on the video's timeline, SRT and WebVTT.

A cue holds at most two lines of 42 columns and lasts at most 7 s; it never
crosses a scene boundary. Words wider than a line (a URL, a sentence of
Chinese or Japanese written without spaces) are cut by characters, a wide
(CJK) character counting as two columns.
"""

from __future__ import annotations

import html
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .atomic import AtomicBatch, atomic_write_bytes, inside
from .models import SceneTiming, SubtitleCue, TimingReport

MAX_COLUMNS = 42
MAX_LINES = 2
MAX_SECONDS = 7.0
MIN_SECONDS = 1.0  # a cue shorter than this is hard to read: it stays longer when there is room
LINGER = 0.4  # seconds a cue stays after its last word, unless the next cue or the scene's end comes first
_SENTENCE_END = tuple(".!?。！？…")


@dataclass
class _Piece:
    """A word (or part of one) with its absolute times; ``glue``: no space before it."""

    text: str
    start: float
    end: float
    glue: bool = False


def columns(text: str) -> int:
    """Screen width of ``text`` in columns: wide and full-width (CJK) characters count two."""
    if text.isascii():  # no ASCII character is wide: most narration, and asked of every line a cue might hold
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(word: str, limit: int) -> list[str]:
    """``word`` in consecutive parts of at most ``limit`` columns."""
    parts, current = [], ""
    for ch in word:
        if current and columns(current + ch) > limit:
            parts.append(current)
            current = ""
        current += ch
    return parts + [current] if current else parts


def _pieces(scene: SceneTiming, limit: int) -> list[_Piece]:
    """The scene's narration words with absolute times inside the scene; over-wide words cut."""
    out: list[_Piece] = []
    for w in scene.word_timings:
        start = min(max(scene.audio_start + w.start, scene.start), scene.end)
        end = min(max(scene.audio_start + w.end, start), scene.end)
        parts = _cut(w.word, limit) if columns(w.word) > limit else [w.word]
        step = (end - start) / len(parts)
        for k, part in enumerate(parts):
            out.append(_Piece(part, start + k * step, start + (k + 1) * step, glue=k > 0))
    return out


def _join(pieces: list[_Piece]) -> str:
    return "".join(("" if p.glue or i == 0 else " ") + p.text for i, p in enumerate(pieces))


def wrap(pieces: list[_Piece], limit: int = MAX_COLUMNS, max_lines: int = MAX_LINES) -> Optional[list[str]]:
    """The pieces as at most ``max_lines`` lines of ``limit`` columns, the two lines balanced; None if they do not fit."""
    # widths add up (a character's columns do not depend on its neighbours), so each split is measured from sums:
    # grouping asks this of every cue it might make, and joining and measuring each split was most of the stage
    widths = [columns(p.text) for p in pieces]
    spaces = [0 if p.glue or i == 0 else 1 for i, p in enumerate(pieces)]
    total = sum(widths) + sum(spaces)
    if total <= limit:
        return [_join(pieces)]
    if max_lines < 2:
        return None
    best: Optional[tuple[int, int]] = None
    first = 0  # columns of pieces[:k] on one line
    for k in range(1, len(pieces)):
        first += widths[k - 1] + spaces[k - 1]
        widest = max(first, total - first - spaces[k])  # the second line opens without its space
        if widest <= limit and (best is None or widest < best[0]):
            best = (widest, k)
    return [_join(pieces[: best[1]]), _join(pieces[best[1] :])] if best else None


def _words(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces gathered back into words: a word cut by characters stays one unit where it can."""
    units: list[list[_Piece]] = []
    for piece in pieces:
        if piece.glue and units:
            units[-1].append(piece)
        else:
            units.append([piece])
    return units


def _group(pieces: list[_Piece], limit: int, max_lines: int, max_seconds: float) -> list[list[_Piece]]:
    """Consecutive words into cues: as full as two lines allow, within ``max_seconds``, ending at sentence ends once a line is full.

    A word too wide for one line but not for a cue is kept in one cue; only a
    word wider than a whole cue is spread over several.
    """
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []

    def fits(candidate: list[_Piece]) -> bool:
        return wrap(candidate, limit, max_lines) is not None and candidate[-1].end - candidate[0].start <= max_seconds

    for unit in _words(pieces):
        parts = [unit] if fits(unit) else [[p] for p in unit]
        for part in parts:
            if current and not fits(current + part):
                groups.append(current)
                current = []
            current = current + part
        if unit[-1].text.endswith(_SENTENCE_END) and columns(_join(current)) >= limit:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _ms_up(t: float) -> float:
    return math.ceil(t * 1000 - 1e-6) / 1000


def _ms_down(t: float) -> float:
    return math.floor(t * 1000 + 1e-6) / 1000


def build_cues(
    report: TimingReport, max_columns: int = MAX_COLUMNS, max_lines: int = MAX_LINES, max_seconds: float = MAX_SECONDS
) -> list[SubtitleCue]:
    """Cues for every scene's narration, in order, with times on the final video's timeline (whole ms)."""
    cues: list[SubtitleCue] = []
    for scene in report.scenes:
        groups = _group(_pieces(scene, max_columns), max_columns, max_lines, max_seconds)
        for k, group in enumerate(groups):
            start = _ms_up(max(group[0].start, cues[-1].end if cues else 0.0))
            next_start = groups[k + 1][0].start if k + 1 < len(groups) else scene.end
            # stay a little after the last word and at least MIN_SECONDS, but never into the next cue or scene
            end = max(group[-1].end + LINGER, start + MIN_SECONDS)
            end = _ms_down(min(end, next_start, scene.end, start + max_seconds))
            if end <= start:  # a word of no length at the very end: show it for the last millisecond
                start, end = min(start, _ms_down(scene.end) - 0.001), min(start + 0.001, _ms_down(scene.end))
            cues.append(
                SubtitleCue(
                    index=len(cues) + 1, scene_index=scene.index, start=start, end=end,
                    lines=wrap(group, max_columns, max_lines) or [_join(group)],
                )
            )  # fmt: skip
    return cues


def _stamp(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt_text(cues: list[SubtitleCue]) -> str:
    """The cues as SubRip (.srt)."""
    blocks = [f"{c.index}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n" for c in cues]
    return "\n".join(blocks)


def vtt_text(cues: list[SubtitleCue]) -> str:
    """The cues as WebVTT (.vtt); ``&``, ``<`` and ``>`` escaped as the format requires."""
    blocks = [
        f"{c.index}\n{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{html.escape(c.text, quote=False)}\n"
        for c in cues
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def write_subtitles(cues: list[SubtitleCue], folder: Path, stem: str, batch: Optional[AtomicBatch] = None) -> dict[str, Path]:
    """Write ``<stem>.srt`` and ``<stem>.vtt`` into ``folder`` atomically (or stage them in ``batch``); return their paths."""
    paths = {"srt": inside(folder, f"{stem}.srt"), "vtt": inside(folder, f"{stem}.vtt")}
    write = batch.write if batch is not None else atomic_write_bytes
    write(paths["srt"], srt_text(cues).encode("utf-8"))
    write(paths["vtt"], vtt_text(cues).encode("utf-8"))
    return paths
