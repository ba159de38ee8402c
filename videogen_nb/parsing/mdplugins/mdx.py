"""MDX (Docusaurus): ``import`` / ``export`` statements and ``{/* comments */}`` at the top level are code
for the site, not text: they are left out (``mdx_statement`` tokens)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_STARTS = ("import ", "export ")


def _is_statement(line: str) -> bool:
    s = line.strip()
    if s.startswith("{/*") and s.endswith("*/}"):
        return True
    if not s.startswith(_STARTS):
        return False
    # "import X from '...'", "import '...'", "export const x = ...", "export default ..."
    return (" from " in s and s.rstrip(";").endswith(("'", '"'))) or s.startswith(("import '", 'import "', "export const ", "export default ", "export function "))


def _mdx(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4 or state.level:  # only at the top level
        return False
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if not _is_statement(line):
        return False
    if silent:
        return True
    nxt = start + 1
    open_braces = line.count("{") - line.count("}")
    while nxt < end and open_braces > 0:  # "export const x = {" runs to its closing brace
        text = state.src[state.bMarks[nxt] : state.eMarks[nxt]]
        open_braces += text.count("{") - text.count("}")
        nxt += 1
    token = state.push("mdx_statement", "", 0)
    token.content = state.getLines(start, nxt, 0, False)
    token.map = [start, nxt]
    state.line = nxt
    return True


def mdx_plugin(md: MarkdownIt) -> None:
    """Recognise MDX ``import``/``export`` lines so they are never shown or read."""
    md.block.ruler.before("paragraph", "mdx_statement", _mdx, {"alt": ["paragraph"]})
