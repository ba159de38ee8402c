"""Signed, atomic pickles of the pipeline context and its stages, one file per stage.

Unpickling runs code, so a checkpoint carries an HMAC made with a per-user key
and the loader refuses a file whose signature does not match before it
unpickles anything. Files are written to a temporary name and renamed, so a
killed process never leaves half a checkpoint.

Scene kinds and stages of the user's own are kept by reference (their module
and class name), as pickle keeps any class: a resumed pipeline imports their
modules, and when a class cannot be found (it was defined in a notebook
cell) the error names it and says what to run first.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import os
import pickle
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .atomic import atomic_write_bytes
from .errors import CheckpointError
from .models import PipelineContext

MAGIC = b"VIDEOGEN-NB-CHECKPOINT\n"
FORMAT_VERSION = 2  # 2: the stage list is kept beside the context; scene kinds live in videogen_nb.kinds
CHECKPOINT_DIR = "checkpoints"
_PACKAGE = __name__.split(".")[0]


@dataclass
class Checkpoint:
    """What a checkpoint holds: the context, and the stages (in the order given) that work on it."""

    context: PipelineContext
    stages: list[Any]


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


def checkpoint_path(workdir: Path, index: int, stage: str) -> Path:
    """``NN_<stage>.pkl``: the checkpoint after the stage that runs ``index``-th (0-based)."""
    return Path(workdir) / CHECKPOINT_DIR / f"{index + 1:02d}_{stage}.pkl"


def _reference(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def user_classes(ctx: PipelineContext, stages: Sequence[Any]) -> dict[str, dict[str, str]]:
    """Classes from outside the package a checkpoint refers to: scene kinds and stages, by name."""
    own = (_PACKAGE, f"{_PACKAGE}.")
    kinds = {
        s.kind: _reference(type(s))
        for s in (ctx.video_config.scenes if ctx.video_config else [])
        if not type(s).__module__.startswith(own)
    }
    steps = {s.name: _reference(type(s)) for s in stages if not type(s).__module__.startswith(own)}
    return {"scene kinds": kinds, "stages": steps}


def check_keepable(stages: Sequence[Any]) -> None:
    """Refuse, before anything runs, a stage a checkpoint could not keep (so resume could not rebuild it)."""
    for stage in stages:
        try:
            pickle.dumps(stage, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            where = type(stage).__qualname__
            hint = (
                "define its class at the top level of a module or a notebook cell, not inside a function"
                if "<locals>" in where
                else "keep only plain data on the stage object (no function, lock or open file)"
            )
            raise CheckpointError(
                f"the stage {getattr(stage, 'name', where)!r} cannot be kept in a checkpoint ({exc}): {hint}"
            ) from None


def save_checkpoint(ctx: PipelineContext, stage: str, index: int, stages: Sequence[Any]) -> Path:
    """Pickle ``ctx`` and ``stages`` as the checkpoint after ``stage`` (the ``index``-th to run); return its path."""
    try:
        payload = pickle.dumps({"context": ctx, "stages": list(stages)}, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise CheckpointError(
            f"the pipeline cannot be checkpointed: {exc}. Scenes, stages and artifacts must be plain data "
            "(a stage object may not hold a function, a lock or an open file; pass those to Pipeline instead)"
        ) from exc
    header = json.dumps(
        {"format": FORMAT_VERSION, "stage": stage, "seq": ctx.seq, "workdir": str(ctx.workdir), "task_id": ctx.task_id,
         "classes": user_classes(ctx, stages)}
    ).encode()  # fmt: skip
    mac = hmac.new(signing_key(), header + b"\n" + payload, hashlib.sha256).hexdigest().encode()
    path = checkpoint_path(ctx.workdir, index, stage)
    atomic_write_bytes(path, MAGIC + header + b"\n" + mac + b"\n" + payload)
    # the same stage at another position (a stage was inserted since): only the newest counts
    for old in path.parent.glob(f"[0-9][0-9]_{stage}.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
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


def load_checkpoint(path: Path) -> Checkpoint:
    """Verify the signature of a checkpoint, then unpickle it (importing the modules of user classes)."""
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
    try:
        data = pickle.loads(payload)  # signed by this user: safe to run
    except (AttributeError, ImportError) as exc:
        raise CheckpointError(f"{path}: {_missing_classes(header.get('classes') or {}, exc)}") from exc
    ctx = data.get("context") if isinstance(data, dict) else None
    if not isinstance(ctx, PipelineContext):
        raise CheckpointError(f"{path}: holds a {type(ctx).__name__}, not a pipeline context")
    return Checkpoint(ctx, list(data.get("stages") or []))


def _missing_classes(classes: dict[str, dict[str, str]], exc: BaseException) -> str:
    """What the checkpoint needs that this process lacks, and what to do about each."""
    needs = []
    for what, refs in classes.items():
        for name, ref in refs.items():
            module, _, qualname = ref.partition(":")
            if module == "__main__":
                needs.append(
                    f"the {what[:-1]} {name!r} is the class {qualname} defined in a notebook or script: "
                    "run the code that defines it, then resume"
                )
                continue
            try:
                obj: Any = importlib.import_module(module)
                for part in qualname.split("."):
                    obj = getattr(obj, part)
            except ImportError as err:
                needs.append(
                    f"the {what[:-1]} {name!r} is {qualname} from the module {module!r}, which cannot be imported "
                    f"({err}): put its folder on sys.path (PYTHONPATH) or install it, then resume"
                )
            except AttributeError:
                needs.append(f"the {what[:-1]} {name!r}: the module {module!r} has no {qualname} any more")
    if not needs:
        return f"the checkpoint refers to code this process cannot find ({exc})"
    return "this checkpoint needs code this process does not have: " + "; ".join(needs)


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
    ctx.artifacts = {name: move(v) if isinstance(v, Path) else v for name, v in ctx.artifacts.items()}
    ctx.subtitle_paths = {kind: move(p) for kind, p in ctx.subtitle_paths.items()}
    if ctx.timing_report is not None:
        for s in ctx.timing_report.scenes:
            s.audio_path = move(s.audio_path)
    for scene in ctx.video_config.scenes if ctx.video_config else []:
        # pictures made in the notebook live in the work folder too
        for name in scene.media_fields:
            setattr(scene, name, move(getattr(scene, name)))

