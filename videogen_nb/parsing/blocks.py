"""A Markdown document as a flat list of typed blocks (headings, paragraphs, lists, code, tables ...).

The parser is markdown-it-py with the mdit-py-plugins of the documentation dialects people write
(admonitions, containers, MyST blocks and roles, math, footnotes, task lists, definition lists)
and our own plugins (:mod:`.mdplugins`: heading attributes, GitHub alerts, content tabs, MDX
statements, includes). What is markup for a documentation tool never becomes a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from ..errors import InputError
from ..kinds import callout_style
from ..models import MAX_LIST_LEVEL, Item
from ..text import plain
from .html import HtmlCallout, HtmlComment, HtmlHeading, HtmlImage, HtmlText, read_html, strip_tags
from .images import is_badge, resolve_image
from .inline import InlineImage, heading_text, inline_images, inline_lines, inline_text, is_link_only, only_images
from .mdplugins import alerts_plugin, heading_attrs_plugin, includes_plugin, mdx_plugin, tabs_plugin
from .mdplugins.includes import ENV_KEY, IncludeResolver
from .remote import Fetcher


@dataclass
class Heading:
    level: int
    text: str
    line: Optional[int]
    #: the whole heading is one link (``## [Quiz](https://...)``): navigation, not a topic
    link_only: bool = False
    #: ``{animate=false}`` or ``{.still}`` after the heading: its part of the document holds still (True: it builds
    #: up even where the document says ``reveal: false``); None: as the document says
    animate: Optional[bool] = None


@dataclass
class Para:
    text: str
    line: Optional[int]

    @property
    def lead_in(self) -> bool:
        """Ends with a colon: it introduces the block after it, and stays with it."""
        return plain(self.text).rstrip().endswith((":", "\uff1a"))


@dataclass
class ListBlock:
    items: list[Item]
    ordered: bool
    line: Optional[int]


@dataclass
class Code:
    code: str
    language: str
    line: Optional[int]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    line: Optional[int]


@dataclass
class Quote:
    paragraphs: list[str]
    attribution: str
    line: Optional[int]


@dataclass
class Picture:
    path: Optional[Path]  # None: it could not be had, and is shown as a card
    alt: str
    line: Optional[int]
    src: str = ""


@dataclass
class Math:
    tex: str
    line: Optional[int]


@dataclass
class Callout:
    style: str
    title: str
    blocks: list["MdBlock"]
    line: Optional[int]


@dataclass
class Note:
    """Speaker notes: narration the author wrote (``<!-- narration: ... -->``, ``::: notes``, a deck's comments)."""

    text: str
    line: Optional[int]
    #: written as notes (``narration:``, ``note:``, ``::: notes``), not just any comment
    explicit: bool = True


@dataclass
class Break:
    """A thematic break (``---``): where a deck's slide ends."""

    line: Optional[int]


MdBlock = Union[Heading, Para, ListBlock, Code, Table, Quote, Picture, Math, Callout, Note, Break]
TEXT_BLOCKS = (Para, ListBlock, Math)
_ATTRIBUTION_DASHES = ("\u2014", "\u2013", "--", "~", "- ")
_NOTE_PREFIX = re.compile(r"^\s*(narration|notes?|speaker[ _-]?notes?|say)\s*:\s*", re.IGNORECASE)
_PRESENTATIONAL = re.compile(r"</?(?:font|span|b|i|u|strong|em|code|kbd|samp|mark|small)\b[^>]*>", re.IGNORECASE)
_MARKUP_LANGS = {"html", "xml", "jsx", "tsx", "vue", "svelte", "svg", "xhtml", "mdx", "markdown", "md", "astro"}
_DIRECTIVE = re.compile(r"^\{([\w:.-]+)\}\s*(.*)$")
_TRANSPARENT_DIRECTIVES = {"tab-set", "tab-item", "tab", "tabbed", "dropdown", "card", "grid", "grid-item", "grid-item-card",
                           "div", "container", "sidebar", "margin", "topic", "rubric", "epigraph", "highlights",
                           "only", "glossary", "hlist", "centered", "list-table", "panels"}  # fmt: skip
_CODE_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "ipython", "jupyter-execute"}
_DROPPED_DIRECTIVES = {"toctree", "contents", "index", "raw", "eval-rst", "bibliography", "include", "meta", "tableofcontents",
                       "autosummary", "automodule", "autoclass", "autofunction", "mermaid", "graphviz", "plot"}  # fmt: skip


def _opening(node: SyntaxTreeNode):
    """The token that opens a node (a container's ``*_open``), or the node's own token."""
    return node.nester_tokens.opening if node.nester_tokens else node.token


def _notes_of(text: str) -> Optional[str]:
    m = _NOTE_PREFIX.match(text)
    return text[m.end() :].strip() if m else None


def markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub's tables and strikethrough and the plugins of the documentation dialects."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(heading_attrs_plugin).use(includes_plugin).use(alerts_plugin).use(mdx_plugin).use(tabs_plugin)
    md.use(admon_plugin).use(myst_block_plugin).use(myst_role_plugin).use(amsmath_plugin)
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, double_inline=True)
    md.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    md.use(container_plugin, name="colon", marker=":", validate=lambda params, *a: True)
    md.use(container_plugin, name="slash", marker="/", validate=lambda params, *a: True)
    return md


@dataclass
class ParseOptions:
    """How a Markdown document is read: whether pictures on the web may be fetched, and where they are kept."""

    offline: bool = True
    image_cache: Optional[Path] = None


@dataclass
class _Walker:
    md: MarkdownIt
    env: dict
    base_dir: Path
    doc_path: Optional[Path]
    offset: int
    root: Path
    fetcher: Optional[Fetcher]
    blocks: list[MdBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def line(self, node: SyntaxTreeNode) -> Optional[int]:
        return node.map[0] + 1 + self.offset if node.map else None

    def sub(self) -> "_Walker":
        return _Walker(self.md, self.env, self.base_dir, self.doc_path, self.offset, self.root, self.fetcher, warnings=self.warnings)

    def walk(self, nodes: list[SyntaxTreeNode]) -> None:
        for node in nodes:
            handler = getattr(self, f"_{node.type}", None)
            if handler is not None:
                handler(node)
            # myst targets, MDX statements, footnote blocks and the like are left out on purpose

    def walk_source(self, source: str, line: Optional[int]) -> list[MdBlock]:
        """The blocks of a piece of Markdown found inside a block (a MyST directive, an ``mdx-code-block``)."""
        sub = self.sub()
        if line is not None:
            sub.offset = line  # lines inside it count from the fence's first line
        sub.walk(SyntaxTreeNode(self.md.parse(source, self.env)).children)
        return sub.blocks

    def children_blocks(self, nodes: list[SyntaxTreeNode]) -> list[MdBlock]:
        sub = self.sub()
        sub.walk(nodes)
        return sub.blocks

    # --- pictures ---------------------------------------------------------------------

    def picture(self, image: InlineImage, line: Optional[int]) -> Optional[Picture]:
        """The picture, or its card; a picture with no alt text that cannot be had has nothing to name it by: left out."""
        path = resolve_image(image, self.base_dir, self.doc_path, line, self.warnings, fetcher=self.fetcher, root=self.root)
        if path is None and not image.alt.strip():
            if self.warnings and self.warnings[-1].endswith("it is shown as a card"):
                self.warnings[-1] = self.warnings[-1][: -len("it is shown as a card")] + "it has no alt text to show instead, so it is left out"
            return None
        return Picture(path, image.alt, line, image.src)

    def pictures(self, images: list[InlineImage], line: Optional[int]) -> None:
        row_of_links = len(images) > 1 and all(i.in_link for i in images)  # a row of linked logos or badges
        for image in images:
            if is_badge(image) or row_of_links or not image.src.strip():
                continue
            pic = self.picture(image, line)
            if pic is not None:
                self.blocks.append(pic)

    # --- headings and text ----------------------------------------------------------------

    def _heading(self, node: SyntaxTreeNode) -> None:
        inline = node.children[0].token if node.children else None
        text = heading_text(inline) if inline is not None else ""
        line = self.line(node)
        animate = self._animate(dict(node.attrs), line)
        self.blocks.append(Heading(int(node.tag[1]), text, line, inline is not None and is_link_only(inline), animate))

    def _animate(self, attrs: dict, line: Optional[int]) -> Optional[bool]:
        """A heading's ``{animate=false}`` / ``{animate=true}`` / ``{.still}``: whether its part builds up."""
        if "still" in str(attrs.get("class", "")).split():
            return False
        value = attrs.get("animate")
        if value is None:
            return None
        said = str(value).strip().lower()
        if said in ("true", "yes", "on"):
            return True
        if said in ("false", "no", "off"):
            return False
        where = f"line {line}: " if line is not None else ""
        raise InputError(
            self.doc_path, f"{where}the heading attribute 'animate={value}' is neither true nor false",
            "Write {animate=false} (or {.still}) after the heading to hold its part still, {animate=true} to build it up, "
            "or leave it out",
        )  # fmt: skip

    def _paragraph(self, node: SyntaxTreeNode) -> None:
        inline = node.children[0].token if node.children else None
        if inline is None or node.token is not None and node.token.hidden and not inline.content.strip():
            return
        if only_images(inline):
            self.pictures(inline_images(inline), self.line(node))
            return
        text = inline_text(inline)
        if text:
            self.blocks.append(Para(text, self.line(node)))

    def _html_block(self, node: SyntaxTreeNode) -> None:
        line = self.line(node)
        images: list[InlineImage] = []
        for part in read_html(node.content):
            if not isinstance(part, HtmlImage) and images:
                self.pictures(images, line)
                images = []
            if isinstance(part, HtmlHeading):
                self.blocks.append(Heading(part.level, part.text, line))
            elif isinstance(part, HtmlText):
                self.blocks.append(Para(part.text, line))
            elif isinstance(part, HtmlImage):
                images.append(InlineImage(part.src, part.alt, part.in_link))
            elif isinstance(part, HtmlCallout):
                style = callout_style(part.style) or "note"
                self.blocks.append(Callout(style, part.title, [Para(t, line) for t in part.texts], line))
            elif isinstance(part, HtmlComment):
                notes = _notes_of(part.text)
                self.blocks.append(Note(notes if notes is not None else part.text, line, notes is not None))
        if images:
            self.pictures(images, line)

    # --- code and math --------------------------------------------------------------------

    def _fence(self, node: SyntaxTreeNode) -> None:
        info = (node.info or "").strip()
        line = self.line(node)
        m = _DIRECTIVE.match(info)
        if m:
            self.directive(m.group(1).lower(), m.group(2).strip(), node.content, line)
            return
        language = info.split(" ")[0].split(",")[0].strip("{}.")
        if language.lower() in ("mdx-code-block", "mdx"):  # Docusaurus renders these as MDX: their text is content
            self.blocks.extend(self.walk_source(node.content, line))
            return
        code = node.content.rstrip("\n")
        if language.lower() not in _MARKUP_LANGS and _PRESENTATIONAL.search(code):
            code = strip_tags(code)  # a terminal listing coloured with <font>/<span>: the text is what it shows
        if code.strip():
            self.blocks.append(Code(code, language, line))

    _code_block = _fence

    def directive(self, name: str, argument: str, content: str, line: Optional[int]) -> None:
        """A MyST directive: admonitions become callouts, code and math their blocks, the rest its content."""
        options: dict[str, str] = {}
        lines = content.split("\n")
        while lines and lines[0].startswith(":") and ":" in lines[0][1:]:  # ":class: tip" option lines
            key, _, value = lines.pop(0)[1:].partition(":")
            options[key.strip()] = value.strip()
        if lines and lines[0].strip() == "---":  # options as YAML between --- lines
            end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0)
            lines = lines[end + 1 :]
        body = "\n".join(lines)
        style = callout_style(name) or (callout_style(options.get("class", "").split(" ")[0]) if name == "admonition" else None)
        if name == "admonition" and style is None:
            style = "note"
        if style is not None:
            title = argument if name == "admonition" or argument else ""
            self.blocks.append(Callout(style, title, self.walk_source(body, line), line))
        elif name in _CODE_DIRECTIVES:
            if body.strip():
                self.blocks.append(Code(body.rstrip("\n"), argument.split(" ")[0], line))
        elif name in ("math", "equation"):
            if body.strip():
                self.blocks.append(Math(body.strip(), line))
        elif name in ("figure", "image"):
            self.pictures([InlineImage(argument, options.get("alt", ""), False)], line)
            self.blocks.extend(self.walk_source(body, line))
        elif name in _DROPPED_DIRECTIVES:
            return
        else:  # tabs, dropdowns, cards ... and directives we do not know: their text is content
            if argument and name in ("tab-item", "tab", "dropdown", "card", "grid-item-card", "topic", "sidebar", "rubric"):
                self.blocks.append(Para(argument + ":", line) if body.strip() else Para(argument, line))
            self.blocks.extend(self.walk_source(body, line))

    def _math_block(self, node: SyntaxTreeNode) -> None:
        if node.content.strip():
            self.blocks.append(Math(node.content.strip(), self.line(node)))

    _math_block_label = _math_block
    _amsmath = _math_block

    # --- tables, quotes, lists ------------------------------------------------------------

    def _table(self, node: SyntaxTreeNode) -> None:
        rows: list[list[str]] = []
        pictures: list[list[bool]] = []
        for section in node.children:  # thead, tbody
            for tr in section.children:
                inlines = [cell.children[0].token if cell.children else None for cell in tr.children]
                rows.append([inline_text(t, emphasis=False) if t is not None else "" for t in inlines])
                pictures.append([t is not None and only_images(t) for t in inlines])
        if not rows:
            return
        # a column of only pictures or badges (logos, build status) says nothing a table can show
        def cell(r: int, c: int) -> str:
            return rows[r][c] if c < len(rows[r]) else ""

        def shows_pictures(c: int) -> bool:
            has = any(c < len(p) and p[c] for p in pictures)
            return has and not any(cell(r, c).strip() for r in range(1, len(rows)))

        n = len(rows[0])
        keep = [c for c in range(n) if not shows_pictures(c) and any(cell(r, c).strip() for r in range(len(rows)))]
        headers = [rows[0][c] for c in keep]
        body = [[row[c] if c < len(row) else "" for c in keep] for row in rows[1:]]
        body = [r for r in body if any(x.strip() for x in r)]
        if headers and body:  # a table with no data rows is no scene
            self.blocks.append(Table(headers, body, self.line(node)))

    def _blockquote(self, node: SyntaxTreeNode) -> None:
        lines: list[list[str]] = []
        for inner in node.walk(include_self=False):
            if inner.type == "inline":
                lines.append(inline_lines(inner.token))
        paragraphs = [" ".join(ls) for ls in lines if ls]
        attribution = ""
        if lines and lines[-1]:
            last = lines[-1][-1]
            if last.startswith(_ATTRIBUTION_DASHES):
                attribution = last.lstrip("\u2014\u2013-~ ").strip()
                rest = lines[-1][:-1]
                paragraphs = paragraphs[:-1] + ([" ".join(rest)] if rest else [])
        if paragraphs:
            self.blocks.append(Quote(paragraphs, attribution, self.line(node)))

    def _alert(self, node: SyntaxTreeNode) -> None:
        style = callout_style((_opening(node).meta or {}).get("kind", "note")) or "note"
        self.blocks.append(Callout(style, "", self.children_blocks(node.children), self.line(node)))

    def _admonition(self, node: SyntaxTreeNode) -> None:
        tag = (_opening(node).meta or {}).get("tag", "")
        title = ""
        rest = []
        for child in node.children:
            if child.type == "admonition_title" and child.children:
                title = heading_text(child.children[0].token)
            else:
                rest.append(child)
        style = callout_style(tag)
        if style is None:  # "!!! technical details": a kind of its own, named by all its words
            words = (_opening(node).info or "").strip().strip('"')
            title = words[:1].upper() + words[1:] if words else title
            style = "note"
        elif title.lower() == tag.lower() or title.lower() == style:
            title = ""
        self.blocks.append(Callout(style, title, self.children_blocks(rest), self.line(node)))

    def _container_colon(self, node: SyntaxTreeNode) -> None:
        params = (_opening(node).info or "").strip()
        line = self.line(node)
        m = _DIRECTIVE.match(params)
        if m:  # MyST colon fence ":::{note} Title": a directive whose content is Markdown
            name, argument = m.group(1).lower(), m.group(2).strip()
            style = callout_style(name)
            if style is not None or name == "admonition":
                self.blocks.append(Callout(style or "note", argument, self.children_blocks(node.children), line))
                return
            if name in _DROPPED_DIRECTIVES:
                return
            if argument and name in ("tab-item", "tab", "dropdown", "card"):
                self.blocks.append(Para(argument + ":", line))
            self.walk(node.children)
            return
        words = params.lstrip("{").split(maxsplit=1)
        name = words[0].strip(".}").lower() if words else ""
        title = words[1].strip().strip('"') if len(words) > 1 else ""
        if name in ("notes", "note-s", "speaker-notes", "speaker_notes"):  # pandoc's speaker notes
            text = " ".join(_block_text(b) for b in self.children_blocks(node.children))
            if text.strip():
                self.blocks.append(Note(text.strip(), line))
            return
        style = callout_style(name)
        if style is not None:  # Docusaurus ":::tip Title"
            self.blocks.append(Callout(style, title, self.children_blocks(node.children), line))
        elif title and re.fullmatch(r"[a-z][\w-]*", name):  # ":::my-custom-admonition Its Title": a callout of its own kind
            self.blocks.append(Callout("note", title, self.children_blocks(node.children), line))
        else:  # a pandoc div (::: columns) or a container we do not know: its content counts
            self.walk(node.children)

    def _container_slash(self, node: SyntaxTreeNode) -> None:
        params = (_opening(node).info or "").strip()
        name, _, title = params.partition("|")
        name, title = name.strip().lower(), title.strip().strip('"')
        style = callout_style(name)
        if style is not None:  # pymdownx.blocks: "/// tip | Title"
            self.blocks.append(Callout(style, title, self.children_blocks(node.children), self.line(node)))
            return
        if name == "tab" and title:
            self.blocks.append(Para(title + ":", self.line(node)))
        if name not in ("html",) or node.children:
            self.walk(node.children)

    def _tab(self, node: SyntaxTreeNode) -> None:
        title = (_opening(node).meta or {}).get("title", "")
        if title:
            self.blocks.append(Para(title + ":", self.line(node)))
        self.walk(node.children)

    def _hr(self, node: SyntaxTreeNode) -> None:
        self.blocks.append(Break(self.line(node)))

    def _dl(self, node: SyntaxTreeNode) -> None:
        items: list[Item] = []
        for child in node.children:
            if child.type == "dt" and child.children:
                items.append(Item(text=inline_text(child.children[0].token), level=0))
            elif child.type == "dd":
                for inner in child.walk(include_self=False):
                    if inner.type == "inline":
                        text = inline_text(inner.token)
                        if text:
                            items.append(Item(text=text, level=1))
        if items:
            self.blocks.append(ListBlock(items, False, self.line(node)))

    def _bullet_list(self, node: SyntaxTreeNode) -> None:
        run: list[Item] = []
        self._items(node, 0, run, node.type == "ordered_list", self.line(node))
        if run:
            self.blocks.append(ListBlock(run, node.type == "ordered_list", self.line(node)))

    _ordered_list = _bullet_list

    def _items(self, lst: SyntaxTreeNode, level: int, run: list[Item], ordered: bool, line: Optional[int]) -> None:
        """Entries of a list into ``run``; a code block or table inside an entry ends the run there, so it
        stays right after the entry it belongs to (and the list goes on after it)."""
        is_ordered = lst.type == "ordered_list"
        start = int(lst.attrs.get("start", 1)) if is_ordered else None
        for k, li in enumerate(lst.children):
            number = (start + k) if start is not None else None
            text_parts: list[str] = []
            for child in li.children:
                if child.type == "paragraph" and child.children:
                    text = inline_text(child.children[0].token)
                    if text:
                        text_parts.append(text)
                elif child.type in ("bullet_list", "ordered_list"):
                    if text_parts:
                        run.append(Item(text=" ".join(text_parts), level=level, number=number))
                        text_parts, number = [], None
                    self._items(child, min(level + 1, MAX_LIST_LEVEL), run, ordered, line)
                else:
                    nested = self.children_blocks([child])
                    if not nested:
                        continue
                    if text_parts:
                        run.append(Item(text=" ".join(text_parts), level=level, number=number))
                        text_parts, number = [], None
                    if run:
                        self.blocks.append(ListBlock(list(run), ordered, line))
                        run.clear()
                    self.blocks.extend(nested)
            if text_parts:
                run.append(Item(text=" ".join(text_parts), level=level, number=number))


def _block_text(block: MdBlock) -> str:
    if isinstance(block, Para):
        return block.text
    if isinstance(block, ListBlock):
        return " ".join(i.text for i in block.items)
    if isinstance(block, Quote):
        return " ".join(block.paragraphs)
    return ""


def markdown_blocks(
    text: str, base_dir: Path, doc_path: Optional[Path], offset: int, options: Optional[ParseOptions] = None
) -> tuple[list[MdBlock], list[str]]:
    """The blocks of a Markdown body (front matter already removed), and warnings (pictures, includes)."""
    options = options or ParseOptions()
    resolver = IncludeResolver(base_dir, doc_path.name if doc_path else "<text>", offset)
    env = {ENV_KEY: resolver}
    md = markdown_parser()
    tree = SyntaxTreeNode(md.parse(text, env))
    fetcher = None if options.offline else Fetcher(**({"cache_dir": options.image_cache} if options.image_cache else {}))
    walker = _Walker(md, env, base_dir, doc_path, offset, resolver.root, fetcher)
    walker.walk(tree.children)
    for node in tree.walk():  # children and parents refer to each other: unlinked, the tree is freed at once
        node.parent = None  # (left to the garbage collector, a long document's tree cost it a tenth of a second)
    return walker.blocks, resolver.warnings + walker.warnings
