"""Content tabs (pymdownx.tabbed, mkdocs-material): ``=== "Tab title"`` and the content indented under it.

Each tab becomes ``tab_open`` (``meta["title"]``) ... ``tab_close``; a video shows the tabs one
after another, so every tab's text is kept.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_OPEN = re.compile(r'^===[!+]?\s+"([^"]*)"\s*$|^===[!+]?\s+\'([^\']*)\'\s*$')


def _tab(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    line = state.src[pos : state.eMarks[start]]
    m = _OPEN.match(line)
    if not m:
        return False
    if silent:
        return True
    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "tab"
    state.blkIndent += 4
    nxt, was_empty = start, False
    while True:  # the tab runs while lines are indented (blank lines inside it are fine)
        nxt += 1
        if nxt >= end:
            break
        empty = state.isEmpty(nxt)
        if empty and was_empty:
            break
        was_empty = empty
        if not empty and state.sCount[nxt] < state.blkIndent:
            break
    state.lineMax = nxt
    token = state.push("tab_open", "div", 1)
    token.meta = {"title": m.group(1) if m.group(1) is not None else m.group(2)}
    token.map = [start, nxt]
    token.block = True
    state.md.block.tokenize(state, start + 1, nxt)
    token = state.push("tab_close", "div", -1)
    token.block = True
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    state.line = nxt
    return True


def tabs_plugin(md: MarkdownIt) -> None:
    """Recognise ``=== "Title"`` content tabs."""
    md.block.ruler.before("fence", "content_tab", _tab, {"alt": ["paragraph", "reference", "blockquote", "list"]})
