"""Turning a Document into scenes: Markdown with markdown-it-py, plain text by paragraphs, specs with pydantic."""

from .blocks import ParseOptions
from .markdown import Parsed, parse_markdown
from .plaintext import parse_plain_text
from .spec import read_spec

__all__ = ["ParseOptions", "Parsed", "parse_markdown", "parse_plain_text", "read_spec"]
