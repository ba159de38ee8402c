"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Everything the package writes (checkpoints, slides, segments, subtitles,
metadata, cached speech) goes through a temporary file in the same folder
and a rename, so a killed process leaves no truncated output behind. The
exception is a file with a record (:func:`write_recorded`): it is trusted only
through its record, written after it, so a new one is written in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from .errors import UnsafePathError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


#: every temporary file the package makes ends so (before an optional extension ffmpeg needs): see ``stray_temporaries``
TEMP_MARK = ".tmp"
#: a file name may not be longer than this many bytes on the common file systems
NAME_MAX = 255


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless ``name`` is one plain file name (no '/', no '..', not absolute).

    Names made from a document (scene ids, titles) pass through here before
    anything is written, so no document can make the package write outside
    the folder it was given.
    """
    problem = None
    if not name or name in (".", ".."):
        problem = "it is empty or a folder reference"
    elif "/" in name or (os.altsep and os.altsep in name) or os.sep in name or "\x00" in name:
        problem = "it holds a path separator"
    elif len(name.encode("utf-8", "surrogateescape")) > NAME_MAX:
        problem = f"it is longer than {NAME_MAX} bytes"
    if problem:
        raise UnsafePathError(Path(folder), name, problem)
    return Path(folder) / name


def temporary_sibling(path: Path, extension: str = "") -> Path:
    """A new, unique, empty file beside ``path`` (same folder, so a rename onto ``path`` is atomic).

    Its name is ``.<name>.<random>.tmp<extension>``: unique per call, so two
    processes (or threads) making the same file never write into one
    temporary file; ``extension`` (``".mp4"``) tells ffmpeg what to write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_MARK + extension, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; outputs should read like any other file
    return Path(tmp)


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is named like a file from :func:`temporary_sibling`."""
    name = Path(path).name
    return name.startswith(".") and TEMP_MARK in name[1:] and name.rsplit(TEMP_MARK, 1)[1].count(".") <= 1


def stray_temporaries(folder: Path) -> list[Path]:
    """Temporary files left under ``folder`` by a process that was killed before it could rename them."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(f".*{TEMP_MARK}*") if p.is_file() and is_temporary(p))


def remove_stray_temporaries(folder: Path, exclude: Optional[Path] = None) -> list[Path]:
    """Delete :func:`stray_temporaries` (only while no other process can be writing there); return them.

    Those under ``exclude`` (a folder other processes share, such as a speech cache inside it) are kept.
    """
    removed = []
    for p in stray_temporaries(folder):
        if exclude is not None and exclude in p.parents:
            continue
        try:
            p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    return removed


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (``durable``: flushed to the disk first)."""
    path = Path(path)
    tmp = temporary_sibling(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
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


class AtomicBatch:
    """Several files replaced together: each is written to a temporary file first, and only when every one
    is written are they renamed into place.

    A failure on the way (a full disk, a killed process) leaves every old file
    as it was: the previous complete output is never mixed with half of a new one.

    >>> with AtomicBatch() as batch:          # doctest: +SKIP
    ...     batch.write(out / "metadata.json", data)
    ...     batch.place(video, out / "talk.mp4")
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def write(self, path: Path, data: bytes) -> Path:
        """Stage ``data`` for ``path``; return ``path``."""
        path = Path(path)
        tmp = temporary_sibling(path)
        self._staged.append((tmp, path))
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return path

    def place(self, src: Path, path: Path) -> Path:
        """Stage the file ``src`` for ``path`` (a hard link when the file system allows, else a copy)."""
        path = Path(path)
        tmp = temporary_sibling(path)
        self._staged.append((tmp, path))
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        return path

    def commit(self) -> None:
        """Rename every staged file into place (renames need no space, so a full disk cannot stop them halfway)."""
        for tmp, path in self._staged:
            os.replace(tmp, path)
        self._staged = []

    def discard(self) -> None:
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []

    def __enter__(self) -> "AtomicBatch":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


# --- files that are reused: their size and hash are recorded when they are made ---------------


#: what a record's name adds to its file's
RECORD_SUFFIX = ".sum"


def record_path(path: Path) -> Path:
    """Where the size and hash of ``path`` are kept: ``<name>.sum`` beside it."""
    path = Path(path)
    return path.with_name(path.name + RECORD_SUFFIX)


def _digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def place_recorded(tmp: Path, path: Path, written: Optional[tuple[int, str]] = None) -> str:
    """Move the finished ``tmp`` onto ``path``, then record its size and hash (``written``, if its writer took them
    as it wrote, else read now); return the hash.

    The record is written last: a file without one (the process was killed in
    between) is not trusted and is made again.
    """
    size, digest = written or _digest(tmp)
    record_path(path).unlink(missing_ok=True)
    os.replace(tmp, path)
    atomic_write_bytes(record_path(path), json.dumps({"size": size, "sha256": digest}).encode())
    _remember(path, digest)  # just read whole: whoever checks it next in this process need not read it again
    return digest


def write_recorded(path: Path, data: bytes, note: Optional[dict] = None) -> str:
    """``data`` at ``path`` plus a record of the size and hash (and ``note``: what else its reader needs to know
    of it, JSON; see :func:`recorded_note`); return the hash.

    Not flushed to the disk, and a new file is written in place: a recorded
    file is checked against its record before it is reused, and the record is
    removed first and written last, so one that a crash left short or empty
    (or a torn record) is made again. A flush per piece cost seconds in a
    render of thousands of files; a temporary file and a rename for the file
    and its record took 1.9 ms of the kernel's time a piece, more than x264
    took to encode a reveal's band.
    """
    path = Path(path)
    record = record_path(path)
    record.unlink(missing_ok=True)
    _write_new(path, data)
    digest = hashlib.sha256(data).hexdigest()
    _write_new(record, json.dumps({**(note or {}), "size": len(data), "sha256": digest}).encode())
    _remember(path, digest)  # a re-render in this process checks it without reading it whole again
    return digest


def _write_new(path: Path, data: bytes) -> None:
    """``data`` in a file made at ``path``; one already there (made before, or by another writer at this moment)
    is replaced through a temporary file and a rename, so that no reader of it sees it cut short."""
    try:
        try:
            fh = open(path, "xb")
        except FileNotFoundError:  # the first file of its folder
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(path, "xb")
    except FileExistsError:
        return atomic_write_bytes(path, data, durable=False)
    try:
        with fh:
            fh.write(data)
    except BaseException:
        path.unlink(missing_ok=True)  # a full disk: nothing half-written stays (it would have no record anyway)
        raise


def recorded_digest(path: Path) -> Optional[str]:
    """The hash recorded for ``path``, if the file is there with its record and still matches both; else None.

    A truncated segment, a half-copied chunk or a file changed by hand reads
    as missing, so it is made again instead of being reused.
    """
    found = _recorded(path, with_note=False)
    return found[0] if found is not None else None


def recorded_note(path: Path) -> Optional[tuple[str, dict]]:
    """(hash, the record's note) of the recorded file ``path`` (see :func:`write_recorded`), if it is there whole
    and matches its record; else None."""
    return _recorded(path, with_note=True)


def _recorded(path: Path, with_note: bool) -> Optional[tuple[str, dict]]:
    """(hash, note) of a recorded file that matches its record (the note read only ``with_note``); else None."""
    # on names, not Path objects: a re-render asks this of every piece of the video (a thousand at 40 scenes),
    # and building paths cost more than the two stat calls
    name = os.fspath(path)
    record_name = name + RECORD_SUFFIX  # record_path(path), for any path with a name
    try:
        st, rec = os.stat(name), os.stat(record_name)
        # a file checked once in this process is not read again while it and its record stay as they were
        seen = _signature(st, rec)
        known = _VERIFIED.get(name)
        trusted = known is not None and known[0] == seen
        if trusted and not with_note:
            return known[1], {}
        with open(record_name, "rb") as fh:
            record = json.loads(fh.read())
        digest = record["sha256"]
        if not trusted:
            if st.st_size != record["size"] or _digest(Path(name))[1] != digest:
                return None
            _verified(name, seen, digest)
        return digest, {k: v for k, v in record.items() if k not in ("size", "sha256")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _remember(path: Path, digest: str) -> None:
    """Note that the recorded file ``path`` (as it is now, with its record) has the hash ``digest``."""
    name = os.fspath(path)
    try:
        _verified(name, _signature(os.stat(name), os.stat(name + RECORD_SUFFIX)), digest)
    except OSError:
        return


def _signature(st: os.stat_result, rec: os.stat_result) -> tuple[int, ...]:
    """What the stat of a file and of its record say that changes whenever either is written again."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, rec.st_ino, rec.st_mtime_ns)


def _verified(name: str, seen: tuple[int, ...], digest: str) -> None:
    if len(_VERIFIED) > 200_000:
        _VERIFIED.clear()
    _VERIFIED[name] = (seen, digest)


#: files whose record matched, with what their stat said then (see :func:`recorded_digest`)
_VERIFIED: dict[str, tuple[tuple[int, ...], str]] = {}
