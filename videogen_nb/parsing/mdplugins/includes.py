"""File includes of documentation tools, resolved relative to the document:

- mdBook: ``{{#include file.rs:anchor}}``, ``{{#rustdoc_include file.rs:2:10}}``, ``{{#playground file.rs}}``
  (mdBook's hidden ``# `` lines of Rust code are taken out of every Rust listing);
- pymdown snippets: ``--8<-- "file.md"`` (and the block form between two ``--8<--`` lines);
- FastAPI's docs: ``{* ../docs_src/app.py hl[6] ln[1:8] *}``.

Inside a fence the directive line is replaced by the file's lines; a paragraph of directives
becomes the file itself: a code listing, or Markdown parsed in place. A file that cannot be
had (missing, or outside the project) is left out, with one warning that names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ENV_KEY = "videogen_includes"
MAX_INCLUDES = 200  # per document: a file that includes itself stops here
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx", ".txt"}
ROOT_MARKERS = (".git", "book.toml", "mkdocs.yml", "mkdocs.yaml", "docusaurus.config.js", "docusaurus.config.ts", "conf.py", "pyproject.toml")

_MDBOOK = re.compile(r"^\s*\{\{\s*#(include|rustdoc_include|playground|rust)\s+([^\s}]+)[^}]*\}\}\s*$")
_FASTAPI = re.compile(r"^\s*\{\*\s*(\S+)(.*?)\*\}\s*$")
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(?:"([^"]+)"|'([^']+)'|(\S+))\s*$""")
_SNIPPET_FENCE = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
_LN = re.compile(r"\bln\[([^\]]*)\]")
_ANCHOR_LINE = re.compile(r"ANCHOR(?:_END)?:\s*\w+")
_SNIPPET_MARK = re.compile(r"--8<--\s*\[(?:start|end):[\w-]+\]")

_LANGS = {
    ".py": "python", ".rs": "rust", ".js": "javascript", ".jsx": "jsx", ".ts": "typescript", ".tsx": "tsx",
    ".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".sh": "bash", ".bash": "bash",
    ".go": "go", ".java": "java", ".c": "c", ".h": "c", ".cpp": "cpp", ".rb": "ruby", ".html": "html",
    ".css": "css", ".sql": "sql", ".kt": "kotlin", ".swift": "swift", ".ini": "ini", ".cfg": "ini",
}  # fmt: skip


def language_of(path: str) -> str:
    """The fence language for a file name, from its suffix ("" when unknown)."""
    return _LANGS.get(Path(path).suffix.lower(), "")


def project_root(start: Path) -> Optional[Path]:
    """The nearest folder at or above ``start`` that holds a project marker (``.git``, ``book.toml`` ...)."""
    for folder in [start, *start.parents]:
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    return None


@dataclass
class IncludeResolver:
    """Reads included files: relative to the document's folder, else to the project root; never outside the root."""

    base_dir: Path
    doc_name: str = "<text>"
    offset: int = 0
    root: Optional[Path] = None
    warnings: list[str] = field(default_factory=list)
    count: int = 0

    def __post_init__(self) -> None:
        self.base_dir = self.base_dir.resolve()
        if self.root is None:
            self.root = project_root(self.base_dir) or self.base_dir
        self.root = self.root.resolve()

    def where(self, line: Optional[int]) -> str:
        return f"{self.doc_name}:{line + 1 + self.offset}" if line is not None else self.doc_name

    def read(self, target: str, directive: str, line: Optional[int]) -> Optional[str]:
        """The text of ``target`` (a path relative to the document), or None with a warning naming it."""
        self.count += 1
        if self.count > MAX_INCLUDES:
            self.warnings.append(f"{self.where(line)}: more than {MAX_INCLUDES} includes; {directive.strip()} is left out")
            return None
        for base in (self.base_dir, self.root):
            path = (base / target).resolve()
            if path.is_file() and path.is_relative_to(self.root):
                try:
                    return path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    self.warnings.append(f"{self.where(line)}: {directive.strip()} cannot be read ({exc}); it is left out")
                    return None
        self.warnings.append(
            f"{self.where(line)}: {directive.strip()} names {target}, which is not in {self.base_dir}"
            f"{'' if self.root == self.base_dir else f' or {self.root}'}; it is left out"
        )
        return None


# --- what part of a file to take --------------------------------------------------------------


def _between(lines: list[str], start: re.Pattern, end: re.Pattern) -> Optional[list[str]]:
    out: list[str] = []
    inside = found = False
    for ln in lines:
        if start.search(ln):
            inside = found = True
        elif end.search(ln):
            inside = False
        elif inside:
            out.append(ln)
    return out if found else None


def _line_range(lines: list[str], spec: str) -> Optional[list[str]]:
    """mdBook's ``2``, ``2:10``, ``:10``, ``2:`` (1-based, inclusive)."""
    parts = spec.split(":")
    if len(parts) > 2 or not all(p.isdigit() or p == "" for p in parts):
        return None
    if len(parts) == 1:
        n = int(parts[0])
        return lines[n - 1 : n]
    a = int(parts[0]) if parts[0] else 1
    b = int(parts[1]) if parts[1] else len(lines)
    return lines[a - 1 : b]


def select(text: str, spec: str, tool: str) -> Optional[list[str]]:
    """The lines of ``text`` that ``spec`` (an anchor name or a line range) picks; None if it picks nothing."""
    lines = text.splitlines()
    if not spec:
        picked: Optional[list[str]] = lines
    elif tool == "snippet" and not spec[0].isdigit() and spec[0] != ":":
        picked = _between(lines, re.compile(rf"--8<--\s*\[start:{re.escape(spec)}\]"), re.compile(rf"--8<--\s*\[end:{re.escape(spec)}\]"))
    elif not spec[0].isdigit() and spec[0] != ":":
        picked = _between(lines, re.compile(rf"ANCHOR:\s*{re.escape(spec)}\b"), re.compile(rf"ANCHOR_END:\s*{re.escape(spec)}\b"))
    else:
        picked = _line_range(lines, spec)
    if picked is None:
        return None
    marker = _SNIPPET_MARK if tool == "snippet" else _ANCHOR_LINE
    return [ln for ln in picked if not marker.search(ln)]


def _fastapi_lines(lines: list[str], options: str) -> list[str]:
    m = _LN.search(options)
    if not m:
        return lines
    out: list[str] = []
    for part in m.group(1).split(","):
        part = part.strip()
        picked = _line_range(lines, part) if part else None
        out += picked or []
    return out or lines


@dataclass
class Directive:
    """One include line: which tool's syntax, the file, and the part of it."""

    tool: str  # "include", "rustdoc_include", "playground", "snippet", "fastapi"
    path: str
    spec: str
    options: str
    source: str


def parse_directive(line: str) -> Optional[Directive]:
    """The include a whole line asks for, if it is one."""
    m = _MDBOOK.match(line)
    if m:
        target = m.group(2)
        path, _, spec = target.partition(":")
        return Directive(m.group(1), path, spec, "", line)
    m = _FASTAPI.match(line)
    if m:
        return Directive("fastapi", m.group(1), "", m.group(2), line)
    m = _SNIPPET.match(line)
    if m and not line.lstrip().startswith(";"):
        target = next(g for g in m.groups() if g)
        path, spec = target, ""
        head, sep, tail = target.rpartition(":")
        if sep and head and (tail.replace(":", "").isdigit() or re.fullmatch(r"[\w-]+", tail)) and "/" not in tail and "." not in tail:
            path, spec = head, tail
            h2, sep2, t2 = head.rpartition(":")  # file.md:2:4
            if sep2 and h2 and t2.isdigit():
                path, spec = h2, f"{t2}:{tail}"
        return Directive("snippet", path, spec, "", line)
    return None


def hide_rust_lines(code: str) -> str:
    """mdBook hides Rust lines that start with ``# `` (or are only ``#``): the reader never sees them."""
    kept = []
    for ln in code.split("\n"):
        s = ln.lstrip()
        if s == "#" or s.startswith("# "):
            continue
        kept.append(ln)
    return "\n".join(kept)


def _expand(d: Directive, resolver: IncludeResolver, line: Optional[int]) -> Optional[list[str]]:
    text = resolver.read(d.path, d.source, line)
    if text is None:
        return None
    if d.tool == "fastapi":
        return _fastapi_lines(text.splitlines(), d.options)
    picked = select(text, d.spec, d.tool)
    if picked is None:
        resolver.warnings.append(f"{resolver.where(line)}: {d.source.strip()}: {d.spec!r} is not in {d.path}; it is left out")
    return picked


# --- the core rule ----------------------------------------------------------------------------------


def _is_rust(info: str) -> bool:
    return (info or "").strip().split(",")[0].split(" ")[0].lower() in ("rust", "rs")


def _fence(tok: Token, resolver: IncludeResolver) -> None:
    out: list[str] = []
    lines = tok.content.split("\n")
    i = 0
    line0 = tok.map[0] + 1 if tok.map else None
    while i < len(lines):
        ln = lines[i]
        if _SNIPPET_FENCE.match(ln):  # block form: file names between two --8<-- lines
            j = next((k for k in range(i + 1, len(lines)) if _SNIPPET_FENCE.match(lines[k])), None)
            if j is not None:
                for name in lines[i + 1 : j]:
                    if name.strip() and not name.strip().startswith(";"):
                        got = _expand(Directive("snippet", name.strip(), "", "", f'--8<-- "{name.strip()}"'), resolver, line0)
                        out += got or []
                i = j + 1
                continue
        d = parse_directive(ln)
        if d is None:
            out.append(ln)
        else:
            indent = ln[: len(ln) - len(ln.lstrip())]
            out += [indent + x if x else x for x in (_expand(d, resolver, line0) or [])]
        i += 1
    content = "\n".join(out)
    tok.content = hide_rust_lines(content) if _is_rust(tok.info) else content


def _fence_for(code: str, language: str) -> str:
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    return f"{ticks}{language}\n{code}\n{ticks}\n"


def _paragraph_source(content: str, resolver: IncludeResolver, line: Optional[int]) -> Optional[str]:
    """The Markdown a paragraph of include lines stands for; None when it holds no include."""
    lines = content.split("\n")
    if not any(parse_directive(ln) or _SNIPPET_FENCE.match(ln) for ln in lines):
        return None
    parts: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        names: list[tuple[Directive, int]] = []
        if _SNIPPET_FENCE.match(ln):
            j = next((k for k in range(i + 1, len(lines)) if _SNIPPET_FENCE.match(lines[k])), len(lines))
            names = [(Directive("snippet", n.strip(), "", "", f'--8<-- "{n.strip()}"'), i) for n in lines[i + 1 : j] if n.strip()]
            i = j + 1
        else:
            d = parse_directive(ln)
            i += 1
            if d is None:
                parts.append(ln + "\n")
                continue
            names = [(d, i)]
        for d, _ in names:
            got = _expand(d, resolver, line)
            if got is None:
                continue
            text = "\n".join(got)
            if Path(d.path).suffix.lower() in MARKDOWN_SUFFIXES:
                parts.append("\n" + text + "\n\n")
            else:
                lang = language_of(d.path)
                parts.append("\n" + _fence_for(hide_rust_lines(text) if lang == "rust" else text, lang) + "\n")
    return "".join(parts)


def _includes(state: StateCore) -> None:
    resolver: Optional[IncludeResolver] = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if resolver is None:
        return
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("fence", "code_block"):
            _fence(tok, resolver)
        elif tok.type == "paragraph_open" and i + 2 < len(tokens) and tokens[i + 1].type == "inline":
            line = tok.map[0] if tok.map else None
            source = _paragraph_source(tokens[i + 1].content, resolver, line)
            if source is not None:
                made: list[Token] = []
                state.md.block.parse(source, state.md, state.env, made)
                for t in made:
                    t.map = list(tok.map) if tok.map else None
                    t.level += tok.level
                tokens[i : i + 3] = made  # included Markdown may include again: it is read next
                continue
        out.append(tok)
        i += 1
    state.tokens = out


def includes_plugin(md: MarkdownIt) -> None:
    """Resolve include directives with the :class:`IncludeResolver` passed in ``env["videogen_includes"]``."""
    md.core.ruler.after("block", "includes", _includes)
