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
from .spoken import SHORT_URL, strip_emoji, words_for
from .text import as_sentence, plain

MAX_NAMES = 6  # definitions named in a code description; the rest are counted

# a URL ends before the punctuation that ends its sentence
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>]*[^\s<>.,;:!?)\]]|\bwww\.[^\s<>]*[^\s<>.,;:!?)\]]", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKUP = re.compile(r"`+|\*\*+|__+|~~|^#+\s*|(?<=\s)#+\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f\u061f])\s+|(?<=[\u3002\uff01\uff1f])")


def speakable(text: str, english: bool = False, lang: Optional[str] = None) -> str:
    """``text`` as narration: HTML, leftover Markdown marks and emoji removed, the spacing and punctuation tidied.

    A short URL stays as written (without its scheme: subtitles show it, and the voice says it readably); a long
    one becomes "the link on screen" in the narration's language (an address "an email address"); inline math
    is said in words.
    """
    text = spoken_math(plain(text))
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    link = words_for(lang or ("en" if english else None))["link"] if english or lang else ""
    text = _URL.sub(lambda m: f" {_short_url(m.group(0)) or link} ", text)
    text = _EMAIL.sub(" an email address " if english else " ", text)
    text = _MARKUP.sub(" ", text)
    text = strip_emoji(text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)  # brackets a removed URL leaves empty
    text = " ".join(text.split())
    return tidy_punctuation(text)


def _short_url(url: str) -> str:
    """A URL short enough to say, as a subtitle shows it ("docs.python.org", "localhost:8000"); empty if long."""
    bare = re.sub(r"^(?:https?|ftp)://", "", url, flags=re.IGNORECASE).rstrip("/")
    local = bare.split(":")[0].split("/")[0] in ("localhost", "127.0.0.1", "0.0.0.0")
    if any(c in bare for c in "?#@") or bare.count("/") > 2 or (len(bare) > SHORT_URL and not local):
        return ""
    return bare


def tidy_punctuation(text: str) -> str:
    """No space before a comma or full stop that ends a word ("the .netrc" keeps its space), no doubled
    punctuation ("later.).", ",."), nothing left dangling at a sentence's start."""
    text = re.sub(r"([,;:])\s*(?=[.!?])", "", text)
    text = re.sub(r"\s+([,.;:!?\u3002\uff0c])(?=\s|$)", r"\1", text)
    text = re.sub(r"([.!?\u2026])([\"'\u201d\u2019)\]]*)\.(?!\.)", r"\1\2", text)  # "later.)." -> "later.)"
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)  # two full stops (never an ellipsis "...")
    text = re.sub(r"([,;:])[,;:]+", r"\1", text)
    text = re.sub(r"\s+([)\]\uff09])", r"\1", text)  # "(a star, too 😊)" lost its emoji: "too)" not "too )"
    text = re.sub(r"([(\[\uff08])\s+", r"\1", text)
    text = re.sub(r"(?:^|(?<=[.!?]\s))[,.;:](?=\s|$)\s*", "", text)
    return text.strip()


ADMONITIONS = ("note", "tip", "warning", "important", "caution", "info", "hint", "danger", "attention", "remember")


def admonition(text: str) -> bool:
    """Whether ``text`` opens like an admonition ("Note: ...", "**Warning**: ..."): said as it is, never "A quote"."""
    head = plain(text).lstrip(" *_>").split(":", 1)[0].strip(" *_").lower()
    return ":" in plain(text)[:20] and head in ADMONITIONS


def quoted(words: str, attribution: str = "") -> str:
    """A quotation as narration: "As Ada put it: ...", "A quote: ...", or an admonition as it is ("Note: ...")."""
    if attribution:
        return f"As {attribution} put it: {words}"
    return words if admonition(words) else f"A quote: {words}"


def join_words(words: list[str], conj: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"


def _english(lang: Optional[str]) -> bool:
    return lang is None or lang.lower().startswith("en")


MAX_COMMANDS = 4  # commands a narration names; the rest are counted
MAX_CALLS = 4
LONG_COMMAND = 6  # words: a longer command is named by its program and what it does first


def _command(cmd: str) -> str:
    """A command as it is said: whole when short, else its program (and subcommand) "with its options"."""
    words = cmd.split()
    if len(words) <= LONG_COMMAND and len(cmd) <= 60:
        return cmd
    head = words[0] if "/" not in words[0] else words[0].rsplit("/", 1)[-1]
    if len(words) > 1 and words[1].isalpha() and head in ("sudo", "npx", "python", "python3", "uv", "poetry"):
        head = f"{head} {words[1]}"
        words = words[1:]
    sub = f" {words[1]}" if len(words) > 1 and re.fullmatch(r"[a-z][a-z-]*", words[1]) else ""
    return f"{head}{sub} with its options"


def _listed(names: list[str], most: int, conj: str = "and") -> str:
    more = len(names) - most
    shown = names[:most] + ([f"{more} more"] if more > 0 else [])
    return join_words(shown, conj)


def _end(sentence: str) -> str:
    """A sentence with one full stop at its end (none added after "!" or "?" or one already there)."""
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def describe_code(code: str, language: str, continued: bool = False, lead: str = "") -> str:
    """What a listing does, said as a person would: the commands it runs ("Run cargo build."), what it imports,
    defines and calls, the settings a configuration file sets; never "Here are 12 lines of Python".

    ``lead``: the sentence just before the listing; one ending with ":" ("To update, run:") has introduced it,
    so its commands follow bare. Empty when there is nothing to say beyond what the lead said.
    """
    facts = code_facts(code, language)
    introduced = plain(lead).rstrip().endswith((":", "\uff1a"))
    if facts.is_shell and facts.commands:
        cmds = [_command(c) for c in facts.commands]
        said = ", then ".join(cmds) if len(cmds) <= MAX_COMMANDS else (
            f"these {len(cmds)} commands: {', '.join(cmds[:MAX_COMMANDS - 1])} and {len(cmds) - MAX_COMMANDS + 1} more")
        text = f"Then {said}" if continued else (said if introduced else f"Run {said}")  # a command keeps its case
        text = _end(text)
        printed = [o for o in facts.output if o.strip()]
        if len(printed) == 1 and len(printed[0].split()) <= 6 and not re.search(r"://|[/\\]\w|[<>{}\[\]]", printed[0]):
            text += " " + _end(f"It prints {printed[0]}")
        return text
    if facts.is_config and facts.keys:
        where = f" in the {join_words(facts.sections[:3])} section{'s' if len(facts.sections) > 1 else ''}" if facts.sections else ""
        return f"It sets {_listed(facts.keys, MAX_NAMES)}{where}."
    phrases: list[str] = []
    if facts.imports:
        phrases.append(f"imports {_listed(facts.imports, 3)}")
    if facts.definitions:
        groups: dict[str, list[str]] = {}
        for kind, name in facts.definitions[:MAX_NAMES]:
            groups.setdefault(kind, []).append(speakable_identifier(name.rsplit(".", 1)[-1]))
        defs = [f"the {kind}{'es' if kind.endswith('s') else 's'} {join_words(ns)}" if len(ns) > 1 else f"the {kind} {ns[0]}"
                for kind, ns in groups.items()]  # fmt: skip
        more = len(facts.definitions) - MAX_NAMES
        phrases.append("defines " + (f"{', '.join(defs)}, and {more} more" if more > 0 else join_words(defs)))
    if facts.calls:
        phrases.append(f"calls {_listed(facts.calls, MAX_CALLS)}")
    if phrases:
        lang = facts.spoken_language
        subject = "It then" if continued else (f"This {lang} code" if lang else "It")
        return f"{subject} {join_words(phrases)}."
    if introduced or continued:
        return ""  # the sentence before said what it is
    lang = facts.spoken_language
    return f"Here is some {lang} code." if lang and not facts.is_config else (f"Here is the {lang} file." if lang else "Here is some code.")


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

    ``said``: the title the scene before spoke. The title is not said twice in a row, nor when the words after
    it begin with it ("Cookies. Cookies are ...").
    """
    en = _english(lang)
    parts = [p for p in scene.narrate(en) if p and p.strip()]
    title = scene.title.strip()
    if parts and title and plain(parts[0]).strip() == title:
        repeated = said.strip() == title
        echoed = len(parts) > 1 and plain(parts[1]).lstrip().lower().startswith(title.lower())
        if repeated or echoed:
            parts = parts[1:]
    sentences = [as_sentence(speakable(p, en, lang)) for p in parts]
    return tidy_punctuation(" ".join(s for s in sentences if s.strip(" .")).strip())


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
