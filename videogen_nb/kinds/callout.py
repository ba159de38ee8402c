"""The callout scene: an admonition (``!!! tip``, ``:::note``, ``> [!WARNING]``, ``/// info``, MyST ``{note}``)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import model_validator

from ..models import scene_kind
from ..render.designs import ContentSlide
from ..text import plain
from .common import ContentScene

#: the accent colour of each kind of callout (the usual ones of documentation themes)
STYLE_ACCENTS = {
    "note": "blue", "info": "sky", "tip": "green", "hint": "green", "success": "green", "check": "green",
    "important": "purple", "question": "sky", "example": "purple", "abstract": "sky", "summary": "sky",
    "warning": "amber", "caution": "amber", "attention": "amber", "danger": "red", "error": "red",
    "bug": "red", "failure": "red", "quote": "teal", "seealso": "teal", "details": "sky",
}  # fmt: skip
#: other names documentation tools use for the same kinds
STYLE_ALIASES = {"tldr": "abstract", "todo": "note", "faq": "question", "help": "question", "fail": "failure",
                 "missing": "failure", "cite": "quote", "done": "success", "admonition": "note", "see-also": "seealso",
                 "versionadded": "note", "versionchanged": "note", "deprecated": "warning", "secondary": "note",
                 "primary": "note", "light": "note", "dark": "note"}  # fmt: skip


def callout_style(name: str) -> Optional[str]:
    """``"Tip"`` -> ``"tip"``; None when ``name`` is not a kind of callout."""
    n = name.strip().lower()
    n = STYLE_ALIASES.get(n, n)
    return n if n in STYLE_ACCENTS else None


@scene_kind
class CalloutScene(ContentScene):
    """A note, tip or warning set apart from the text: its label says which, in its colour."""

    kind: Literal["callout"] = "callout"
    style: str = "note"

    @model_validator(mode="after")
    def _colour(self) -> "CalloutScene":
        if self.accent is None:
            object.__setattr__(self, "accent", STYLE_ACCENTS.get(self.style, "blue"))
        return self

    @property
    def label(self) -> str:
        """``"Tip"``, ``"See also"``: the word above the title."""
        return {"seealso": "See also"}.get(self.style, self.style.capitalize())

    def narrate(self, english: bool) -> list[str]:
        """The title, then "Note: the text." (the label said once, with a colon, never as a sentence of its own)."""
        content = self.content_parts(english)
        title = [t for t in self.spoken_title() if t.strip().lower() != self.label.lower()]
        if not english or self.continues is not None:
            return title + content
        if content and not plain(content[0]).lower().startswith(self.label.lower()):
            return title + [f"{self.label}: {content[0]}"] + content[1:]
        return title + (content or [self.label])

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), self.label)
