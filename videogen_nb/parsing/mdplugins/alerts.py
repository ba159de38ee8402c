"""GitHub alerts: a block quote that starts with ``[!NOTE]`` (``TIP``, ``IMPORTANT``, ``WARNING``, ``CAUTION``).

The quote's tokens become ``alert_open`` / ``alert_close`` with ``meta["kind"]`` set, and the
marker is taken off its first line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

KINDS = ("note", "tip", "important", "warning", "caution")
_MARKER = re.compile(r"^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)", re.IGNORECASE)


def _alerts(state: StateCore) -> None:
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "blockquote_open" or i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open":
            continue
        inline = tokens[i + 2]
        m = _MARKER.match(inline.content)
        if not m:
            continue
        tok.type = "alert_open"
        tok.meta = {**(tok.meta or {}), "kind": m.group(1).lower()}
        inline.content = inline.content[m.end() :]
        depth = 0
        for close in tokens[i + 1 :]:  # the matching close, past any nested quotes
            if close.type == "blockquote_open":
                depth += 1
            elif close.type == "blockquote_close":
                if depth == 0:
                    close.type = "alert_close"
                    break
                depth -= 1
        if not inline.content.strip():  # the marker stood alone in its paragraph
            tokens[i + 1].hidden = tokens[i + 3].hidden = True
            inline.content = ""


def alerts_plugin(md: MarkdownIt) -> None:
    """Turn ``> [!NOTE]`` quotes into alerts."""
    md.core.ruler.after("block", "github_alerts", _alerts)
