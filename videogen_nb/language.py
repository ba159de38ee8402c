"""Which language a text is written in, for the voice that speaks it.

The script decides first, by counting letters: Chinese (Han without kana), Japanese (kana), Korean,
Persian or Arabic (Arabic script; Persian has letters Arabic lacks), Hebrew, Greek, Thai, Hindi.
Within Latin and Cyrillic script, py3langid (a maintained fork of langid.py; its model ships in the
wheel) tells the languages apart. Engine-independent: this says the language, the speech engine
maps it to a voice.
"""

from __future__ import annotations

import copy
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Optional

MIN_LETTERS = 12  # fewer letters than this say nothing reliable about a language
MIN_LATIN_LETTERS = 24  # Latin-script languages share letters: telling them apart needs more
CONFIDENT = 0.8  # py3langid's probability a guess must reach

LATIN_LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "hu", "ro",
                   "tr", "id", "vi", "ca", "hr", "sl", "et", "lv", "lt")  # fmt: skip
CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "sr", "mk", "be", "kk")
# letters Persian writes and Arabic does not (peh, tcheh, jeh, gaf, keheh, farsi yeh)
_PERSIAN = set("\u067e\u0686\u0698\u06af\u06a9\u06cc")
_ARABIC_ONLY = set("\u0629\u064a\u0643\u0649")  # teh marbuta, arabic yeh, arabic kaf, alef maksura
_CODE = re.compile(r"`[^`]*`|https?://\S+|\S+@\S+|\{[^}]*\}|<[^>]*>")
# the same without ``\S+@\S+``, for text where it cannot match: tried at every letter of a long word with no "@"
# in it, that alternative scans to the word's end each time (three 10,000-letter words took half a second)
_CODE_NO_EMAIL = re.compile(r"`[^`]*`|https?://\S+|\{[^}]*\}|<[^>]*>")
_EMAIL_AT = re.compile(r"\S@\S")

_lock = threading.Lock()


def script_of(ch: str) -> str:
    """The script of a letter, by its Unicode name: "LATIN", "CJK", "HIRAGANA", "ARABIC", "CYRILLIC" ..."""
    if not ch.isalpha():
        return ""
    if ord(ch) < 0x250:
        return "LATIN"
    name = unicodedata.name(ch, "")
    for script in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "HEBREW", "CYRILLIC", "GREEK", "THAI",
                   "DEVANAGARI", "BENGALI", "TAMIL", "GEORGIAN", "ARMENIAN", "LATIN"):  # fmt: skip
        if name.startswith(script):
            return script
    return name.split(" ")[0] if name else ""


def letters_by_script(text: str) -> Counter:
    """How many letters of ``text`` each script has."""
    if text.isascii():  # every ASCII letter is Latin
        letters = sum(map(str.isalpha, text))
        return Counter({"LATIN": letters} if letters else {})
    return Counter(s for s in map(script_of, text) if s)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=8)
def _identifier_for(candidates: tuple[str, ...]):
    """An identifier restricted to ``candidates``, made once: restricting copies a column of the model per
    language (10 ms), which every scene of a long document paid again. Copies share the full model."""
    ident = copy.copy(_identifier())
    ident.set_languages(list(candidates))
    return ident


def _classify(text: str, candidates: tuple[str, ...]) -> tuple[Optional[str], float]:
    with _lock:  # one identifier is made per set of candidates, by one caller at a time
        ident = _identifier_for(candidates)
    lang, prob = ident.classify(text)  # reads the identifier only
    return str(lang), float(prob)


def _without_code(text: str) -> str:
    """``text`` with code, URLs, e-mail addresses and markup replaced by spaces (they say nothing of a language)."""
    return (_CODE if _EMAIL_AT.search(text) else _CODE_NO_EMAIL).sub(" ", text)


def detect_language(text: str, hint: Optional[str] = None) -> Optional[str]:
    """The language ``text`` is written in, as a code ("en", "zh", "fa"); None when there is too little to tell.

    ``hint``: the language expected (the document's); it is kept when the text does not clearly say otherwise.
    """
    text = _without_code(text)
    counts = letters_by_script(text)
    total = sum(counts.values())
    if total < MIN_LETTERS:
        return None
    script, n = counts.most_common(1)[0]
    kana = counts["HIRAGANA"] + counts["KATAKANA"]
    han = counts["CJK"]
    if kana >= max(3, 0.05 * (han + kana)) and kana + han >= 0.3 * total:
        return "ja"
    if han >= 0.3 * total:
        return "zh"
    if counts["HANGUL"] >= 0.3 * total:
        return "ko"
    if counts["ARABIC"] >= 0.3 * total:
        letters = [ch for ch in text if script_of(ch) == "ARABIC"]
        persian = sum(1 for ch in letters if ch in _PERSIAN)
        arabic = sum(1 for ch in letters if ch in _ARABIC_ONLY)
        if hint in ("fa", "ar", "ur") and not (persian or arabic):
            return hint
        return "fa" if persian > arabic else "ar"
    simple = {"HEBREW": "he", "GREEK": "el", "THAI": "th", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta",
              "GEORGIAN": "ka", "ARMENIAN": "hy"}  # fmt: skip
    if script in simple and n >= 0.3 * total:
        return simple[script]
    candidates = CYRILLIC_LANGUAGES if script == "CYRILLIC" else LATIN_LANGUAGES
    base = (hint or "").split("-")[0].lower()
    if n < MIN_LATIN_LETTERS:
        return base or None
    lang, prob = _classify(text, candidates)
    if base in candidates and lang != base and prob < CONFIDENT:
        return base
    return lang if prob >= 0.5 or not base else base


def same_language(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two language codes name one language ("en-GB" and "en" do)."""
    return (a or "en").lower().replace("_", "-").split("-")[0] == (b or "en").lower().replace("_", "-").split("-")[0]
