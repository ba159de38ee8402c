"""YAML and JSON scene specs: read, checked against the scene models, errors with file and line.

A spec is a mapping with the video's fields and a ``scenes`` list, or just
the list::

    title: Loops in Python
    theme: light
    scenes:
      - kind: title
        title: Loops in Python
      - kind: quiz
        question: What does range(3) give?
        options: ["1, 2, 3", "0, 1, 2"]
        answer: B
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from ..errors import SpecError
from ..kinds import ImageScene
from ..models import (
    Document,
    SceneConfig,
    UnknownSceneKind,
    closest_kind,
    scene_class,
    scene_kinds,
)
from .images import resolve_image
from .inline import InlineImage
from .remote import Fetcher

VIDEO_KEYS = ("title", "subtitle", "author", "lang", "voice", "theme", "accent", "reveal", "scenes")


def _node_line(node: Optional[yaml.Node]) -> Optional[int]:
    return node.start_mark.line + 1 if node is not None else None


def _child(node: Optional[yaml.Node], key: Any) -> Optional[yaml.Node]:
    """The node under ``key`` (a mapping key or a sequence index) of ``node``."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _load(text: str, fmt: str, path: Optional[Path]) -> tuple[Any, Optional[yaml.Node]]:
    """The data and its YAML node tree (for line numbers); a syntax error names its line."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise SpecError(path, exc.lineno, f"this is not valid JSON: {exc.msg}", "Fix the JSON syntax there (a missing comma, quote or bracket).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(
            path, mark.line + 1 if mark else None, f"this is not valid YAML: {problem}",
            "Fix the YAML there: check the indentation and that each 'key: value' has a space after the colon.",
        ) from None  # fmt: skip
    try:
        # JSON is YAML once tabs (only ever whitespace between JSON tokens) are spaces; only positions are wanted here
        node = yaml.compose(text.replace("\t", " ") if fmt == "json" else text)
    except yaml.YAMLError:
        node = None
    return data, node


def load_spec_text(text: str, fmt: str, path: Optional[Path]) -> tuple[Any, Optional[yaml.Node]]:
    """The data of a YAML (``fmt="yaml"``) or JSON text and its node tree for line numbers; a SpecError names the line."""
    return _load(text, fmt, path)


def _describe(err: dict) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    msg = err["msg"].removeprefix("Value error, ")  # pydantic's prefix for a validator's own message
    return f"{loc}: {msg}" if loc else msg


def _kinds_advice() -> str:
    return f"Give each scene a 'kind:', one of: {', '.join(scene_kinds())}."


def _scene(raw: Any, index: int, node: Optional[yaml.Node], path: Optional[Path]) -> SceneConfig:
    line = _node_line(node)
    if not isinstance(raw, dict):
        raise SpecError(path, line, f"scene {index + 1} is not a mapping of fields", _kinds_advice())
    kind = raw.get("kind")
    if kind is None:
        raise SpecError(path, line, f"scene {index + 1} has no 'kind'", _kinds_advice())
    try:
        cls = scene_class(kind)
    except UnknownSceneKind:
        close = closest_kind(kind)
        raise SpecError(
            path, _node_line(_child(node, "kind")) or line, f"scene {index + 1} has the unknown kind {kind!r}",
            (f"Did you mean {close!r}? " if close else "") + _kinds_advice()
            + " A kind of your own is a SceneConfig subclass registered with @scene_kind, imported before the build"
            " (videogen --plugin MODULE) or installed as a plug-in.",
        ) from None  # fmt: skip
    try:
        return cls.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        loc = errors[0].get("loc", ())
        field = loc[0] if loc else None
        fields = ", ".join(f for f in cls.model_fields if f != "kind")
        raise SpecError(
            path, _node_line(_child(node, field)) or line,
            f"scene {index + 1} ({kind}) is not valid: " + "; ".join(_describe(e) for e in errors[:3]),
            f"A {kind} scene has the fields: {fields}.",
        ) from None  # fmt: skip


def read_spec(doc: Document, options: Any = None) -> tuple[dict[str, Any], list[SceneConfig], list[str]]:
    """(the video's fields, the scenes, warnings) of a YAML/JSON spec; a SpecError names file and line.

    ``options`` (a :class:`~videogen_nb.parsing.ParseOptions`): pictures on the web are fetched unless offline.
    """
    data, root = _load(doc.text, "yaml" if doc.format == "yaml" else "json", doc.path)
    return spec_from_data(data, root, doc, options)


def spec_from_data(
    data: Any, root: Optional[yaml.Node], doc: Document, options: Any = None
) -> tuple[dict[str, Any], list[SceneConfig], list[str]]:
    """Like :func:`read_spec`, for a spec already loaded: ``root`` is its YAML node (for line numbers), if known.

    A spec inside another file (a video of a set) is checked this way, with
    the lines and the folder of that file.
    """
    path = doc.path
    if isinstance(data, list):
        data, root = {"scenes": data}, yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("tag:yaml.org,2002:str", "scenes"), root)]) if root is not None else None
    if not isinstance(data, dict):
        raise SpecError(path, 1, "a scene spec must be a mapping with a 'scenes' list (or the list itself)", "Start the file with 'title: ...' and 'scenes:'.")
    if "videos" in data and "scenes" not in data:
        raise SpecError(
            path, _node_line(_key_node(root, "videos")), "this is a video set (it lists 'videos:'), not one video",
            f"Make its videos with: videogen batch {path or 'SET'} -o OUT (or run_batch in Python).",
        )  # fmt: skip
    unknown = [k for k in data if k not in VIDEO_KEYS]
    if unknown:
        raise SpecError(
            path, _node_line(_key_node(root, unknown[0])), f"unknown field {unknown[0]!r} at the top of the spec",
            f"The top level may hold: {', '.join(VIDEO_KEYS)}.",
        )  # fmt: skip
    raw_scenes = data.get("scenes")
    scenes_node = _child(root, "scenes")
    if not isinstance(raw_scenes, list) or not raw_scenes:
        raise SpecError(path, _node_line(scenes_node), "the spec has no scenes", "Add a 'scenes:' list with at least one scene, e.g. '- kind: text'.")
    scenes = [_scene(raw, i, _child(scenes_node, i), path) for i, raw in enumerate(raw_scenes)]
    for i, s in enumerate(scenes):
        s.source_line = s.source_line or _node_line(_child(scenes_node, i))
    _check_ids(scenes, path)
    warnings: list[str] = []
    fetcher = None if options is None or getattr(options, "offline", True) else Fetcher()
    scenes = _resolve_images(scenes, doc, warnings, fetcher)
    meta = {k: v for k, v in data.items() if k != "scenes"}
    return meta, scenes, warnings


def _key_node(root: Optional[yaml.Node], key: str) -> Optional[yaml.Node]:
    if isinstance(root, yaml.MappingNode):
        for k, _ in root.value:
            if k.value == key:
                return k
    return None


def _check_ids(scenes: list[SceneConfig], path: Optional[Path]) -> None:
    seen: dict[str, int] = {}
    for s in scenes:
        if not s.scene_id:
            continue
        if s.scene_id in seen:
            raise SpecError(path, s.source_line, f"scene_id {s.scene_id!r} is used twice (first at line {seen[s.scene_id]})", "Give every scene its own scene_id, or leave scene_id out.")
        seen[s.scene_id] = s.source_line or 0


def _resolve_images(scenes: list[SceneConfig], doc: Document, warnings: list[str], fetcher: Optional[Fetcher]) -> list[SceneConfig]:
    """Image paths are taken from the spec's folder and may not leave it; Python objects may point anywhere.
    A picture that cannot be had is shown as a card that names it."""
    base = doc.path.parent if doc.path else Path.cwd()
    confine = doc.format != "objects"
    for s in scenes:
        if isinstance(s, ImageScene) and s.path is not None:
            src = s.src or str(s.path)
            found = resolve_image(InlineImage(src, s.alt, False), base, doc.path, s.source_line, warnings, confine, fetcher)
            s.src = src if found is None else s.src
            s.path = found
    return scenes
