"""Content hashes: what makes a stage stale and what keys the caches."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Optional


def stable_hash(*parts: Any) -> str:
    """SHA-256 of JSON-serialisable parts, stable across processes and runs."""
    data = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plain(value: Any, root: Optional[Path] = None) -> Any:
    """``value`` as JSON-ready data for a hash: models as their fields, paths as text, containers element-wise.

    Paths (and path strings) under ``root`` are written relative to it, so a
    work folder that moved does not read as a change.
    """
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): plain(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, root) for v in value]
    if isinstance(value, Path):
        value = str(value)
    if root is not None and isinstance(value, str):
        prefix = str(root).rstrip(os.sep) + os.sep
        if value.startswith(prefix):
            return "<workdir>" + os.sep + value[len(prefix) :]
    return value
