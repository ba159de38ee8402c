"""What a slide shows of a paragraph: its key sentences, within a word budget.

A viewer reads a slide while hearing the narration; a wall of text makes them choose between the
two. So a slide shows a paragraph's key sentences (the first, shortened at clause boundaries when it
alone is too long, then the next ones while they fit, a sentence the author emphasised before
others), and the narration still speaks the whole paragraph. Words are counted as a reader sees
them: Chinese and Japanese characters count half a word each.
"""

from __future__ import annotations

import re
import unicodedata

from .text import CODE, STRONG

MAX_WORDS = 45  # prose on one slide, at most (about three short sentences)
READING_WPM = 180  # words a minute a viewer reads on screen while listening
CODE_SECONDS = 1.5  # a code slide stays up at least this long ...
CODE_SECONDS_PER_LINE = 0.7  # ... and this much more for each line, whatever its narration says: code is read
MIN_SHARE = 14  # words a paragraph keeps when several share a slide
CUT_SLACK = 1.25  # a paragraph up to this much over its share is shown whole
ELLIPSIS = "\u2026"

# a sentence ends at . ! ? (then a space and a capital, a digit, a quote or an opening bracket), or at CJK/Arabic marks
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff" + STRONG + r"])"
    r"|(?<=[\u3002\uff01\uff1f\u061f\u06d4])\s*"
)
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "Dr.", "Mr.", "Mrs.", "Ms.", "No.", "Fig.", "approx.")
# where a long sentence may be cut: after a comma, semicolon, colon or dash, before a bracket
_CLAUSE = re.compile(r"(?<=[,;:\uff0c\u3001\uff1b\uff1a\u060c])\s*|\s+(?=[(\u2014\u2013-]\s)|(?<=\s[\u2014\u2013])\s+")


_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")  # what str.isalnum accepts of ASCII


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalnum()


def word_count(text: str) -> float:
    """Words as a reader sees them: space-separated words, and CJK characters at half a word each."""
    if text.isascii():  # no wide character: the words with a letter or digit in them
        return float(sum(1 for w in text.split() if _ASCII_ALNUM.search(w)))
    wide = sum(1 for ch in text if _wide(ch))
    spaced = sum(1 for w in text.split() if any(ch.isalnum() and not _wide(ch) for ch in w))
    return spaced + wide / 2


LONG_URL = 40  # characters: a longer URL is shown shortened on a slide (nobody types a long one from a video)
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>]*[^\s<>.,;:!?)\]'\"]|\bwww\.[^\s<>]*[^\s<>.,;:!?)\]'\"]", re.IGNORECASE)


def short_url(url: str) -> str:
    """A long URL as a slide shows it: its host, an ellipsis and its last part ("example.com/…/setup.html")."""
    bare = re.sub(r"^(?:https?|ftp)://", "", url, flags=re.IGNORECASE)
    if len(bare) <= LONG_URL:
        return bare
    host, _, path = bare.partition("/")
    last = re.split(r"[?#]", path.rstrip("/"))[0].rsplit("/", 1)[-1]
    if len(last) > LONG_URL // 2:
        last = last[: LONG_URL // 2] + ELLIPSIS
    return f"{host}/{ELLIPSIS}/{last}" if last else f"{host}/{ELLIPSIS}"


def short_urls(text: str) -> str:
    """``text`` with every long URL shortened for a slide."""
    return _URL.sub(lambda m: short_url(m.group(0)), text) if "://" in text or "www." in text else text


def reading_seconds(words: float, code_lines: int = 0) -> float:
    """How long a viewer needs to read a slide: its prose at a reading pace, its code line by line."""
    prose = words * 60.0 / READING_WPM + 1.0 if words else 0.0
    code = CODE_SECONDS + CODE_SECONDS_PER_LINE * code_lines if code_lines else 0.0
    return round(prose + code, 2)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (abbreviations such as "e.g." do not end one)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if out and out[-1].endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


def _balanced_marks(text: str) -> str:
    """Close an emphasis (or inline code) a cut left open."""
    for mark in (CODE, STRONG):
        if text.count(mark) % 2:
            text += mark
    return text


def shorten(sentence: str, budget: float) -> str:
    """``sentence`` cut at the last clause boundary within ``budget`` words (between words if there is none), with an
    ellipsis; the author's emphasis is never cut in half."""
    if word_count(sentence) <= budget:
        return sentence
    cuts = [m.start() for m in _CLAUSE.finditer(sentence) if 0 < m.start() < len(sentence)]
    good = [
        c for c in cuts
        if budget * 0.45 <= word_count(sentence[:c]) <= budget and sentence[:c].count(STRONG) % 2 == 0
        and sentence[:c].count(CODE) % 2 == 0
    ]  # fmt: skip
    if good:
        head = sentence[: good[-1]]
    else:
        head = ""
        for m in re.finditer(r"\S+\s*" if " " in sentence.strip() else r".", sentence):
            if word_count(sentence[: m.end()]) > budget:
                break
            head = sentence[: m.end()]
        head = head or sentence[: max(1, len(sentence) // 2)]
    head = head.rstrip(" ,;:\uff0c\u3001\uff1b\uff1a\u060c\u2014\u2013-")
    return _balanced_marks(head) + ELLIPSIS


def key_text(paragraph: str, budget: float = MAX_WORDS) -> str:
    """What a slide shows of ``paragraph``: all of it if it fits ``budget`` words, else its key sentences."""
    if word_count(paragraph) <= budget:
        return paragraph
    sents = sentences(paragraph)
    if not sents:
        return paragraph
    first = shorten(sents[0], budget)
    chosen = [0]
    used = word_count(first)
    # an emphasised sentence is the author's own key sentence: it comes before the ones merely next in line
    order = sorted(range(1, len(sents)), key=lambda k: (STRONG not in sents[k], k))
    for k in order:
        if used + word_count(sents[k]) <= budget:
            chosen.append(k)
            used += word_count(sents[k])
        elif STRONG not in sents[k]:
            break
    chosen.sort()
    shown = [first if k == 0 else sents[k] for k in chosen]
    return "".join(s if k + 1 == len(shown) or s[-1:] in "\u3002\uff01\uff1f" else s + " " for k, s in enumerate(shown))


def shown_paragraphs(texts: list[str], budget: float = MAX_WORDS) -> list[str]:
    """Paragraphs as one slide shows them: whole while they fit ``budget`` words together, else each reduced to its
    key sentences within its share of the budget (the longer paragraph gets the larger share)."""
    counts = [word_count(t) for t in texts]
    if sum(counts) <= budget:
        return list(texts)
    total = sum(counts) or 1
    shares = [max(MIN_SHARE, budget * c / total) for c in counts]
    # a paragraph at most a quarter over its share stays whole: cutting it would save a few words, less than a line,
    # and take away the end of its sentence
    return [t if c <= share * CUT_SLACK else key_text(t, share) for t, c, share in zip(texts, counts, shares)]
