"""Fitting text into boxes: wrap by words, break tokens too long for a line."""

from __future__ import annotations

from PIL import ImageFont


def _break_token(token: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Cut a token wider than ``max_width`` (a URL, a long word) into pieces that fit."""
    pieces: list[str] = []
    rest = token
    while rest:
        if font.getlength(rest) <= max_width:
            pieces.append(rest)
            break
        # longest prefix that fits, by bisection (getlength is not linear per char)
        lo, hi = 1, len(rest)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if font.getlength(rest[:mid]) <= max_width:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(rest[:lo])
        rest = rest[lo:]
    return pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap of ``text`` so every line is at most ``max_width`` pixels wide."""
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        words = raw.split()
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            if font.getlength(word) <= max_width:
                line = word
            else:
                *full, line = _break_token(word, font, max_width)
                lines.extend(full)
        lines.append(line)
    return lines


def line_height(font: ImageFont.FreeTypeFont, spacing: float) -> int:
    """Distance between baselines of consecutive lines."""
    ascent, descent = font.getmetrics()
    return int(round((ascent + descent) * spacing))


def fit_lines(
    text: str, style: str, base_size: float, scales: tuple[float, ...], max_width: float, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str], bool]:
    """Wrap ``text`` at the largest scale that needs at most ``max_lines`` lines.

    Returns (font, lines, cut); if even the smallest scale needs more lines,
    the text is cut to ``max_lines`` and ends with an ellipsis.
    """
    from .fonts import get_font

    for scale in scales:
        font = get_font(style, base_size * scale)
        lines = wrap_text(text, font, max_width)
        if len(lines) <= max_lines:
            return font, lines, False
    lines = lines[:max_lines]
    lines[-1] = lines[-1].rstrip() + "\u2026"
    return font, lines, True
