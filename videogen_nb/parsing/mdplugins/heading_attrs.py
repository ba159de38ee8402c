"""Heading attributes: ``## First steps { #first-steps .intro }`` (mkdocs attr_list, Docusaurus ``{#id}``).

The braces are taken off the heading's text and kept as the heading token's attributes,
so they never reach a slide title, a thumbnail or the narration.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

# one attribute list at the very end of a heading line: {#id}, { #id .class key=value }, {: #id }
_ATTRS = re.compile(r"\s*\{:?\s*((?:[#.][\w:-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))(?:\s+(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)))*)\s*\}\s*$")
_ONE = re.compile(r"([#.])([\w:-]+)|([\w-]+)=(?:\"([^\"]*)\"|'([^']*)'|([^\s}]+))")


def parse_attrs(text: str) -> dict[str, str]:
    """``"#a .b c=d"`` -> ``{"id": "a", "class": "b", "c": "d"}``."""
    out: dict[str, str] = {}
    for m in _ONE.finditer(text):
        if m.group(1) == "#":
            out["id"] = m.group(2)
        elif m.group(1) == ".":
            out["class"] = f"{out['class']} {m.group(2)}" if "class" in out else m.group(2)
        else:
            out[m.group(3)] = next(g for g in m.group(4, 5, 6) if g is not None)
    return out


def _heading_attrs(state: StateCore) -> None:
    tokens = state.tokens
    for i, tok in enumerate(tokens[:-1]):
        if tok.type != "heading_open":
            continue
        inline = tokens[i + 1]
        m = _ATTRS.search(inline.content)
        if not m or not inline.content[: m.start()].strip():
            continue
        inline.content = inline.content[: m.start()]
        for key, value in parse_attrs(m.group(1)).items():
            tok.attrSet(key, value)


def heading_attrs_plugin(md: MarkdownIt) -> None:
    """Take ``{ #id .class }`` off the end of headings (before inline parsing, so no text is left behind)."""
    md.core.ruler.after("block", "heading_attrs", _heading_attrs)
