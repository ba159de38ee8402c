"""What a piece of code is, for narration: its language and the names it defines (never its lines)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.token import Keyword, Name
from pygments.util import ClassNotFound

# keywords after which the next name is being defined, in the languages Pygments does not tag
_DEFINING = {
    "def": "function", "function": "function", "fn": "function", "func": "function", "fun": "function",
    "sub": "function", "class": "class", "struct": "struct", "interface": "interface", "trait": "trait",
    "enum": "enum", "type": "type", "module": "module",
}  # fmt: skip


@dataclass
class CodeFacts:
    """The language of some code, what it defines, and how long it is."""

    language: str  # a display name: "Python", "Bash", "" when unknown
    lines: int
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (kind, name): ("function", "parse")


@lru_cache(maxsize=128)
def lexer_for(language: str) -> Lexer:
    """The Pygments lexer for a fence's language (plain text when unknown or empty)."""
    name = (language or "").strip().split()[0].lower() if (language or "").strip() else ""
    if not name:
        return TextLexer()
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer()


def language_name(language: str) -> str:
    """``"py"`` -> ``"Python"``; empty when the language is unknown."""
    lexer = lexer_for(language)
    return "" if isinstance(lexer, TextLexer) else lexer.name


def _python_definitions(code: str) -> list[tuple[str, str]] | None:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None  # a fragment: fall back to the tokens
    found: list[tuple[str, str]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(("function", node.name))
        elif isinstance(node, ast.ClassDef):
            found.append(("class", node.name))
            found.extend(
                ("method", f"{node.name}.{sub.name}")
                for sub in node.body
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and not sub.name.startswith("__")
            )
    return found


def _token_definitions(code: str, lexer: Lexer) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pending: str | None = None
    for ttype, value in lexer.get_tokens(code):
        word = value.strip()
        if not word:
            continue
        if ttype in Keyword and word in _DEFINING:
            pending = _DEFINING[word]
        elif ttype in Name.Function or ttype in Name.Class:
            found.append(("class" if ttype in Name.Class else "function", word))
            pending = None
        elif pending and ttype in Name:
            found.append((pending, word))
            pending = None
        elif pending and word not in ("*", "async", "static", "pub"):
            pending = None
    seen: set[tuple[str, str]] = set()
    return [d for d in found if not (d in seen or seen.add(d))]


def code_facts(code: str, language: str) -> CodeFacts:
    """Language and definitions of ``code`` (``ast`` for Python, Pygments tokens otherwise)."""
    lexer = lexer_for(language)
    name = language_name(language)
    defs = _python_definitions(code) if name == "Python" else None
    if defs is None and not isinstance(lexer, TextLexer):
        defs = _token_definitions(code, lexer)
    lines = len([ln for ln in code.splitlines() if ln.strip()])
    return CodeFacts(name, lines, defs or [])


def speakable_identifier(name: str) -> str:
    """``parse_markdown`` -> ``parse markdown``, ``parseMarkdown`` -> ``parse Markdown``: as a person says it."""
    name = name.replace(".", " ").replace("_", " ")
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return " ".join(name.split())
