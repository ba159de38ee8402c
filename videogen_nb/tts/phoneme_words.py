"""Word timings from phoneme durations: which phonemes the model spoke for which word of the text.

A neural voice speaks phonemes, not words, and the phonemizer does not say
which word each phoneme came from: "1990" becomes two phoneme words, "of the"
one. So the words of the text are phonemized one by one and their phonemes
matched, in order, against the phonemes the model spoke (difflib), each of
which has a duration. A word's time runs from its first to its last matched
phoneme, widened to the edges of the phoneme word it sits in when no other
word shares that phoneme word.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from ..models import WordTiming

#: stress and length marks: spoken as part of a vowel, never matched on their own
_MARKS = {"ˈ", "ˌ", "ː", "ˑ"}
#: what Piper puts before and after each sentence's phonemes
_BOUNDS = {"^", "$"}


@dataclass(frozen=True)
class Phone:
    """One phoneme the model spoke: its symbol, its time in seconds, and the phoneme word it belongs to."""

    symbol: str
    start: float
    end: float
    group: Optional[int]  # None for spaces, punctuation and sentence bounds (pauses between words)


def _speakable(symbol: str) -> bool:
    """A phoneme of a word (letters and their marks), not a space, punctuation or a sentence bound."""
    return bool(symbol) and symbol not in _BOUNDS and unicodedata.category(symbol[0])[0] in "LM"


def _matchable(symbol: str) -> bool:
    return _speakable(symbol) and symbol not in _MARKS and unicodedata.category(symbol[0])[0] == "L"


def timeline(sentences: Sequence[tuple[Sequence[str], Sequence[int], int]], sample_rate: int) -> list[Phone]:
    """Phones on one timeline from each sentence's (phonemes, samples per phoneme, samples of audio).

    A sentence's phonemes run from its start; a new sentence begins a new phoneme word.
    """
    out: list[Phone] = []
    offset = 0
    group = -1
    for symbols, samples, length in sentences:
        at = offset
        in_word = False
        for symbol, n in zip(symbols, samples):
            if _speakable(symbol):
                if not in_word:
                    group += 1
                    in_word = True
                out.append(Phone(symbol, at / sample_rate, (at + n) / sample_rate, group))
            else:
                in_word = False
                out.append(Phone(symbol, at / sample_rate, (at + n) / sample_rate, None))
            at += int(n)
        offset += length
    return out


def even_durations(symbols: Sequence[str], length: int) -> list[int]:
    """Samples per phoneme when the model gives no durations: the sentence's length shared evenly (an estimate)."""
    if not symbols:
        return []
    share = length // len(symbols)
    return [share] * (len(symbols) - 1) + [length - share * (len(symbols) - 1)]


def word_timings(
    words: Sequence[str], phones: Sequence[Phone], phonemize: Callable[[str], Sequence[str]]
) -> list[WordTiming]:
    """Times of ``words`` (the text's tokens, in order) from the phones the model spoke.

    ``phonemize(word)`` gives a word's phonemes as the voice's phonemizer
    writes them. A word whose phonemes are not found (said alone, "a" is the
    letter's name) takes a phoneme word no other word claimed between its
    neighbours; a word with none (a dash) gets no timing: the caller shares
    out the time around it.
    """
    spoken = [k for k, p in enumerate(phones) if p.group is not None and _matchable(p.symbol)]
    expected: list[str] = []
    owner: list[int] = []
    for i, word in enumerate(words):
        for symbol in phonemize(word):
            if _matchable(symbol):
                expected.append(symbol)
                owner.append(i)
    matched: list[list[int]] = [[] for _ in words]
    sm = difflib.SequenceMatcher(None, expected, [phones[k].symbol for k in spoken], autojunk=False)
    for block in sm.get_matching_blocks():
        for d in range(block.size):
            matched[owner[block.a + d]].append(spoken[block.b + d])

    group_span: dict[int, tuple[float, float]] = {}
    for p in phones:
        if p.group is not None:
            s, e = group_span.get(p.group, (p.start, p.end))
            group_span[p.group] = (min(s, p.start), max(e, p.end))
    spans = _matched_spans(matched, phones, group_span)
    _fill_unclaimed(words, spans, matched, phones, group_span)
    out: list[WordTiming] = []
    last_end = 0.0
    for word, span in zip(words, spans):
        if span is None:
            continue
        start = max(span[0], last_end)
        end = max(span[1], start)
        out.append(WordTiming(word=word, start=round(start, 4), end=round(end, 4)))
        last_end = end
    return out


def _matched_spans(
    matched: list[list[int]], phones: Sequence[Phone], group_span: dict[int, tuple[float, float]]
) -> list[Optional[tuple[float, float]]]:
    """Each word's span from its matched phones: a phoneme word that is the word's alone gives its whole span."""
    timed = [i for i, m in enumerate(matched) if m]
    spans: list[Optional[tuple[float, float]]] = [None] * len(matched)
    for n, i in enumerate(timed):
        first, last = phones[min(matched[i])], phones[max(matched[i])]
        prev_group = phones[max(matched[timed[n - 1]])].group if n > 0 else None
        next_group = phones[min(matched[timed[n + 1]])].group if n + 1 < len(timed) else None
        start = group_span[first.group][0] if first.group != prev_group else first.start
        end = group_span[last.group][1] if last.group != next_group else last.end
        spans[i] = (start, end)
    return spans


def _fill_unclaimed(
    words: Sequence[str],
    spans: list[Optional[tuple[float, float]]],
    matched: list[list[int]],
    phones: Sequence[Phone],
    group_span: dict[int, tuple[float, float]],
) -> None:
    """Words whose phonemes were not found (alone, "a" reads as the letter) take the phoneme words nobody claimed
    between their timed neighbours: one each when the counts agree, else shared by length."""
    owner_groups = [{phones[k].group for k in m} for m in matched]
    k = 0
    while k < len(words):
        if spans[k] is not None:
            k += 1
            continue
        run_end = k
        while run_end < len(words) and spans[run_end] is None:
            run_end += 1
        after = max(owner_groups[k - 1]) if k > 0 and owner_groups[k - 1] else -1
        before = min(owner_groups[run_end]) if run_end < len(words) and owner_groups[run_end] else len(group_span)
        free = [g for g in range(after + 1, before) if g in group_span]
        if len(free) == run_end - k:
            for i, g in zip(range(k, run_end), free):
                spans[i] = group_span[g]
        elif free:
            t0, t1 = group_span[free[0]][0], group_span[free[-1]][1]
            weights = [len(words[i]) + 1 for i in range(k, run_end)]
            t, step = t0, (t1 - t0) / sum(weights)
            for i, w in zip(range(k, run_end), weights):
                spans[i] = (t, t + w * step)
                t += w * step
        k = run_end
