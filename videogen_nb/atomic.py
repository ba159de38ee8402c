"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Everything the package writes (checkpoints, slides, segments, subtitles,
metadata, cached speech) goes through a temporary file in the same folder
and a rename, so a killed process leaves no truncated output behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def temporary_sibling(path: Path) -> Path:
    """A new, unique, empty file beside ``path`` (same folder, so a rename onto ``path`` is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; outputs should read like any other file
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_place(src: Path, dst: Path) -> None:
    """Put ``src`` at ``dst`` atomically: a hard link when the file system allows, else a copy."""
    dst = Path(dst)
    tmp = temporary_sibling(dst)
    try:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
