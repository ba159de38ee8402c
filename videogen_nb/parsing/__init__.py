"""Turning a Document into scenes (Markdown with markdown-it-py; plain text by paragraphs)."""

from .markdown import parse_markdown
from .plaintext import parse_plain_text

__all__ = ["parse_markdown", "parse_plain_text"]
