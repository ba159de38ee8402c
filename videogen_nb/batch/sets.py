"""What a batch is made of: video sets, folders of documents, and single documents, read into one job per video.

A video set is a YAML or JSON file with ``videos:``; each video is a document
(``source:``, relative to the set's folder) or scenes written inline, and may
set any setting of its own::

    title: Python in a week
    defaults:                 # settings for every video of the set
      resolution: 720p
    videos:
      - source: lessons/01_variables.md
      - source: lessons/02_loops.yaml
        name: loops           # the folder of its files in the output (default: from the file name)
        theme: light          # a setting for this video only
      - title: A quick quiz   # a video written inline, as a scene spec
        scenes:
          - kind: quiz
            question: What does range(3) give?
            options: ["1, 2, 3", "0, 1, 2"]
            answer: B

A video's own settings win over the caller's (the command line's), which win
over the set's ``defaults``. A mistake in the set itself (bad YAML, an unknown
field, a bad setting) is a :class:`SetError` naming the file and line, before
anything runs; a bad document, or bad inline scenes, fails that video alone.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import yaml
from pydantic import ValidationError

from ..errors import InputError, SetError
from ..models import Document, PipelineSettings, VideoConfig
from ..parsing.spec import load_spec_text, spec_from_data
from ..text import slugify
from .models import VideoJob

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".yaml", ".yml", ".json")
SET_KEYS = ("title", "defaults", "videos")
#: the fields of an inline video besides ``scenes`` (``lang``, ``voice`` and ``theme`` are settings)
INLINE_KEYS = ("title", "subtitle", "author", "accent")
#: settings a batch decides itself, or that name live objects: never in a set
RESERVED_SETTINGS = ("output_dir", "enhancer", "executor", "custom_engine")


def set_settings() -> tuple[str, ...]:
    """The settings fields a set (its defaults, or one video) may give."""
    return tuple(f for f in PipelineSettings.model_fields if f not in RESERVED_SETTINGS)


@dataclass
class BatchPlan:
    """The videos of a batch, in the order listed, and the set's title (if one set was given)."""

    jobs: list[VideoJob]
    title: str = ""
    sources: list[Path] = field(default_factory=list)

    def __repr__(self) -> str:
        lines = [f"<BatchPlan {self.title or 'batch'}: {len(self.jobs)} videos>"]
        lines += [f"  {j.name:<24} {j.origin}{'  (' + j.problem + ')' if j.problem else ''}" for j in self.jobs]
        return "\n".join(lines)


def plan_batch(
    sources: Sequence[Union[str, Path]], settings: Optional[Mapping[str, Any]] = None, plugins: Sequence[str] = ()
) -> BatchPlan:
    """Read ``sources`` (set files, folders of documents, documents) into one job per video.

    ``settings`` are settings fields for every video (over a set's ``defaults``,
    under a video's own). Raises :class:`SetError` for a source that is not
    there or a set that cannot be read; nothing is written.
    """
    if isinstance(sources, (str, Path)):
        sources = [sources]
    if not sources:
        raise SetError(None, None, "no sources were given", "Pass set files (with 'videos:'), folders of documents, or documents.")
    given = dict(settings or {})
    bad = [k for k in given if k in RESERVED_SETTINGS]
    if bad:
        raise ValueError(f"{bad[0]} cannot be set for a batch: each video's files go to OUT/<name>")
    PipelineSettings().updated(**given)  # a bad value fails here, naming the field
    plugin_path = Path.cwd()
    jobs: list[VideoJob] = []
    titles: list[str] = []
    for src in sources:
        path = Path(src).expanduser()
        if not path.exists():
            raise SetError(path, None, "no such file or folder", f"Check the path (relative paths are taken from {Path.cwd()}).")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith("."))
            if not files:
                raise SetError(path, None, "this folder holds no documents", f"Put documents ({', '.join(DOCUMENT_SUFFIXES)}) in it.")
        else:
            files = [path]
        for f in files:
            video_set = _read_set(f)
            if video_set is None:
                jobs.append(VideoJob(name=slugify(f.stem), source=f.absolute(), origin=str(f), settings=given))
            else:
                title, found = _set_jobs(f, *video_set, given)
                titles.append(title)
                jobs += found
    _unique_names(jobs)
    for job in jobs:
        job.plugins, job.plugin_path = list(plugins), plugin_path
    return BatchPlan(jobs, titles[0] if len(titles) == 1 else "", [Path(s) for s in sources])


def _read_set(path: Path) -> Optional[tuple[dict, Optional[yaml.Node]]]:
    """The data and node tree of ``path`` if it is a video set (a mapping with ``videos``), else None."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError):
        return None  # not readable as a set: as a document, its own error says what is wrong
    if not isinstance(data, dict) or "videos" not in data:
        return None
    data, root = load_spec_text(text, "json" if path.suffix.lower() == ".json" else "yaml", path)
    return data, root


def _line(node: Optional[yaml.Node]) -> Optional[int]:
    return node.start_mark.line + 1 if node is not None else None


def _under(node: Optional[yaml.Node], key: Any) -> Optional[yaml.Node]:
    """The value node under a mapping key or at a sequence index (None where the tree has none)."""
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _unknown_key(path: Path, node, raw: Mapping, allowed: Sequence[str], what: str) -> None:
    for key in raw:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            hint = f"Did you mean {close[0]!r}? " if close else ""
            key_node = next((k for k, _ in node.value if k.value == key), None) if isinstance(node, yaml.MappingNode) else None
            raise SetError(path, _line(key_node or node), f"unknown field {key!r} in {what}", f"{hint}It may hold: {', '.join(allowed)}.")


def _checked_settings(path: Path, node, raw: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Settings given in a set, each checked (a bad value names its line)."""
    for key, value in raw.items():
        try:
            PipelineSettings().updated(**{key: value})
        except (ValidationError, ValueError) as exc:
            errors = exc.errors() if isinstance(exc, ValidationError) else None
            reason = errors[0]["msg"] if errors else str(exc)
            raise SetError(
                path, _line(_under(node, key)) or _line(node), f"{what}: {key}: {reason}",
                f"Fix the value of {key!r}; see `videogen batch --help` for the settings.",
            ) from None  # fmt: skip
    return dict(raw)


def _set_jobs(path: Path, data: dict, root, given: Mapping[str, Any]) -> tuple[str, list[VideoJob]]:
    """The jobs of one set file: its defaults, then the caller's settings, then each video's own."""
    _unknown_key(path, root, data, SET_KEYS, "the video set")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SetError(path, _line(_under(root, "defaults")), "'defaults' is not a mapping of settings", "Write it as 'resolution: 720p' lines.")
    _unknown_key(path, _under(root, "defaults"), defaults, set_settings(), "'defaults'")
    defaults = _checked_settings(path, _under(root, "defaults"), defaults, "defaults")
    videos = data.get("videos")
    videos_node = _under(root, "videos")
    if not isinstance(videos, list) or not videos:
        raise SetError(path, _line(videos_node) or 1, "'videos' is not a list of videos", "Write each as '- source: lesson.md', or with 'scenes:'.")
    jobs = [_video_job(path, raw, _under(videos_node, i), i, {**defaults, **given}) for i, raw in enumerate(videos)]
    return str(data.get("title") or ""), jobs


def _video_job(path: Path, raw: Any, node, index: int, inherited: Mapping[str, Any]) -> VideoJob:
    line = _line(node)
    origin = f"{path}:{line}" if line else f"{path}, video {index + 1}"
    if isinstance(raw, str):
        raw = {"source": raw}  # "- lessons/intro.md" is short for "- source: lessons/intro.md"
    if not isinstance(raw, dict):
        raise SetError(path, line, f"video {index + 1} is neither a path nor a mapping", "Write it as '- source: lesson.md', or with 'scenes:'.")
    _unknown_key(path, node, raw, ("source", "name", "scenes", *INLINE_KEYS, *set_settings()), f"video {index + 1}")
    if ("source" in raw) == ("scenes" in raw):
        raise SetError(path, line, f"video {index + 1} needs either 'source:' (a document) or 'scenes:' (inline), not both or neither",
                       "Give 'source: lesson.md' with the path of a document, or a 'scenes:' list.")  # fmt: skip
    if "source" in raw and any(k in raw for k in INLINE_KEYS):
        key = next(k for k in INLINE_KEYS if k in raw)
        raise SetError(path, _line(_under(node, key)) or line, f"video {index + 1} has a source document and {key!r}",
                       f"Set {key!r} in the document itself (its front matter or spec).")  # fmt: skip
    own = _checked_settings(path, node, {k: v for k, v in raw.items() if k in set_settings()}, f"video {index + 1}")
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or slugify(name, fallback="") != name):
        raise SetError(path, _line(_under(node, "name")) or line, f"the name {name!r} of video {index + 1} is not a folder name",
                       f"Use lower-case letters, digits and dashes, e.g. {slugify(str(name))!r}.")  # fmt: skip
    settings = {**inherited, **own}
    if "source" in raw:
        src = raw["source"]
        if not isinstance(src, str) or not src.strip():
            raise SetError(path, _line(_under(node, "source")) or line, f"the source of video {index + 1} is not a path", "Write the path of a document, relative to this file.")
        doc = (path.parent / src).expanduser()
        return VideoJob(name=name or slugify(doc.stem), source=doc.absolute(), origin=f"{src} in {origin}", settings=settings, explicit_name=name is not None)
    video, problem = _inline_video(path, raw, node)
    fallback = f"video-{index + 1}"
    return VideoJob(
        name=name or slugify(str(raw.get("title") or ""), fallback=fallback), source=video, origin=origin,
        settings=settings, problem=problem, explicit_name=name is not None,
    )  # fmt: skip


def _inline_video(path: Path, raw: dict, node) -> tuple[VideoConfig, Optional[str]]:
    """The video written inline, checked as a scene spec with the set's lines and folder; or what is wrong with it."""
    spec = {k: raw[k] for k in ("scenes", *INLINE_KEYS) if k in raw}
    doc = Document(path=path, format="yaml", text="")
    try:
        meta, scenes, _ = spec_from_data(spec, node, doc)
        return VideoConfig(scenes=scenes, **{k: v for k, v in meta.items() if k in INLINE_KEYS}), None
    except (InputError, ValidationError) as exc:
        return VideoConfig(title=str(raw.get("title") or "")), str(exc)


def _unique_names(jobs: list[VideoJob]) -> None:
    """Every video gets its own folder: a name given twice is an error, a derived one gets -2, -3 ..."""
    taken: dict[str, VideoJob] = {}
    for job in jobs:
        if job.explicit_name:
            if job.name in taken:
                raise SetError(None, None, f"two videos are named {job.name!r} ({taken[job.name].origin}; {job.origin})",
                               "Give each video its own 'name:'.")  # fmt: skip
            taken[job.name] = job
    for job in jobs:
        if job.explicit_name:
            continue
        base, k = job.name, 2
        while job.name in taken:
            job.name, k = f"{base}-{k}", k + 1
        taken[job.name] = job
