"""Pronunciations: say "SQL" as "sequel" while slides and subtitles keep "SQL".

The narration is rewritten into the text the engine speaks, remembering for
every spoken character which narration character it stands for; the
engine's word timings are then carried back onto the narration's own words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional

from .models import WordTiming
from .spoken import spoken_rewrites

# how far ahead of the last placed word an engine's word may be looked for
_SEARCH_WINDOW = 80


@dataclass(frozen=True)
class SpokenText:
    """What the engine is asked to say, and for each of its characters the narration character behind it."""

    text: str
    origin: tuple[int, ...]

    def __repr__(self) -> str:
        return f"<SpokenText {self.text[:60]!r}>"


def _pattern(mapping: Mapping[str, str]) -> Optional[re.Pattern[str]]:
    """One regex for every word: whole words only; a lower-case word matches any case, others exactly."""
    if not mapping:
        return None
    alts = []
    # longest first, so "SQL Server" wins over "SQL"
    for k, word in sorted(enumerate(mapping), key=lambda kw: -len(kw[1])):
        body = re.escape(word)
        alts.append(f"(?P<w{k}>{'(?i:' + body + ')' if word == word.lower() else body})")
    return re.compile(rf"(?<!\w)(?:{'|'.join(alts)})(?!\w)")


def apply_pronunciations(narration: str, mapping: Mapping[str, str]) -> SpokenText:
    """The text to speak: every whole-word match of a key replaced by how it is said.

    A key in lower case ("nginx") matches any case; a key with capitals
    ("US") matches only as written, so "us" stays "us".
    """
    pattern = _pattern(mapping)
    if pattern is None:
        return SpokenText(narration, tuple(range(len(narration))))
    spoken = list(mapping.values())
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for m in pattern.finditer(narration):
        parts.append(narration[last : m.start()])
        origin.extend(range(last, m.start()))
        repl = spoken[int(m.lastgroup[1:])]
        parts.append(repl)
        width = m.end() - m.start()
        # spread the replacement over the words it replaces: "Jupyter Notebook" -> "jupiter notebook"
        origin.extend(m.start() + (i * width) // max(len(repl), 1) for i in range(len(repl)))
        last = m.end()
    parts.append(narration[last:])
    origin.extend(range(last, len(narration)))
    return SpokenText("".join(parts), tuple(origin))


def speech_text(narration: str, lang: Optional[str] = None, mapping: Optional[Mapping[str, str]] = None) -> SpokenText:
    """What the engine says for ``narration`` in ``lang``: its spoken forms (URLs, numbers with units, symbols,
    file names; no emoji, no letters the voice would spell out), then the user's pronunciations; each spoken
    character remembers the narration character it stands for, so subtitles keep the written words."""
    # kept: the pipeline's status asks it of every scene each time (the audio stage's fingerprint)
    return _speech_text(narration, lang, tuple(mapping.items()) if mapping else ())


@lru_cache(maxsize=8192)
def _speech_text(narration: str, lang: Optional[str], pairs: tuple[tuple[str, str], ...]) -> SpokenText:
    mapping = dict(pairs)
    parts: list[str] = []
    origin: list[int] = []
    last = 0
    for r in spoken_rewrites(narration, lang):
        parts.append(narration[last : r.start])
        origin.extend(range(last, r.start))
        text = f" {r.text} " if r.text else " "
        width = max(1, r.end - r.start)
        parts.append(text)
        origin.extend(r.start + (i * width) // max(len(text), 1) for i in range(len(text)))
        last = r.end
    parts.append(narration[last:])
    origin.extend(range(last, len(narration)))
    first = SpokenText(_squeeze("".join(parts), origin)[0], _squeeze("".join(parts), origin)[1])
    if not mapping:
        return first
    second = apply_pronunciations(first.text, mapping)
    return SpokenText(second.text, tuple(first.origin[k] if k < len(first.origin) else len(narration) for k in second.origin))


def _squeeze(text: str, origin: list[int]) -> tuple[str, tuple[int, ...]]:
    """Runs of spaces (left where something said nothing) as one, and no space before a comma or full stop."""
    out: list[str] = []
    kept: list[int] = []
    for k, ch in enumerate(text):
        if ch == " " and (not out or out[-1] == " " or (k + 1 < len(text) and text[k + 1] in ",.;:!?")):
            continue
        out.append(ch)
        kept.append(origin[k])
    while out and out[-1] == " ":
        out.pop()
        kept.pop()
    return "".join(out), tuple(kept)


def narration_word_timings(
    narration: str, spoken: SpokenText, spoken_words: list[WordTiming], duration: float
) -> list[WordTiming]:
    """Timings of the narration's own words, carried over from the engine's timings of the spoken text.

    A narration word said as several (or as part of one) takes their span;
    a word the engine gave no timing for shares the gap between its neighbours.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", narration)]
    if not tokens:
        return []
    starts = [t[0] for t in tokens]
    spans: list[Optional[list[float]]] = [None] * len(tokens)
    folded = spoken.text.casefold() if len(spoken.text.casefold()) == len(spoken.text) else None
    cursor = 0
    for w in spoken_words:
        word = w.word.strip()
        if not word:
            continue
        at = spoken.text.find(word, cursor, cursor + _SEARCH_WINDOW + len(word))
        if at < 0 and folded is not None:
            at = folded.find(word.casefold(), cursor, cursor + _SEARCH_WINDOW + len(word))
        if at < 0:
            continue  # the engine said it differently ("3.5" -> ".5"); its time goes to its neighbours
        cursor = at + len(word)
        hit = {bisect_right(starts, spoken.origin[k]) - 1 for k in range(at, min(cursor, len(spoken.origin)))}
        for t in hit:
            if t >= 0:
                span = spans[t]
                spans[t] = [min(span[0], w.start), max(span[1], w.end)] if span else [w.start, w.end]
    return _fill_gaps(tokens, spans, duration)


def _fill_gaps(tokens: list[tuple[int, int, str]], spans: list[Optional[list[float]]], duration: float) -> list[WordTiming]:
    """Give untimed words a share of the time between their timed neighbours; keep times in order."""
    out: list[WordTiming] = []
    k, n = 0, len(tokens)
    prev_end = 0.0
    while k < n:
        if spans[k] is not None:
            start = min(max(spans[k][0], prev_end), duration)
            end = min(max(spans[k][1], start), duration)
            out.append(WordTiming(word=tokens[k][2], start=round(start, 4), end=round(end, 4)))
            prev_end = end
            k += 1
            continue
        run_end = k
        while run_end < n and spans[run_end] is None:
            run_end += 1
        gap_end = spans[run_end][0] if run_end < n else duration
        gap_end = min(max(gap_end, prev_end), duration)
        weights = [len(tokens[j][2]) + 1 for j in range(k, run_end)]
        t, step = prev_end, (gap_end - prev_end) / sum(weights)
        for j, wgt in zip(range(k, run_end), weights):
            out.append(WordTiming(word=tokens[j][2], start=round(t, 4), end=round(t + wgt * step, 4)))
            t += wgt * step
        prev_end = gap_end
        k = run_end
    return out
