"""Where each piece of a slide is first spoken: slide text aligned with the narration's words.

A slide's entries, sentences and lines of code (the *pieces*) are read in the
narration in order, but seldom word for word: a step is said as "Step 2:
...", a checkpoint's entries are joined into one sentence, a long paragraph
is shortened on the slide, an identifier ``load_data`` is said "load data".
So the pieces' words and the narration's words are aligned as two sequences
(difflib's longest matching blocks, which keep both orders); a piece starts at
its first run of matching words, moved back over words no piece claims to the
start of the clause that introduces it ("Step 2: Install ...").
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Optional, Sequence

_SUBWORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-./:]+")
_CLAUSE_END = (".", "!", "?", ":", ";", "\u3002", "\uff01", "\uff1f", "\uff1a")
#: words too common to place a piece by alone
_WEAK = frozenset("a an and are as at be by for from in is it of on or so the this that to we with you".split())


def tokens(text: str) -> list[str]:
    """The words of ``text`` as compared: identifiers split (``load_data``, ``loadData``: load, data), case and
    accents folded, punctuation dropped."""
    out: list[str] = []
    for word in text.split():
        for part in _SUBWORD.split(word):
            folded = "".join(ch for ch in unicodedata.normalize("NFKD", part.casefold()) if ch.isalnum())
            if folded:
                out.append(folded)
    return out


def first_spoken(
    pieces: Sequence[str], spoken: Sequence[str], lead_in: Optional[Sequence[bool]] = None
) -> list[Optional[int]]:
    """For each piece, the index in ``spoken`` (the narration's words, in order) of the word it starts at; None for
    a piece the narration does not say. The indices never decrease.

    ``lead_in[k]`` False: piece ``k`` starts at its own words, not at the clause that introduces it, and one
    telling word of it is enough (a line of code is marked when the narration names what it imports or
    defines, not when it starts the sentence that does).
    """
    a: list[str] = []
    owner: list[int] = []  # the piece each compared token of the slide belongs to
    for k, piece in enumerate(pieces):
        t = tokens(piece)
        a += t
        owner += [k] * len(t)
    b, word_of = _spoken_tokens(spoken)
    match = [-1] * len(a)  # a's token -> b's token
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for d in range(block.size):
            match[block.a + d] = block.b + d
    claimed = {word_of[j] for j in match if j >= 0}

    out: list[Optional[int]] = []
    last = 0
    for k in range(len(pieces)):
        mine = [i for i in range(len(a)) if owner[i] == k]
        own = lead_in is not None and not lead_in[k]
        anchor = _anchor(mine, match, a, one_word=own)
        if anchor is None:
            out.append(None)
            continue
        w = word_of[match[anchor]]
        # words before it that no piece claims belong to the clause that introduces it
        while not own and w > last and (w - 1) not in claimed and not spoken[w - 1].endswith(_CLAUSE_END):
            w -= 1
        w = max(w, last)
        out.append(w)
        last = w
    return out


def _spoken_tokens(spoken: Sequence[str]) -> tuple[list[str], list[int]]:
    """The narration's compared tokens, and the word each belongs to."""
    b: list[str] = []
    word_of: list[int] = []
    for k, word in enumerate(spoken):
        t = tokens(word)
        b += t
        word_of += [k] * len(t)
    return b, word_of


def mentions(names: Sequence[Sequence[tuple[str, int, bool]]], spoken: Sequence[str]) -> list[tuple[int, int]]:
    """(index in ``spoken`` of the word it starts at, piece) for every time the narration names a piece, in the
    narration's order, as often as it does: the order of the pieces plays no part.

    ``names[k]``: what piece ``k`` may be called, as (text, weight, prefix): a name is said when all its words
    are (``prefix``: its first two are enough); where several are said at one word, the longest wins, then the
    heaviest, then the first piece. A name of one short or common word places nothing.
    """
    b, word_of = _spoken_tokens(spoken)
    phrases = []
    for k, ns in enumerate(names):
        for text, weight, prefix in ns:
            t = tokens(text)
            if len(t) > 1 or (t and t[0] not in _WEAK and (len(t[0]) > 2 or weight >= 3) and not t[0].isdigit()):
                phrases.append((t, weight, prefix, k))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(b):
        best: Optional[tuple[tuple[int, int, int], int, int]] = None
        for t, weight, prefix, k in phrases if i == 0 or word_of[i - 1] != word_of[i] else ():
            n = 0
            while n < len(t) and i + n < len(b) and b[i + n] == t[n]:
                n += 1
            # said as whole words: "main" in "src/main.rs" names no function main
            whole = i + n == len(b) or word_of[i + n] != word_of[i + n - 1]
            if n and whole and (n == len(t) or (prefix and n >= 2)) and (best is None or (n, weight, -k) > best[0]):
                best = ((n, weight, -k), k, n)
        if best is None:
            i += 1
            continue
        out.append((word_of[i], best[1]))
        i += best[2]
    return out


def _anchor(mine: list[int], match: list[int], a: list[str], one_word: bool = False) -> Optional[int]:
    """The piece's first token that starts a run of two matched words; else its first matched word that is not a
    common little word (in a short piece, a piece a third said, or any piece with ``one_word``); None if nothing
    of it was said."""
    matched = [i for i in mine if match[i] >= 0]
    for i in matched:
        if i + 1 in mine and match[i + 1] == match[i] + 1:
            return i
    strong = [i for i in matched if a[i] not in _WEAK and (len(a[i]) > 2 or a[i].isdigit())]
    if strong and (one_word or len(mine) <= 3 or len(strong) * 3 >= len(mine)):
        return strong[0]
    return None
