"""Template narration: what a scene says when nobody wrote its narration.

Each kind of scene says what its narration holds (``SceneConfig.narrate``);
this module turns those parts into clean sentences. Narration is for the
ear: it never holds Markdown syntax, URLs, HTML or lines of code. Code is
described (its language and what it defines), tables are summarised. Phrases the templates add are
English; for a document in another language only its own words are read.
"""

from __future__ import annotations

import re
from typing import Optional

from .codeinfo import code_facts, speakable_identifier
from .mathspeak import spoken_math
from .models import SceneConfig
from .text import as_sentence, plain

MAX_NAMES = 6  # definitions named in a code description; the rest are counted

# a URL ends before the punctuation that ends its sentence
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>]*[^\s<>.,;:!?)\]]|\bwww\.[^\s<>]*[^\s<>.,;:!?)\]]", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKUP = re.compile(r"`+|\*\*+|__+|~~|^#+\s*|(?<=\s)#+\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f\u061f])\s+|(?<=[\u3002\uff01\uff1f])")


def speakable(text: str, english: bool = False) -> str:
    """``text`` with URLs, HTML and leftover Markdown marks removed, and the spacing tidied.

    In English a URL becomes "a link" (an address "an email address") so the sentence still reads;
    inline math is said in words.
    """
    text = spoken_math(plain(text))
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _URL.sub(" a link " if english else " ", text)
    text = _EMAIL.sub(" an email address " if english else " ", text)
    text = _MARKUP.sub(" ", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)  # brackets a removed URL leaves empty
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?\u3002\uff0c])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?])", "", text)
    text = re.sub(r"(?:^|(?<=[.!?]\s))[,.;:]\s*", "", text)
    return text.strip()


def join_words(words: list[str], conj: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"


def _english(lang: Optional[str]) -> bool:
    return lang is None or lang.lower().startswith("en")


def describe_code(code: str, language: str, continued: bool = False) -> str:
    """``"Here are 12 lines of Python. It defines the function parse and the class Reader."``"""
    facts = code_facts(code, language)
    lang = facts.language or "code"
    n = facts.lines
    if continued:
        head = f"The {lang} continues with {'one more line' if n == 1 else f'{n} more lines'}."
    else:
        head = f"Here is one line of {lang}." if n == 1 else f"Here are {n} lines of {lang}."
    if not facts.definitions:
        return head
    groups: dict[str, list[str]] = {}
    for kind, name in facts.definitions[:MAX_NAMES]:
        groups.setdefault(kind, []).append(speakable_identifier(name.rsplit(".", 1)[-1]))
    phrases = [f"the {kind}{'es' if kind.endswith('s') else 's'} {join_words(ns)}" if len(ns) > 1 else f"the {kind} {ns[0]}"
               for kind, ns in groups.items()]  # fmt: skip
    more = len(facts.definitions) - MAX_NAMES
    listing = f"{', '.join(phrases)}, and {more} more" if more > 0 else join_words(phrases)
    return f"{head} It defines {listing}."


def describe_table(headers: list[str], rows: list[list[str]], english: bool, continued: bool = False) -> list[str]:
    """What a table's narration says: its columns and rows, and its first row (in English)."""
    named = [h for h in headers if h.strip()]
    if not english:
        return [", ".join(named)] if named else []
    n = len(rows)
    if continued:
        return [f"The table continues with {n} more row{'s' if n != 1 else ''}"]
    cols = len(headers)
    head = f"The table has {cols} column{'s' if cols != 1 else ''}"
    parts = [head + (f": {join_words(named)}, and" if named else " and") + f" {n} row{'s' if n != 1 else ''}"]
    if rows:
        cells = [f"{h} {c}" if h else c for h, c in zip(headers, rows[0]) if c]
        if cells:
            parts.append(f"The first row reads: {', '.join(cells)}")
    return parts


def describe_picture(alt: str, english: bool, shown: bool = True) -> list[str]:
    """A picture's alt text as narration; one that could not be shown is named, never pointed at."""
    if not alt:
        return []
    if english and shown:
        keep = len(alt) > 1 and alt[1].isupper()  # "AI, ML ..." keeps its capitals
        return [f"The picture shows {alt if keep else alt[:1].lower() + alt[1:]}"]
    return [alt]


def template_narration(scene: SceneConfig, lang: Optional[str] = None, said: str = "") -> str:
    """Narration for ``scene`` from its own text: one sentence per line of the slide, per kind.

    ``said``: the title the scene before spoke (the same title is not said twice in a row).
    """
    en = _english(lang)
    parts = scene.narrate(en)
    if said and scene.title == said and parts and parts[0] == scene.title:
        parts = parts[1:]
    sentences = [as_sentence(speakable(p, en)) for p in parts if p and p.strip()]
    return " ".join(s for s in sentences if s.strip(" .")).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a narration (after . ! ? and their CJK and Arabic forms)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def split_narration(text: Optional[str], weights: list[int]) -> list[Optional[str]]:
    """Share written narration between pages in proportion to ``weights`` (a page with no sentence gets None)."""
    if text is None:
        return [None] * len(weights)
    sentences = split_sentences(text)
    total_w = sum(weights) or 1
    bounds, acc = [], 0
    for w in weights:
        acc += w
        bounds.append(acc / total_w)
    total_c = sum(len(s) for s in sentences) or 1
    shares: list[list[str]] = [[] for _ in weights]
    done = 0
    for s in sentences:
        middle = (done + len(s) / 2) / total_c
        shares[next(k for k, b in enumerate(bounds) if middle <= b + 1e-9)].append(s)
        done += len(s)
    return [" ".join(p) if p else None for p in shares]
