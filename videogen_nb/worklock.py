"""One process at a time in a work folder: a lock file held while stages run.

Two processes on one work folder would reuse each other's half-made files
and remove each other's checkpoints. The lock is an OS file lock (``filelock``:
``flock`` on POSIX), so it goes away with its process, even one killed with
``kill -9``: there is never a stale lock to delete by hand. A second process
waits for the first (and says so), or with ``wait=False`` stops at once with
an error naming the holder.

Within one process the lock is re-entrant: the CLI holds it around a whole
build and the pipeline's own stage calls take it again without waiting.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from filelock import FileLock, Timeout

from .errors import WorkdirBusyError

LOCK_NAME = ".videogen.lock"
HOLDER_NAME = ".videogen.lock.json"  # who holds it: written after taking the lock, for the message of a waiting one


def _holder(folder: Path) -> str:
    """'process 1234 on host, since 12:00:05 (videogen build talk.md ...)', as far as the holder wrote it."""
    try:
        info = json.loads((folder / HOLDER_NAME).read_text(encoding="utf-8"))
        since = time.strftime("%H:%M:%S", time.localtime(info["since"]))
        return f"process {info['pid']} on {info['host']}, since {since} ({info['command'][:80]})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class WorkdirLock:
    """The lock of one work folder; ``with lock:`` holds it (re-entrant within the process)."""

    def __init__(self, folder: Path, wait: bool = True, on_wait: Optional[Callable[[str], None]] = None) -> None:
        # one spelling per folder: the lock is re-entered by path, and another spelling of the same folder
        # (relative, through a symlink) would open a second lock that waits for the first forever
        self.folder = Path(folder).resolve()
        self.wait = wait
        self.on_wait = on_wait
        self._lock: Optional[FileLock] = None
        self._made: Optional[Path] = None  # the outermost folder taking the lock had to create

    @property
    def path(self) -> Path:
        return self.folder / LOCK_NAME

    def _file_lock(self) -> FileLock:
        if self._lock is None:
            missing = [p for p in (self.folder, *self.folder.parents) if not p.exists()]
            self.folder.mkdir(parents=True, exist_ok=True)
            self._made = missing[-1] if missing else None
            # one FileLock object per path in the process: a second WorkdirLock on the folder re-enters it
            self._lock = FileLock(str(self.path), is_singleton=True)
        return self._lock

    @property
    def held(self) -> bool:
        """Whether this process holds the lock now."""
        return self._lock is not None and self._lock.is_locked

    def acquire(self) -> bool:
        """Take the lock, waiting for another process if ``wait``; True if this call took it first (not re-entered)."""
        lock = self._file_lock()
        first = not lock.is_locked
        try:
            lock.acquire(timeout=0)
        except Timeout:
            who = _holder(self.folder)
            if not self.wait:
                raise WorkdirBusyError(self.folder, who) from None
            if self.on_wait is not None:
                self.on_wait(
                    f"the work folder {self.folder} is in use by {who}; waiting for it to finish "
                    "(stop with Ctrl-C; --no-wait stops at once instead)"
                )
            lock.acquire()
        if first:
            holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(), "command": " ".join(sys.argv)}
            try:
                (self.folder / HOLDER_NAME).write_text(json.dumps(holder), encoding="utf-8")
            except OSError:
                pass  # only a courtesy for the message of a waiting process
        return first

    def release(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()

    def remove_if_unused(self) -> bool:
        """Remove the folders taking the lock created, if they hold nothing but the lock's own files.

        A run that wrote nothing (bad input) leaves no empty work folder behind.
        Call it after :meth:`release`.
        """
        if self.held or self._made is None:
            return False
        try:
            if {p.name for p in self.folder.iterdir()} - {LOCK_NAME, HOLDER_NAME}:
                return False
            for name in (HOLDER_NAME, LOCK_NAME):
                (self.folder / name).unlink(missing_ok=True)
            folder = self.folder
            while True:
                folder.rmdir()  # fails, and stops, at a folder something else was written into
                if folder == self._made:
                    break
                folder = folder.parent
        except OSError:
            return False
        self._made, self._lock = None, None
        return True

    def __enter__(self) -> "WorkdirLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<WorkdirLock {self.path} ({'held' if self.held else 'free'})>"
