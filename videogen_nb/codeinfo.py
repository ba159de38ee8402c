"""What a piece of code is, for narration: its language and the names it defines (never its lines)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, NamedTuple

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.token import Generic, Keyword, Name, Punctuation
from pygments.util import ClassNotFound

# keywords after which the next name is being defined, in the languages Pygments does not tag
_DEFINING = {
    "def": "function", "function": "function", "fn": "function", "func": "function", "fun": "function",
    "sub": "function", "class": "class", "struct": "struct", "interface": "interface", "trait": "trait",
    "enum": "enum", "type": "type", "module": "module",
}  # fmt: skip


# what Pygments calls a language, as people say it ("a shell command", not "Bash Session")
SPOKEN_LANGUAGES = {
    "Bash Session": "shell", "Bash": "shell", "Tcsh Session": "shell", "Tcsh": "shell", "Fish": "shell",
    "PowerShell Session": "PowerShell", "MSDOS Session": "Windows command", "Batchfile": "Windows command",
    "Python console session": "Python", "Python 2.x": "Python", "TSX": "TypeScript", "JSX": "JavaScript",
    "S": "R", "Docker": "Dockerfile", "Text only": "", "Diff": "diff", "JSON": "JSON", "HTML": "HTML",
}  # fmt: skip
SHELLS = {"Bash Session", "Bash", "Tcsh Session", "Tcsh", "Fish", "PowerShell Session", "PowerShell", "MSDOS Session", "Batchfile"}
CONFIGS = {"TOML", "YAML", "JSON", "INI", "Properties", "JSON5", "XML"}
_PROMPT = re.compile(r"^\s*(?:\$|%|>|PS[^>]*>|[A-Za-z]:\\[^>]*>)\s+")


@dataclass
class CodeFacts:
    """What some code is and does, for narration: its language, what it defines, calls and runs."""

    language: str  # a display name: "Python", "Bash", "" when unknown
    lines: int
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (kind, name): ("function", "parse")
    #: the shell commands it runs, in order (a session's commands after their prompts, a script's lines)
    commands: list[str] = field(default_factory=list)
    #: what a session printed (its output lines), in order
    output: list[str] = field(default_factory=list)
    #: functions and methods it calls that it does not define ("httpx.get", "print")
    calls: list[str] = field(default_factory=list)
    #: modules it imports
    imports: list[str] = field(default_factory=list)
    #: the settings a configuration file sets, and the sections they are in
    keys: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @property
    def spoken_language(self) -> str:
        """The language as people say it: "shell", "Python", "TypeScript"; empty when unknown."""
        return SPOKEN_LANGUAGES.get(self.language, self.language)

    @property
    def is_shell(self) -> bool:
        return self.language in SHELLS

    @property
    def is_config(self) -> bool:
        return self.language in CONFIGS


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


def _defining(toks: list[tuple]) -> Iterator[tuple[int, str, str]]:
    """(index in ``toks``, kind, name) of each name the tokens (spaces left out) define."""
    pending: str | None = None
    for k, (ttype, value) in enumerate(toks):
        word = value.strip()
        if ttype in Keyword and word in _DEFINING:
            pending = _DEFINING[word]
        elif (ttype in Name.Function or ttype in Name.Class) and not ttype in Name.Function.Magic and not word.endswith("!"):
            yield k, "class" if ttype in Name.Class else "function", word
            pending = None
        elif pending and ttype in Name:
            yield k, pending, word
            pending = None
        elif pending and word not in ("*", "async", "static", "pub"):
            pending = None


def _token_definitions(code: str, lexer: Lexer) -> list[tuple[str, str]]:
    toks = [(t, v) for t, v in _tokens(code, lexer) if v.strip()]
    found = [(kind, word) for _, kind, word in _defining(toks)]
    seen: set[tuple[str, str]] = set()
    return [d for d in found if not (d in seen or seen.add(d))]


def _tokens(code: str, lexer: Lexer) -> list[tuple]:
    # a session lexer drops a last line without a newline
    return list(lexer.get_tokens(code.rstrip("\n") + "\n"))


def _session(code: str, lexer: Lexer) -> tuple[list[str], list[str]]:
    """(what was typed after each prompt, what was printed) in a console session, line by line."""
    typed: list[str] = []
    printed: list[str] = []
    line, prompt, role = "", False, ""
    for ttype, value in _tokens(code, lexer):
        for k, part in enumerate(value.split("\n")):
            if k:
                if prompt and line.strip():
                    typed.append(line.strip())
                elif role == "continuation" and typed:
                    typed[-1] += "\n" + line.rstrip()
                elif role == "output" and line.strip():
                    printed.append(line.strip())
                line, prompt, role = "", False, ""
            if ttype in Generic.Prompt:
                prompt = True
                if part.strip() == "..." and typed:  # a Python continuation line belongs to the statement before
                    prompt = False
                    role = "continuation"
            elif ttype in Generic.Output or ttype in Generic.Traceback:
                role = role or "output"
                line += part
            else:
                line += part
    return typed, printed


def _script_commands(code: str) -> list[str]:
    """A shell script's commands: its lines without comments, prompts or line continuations."""
    out: list[str] = []
    joined = re.sub(r"\\\n\s*", " ", code)
    for raw in joined.splitlines():
        line = _PROMPT.sub("", raw, count=1) if _PROMPT.match(raw) and not raw.lstrip().startswith("#!") else raw
        line = line.strip()
        if line and not line.startswith(("#", "::", "REM ", "rem ")):
            out.append(line)
    return out


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _python_uses(code: str) -> tuple[list[str], list[str]] | None:
    """(what Python code calls, what it imports), in order; None if it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    calls: list[str] = []
    imports: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name and name.split(".")[-1] not in defined:
                calls.append(name)
        elif isinstance(node, ast.Import):
            imports += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imports.append(node.module)
    order = {id(n): k for k, n in enumerate(ast.walk(tree))}
    del order  # ast.walk is breadth-first; calls are kept in the order they were met
    return list(dict.fromkeys(calls)), list(dict.fromkeys(imports))


def _token_calls(code: str, lexer: Lexer, defined: set[str]) -> list[str]:
    """Names followed by an opening bracket (or a Rust macro's "!"), not defined here and not keywords."""
    toks = [(t, v) for t, v in _tokens(code, lexer) if v.strip()]
    calls: list[str] = []
    for k, (ttype, value) in enumerate(toks[:-1]):
        nxt = toks[k + 1][1]
        prev = toks[k - 1][1] if k else ""
        if ttype in Name and nxt.startswith("(") and value not in defined and prev not in _DEFINING:
            name = value
            if prev == "." and k >= 2 and toks[k - 2][0] in Name:
                name = f"{toks[k - 2][1]}.{value}"
            calls.append(name)
        elif ttype in Name.Function.Magic and value.endswith("!"):
            calls.append(value)
    return list(dict.fromkeys(calls))


def _config_entry(raw: str) -> tuple[str, str] | None:
    """("section", name) or ("key", name) of one line of a TOML/YAML/INI/JSON file; None for anything else (a
    value, a key nested deeper than four spaces)."""
    line = raw.strip()
    m = re.match(r"^\[+\s*([^\]]+?)\s*\]+$", line)
    if m:
        return ("section", m.group(1))
    m = re.match(r"^[\"']?([A-Za-z_][\w.-]*)[\"']?\s*[:=]", line)
    if m and raw[: len(raw) - len(raw.lstrip())].count(" ") <= 4:
        return ("key", m.group(1))
    return None


def _config_keys(code: str, lexer: Lexer) -> tuple[list[str], list[str]]:
    """(keys set, sections) of a TOML/YAML/INI/JSON file, top-level ones first."""
    entries = [e for e in map(_config_entry, code.splitlines()) if e is not None]
    keys = [name for what, name in entries if what == "key"]
    sections = [name for what, name in entries if what == "section"]
    return list(dict.fromkeys(keys)), list(dict.fromkeys(sections))


def code_facts(code: str, language: str) -> CodeFacts:
    """What ``code`` is and does: its language, definitions, calls, imports, commands and settings
    (``ast`` for Python, Pygments tokens otherwise)."""
    lexer = lexer_for(language)
    name = language_name(language)
    lines = len([ln for ln in code.splitlines() if ln.strip()])
    facts = CodeFacts(name, lines)
    if isinstance(lexer, TextLexer):
        return facts
    if name in SHELLS:
        typed, printed = _session(code, lexer) if name.endswith("Session") else ([], [])
        facts.commands = typed if name.endswith("Session") else _script_commands(code)
        facts.output = printed
        return facts
    if name in CONFIGS:
        facts.keys, facts.sections = _config_keys(code, lexer)
        return facts
    source = code
    if name == "Python console session":
        typed, printed = _session(code, lexer)
        source = "\n".join(typed)
        facts.output = printed
    python = name in ("Python", "Python console session")
    defs = _python_definitions(source) if python else None
    if defs is None:
        defs = _token_definitions(source, lexer_for("python") if python else lexer)
    facts.definitions = defs
    uses = _python_uses(source) if python else None
    if uses is not None:
        facts.calls, facts.imports = uses
    else:
        facts.calls = _token_calls(source, lexer_for("python") if python else lexer, {n for _, n in defs})
    return facts


class LineName(NamedTuple):
    """A name a narration may call a line of code by: ``weight`` 3 for what the line defines, imports, runs or
    sets, 2 for a section it opens, 1 for what it calls; ``prefix``: its first words are enough (a long command
    is said as "pip install with its options")."""

    text: str
    weight: int
    prefix: bool = False


def line_names(code: str, language: str) -> list[list[LineName]]:
    """For each line of ``code`` (split at newlines), the names that point at it, so that a narration that names
    a function, a module, a command or a setting can mark the line it is on."""
    lines = code.split("\n")
    out: list[list[LineName]] = [[] for _ in lines]
    facts = code_facts(code, language)
    if facts.is_shell:
        at = 0
        for cmd in facts.commands:
            head = " ".join(cmd.split()[:2])
            k = next((i for i in range(at, len(lines)) if head in " ".join(lines[i].split())), None)
            if k is not None:
                out[k].append(LineName(" ".join(cmd.split()), 3, prefix=True))
                at = k + 1
        return out
    if facts.is_config:
        for k, raw in enumerate(lines):
            entry = _config_entry(raw)
            if entry is not None:
                out[k].append(LineName(entry[1], 3 if entry[0] == "key" else 2))
        return out
    lexer = lexer_for(language)
    if isinstance(lexer, TextLexer):
        return out
    toks: list[tuple] = []  # (token type, text, line) of the tokens that are not spaces
    line = 0
    for ttype, value in _tokens(code, lexer):
        if value.strip():
            toks.append((ttype, value, line))
        line += value.count("\n")
    defined: set[int] = set()
    for k, _, word in _defining([(t, v) for t, v, _ in toks]):
        defined.add(k)
        out[toks[k][2]].append(LineName(word, 3))
    importing = False
    for k, (ttype, value, n) in enumerate(toks):
        word = value.strip()
        if ttype in Keyword:
            importing = word in ("import", "use", "require", "using") or (importing and word in ("as", "from"))
            continue
        nxt = toks[k + 1][1] if k + 1 < len(toks) else ""
        if ttype in Name.Namespace or (importing and ttype in Name):
            out[n].append(LineName(word, 3))
        elif ttype in Name and nxt.startswith("(") and k not in defined:
            prev = toks[k - 1][1] if k else ""
            name = f"{toks[k - 2][1]}.{word}" if prev == "." and k >= 2 and toks[k - 2][0] in Name else word
            out[n].append(LineName(name, 1))
            if name != word and len(speakable_identifier(word).split()) > 1:  # httpx.DigestAuth: "a DigestAuth"
                out[n].append(LineName(word, 1))
        if ttype in Punctuation and ";" in word or (toks[k + 1][2] if k + 1 < len(toks) else n) != n:
            importing = False
    return out


def speakable_identifier(name: str) -> str:
    """``parse_markdown`` -> ``parse markdown``, ``parseMarkdown`` -> ``parse Markdown``: as a person says it."""
    name = name.replace(".", " ").replace("_", " ")
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return " ".join(name.split())
