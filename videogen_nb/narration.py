"""Template narration: what a scene says when nobody wrote its narration.

One template per kind. Narration is for the ear: it never holds Markdown
syntax, URLs, HTML or lines of code. Code is described (its language and
what it defines), tables are summarised. Phrases the templates add are
English; for a document in another language only its own words are read.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from .codeinfo import code_facts, speakable_identifier
from .models import (
    CheckpointScene,
    CodeComparisonScene,
    CodeScene,
    ExerciseScene,
    ImageScene,
    ProblemScene,
    QuizScene,
    QuoteScene,
    SceneConfig,
    SolutionScene,
    StepsScene,
    TableScene,
)
from .text import as_sentence

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

    In English a URL becomes "a link" (an address "an email address") so the sentence still reads.
    """
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


def _title(scene: SceneConfig) -> list[str]:
    # a continuation page does not repeat its title: the listener heard it a moment ago
    return [scene.title] if scene.title and scene.continues is None else []


def _content(scene: SceneConfig, en: bool) -> list[str]:
    return _title(scene) + list(getattr(scene, "body", [])) + [i.text for i in getattr(scene, "items", [])]


def _steps(scene: StepsScene, en: bool) -> list[str]:
    parts = []
    if scene.number is not None and en and scene.continues is None:
        parts.append(f"Step {scene.number}: {scene.title}")
    else:
        parts += _title(scene)
    parts += scene.body
    for item in scene.items:
        parts.append(f"Step {item.number}: {item.text}" if en and item.number is not None and item.level == 0 else item.text)
    return parts


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


def _code(scene: CodeScene, en: bool) -> list[str]:
    extra = [describe_code(scene.code, scene.language, scene.continues is not None)] if en and scene.code.strip() else []
    return _title(scene) + scene.body + extra


def _solution(scene: SolutionScene, en: bool) -> list[str]:
    lead = ["Here is the solution"] if en and scene.continues is None else []
    code = [describe_code(scene.code, scene.language)] if en and scene.code.strip() else []
    return _title(scene) + lead + scene.body + code


def _table(scene: TableScene, en: bool) -> list[str]:
    parts = _title(scene) + scene.body
    if not en:
        return parts + [", ".join(scene.headers)]
    rows = len(scene.rows)
    if scene.continues is not None:
        return parts + [f"The table continues with {rows} more row{'s' if rows != 1 else ''}"]
    cols = len(scene.headers)
    parts.append(
        f"The table has {cols} column{'s' if cols != 1 else ''}: {join_words(scene.headers)}, "
        f"and {rows} row{'s' if rows != 1 else ''}"
    )
    if scene.rows:
        cells = [f"{h} {c}" if h else c for h, c in zip(scene.headers, scene.rows[0]) if c]
        parts.append(f"The first row reads: {', '.join(cells)}")
    return parts


def _quote(scene: QuoteScene, en: bool) -> list[str]:
    words = " ".join(as_sentence(q) for q in scene.quote)
    if scene.continues is not None or not en or not words:
        return _title(scene) + scene.body + [words, scene.attribution if not en else ""]
    lead = f"As {scene.attribution} put it:" if scene.attribution else "A quote:"
    return _title(scene) + scene.body + [f"{lead} {words}"]


def _image(scene: ImageScene, en: bool) -> list[str]:
    alt = [f"The picture shows {scene.alt[:1].lower() + scene.alt[1:]}" if en else scene.alt] if scene.alt else []
    return _title(scene) + scene.body + alt


def _clip(scene: SceneConfig, en: bool) -> list[str]:
    return _title(scene)  # a clip speaks for itself: its title, unless the user writes more


def _comparison(scene: CodeComparisonScene, en: bool) -> list[str]:
    parts = _title(scene) + scene.body
    if en and scene.continues is None:
        lang = code_facts(scene.after or scene.before, scene.language).language or "code"
        parts.append(f"Compare two versions of this {lang}: {scene.before_label}, then {scene.after_label}")
    return parts


def _problem(scene: ProblemScene, en: bool) -> list[str]:
    lead = ["Here is a problem" + (f" of {scene.difficulty} difficulty" if scene.difficulty else "")] if en and scene.continues is None else []
    return _title(scene) + lead + _content(scene, en)[len(_title(scene)) :]


def _quiz(scene: QuizScene, en: bool) -> list[str]:
    letters = [chr(ord("A") + k) for k in range(len(scene.options))]
    if scene.reveal:
        right = f"{letters[scene.answer]}: {scene.options[scene.answer]}"
        return [f"The answer is {right}" if en else right, scene.explanation]
    options = [f"{letter}: {text}" for letter, text in zip(letters, scene.options)]
    if not en:
        return [scene.question] + options
    return ["Quiz time", scene.question, f"Is it {join_words(options, 'or')}?", "Think about it before the answer appears"]


def _checkpoint(scene: CheckpointScene, en: bool) -> list[str]:
    parts = _title(scene)
    covered = [i.text for i in scene.items if i.level == 0]
    if not en:
        return parts + covered + scene.review + scene.next
    if covered:
        parts.append(f"So far we covered {join_words(covered)}")
    if scene.review:
        parts.append("Ask yourself: " + " ".join(as_sentence(q) for q in scene.review))
    if scene.next:
        parts.append(f"Next, {join_words(scene.next)}")
    return parts


def _objectives(scene: SceneConfig, en: bool) -> list[str]:
    items = [i.text for i in scene.items]
    lead = ["By the end, you will be able to:"] if en and items and scene.continues is None else []
    return _title(scene) + scene.body + lead + items


def _exercise(scene: ExerciseScene, en: bool) -> list[str]:
    parts = _title(scene)
    if en and scene.continues is None:
        parts.append("Now it is your turn")
    parts += scene.body
    parts += [f"Step {i.number}: {i.text}" if en and i.number is not None else i.text for i in scene.items]
    if en and scene.minutes:
        parts.append(f"This takes about {scene.minutes} minute{'s' if scene.minutes != 1 else ''}")
    if en:
        parts.append("Pause the video and give it a try")
    return parts


def _title_scene(scene: SceneConfig, en: bool) -> list[str]:
    return [scene.title, getattr(scene, "subtitle", "")]


TEMPLATES: dict[str, Callable[..., list[str]]] = {
    "title": _title_scene, "steps": _steps, "code": _code, "solution": _solution, "table": _table,
    "quote": _quote, "image": _image, "figure": _image, "clip": _clip, "code_comparison": _comparison, "problem": _problem, "quiz": _quiz,
    "checkpoint": _checkpoint, "learning_objectives": _objectives, "exercise": _exercise,
}  # fmt: skip


def template_narration(scene: SceneConfig, lang: Optional[str] = None) -> str:
    """Narration for ``scene`` from its own text: one sentence per line of the slide, per kind."""
    parts = TEMPLATES.get(scene.kind, _content)(scene, _english(lang))

    en = _english(lang)
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
