"""Signed, atomic pickles of the pipeline context, one per stage.

Unpickling runs code, so a checkpoint carries an HMAC made with a per-user key
and the loader refuses a file whose signature does not match before it
unpickles anything. Files are written to a temporary name and renamed, so a
killed process never leaves half a checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from .atomic import atomic_write_bytes
from .errors import CheckpointError
from .models import STAGE_NAMES, PipelineContext

MAGIC = b"VIDEOGEN-NB-CHECKPOINT\n"
FORMAT_VERSION = 1
CHECKPOINT_DIR = "checkpoints"


def _key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "videogen_nb" / "checkpoint.key"


def signing_key() -> bytes:
    """The per-user key: $VIDEOGEN_CHECKPOINT_KEY, or a random key kept in the user's config."""
    env = os.environ.get("VIDEOGEN_CHECKPOINT_KEY")
    if env:
        return env.encode()
    path = _key_path()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    # create exclusively with 0600 so two processes never end up with two keys
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def checkpoint_path(workdir: Path, stage: str) -> Path:
    return Path(workdir) / CHECKPOINT_DIR / f"{STAGE_NAMES.index(stage) + 1:02d}_{stage}.pkl"


def save_checkpoint(ctx: PipelineContext, stage: str) -> Path:
    """Pickle ``ctx`` as the checkpoint after ``stage``; return its path."""
    header = json.dumps(
        {"format": FORMAT_VERSION, "stage": stage, "seq": ctx.seq, "workdir": str(ctx.workdir), "task_id": ctx.task_id}
    ).encode()
    payload = pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(signing_key(), header + b"\n" + payload, hashlib.sha256).hexdigest().encode()
    path = checkpoint_path(ctx.workdir, stage)
    atomic_write_bytes(path, MAGIC + header + b"\n" + mac + b"\n" + payload)
    return path


def _split(path: Path) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such checkpoint") from None
    if not raw.startswith(MAGIC):
        raise CheckpointError(f"{path}: not a videogen_nb checkpoint (refusing to unpickle it)")
    rest = raw[len(MAGIC) :]
    try:
        header_raw, mac, payload = rest.split(b"\n", 2)
        header = json.loads(header_raw)
    except ValueError:
        raise CheckpointError(f"{path}: the checkpoint header is damaged; delete the file and re-run its stage") from None
    return header, header_raw, mac, payload


def read_header(path: Path) -> dict[str, Any]:
    """The checkpoint's unsigned header (stage, seq, workdir) without unpickling."""
    return _split(Path(path))[0]


def load_checkpoint(path: Path) -> PipelineContext:
    """Verify the signature of a checkpoint, then unpickle it."""
    path = Path(path)
    header, header_raw, mac, payload = _split(path)
    if header.get("format") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format {header.get('format')} is not {FORMAT_VERSION}; "
            "it was written by another version of videogen_nb. Re-run the pipeline from the start."
        )
    expected = hmac.new(signing_key(), header_raw + b"\n" + payload, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(expected, mac):
        raise CheckpointError(
            f"{path}: the checkpoint's signature does not match this user's key "
            f"({_key_path()} or $VIDEOGEN_CHECKPOINT_KEY); it was changed or made by someone else, "
            "so it is not unpickled. Re-run the pipeline, or set the key it was made with."
        )
    ctx = pickle.loads(payload)
    if not isinstance(ctx, PipelineContext):
        raise CheckpointError(f"{path}: holds a {type(ctx).__name__}, not a pipeline context")
    return ctx


def remove_foreign_checkpoints(workdir: Path, task_id: str) -> list[Path]:
    """Delete checkpoints in ``workdir`` written by another run (another task id)."""
    folder = Path(workdir) / CHECKPOINT_DIR
    removed = []
    for path in sorted(folder.glob("[0-9][0-9]_*.pkl")) if folder.is_dir() else []:
        try:
            foreign = read_header(path).get("task_id") != task_id
        except CheckpointError:
            foreign = True  # damaged or not ours: it could only confuse a later resume
        if foreign:
            path.unlink()
            removed.append(path)
    return removed


def latest_checkpoint(workdir: Path) -> Path:
    """The checkpoint written last in ``workdir`` (highest sequence number)."""
    folder = Path(workdir) / CHECKPOINT_DIR
    found = sorted(folder.glob("[0-9][0-9]_*.pkl")) if folder.is_dir() else []
    if not found:
        raise CheckpointError(
            f"{workdir}: no checkpoints found in {folder}. Run at least one stage with this "
            "workdir first, or check the path."
        )
    return max(found, key=lambda p: (read_header(p).get("seq", -1), p.name))


def rebase_paths(ctx: PipelineContext, new_workdir: Path) -> None:
    """Point paths inside the old workdir into ``new_workdir`` (the folder was moved)."""
    old = Path(ctx.workdir)
    new = Path(new_workdir)
    if old.resolve() == new.resolve():
        return

    def move(p: Path | None) -> Path | None:
        if p is None:
            return None
        try:
            return new / Path(p).relative_to(old)
        except ValueError:
            return p

    ctx.workdir = new
    for name in ("audio_dir", "video_dir", "final_video_path", "output_dir", "metadata_path", "thumbnail_path"):
        setattr(ctx, name, move(getattr(ctx, name)))
    ctx.subtitle_paths = {kind: move(p) for kind, p in ctx.subtitle_paths.items()}
    if ctx.timing_report is not None:
        for s in ctx.timing_report.scenes:
            s.audio_path = move(s.audio_path)
    for scene in ctx.video_config.scenes if ctx.video_config else []:
        # pictures made in the notebook live in the work folder too
        if scene.kind == "figure":
            scene.path = move(scene.path)
        elif scene.kind == "clip":
            scene.poster = move(scene.poster)

