"""Stage 1, input: read the document and make the video's configuration."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from ..documents import looks_like_path, read_document
from ..errors import InputError
from ..fingerprint import stable_hash
from ..models import (
    ACCENTS,
    THEME_NAMES,
    PipelineContext,
    VideoConfig,
    check_pronunciations,
)
from ..text import slugify
from .base import Services, Stage


def _front_str(front: dict, key: str) -> Optional[str]:
    value = front.get(key)
    return None if value is None else str(value)


def _front_choice(front: dict, key: str, allowed: tuple[str, ...], path) -> Optional[str]:
    """A front matter value that must be one of ``allowed`` (theme, accent): a typo is an error naming them."""
    value = _front_str(front, key)
    if value is None:
        return None
    if value.strip().lower() not in allowed:
        raise InputError(path, f"'{key}: {value}' is not one of {', '.join(allowed)}", f"Set '{key}:' to one of {', '.join(allowed)} (or leave it out).")
    return value.strip().lower()


def _front_bool(front: dict, key: str, path) -> Optional[bool]:
    """A yes/no front matter value (``reveal: false``); anything else is an error saying what to write."""
    value = front.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise InputError(path, f"'{key}: {value}' is neither true nor false", f"Write '{key}: true' or '{key}: false' (or leave it out).")


def _deck_tool(front: dict) -> bool:
    """The front matter is a slide tool's (Marp, Slidev), whose keys mean what that tool says."""
    return front.get("marp") is True or any(k in front for k in ("layout", "highlighter", "transition", "mdc", "slidev"))


class InputStage(Stage):
    name = "input"
    requires = ("input_config",)
    provides = ("video_config", "input_metadata", "document")

    def run(self, ctx: PipelineContext, services: Services) -> str:
        cfg = ctx.input_config
        doc = read_document(cfg)
        front = doc.front_matter
        title = cfg.title or _front_str(front, "title") or ""
        name = doc.path.stem if doc.path else "video"
        try:
            pronunciations = check_pronunciations(front.get("pronounce"), "front matter 'pronounce'")
        except ValueError as exc:
            raise InputError(doc.path, str(exc), "Write it as a mapping, one 'word: how to say it' a line") from None
        video_config = VideoConfig(
            video_id=slugify(title or name),
            title=title,
            subtitle=_front_str(front, "subtitle") or "",
            author=_front_str(front, "author") or "",
            lang=cfg.lang or _front_str(front, "lang"),
            voice=cfg.voice or _front_str(front, "voice"),
            pronunciations=pronunciations,
            # a Marp or Slidev deck's "theme:" names that tool's theme (gaia, seriph), not ours: it is not an error
            theme=None if _deck_tool(front) else _front_choice(front, "theme", THEME_NAMES, doc.path),
            accent=_front_choice(front, "accent", ACCENTS, doc.path),
            reveal=_front_bool(front, "reveal", doc.path),
            source_path=doc.path.resolve() if doc.path else None,
        )
        metadata = {
            "source": str(doc.path) if doc.path else ("<objects>" if doc.format == "objects" else "<text>"),
            "format": doc.format,
            "characters": len(doc.text),
            "lines": doc.text.count("\n") + 1,
            "front_matter": front,
            "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        }
        ctx.document = doc
        ctx.video_config = video_config
        ctx.input_metadata = metadata
        return f"{doc.name}: {len(doc.text):,} characters of {doc.format}"

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        cfg = ctx.input_config
        stat = None
        src = cfg.source
        if cfg.input_type in ("document", "yaml", "json") and (isinstance(src, Path) or looks_like_path(src)):
            try:
                st = Path(src).stat()
            except OSError:
                return None  # the source is gone (e.g. resumed elsewhere): keep what was read
            stat = (st.st_size, st.st_mtime_ns)
        return stable_hash(cfg.model_dump(mode="json"), stat)
