"""Which font draws each character: runs of text per font, and the characters no font has."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .fonts import FontFace

REPLACEMENT = "\ufffd"  # drawn for a character no font has (and reported): visible, never an empty box


@lru_cache(maxsize=32)
def coverage(face: FontFace) -> frozenset[int]:
    """Code points ``face`` has glyphs for (read from its cmap with fontTools)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(face.path), lazy=True, fontNumber=face.index) as tt:
            return frozenset(tt.getBestCmap() or ())
    except Exception:  # an unreadable font covers nothing; the next one in the chain is tried
        return frozenset()


def _joins_previous(ch: str) -> bool:
    """Marks, joiners, variation selectors and skin tones belong to the character before them."""
    cp = ord(ch)
    return (
        unicodedata.category(ch).startswith("M")
        or cp in (0x200C, 0x200D, 0x20E3)
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
    )


def _prefers_colour(ch: str, nxt: str) -> bool:
    """Pictographs (and symbols asking for emoji style with U+FE0F) look best from a colour font."""
    cp = ord(ch)
    return cp >= 0x1F000 or (0x2190 <= cp <= 0x2BFF and nxt == "\ufe0f")


@dataclass(frozen=True)
class Run:
    """A stretch of text drawn with one font of the chain."""

    text: str
    face: int  # index into the chain


def segment(text: str, chain: tuple[FontFace, ...]) -> tuple[tuple[Run, ...], frozenset[str]]:
    """Split ``text`` into runs by the first font of ``chain`` that has each character.

    Returns (runs, missing characters). Missing characters are replaced by
    U+FFFD in the runs so the gap is visible; the caller reports them.
    """
    return _segment(text, chain)


@lru_cache(maxsize=64)
def covers_printable_ascii(face: FontFace) -> bool:
    """Whether ``face`` is an outline font with a glyph for every printable ASCII character."""
    return not face.bitmap_size and all(cp in coverage(face) for cp in range(0x20, 0x7F))


@lru_cache(maxsize=8192)
def _segment(text: str, chain: tuple[FontFace, ...]) -> tuple[tuple[Run, ...], frozenset[str]]:
    if text.isascii() and text.isprintable() and covers_printable_ascii(chain[0]):
        # most text on most slides: one run of the first font, found without a loop over characters
        return ((Run(text, 0),) if text else ()), frozenset()
    # a font's character map is read when a character is first looked up in it: text the first font draws
    # never reads the big CJK and emoji maps (a quarter of a second)
    covers: list[frozenset[int] | None] = [None] * len(chain)

    def has(i: int, cp: int) -> bool:
        cover = covers[i]
        if cover is None:
            cover = covers[i] = coverage(chain[i])
        return cp in cover

    colour = [i for i, f in enumerate(chain) if f.bitmap_size]
    runs: list[list] = []
    missing: set[str] = set()
    for k, ch in enumerate(text):
        # a space stays in the run before it, unless that is a colour bitmap font (its spaces are wide)
        if runs and (_joins_previous(ch) or (ch.isspace() and has(runs[-1][1], ord(ch)) and not chain[runs[-1][1]].bitmap_size)):
            runs[-1][0].append(ch)
            continue
        cp = ord(ch)
        nxt = text[k + 1] if k + 1 < len(text) else ""
        order = colour + [i for i in range(len(chain)) if i not in colour] if _prefers_colour(ch, nxt) else range(len(chain))
        face = next((i for i in order if has(i, cp)), None)
        if face is None:
            if ch.isspace() or unicodedata.category(ch) == "Cf" or _joins_previous(ch):
                face = 0  # spaces and invisible format characters draw as nothing anyway
            else:
                missing.add(ch)
                ch, face = REPLACEMENT, 0
        if runs and runs[-1][1] == face:
            runs[-1][0].append(ch)
        else:
            runs.append([[ch], face])
    return tuple(Run("".join(chars), face) for chars, face in runs), frozenset(missing)


def describe_scripts(chars: set[str] | frozenset[str]) -> str:
    """``"Chinese/Japanese (CJK) 10, emoji 2"``: the scripts of some characters and how many of each."""
    from collections import Counter

    from ..language import script_of
    from ..spoken import is_emoji

    names = {"CJK": "Chinese/Japanese (CJK)", "HIRAGANA": "Japanese kana", "KATAKANA": "Japanese kana",
             "HANGUL": "Korean", "": "symbols"}  # fmt: skip
    counts = Counter("emoji" if is_emoji(c) else names.get(script_of(c), script_of(c).capitalize()) for c in chars)
    return ", ".join(f"{name} {n}" for name, n in counts.most_common())


def describe_missing(chars: set[str] | frozenset[str]) -> str:
    """``'字' (U+5B57), '😀' (U+1F600)``: the characters, and their code points to search for a font."""
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars))
