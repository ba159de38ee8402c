"""Small text helpers: slugs, titles from file names, sentences for narration."""

from __future__ import annotations

import unicodedata


def slugify(text: str, fallback: str = "video", max_len: int = 60) -> str:
    """An ASCII file-name slug: ``"Café au lait!"`` -> ``"cafe-au-lait"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out, dash = [], False
    for ch in ascii_text.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    slug = "".join(out).strip("-")[:max_len].strip("-")
    return slug or fallback


def title_from_filename(stem: str) -> str:
    """``"my_first-talk"`` -> ``"My first talk"``."""
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else "Untitled"


def as_sentence(text: str) -> str:
    """Collapse whitespace and end with punctuation, so speech pauses between items."""
    text = " ".join(text.split())
    if text and text[-1] not in ".!?。！？…:;؟۔":
        text += "."
    return text
