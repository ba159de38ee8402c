"""Reading documents: file checks, decoding, front matter. Bad input fails here, early."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .errors import (
    BinaryFileError,
    DocumentNotFoundError,
    EmptyDocumentError,
    EncodingError,
    FrontMatterOnlyError,
    InputError,
)
from .models import Document, InputConfig, VideoConfig
from .parsing.spec import read_spec

TEXT_SUFFIXES = {".txt", ".text"}
SPEC_SUFFIXES = {".yaml", ".yml", ".json"}

# the first bytes of common binary formats, to name what the user passed by mistake
MAGIC = {
    b"\x89PNG": " (a PNG image)",
    b"%PDF": " (a PDF)",
    b"PK\x03\x04": " (a ZIP archive, e.g. .docx)",
    b"\xff\xd8\xff": " (a JPEG image)",
    b"GIF8": " (a GIF image)",
    b"\x1f\x8b": " (a gzip archive)",
    b"\x7fELF": " (a program)",
}


def looks_like_path(source: str) -> bool:
    """A one-line string that does not start like Markdown is taken as a file path."""
    return "\n" not in source and not source.lstrip().startswith("#")


def read_document(config: InputConfig) -> Document:
    """Read what ``config`` points at into a checked Document, or raise an InputError."""
    src = config.source
    if isinstance(src, VideoConfig):
        return document_from_objects(src)
    if config.input_type in ("markdown", "text"):
        return document_from_text(str(src), "markdown" if config.input_type == "markdown" else "text")
    if isinstance(src, Path) or looks_like_path(src):
        return load_file(Path(src), spec=config.input_type if config.input_type in ("yaml", "json") else None)
    return document_from_text(src, config.input_type if config.input_type in ("yaml", "json") else "markdown")


def document_from_objects(video: VideoConfig) -> Document:
    """A VideoConfig made in Python, as a document the parse stage reads like a JSON spec."""
    if not video.scenes:
        raise EmptyDocumentError(None)
    meta = video.model_dump(mode="json", include={"title", "subtitle", "author", "lang", "voice", "theme", "accent", "reveal"}, exclude_none=True)
    text = json.dumps({**meta, "scenes": [s.model_dump(mode="json", exclude_none=True) for s in video.scenes]}, ensure_ascii=False)
    return Document(path=None, format="objects", text=text, front_matter=meta)


def load_file(path: Path, spec: Optional[str] = None) -> Document:
    """Read a Markdown, text, YAML or JSON file, refusing binary, non-UTF-8 and empty files."""
    if not path.exists():
        raise DocumentNotFoundError(path)
    if path.is_dir():
        raise InputError(path, "this is a folder, not a document", "Pass the path of a .md or .txt file inside it.")
    suffix = path.suffix.lower()
    data = path.read_bytes()
    head = data[:8192]
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            raise BinaryFileError(path, what)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EncodingError(path, 1, 1)  # UTF-16: say "save as UTF-8" rather than "binary"
    if b"\x00" in head:
        raise BinaryFileError(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EncodingError(path, line, column) from None
    if spec is None and suffix in SPEC_SUFFIXES:
        spec = "json" if suffix == ".json" else "yaml"
    fmt = spec or ("text" if suffix in TEXT_SUFFIXES else "markdown")
    return document_from_text(text, fmt, path)


def split_front_matter(text: str, path: Optional[Path]) -> tuple[dict[str, Any], str, int]:
    """(front matter mapping, body, lines the front matter took)."""
    if not text.lstrip(" \t").startswith("---"):
        return {}, text, 0  # no front matter: not worth parsing the whole document to learn it
    md = MarkdownIt("commonmark").use(front_matter_plugin)
    tokens = md.parse(text)
    if not tokens or tokens[0].type != "front_matter":
        return {}, text, 0
    token = tokens[0]
    end_line = token.map[1] if token.map else 0
    try:
        data = yaml.safe_load(token.content) if token.content.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the opening '---'
        raise InputError(
            path, f"the front matter is not valid YAML (line {line}): {getattr(exc, 'problem', exc)}",
            "Fix the YAML between the two '---' lines, e.g. 'title: My talk'.",
        ) from None  # fmt: skip
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(path, "the front matter is not a mapping", "Write it as 'key: value' lines, e.g. 'title: My talk'.")
    body = "\n".join(text.splitlines()[end_line:])
    return {str(k): v for k, v in data.items()}, body, end_line


def document_from_text(text: str, fmt: str, path: Optional[Path] = None) -> Document:
    """Check and split a document's text (front matter only in Markdown; a spec is checked whole)."""
    if not text.strip():
        raise EmptyDocumentError(path)
    if "\x00" in text:
        raise BinaryFileError(path)
    if fmt in ("yaml", "json"):
        doc = Document(path=path, format=fmt, text=text)
        meta, _, _ = read_spec(doc)  # a bad spec fails here, in the input stage, before anything is written
        doc.front_matter = meta
        return doc
    front, body, offset = split_front_matter(text, path) if fmt == "markdown" else ({}, text, 0)
    if not body.strip():
        raise FrontMatterOnlyError(path)
    return Document(path=path, format=fmt, text=body, front_matter=front, body_line_offset=offset)
