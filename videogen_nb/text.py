"""Small text helpers: slugs, titles from file names, sentences for narration."""

from __future__ import annotations

import unicodedata

#: marks the author's strong emphasis (``**bold**``) in a paragraph's text, around the words: a slide draws them
#: bold, narration and subtitles drop the marks (an invisible character, so a stray one shows nothing)
STRONG = "\u2064"
#: marks inline ``code`` the same way: a slide draws it in the monospaced font
CODE = "\u2062"


def plain(text: str) -> str:
    """``text`` without emphasis and code marks."""
    return text.replace(STRONG, "").replace(CODE, "")


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


_GENERIC_STEMS = {"readme", "index", "docs"}


def _readable_stem(stem: str) -> str:
    words = stem.replace("_", " ").replace("-", " ").replace(".", " ").split()
    # numbering and chapter codes say where a file sits, not what it is about: "ch01 01 installation"
    kept = [w for w in words if not (w.isdigit() or (w[:2].lower() in ("ch", "pt") and w[2:].isdigit()) or (len(w) > 1 and w[0].lower() in "cps" and w[1:].isdigit()))]
    return " ".join(kept)


def title_from_path(path) -> str:
    """The last-resort title of a document from its file name, made readable:
    ``ch01-01-installation.md`` -> ``"Installation"``, ``docs/getting-started/README.zh-CN.md`` -> ``"Getting started"``."""
    from pathlib import Path

    p = Path(path)
    stem = p.name.split(".")[0] if p.name.count(".") > 1 else p.stem  # README.zh-CN.md: the language is no title
    text = _readable_stem(stem)
    if not text or text.lower() in _GENERIC_STEMS:
        parent = _readable_stem(p.parent.name) if p.parent.name else ""
        text = parent if parent and parent.lower() not in _GENERIC_STEMS else text or stem
    text = text.strip() or "Untitled"
    return text[:1].upper() + text[1:]


def as_sentence(text: str) -> str:
    """Collapse whitespace and end with punctuation, so speech pauses between items."""
    text = " ".join(text.split())
    if text and text[-1] not in ".!?。！？…:;؟۔":
        text += "."
    return text
