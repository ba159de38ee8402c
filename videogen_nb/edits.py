"""Edits to scenes, made in a notebook or in code: the text forms of a slide's fields, and undo.

A slide's text lives in fields of different shapes (paragraphs as a list of
strings, list entries as :class:`Item`, code or a quotation as one string).
Each has one plain-text form, one line per paragraph or entry, so a text
area and a string in code edit it the same way.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

from .models import Item, SceneConfig
from .models.base import short

_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")


def _shape(scene: SceneConfig, name: str) -> Optional[str]:
    """``"str"``, ``"strs"`` or ``"items"`` for a field a text area can edit; None for any other."""
    info = type(scene).model_fields.get(name)
    if info is None:
        return None
    ann = info.annotation
    if ann is str:
        return "str"
    if typing.get_origin(ann) is list:
        (arg,) = typing.get_args(ann) or (None,)
        if arg is str:
            return "strs"
        if arg is Item:
            return "items"
        if str in typing.get_args(arg):
            # a body of parts (paragraphs, code, tables ...) is text only while it holds nothing but paragraphs
            return "strs" if all(isinstance(v, str) for v in getattr(scene, name)) else None
    return None


def text_fields(scene: SceneConfig) -> list[str]:
    """The fields holding a slide's text that can be edited as text (its continuing fields of text shape)."""
    return [f for f in scene.continues_fields if _shape(scene, f)]


def field_text(scene: SceneConfig, name: str) -> str:
    """Field ``name`` as text: one line per paragraph or entry; entries indented two spaces a level, numbers kept."""
    value = getattr(scene, name)
    shape = _shape(scene, name)
    if shape == "str":
        return value or ""
    if shape == "strs":
        return "\n".join(value)
    if shape == "items":
        return "\n".join("  " * i.level + (f"{i.number}. " if i.number is not None else "") + i.text for i in value)
    raise ValueError(f"field {name!r} of a {scene.kind} scene cannot be edited as text")


def parse_field_text(scene: SceneConfig, name: str, text: str) -> Any:
    """The value of field ``name`` from its text form (the inverse of :func:`field_text`); blank lines are dropped."""
    shape = _shape(scene, name)
    if shape == "str":
        return text
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if shape == "strs":
        return [line.strip() for line in lines]
    if shape == "items":
        items = []
        for line in lines:
            body = line.lstrip(" ")
            level = min((len(line) - len(body)) // 2, 2)
            m = _NUMBERED.match(body)
            items.append(Item(text=m.group(2), level=level, number=int(m.group(1))) if m else Item(text=body, level=level))
        return items
    raise ValueError(
        f"field {name!r} of a {scene.kind} scene cannot be edited as text; the text fields are "
        f"{', '.join(text_fields(scene)) or 'none'} (and title, narration)"
    )


@dataclass
class Edit:
    """One change to one scene: each field's value before and after; ``undo`` puts the befores back."""

    index: int
    scene_id: str
    changes: dict[str, tuple[Any, Any]]
    what: str = "edit"  # "edit", "revert" or "undo"

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {short(str(b))!r} -> {short(str(a))!r}" for k, (b, a) in self.changes.items())
        return f"<{self.what} of scene {self.index} ({self.scene_id}): {parts}>"


@dataclass
class EditHistory:
    """The edits made so far, newest last. Typing into one field of one scene is one edit until something else happens."""

    edits: list[Edit] = field(default_factory=list)
    _open: bool = False  # the newest edit may still grow (keystrokes into the same field)

    def record(self, edit: Edit) -> Edit:
        last = self.edits[-1] if self.edits else None
        if (
            self._open and last is not None and edit.what == "edit" and last.what == "edit"
            and last.scene_id == edit.scene_id and last.changes.keys() == edit.changes.keys()
        ):  # fmt: skip
            last.changes = {k: (last.changes[k][0], edit.changes[k][1]) for k in edit.changes}
            return last
        self.edits.append(edit)
        self._open = edit.what == "edit"
        return edit

    def seal(self) -> None:
        """The next edit starts a new entry (after a stage ran, an undo, a revert)."""
        self._open = False

    def pop(self) -> Optional[Edit]:
        self._open = False
        return self.edits.pop() if self.edits else None

    def __len__(self) -> int:
        return len(self.edits)

    def __repr__(self) -> str:
        if not self.edits:
            return "<no edits>"
        return "\n".join(repr(e) for e in self.edits)
