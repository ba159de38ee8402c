"""HTML inside Markdown (GitHub READMEs, MDX): what it says, read with the standard library's HTML parser.

A README's ``<h1 align="center">``, ``<p>`` with text, ``<img>`` and ``<picture>``, ``<details>``
and ``<br>`` become headings, paragraphs and pictures; presentational tags (``<font>``,
``<span>``) and JSX components (``<Tabs>``, ``<TabItem>``) are dropped and their text kept;
``<script>``/``<style>`` and comments are never shown (comments may hold speaker notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Optional, Union

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BREAKS = {"p", "div", "li", "tr", "summary", "details", "figure", "figcaption", "section", "center", "blockquote",
           "pre", "table", "ul", "ol", "dl", "dt", "dd", "article", "header", "footer", "nav", "main", "aside",
           "td", "th", "hr", "tbody", "thead", "tabitem", "tab", "tabs"}  # fmt: skip
_SKIP = {"script", "style", "svg", "noscript", "template"}


@dataclass
class HtmlHeading:
    level: int
    text: str


@dataclass
class HtmlText:
    text: str


@dataclass
class HtmlImage:
    src: str
    alt: str
    in_link: bool


@dataclass
class HtmlComment:
    text: str


@dataclass
class HtmlCallout:
    """A JSX ``<Admonition type="tip" title="...">`` (Docusaurus): a callout with its text."""

    style: str
    title: str
    texts: list[str]


HtmlPart = Union[HtmlHeading, HtmlText, HtmlImage, HtmlComment, HtmlCallout]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[HtmlPart] = []
        self.text: list[str] = []
        self.heading: Optional[int] = None
        self.skip = 0
        self.links = 0
        self.picture_done = False
        self.in_picture = False
        self.callouts: list[tuple[int, str, str]] = []  # (where its parts start, style, title)

    def flush(self) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        if text:
            self.parts.append(HtmlHeading(self.heading, text) if self.heading else HtmlText(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        tag = tag.lower()
        if tag in _SKIP:
            self.skip += 1
        elif tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag in _BREAKS:
            self.flush()
        elif tag == "br":
            self.text.append(" ")
        elif tag == "a":
            self.links += 1
        elif tag == "picture":
            self.in_picture, self.picture_done = True, False
        elif tag == "img":
            self.startendtag_img(dict(attrs))
        elif tag == "admonition":
            self.flush()
            a = dict(attrs)
            self.callouts.append((len(self.parts), (a.get("type") or "note").strip(), (a.get("title") or "").strip()))

    def startendtag_img(self, attrs: dict[str, Optional[str]]) -> None:
        if self.skip or (self.in_picture and self.picture_done):
            return
        src = attrs.get("src") or ""
        if not src:
            return
        self.flush()
        self.parts.append(HtmlImage(src, (attrs.get("alt") or attrs.get("title") or "").strip(), self.links > 0))
        self.picture_done = self.in_picture

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag.lower() == "img":
            self.startendtag_img(dict(attrs))
        elif tag.lower() == "br":
            self.text.append(" ")
        elif tag.lower() in _BREAKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _HEADINGS:
            self.flush()
            self.heading = None
        elif tag in _BREAKS:
            self.flush()
        elif tag == "a":
            self.links = max(0, self.links - 1)
        elif tag == "picture":
            self.in_picture = False
        elif tag == "admonition" and self.callouts:
            self.flush()
            start, style, title = self.callouts.pop()
            inside, self.parts = self.parts[start:], self.parts[:start]
            self.parts.append(HtmlCallout(style, title, [p.text for p in inside if isinstance(p, (HtmlText, HtmlHeading))]))

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.parts.append(HtmlComment(data.strip()))


def read_html(source: str) -> list[HtmlPart]:
    """The headings, paragraphs, pictures and comments of an HTML fragment, in order."""
    reader = _Reader()
    reader.feed(source)
    reader.close()
    reader.flush()
    return reader.parts


def strip_tags(source: str) -> str:
    """The text of an HTML fragment, line breaks kept (for a terminal listing written with ``<font>``/``<span>``)."""

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []

        def handle_data(self, data: str) -> None:
            self.out.append(data)

    p = _Text()
    p.feed(source)
    p.close()
    return "".join(p.out)


def inline_tag(source: str) -> tuple[str, dict[str, str]]:
    """(tag name, attributes) of one inline HTML tag such as ``<img src="a.png">`` (lower-case name, "" if none)."""
    found: list[tuple[str, dict[str, str]]] = []

    class _Tag(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag.lower(), {k: v or "" for k, v in attrs}))

        handle_startendtag = handle_starttag

    t = _Tag()
    t.feed(source)
    t.close()
    return found[0] if found else ("", {})
