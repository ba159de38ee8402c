"""Fitting text into boxes: wrap by words, break tokens too long for a line, shrink within limits."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Callable

from .fonts import fallback_setting
from .text import measure, measure_with

ELLIPSIS = "\u2026"
# a long token (a URL, a path) is best broken just after one of these
_SOFT_BREAKS = "/-_.?&=#:,;"
# CJK punctuation that may not start a line, and that may not end one
_NO_LINE_START = "、。，．！？；：」』）〕］｝〉》】…‥ー々ゝゞ・"
_NO_LINE_END = "「『（〔［｛〈《【"


def _wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul and other full-width characters: a line may break between any two."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def tokens(text: str) -> list[tuple[str, bool]]:
    """(token, space before it): words, and single characters of CJK text (which has no spaces)."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if word.isascii():  # no wide character, so nothing to break between: the word is one token
            out.append((word, True))
            continue
        pieces: list[str] = []
        for ch in word:
            glue = pieces and (
                ch in _NO_LINE_START
                or pieces[-1][-1] in _NO_LINE_END
                or not (_wide(ch) or _wide(pieces[-1][-1]))
            )
            if glue:
                pieces[-1] += ch
            else:
                pieces.append(ch)
        out.extend((p, k == 0) for k, p in enumerate(pieces))
    return out


def most_that_fit(available: int, fits: Callable[[int], bool], guess: int = 0) -> int:
    """The largest n <= ``available`` for which ``fits(n)`` holds (0 if none), when fitting is monotone in n.

    Galloping from ``guess`` (steps of 1, 2, 4, ... up or down, then bisection
    between the last two tries) costs a few tries around the answer, however
    much is available: bisecting over all of it measured a whole
    10,000-character word, or the rest of a 5,000-row table, at every step,
    which made long inputs quadratic. A good guess (the size of the last page)
    is confirmed in two tries.
    """
    guess = min(max(guess, 0), available)
    if guess and not fits(guess):
        hi, step = guess - 1, 1  # too many: gallop down to something that fits
        while hi > 0 and not fits(max(0, hi - step + 1)):
            hi, step = hi - step, step * 2
        lo = max(0, hi - step + 1)
    else:
        lo, step = guess, 1
        while True:
            if lo >= available:
                return lo
            probe = min(available, lo + step)
            if not fits(probe):
                hi = probe - 1
                break
            lo, step = probe, step * 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def longest_prefix(text: str, style: str, size: int, room: float, guess: int = 0) -> int:
    """How many leading characters of ``text`` fit in ``room`` pixels (width is not linear per character)."""
    return most_that_fit(len(text), lambda n: measure(text[:n], style, size) <= room, guess)


def break_token(token: str, style: str, size: int, max_width: float) -> list[str]:
    """Cut a token wider than ``max_width`` (a URL, a long word) into pieces that fit, at a soft break if near."""
    pieces: list[str] = []
    rest = token
    while rest:
        lo = longest_prefix(rest, style, size, max_width, len(pieces[-1]) if pieces else 0)
        if lo == len(rest):
            pieces.append(rest)
            break
        lo = max(1, lo)  # at least one character, or this never ends
        cut = lo
        soft = max(rest.rfind(c, 0, lo) for c in _SOFT_BREAKS)
        if soft >= int(lo * 0.6):
            cut = soft + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def wrap_text(text: str, style: str, size: int, max_width: float) -> tuple[str, ...]:
    """Greedy word wrap so every line is at most ``max_width`` pixels wide (line breaks in ``text`` kept)."""
    return _wrap(text, style, int(size), float(max_width), fallback_setting())


def wrap_text_with(fallback: str | None, text: str, style: str, size: int, max_width: float) -> tuple[str, ...]:
    """:func:`wrap_text` with the fallback setting already read (``fallback_setting()``), for loops that wrap a lot."""
    return _wrap(text, style, int(size), float(max_width), fallback)


@lru_cache(maxsize=16384)
def _wrap(text: str, style: str, size: int, max_width: float, fallback: str | None) -> tuple[str, ...]:
    # ``fallback`` is part of the cache key only: other fallback fonts measure differently
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        line = ""
        for tok, space in tokens(raw):
            candidate = f"{line} {tok}" if (line and space) else line + tok
            if measure_with(fallback, candidate, style, size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            if measure_with(fallback, tok, style, size) <= max_width:
                line = tok
            else:
                *full, line = break_token(tok, style, size, max_width)
                lines.extend(full)
        lines.append(line)
    return tuple(lines)


def wrap_rich(spans: tuple[tuple[str, str], ...], size: int, max_width: float) -> list[list[tuple[str, str]]]:
    """Greedy word wrap of text in several styles (``(text, style)`` spans: the author's bold inside a paragraph);
    each line is a list of ``(text, style)`` runs, spaces included."""
    return [list(line) for line in _wrap_rich(spans, int(size), float(max_width), fallback_setting())]


@lru_cache(maxsize=4096)
def _wrap_rich(spans: tuple, size: int, max_width: float, fallback: str | None) -> tuple:
    # ``fallback`` is part of the cache key only: other fallback fonts measure differently
    words: list[tuple[str, bool, str]] = []  # (token, space before it, style)
    pending = False  # the span before ended with a space
    for text, style in spans:
        for k, (tok, space) in enumerate(tokens(text)):
            words.append((tok, (text[:1].isspace() or pending) if k == 0 else space, style))
        pending = text[-1:].isspace()
    lines: list[list[list[str]]] = []
    line: list[list[str]] = []
    width = 0.0
    for tok, space, style in words:
        sep = " " if (space and line) else ""
        w = measure(sep + tok, style, size)
        if line and width + w > max_width:
            lines.append(line)
            line, width, sep = [], 0.0, ""
            w = measure(tok, style, size)
        pieces = [tok] if w <= max_width or line else break_token(tok, style, size, max_width)
        for k, piece in enumerate(pieces):
            if k:
                lines.append(line)
                line, width = [], 0.0
            text = (sep if k == 0 else "") + piece
            if line and line[-1][1] == style:
                line[-1][0] += text
            elif line and sep and k == 0 and line[-1][1] == "sans":
                line[-1][0] += sep  # the space goes with plain text: a bold or code run starts and ends at its words
                line.append([piece, style])
            else:
                line.append([text, style])
            width += measure(text, style, size)
    lines.append(line)
    return tuple(tuple((t, st) for t, st in ln) for ln in lines)


def clip_lines(lines: list[str], max_lines: int, style: str, size: int, max_width: float) -> tuple[list[str], bool]:
    """At most ``max_lines`` lines; the last kept one ends with an ellipsis if any were dropped."""
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and measure(last + ELLIPSIS, style, size) > max_width:
        last = last[:-1]
    kept[-1] = last + ELLIPSIS
    return kept, True


def fit_lines(
    text: str, style: str, base_size: float, scales: tuple[float, ...], max_width: float, max_lines: int
) -> tuple[int, list[str], bool]:
    """Wrap ``text`` at the largest scale that needs at most ``max_lines`` lines.

    Returns (size, lines, cut); if even the smallest scale needs more lines,
    the text is cut to ``max_lines`` and ends with an ellipsis.
    """
    for scale in scales:
        size = max(6, int(base_size * scale))
        lines = list(wrap_text(text, style, size, max_width))
        if len(lines) <= max_lines:
            return size, lines, False
    kept, cut = clip_lines(lines, max_lines, style, size, max_width)
    return size, kept, cut
