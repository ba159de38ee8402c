"""Scenes: the base every kind of scene shares, and the registry of kinds.

A kind of scene is one class: its fields, what its narration says, what its
slide shows, which of its fields may continue on a next slide, and the media
files it uses. ``@scene_kind`` registers it; everything that reads scenes
(the video's scene list, YAML/JSON specs, narration, slides, paging,
checkpoints) asks the registry or the scene itself, never a table keyed by
kind. The built-in kinds live in :mod:`videogen_nb.kinds`; a kind defined in
a notebook cell or a user's module works the same way::

    @scene_kind
    class ChartScene(SceneConfig):
        kind: Literal["chart"] = "chart"
        values: list[float]

        def slide(self):
            return [Bars(self.values)]          # any render Block
"""

from __future__ import annotations

import difflib
from importlib import metadata as importlib_metadata
from typing import Annotated, Any, ClassVar, Optional, TypeVar, get_args

from pydantic import (
    BeforeValidator,
    Field,
    SerializeAsAny,
    field_validator,
    model_validator,
)

from ..text import slugify
from .base import Accent, Model, short

MAX_LIST_LEVEL = 2  # three levels of nesting: 0, 1, 2
CONT = " (cont.)"  # what the title of a continuation page ends with

#: one piece a scene can be split at between pages: (field name, a paragraph, entry, line or row)
Unit = tuple[str, Any]


class Item(Model):
    """One list entry: its text, how deep it is nested (0-2), and its number in an ordered list."""

    text: str
    level: int = Field(0, ge=0, le=MAX_LIST_LEVEL)
    number: Optional[int] = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    def __repr__(self) -> str:
        extra = (f", level={self.level}" if self.level else "") + (f", number={self.number}" if self.number is not None else "")
        return f"Item({short(self.text)!r}{extra})"


def flatten_items(value: Any, level: int = 0) -> Any:
    """``["a", ["a1", "a2"], "b"]``: a nested list holds the sub-items of the entry before it."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for entry in value:
        if isinstance(entry, list):
            out.extend(flatten_items(entry, min(level + 1, MAX_LIST_LEVEL)))
        elif isinstance(entry, str):
            out.append({"text": entry, "level": level})
        elif isinstance(entry, dict) and level and "level" not in entry:
            out.append({**entry, "level": level})
        else:
            out.append(entry)
    return out


# --- names that become file names ---------------------------------------------------------

#: the longest scene id (and video id): both become parts of file names
ID_MAX = 64
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def id_problem(value: str) -> Optional[str]:
    """What is wrong with ``value`` as a scene or video id (None: nothing).

    Ids become file names (slides, segments, the video), so they are kept to
    lower-case ASCII letters, digits and dashes: no '/', no '..', no spaces.
    """
    if not value:
        return "it is empty"
    if len(value) > ID_MAX:
        return f"it is {len(value)} characters long, more than {ID_MAX}"
    bad = sorted(set(value) - _ID_CHARS)
    if bad:
        return "it may hold only lower-case letters, digits and dashes, not " + ", ".join(repr(c) for c in bad[:5])
    if value.startswith("-"):
        return "it may not start with a dash"
    return None


def check_id(value: str, what: str = "scene_id") -> str:
    """``value`` if it is a valid id; a ValueError saying what is wrong and what would do otherwise."""
    problem = id_problem(value)
    if problem:
        raise ValueError(
            f"{what} {short(value, 70)!r} cannot be used: {problem}. Use lower-case letters, digits and dashes "
            f"(at most {ID_MAX}), e.g. {slugify(value, fallback='scene', max_len=ID_MAX)!r}"
        )
    return value


def derived_id(base: str, suffix: str) -> str:
    """``<base>-<suffix>``, with ``base`` shortened so the whole stays a valid id (a page, a quiz's answer)."""
    room = ID_MAX - len(suffix) - 1
    return f"{base[:room].rstrip('-')}-{suffix}"


# --- the registry ----------------------------------------------------------------------

#: installed packages declare their kinds here: ``chart = "my_package.charts:ChartScene"``
KIND_ENTRY_POINT_GROUP = "videogen_nb.kinds"

_KINDS: dict[str, type["SceneConfig"]] = {}

S = TypeVar("S", bound="type[SceneConfig]")


class UnknownSceneKind(ValueError):
    """A scene names a kind nobody registered."""


def _plugin_kinds() -> dict[str, importlib_metadata.EntryPoint]:
    return {ep.name: ep for ep in importlib_metadata.entry_points(group=KIND_ENTRY_POINT_GROUP)}


def _lookup(kind: Any) -> Optional[type["SceneConfig"]]:
    """The class of ``kind``: registered already, or declared by an installed plug-in (loaded now)."""
    if not isinstance(kind, str):
        return None
    cls = _KINDS.get(kind)
    if cls is None:
        ep = _plugin_kinds().get(kind)
        if ep is not None:
            loaded = ep.load()  # importing the plug-in's module registers its kinds
            if kind not in _KINDS and isinstance(loaded, type) and issubclass(loaded, SceneConfig):
                scene_kind(loaded)
            cls = _KINDS.get(kind)
    return cls


def scene_kinds() -> tuple[str, ...]:
    """The registered kinds (built-in ones first) and those installed plug-ins declare."""
    return tuple(dict.fromkeys([*_KINDS, *sorted(_plugin_kinds())]))


def scene_class(kind: str) -> type["SceneConfig"]:
    """The class registered for ``kind``; an unknown kind is an error that lists the kinds and the closest one."""
    cls = _lookup(kind)
    if cls is None:
        raise UnknownSceneKind(unknown_kind_message(kind))
    return cls


def closest_kind(kind: Any) -> Optional[str]:
    """The known kind most like ``kind`` (a typo's suggestion), if any is close."""
    close = difflib.get_close_matches(str(kind), list(scene_kinds()), n=1)
    return close[0] if close else None


def unknown_kind_message(kind: Any) -> str:
    close = closest_kind(kind)
    hint = f" (did you mean {close!r}?)" if close else ""
    return (
        f"unknown scene kind {kind!r}{hint}: the kinds are {', '.join(scene_kinds())}; "
        "a kind of your own is a SceneConfig subclass decorated with @scene_kind"
    )


def scene_kind(cls: S) -> S:
    """Register a scene class under its ``kind`` (the default of its ``kind: Literal[...]`` field).

    Re-running the notebook cell that defines a kind replaces it; another
    class claiming a kind already taken is an error.
    """
    if not (isinstance(cls, type) and issubclass(cls, SceneConfig)) or cls is SceneConfig:
        raise TypeError("@scene_kind decorates a subclass of SceneConfig")
    field = cls.model_fields["kind"]
    kind = field.default
    if not isinstance(kind, str) or get_args(field.annotation) != (kind,):
        raise TypeError(
            f"{cls.__name__} must declare its kind as a one-value Literal with that default, "
            f'e.g. kind: Literal["chart"] = "chart"'
        )
    old = _KINDS.get(kind)
    if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise TypeError(f"the scene kind {kind!r} is already registered by {old.__module__}.{old.__qualname__}")
    _KINDS[kind] = cls
    return cls


# --- the base of every kind ------------------------------------------------------------------


class SceneConfig(Model):
    """One scene: one slide on screen and the narration spoken over it.

    ``SceneConfig(kind="quiz", ...)`` makes the class registered for that kind
    (``QuizScene``); every kind shares the fields below. A subclass says what
    is particular to its kind by overriding the hooks after the fields.
    """

    scene_id: str = ""
    kind: str = "text"
    title: str = ""
    #: the heading of the part of the document this scene belongs to (an H3's H2), shown small above the title
    section: str = ""
    narration: Optional[str] = None
    source_line: Optional[int] = None
    accent: Optional[Accent] = None
    #: the scene_id of the scene this one continues (its first page), when a section did not fit one slide
    continues: Optional[str] = None
    #: the next scene continues this one (so all pages of a section are drawn at the same size)
    continued: bool = False
    #: the language this scene is spoken in when it is not the video's (a passage in another language)
    lang: Optional[str] = None
    #: False: this scene's slide holds still (no entries appearing, no marking, no moving picture); None: the video's
    animate: Optional[bool] = None

    #: fields whose entries may continue on a next slide when the scene is too long for one, in order;
    #: a list field is split between its entries, a text field between its lines
    continues_fields: ClassVar[tuple[str, ...]] = ()
    #: fields holding the path of a file the scene shows (kept with the work folder when it moves)
    media_fields: ClassVar[tuple[str, ...]] = ()

    def __new__(cls, *args: Any, **data: Any) -> "SceneConfig":
        # SceneConfig(kind=...) builds the class registered for that kind, so users need not learn the class
        # names; an unknown kind falls through to the base class, whose validation names the known kinds
        if cls is SceneConfig:
            sub = _lookup(data.get("kind", "text"))
            if sub is not None:
                return super().__new__(sub)
        return super().__new__(cls)

    @field_validator("scene_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return check_id(value) if value else value  # empty: an id is made when the scenes are finished

    @field_validator("kind")
    @classmethod
    def _registered(cls, kind: str) -> str:
        if _lookup(kind) is None:
            raise ValueError(unknown_kind_message(kind))
        return kind

    def __repr__(self) -> str:
        narr = self.narration if self.narration is not None else "<not written>"
        return f"<{self.kind} scene {self.scene_id or '?'} {self.title!r}: {short(narr)!r}>"

    def visual_dict(self) -> dict[str, Any]:
        """What the slide shows (everything but the narration), for fingerprints."""
        return self.model_dump(mode="json", exclude={"narration"})

    # --- narration ---------------------------------------------------------------------

    def spoken_title(self) -> list[str]:
        """The title as narration; a continuation page does not repeat it (the listener heard it a moment ago)."""
        return [self.title] if self.title and self.continues is None else []

    def narrate(self, english: bool) -> list[str]:
        """The parts of the template narration, one sentence each, from what the slide shows.

        ``english`` is False for a document in another language: then only the
        document's own words may be read, no English phrases around them.
        """
        return self.spoken_title()

    # --- the slide ---------------------------------------------------------------------

    def slide(self) -> Any:
        """What the slide shows under the title: a list of render blocks, or a slide design.

        A list (``[Paragraph(...), CodeBlock(...)]``, any
        :class:`videogen_nb.render.blocks.Block`) goes under the title; a design
        from :mod:`videogen_nb.render.designs` (``ContentSlide`` with a label,
        ``TitleSlide``, ``PictureSlide``) says how the whole slide is laid out.
        """
        return []

    # --- paging ------------------------------------------------------------------------

    def page_units(self) -> list[Unit]:
        """The pieces the scene can be split between pages (paragraphs, entries, code lines, rows), in order."""
        out: list[Unit] = []
        for name in self.continues_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                out += [(name, line) for line in value.split("\n")] if value else []
            else:
                out += [(name, v) for v in value]
        return out

    def page(self, units: list[Unit], index: int) -> "SceneConfig":
        """A copy holding only ``units`` (page ``index`` of the scene); pages after the first say "(cont.)"."""
        update: dict[str, Any] = {}
        for name in self.continues_fields:
            values = [v for f, v in units if f == name]
            update[name] = "\n".join(values) if isinstance(getattr(self, name), str) else values
        if index and self.title:
            update["title"] = self.title + CONT
        return self.model_copy(update=update)

    # --- timing and media ----------------------------------------------------------------

    @property
    def min_seconds(self) -> float:
        """The shortest the scene may last whatever its narration (a clip that decides its own length)."""
        return 0.0

    @property
    def countdown(self) -> int:
        """Seconds counted down on the slide after the narration, one number each (a quiz before its answer);
        0: none. Shown only while the slide builds up (``reveal``); the timeline adds the pause then."""
        return 0

    @property
    def plays_clip(self) -> Optional[str]:
        """The id of the moving clip this scene plays frame by frame; None for a still slide."""
        return None

    # --- assembling the video ---------------------------------------------------------------

    def expand(self, following: Optional["SceneConfig"]) -> list["SceneConfig"]:
        """The scenes this one becomes in the video, given the scene after it (a quiz adds its answer)."""
        return [self]

    def id_slug(self) -> str:
        """The readable part of an id made for this scene (``NN-<slug>``)."""
        return slugify(self.title or self.kind, fallback=self.kind, max_len=30)


def _as_scene(value: Any) -> "SceneConfig":
    if isinstance(value, SceneConfig):
        registered = _lookup(value.kind)
        if registered is None or not isinstance(value, registered):
            raise ValueError(
                f"{type(value).__name__} (kind {value.kind!r}) is not a registered scene kind: "
                "decorate its class with @scene_kind"
            )
        return value
    if isinstance(value, dict):
        return scene_class(value.get("kind", "text")).model_validate(value)
    raise ValueError(f"a scene is a SceneConfig or a mapping of its fields, not a {type(value).__name__}")


def _as_scenes(value: Any) -> Any:
    return [_as_scene(v) for v in value] if isinstance(value, (list, tuple)) else value


#: a list of scenes of any registered kind: mappings become the class of their ``kind``,
#: and each scene is written out with all the fields of its own class
Scenes = Annotated[list[SerializeAsAny[SceneConfig]], BeforeValidator(_as_scenes)]

__all__ = [
    "CONT",
    "ID_MAX",
    "KIND_ENTRY_POINT_GROUP",
    "MAX_LIST_LEVEL",
    "Item",
    "SceneConfig",
    "Scenes",
    "Unit",
    "UnknownSceneKind",
    "check_id",
    "closest_kind",
    "derived_id",
    "id_problem",
    "flatten_items",
    "scene_class",
    "scene_kind",
    "scene_kinds",
]
