"""A Markdown document as a flat list of typed blocks (headings, paragraphs, lists, code, tables ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ..models import MAX_LIST_LEVEL, Item
from .images import is_badge, resolve_image
from .inline import inline_images, inline_lines, inline_text, only_images


@dataclass
class Heading:
    level: int
    text: str
    line: Optional[int]


@dataclass
class Para:
    text: str
    line: Optional[int]


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
    path: Path
    alt: str
    line: Optional[int]


MdBlock = Union[Heading, Para, ListBlock, Code, Table, Quote, Picture]
TEXT_BLOCKS = (Para, ListBlock)
_ATTRIBUTION_DASHES = ("\u2014", "\u2013", "--", "~", "- ")


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough, as GitHub README files are written."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class _Walker:
    base_dir: Path
    doc_path: Optional[Path]
    offset: int
    blocks: list[MdBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def line(self, node: SyntaxTreeNode) -> Optional[int]:
        return node.map[0] + 1 + self.offset if node.map else None

    def walk(self, nodes: list[SyntaxTreeNode]) -> None:
        for node in nodes:
            handler = getattr(self, f"_{node.type}", None)
            if handler is not None:
                handler(node)
            # html_block (comments, badge <img> tags, <details>), hr and the like are left out on purpose

    def _heading(self, node: SyntaxTreeNode) -> None:
        self.blocks.append(Heading(int(node.tag[1]), inline_text(node.children[0].token) if node.children else "", self.line(node)))

    def _paragraph(self, node: SyntaxTreeNode) -> None:
        inline = node.children[0].token if node.children else None
        if inline is None:
            return
        if only_images(inline):
            for image in inline_images(inline):
                if is_badge(image):
                    continue
                path = resolve_image(image, self.base_dir, self.doc_path, self.line(node), self.warnings)
                if path is not None:
                    self.blocks.append(Picture(path, image.alt, self.line(node)))
            return
        text = inline_text(inline)
        if text:
            self.blocks.append(Para(text, self.line(node)))

    def _fence(self, node: SyntaxTreeNode) -> None:
        language = (node.info or "").strip().split(" ")[0].strip("{}.")
        code = node.content.rstrip("\n")
        if code.strip():
            self.blocks.append(Code(code, language, self.line(node)))

    _code_block = _fence

    def _table(self, node: SyntaxTreeNode) -> None:
        rows: list[list[str]] = []
        for section in node.children:  # thead, tbody
            for tr in section.children:
                rows.append([inline_text(cell.children[0].token) if cell.children else "" for cell in tr.children])
        if rows:
            self.blocks.append(Table(rows[0], rows[1:], self.line(node)))

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

    def _bullet_list(self, node: SyntaxTreeNode) -> None:
        items: list[Item] = []
        nested: list[MdBlock] = []
        self._items(node, 0, items, nested)
        if items:
            self.blocks.append(ListBlock(items, node.type == "ordered_list", self.line(node)))
        self.blocks.extend(nested)  # code or tables inside list items follow the list

    _ordered_list = _bullet_list

    def _items(self, lst: SyntaxTreeNode, level: int, items: list[Item], nested: list[MdBlock]) -> None:
        ordered = lst.type == "ordered_list"
        start = int(lst.attrs.get("start", 1)) if ordered else None
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
                        items.append(Item(text=" ".join(text_parts), level=level, number=number))
                        text_parts, number = [], None
                    self._items(child, min(level + 1, MAX_LIST_LEVEL), items, nested)
                else:
                    sub = _Walker(self.base_dir, self.doc_path, self.offset)
                    sub.walk([child])
                    nested.extend(sub.blocks)
                    self.warnings.extend(sub.warnings)
            if text_parts:
                items.append(Item(text=" ".join(text_parts), level=level, number=number))


def markdown_blocks(text: str, base_dir: Path, doc_path: Optional[Path], offset: int) -> tuple[list[MdBlock], list[str]]:
    """The blocks of a Markdown body (front matter already removed), and warnings about left-out images."""
    tree = SyntaxTreeNode(markdown_parser().parse(text))
    walker = _Walker(base_dir, doc_path, offset)
    walker.walk(tree.children)
    return walker.blocks, walker.warnings
