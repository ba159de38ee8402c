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
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .atomic import atomic_write_bytes, inside
from .errors import CheckpointError, storage_error
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


#: the shortest key accepted: shorter ones are too easy to guess, and an empty one signs nothing
MIN_KEY_BYTES = 32
KEY_ENV = "VIDEOGEN_CHECKPOINT_KEY"


def signing_key() -> bytes:
    """The per-user key: $VIDEOGEN_CHECKPOINT_KEY, or a random key kept in the user's config (made on first use).

    A key shorter than 32 bytes is refused: an empty or short key file would
    let anyone sign a checkpoint, and unpickling a checkpoint runs its code.
    """
    env = os.environ.get(KEY_ENV)
    if env is not None:
        key = env.encode()
        if len(key) < MIN_KEY_BYTES:
            raise CheckpointError(
                f"${KEY_ENV} is {len(key)} bytes long; a checkpoint key must be at least {MIN_KEY_BYTES}. "
                f"Set it to a long random secret, e.g. the output of: python -c \"import secrets; print(secrets.token_hex(32))\""
            )
        return key
    path = _key_path()
    try:
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = _create_key(path)
    except OSError as exc:
        mapped = storage_error(exc, "reading or creating the checkpoint key")
        if mapped is None:
            raise
        raise mapped.with_advice(
            f"or keep the key elsewhere: set XDG_CONFIG_HOME to a folder you can write, or ${KEY_ENV} to a secret "
            f"of at least {MIN_KEY_BYTES} characters"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise CheckpointError(
            f"the checkpoint key {path} is {len(key)} bytes long; a key must be at least {MIN_KEY_BYTES} bytes "
            "(a shorter one lets others sign checkpoints, whose unpickling runs code). Delete the file and a new "
            "key is made on the next run (checkpoints signed with the old key can then no longer be resumed)"
        )
    return key


def _create_key(path: Path) -> bytes:
    """Write a new random key whole to a temporary file, then link it into place; return the key that won.

    A link does not replace an existing file: when two processes make a key at
    once, one link succeeds and the other reads the winner's key, which is
    complete because it was written before it was linked.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_bytes()
        except OSError:  # a file system without hard links: a rename is still atomic (the last key made wins)
            if path.exists():
                return path.read_bytes()
            os.replace(tmp, path)
        return key
    finally:
        Path(tmp).unlink(missing_ok=True)


def checkpoint_path(workdir: Path, index: int, stage: str) -> Path:
    """``NN_<stage>.pkl``: the checkpoint after the stage that runs ``index``-th (0-based)."""
    return inside(Path(workdir) / CHECKPOINT_DIR, f"{index + 1:02d}_{stage}.pkl")


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
    except IsADirectoryError:
        raise CheckpointError(f"{path}: is a folder, not a checkpoint") from None
    if not raw.startswith(MAGIC):
        raise CheckpointError(f"{path}: not a videogen_nb checkpoint (refusing to unpickle it)")
    rest = raw[len(MAGIC) :]
    try:
        header_raw, mac, payload = rest.split(b"\n", 2)
        header = json.loads(header_raw)
    except ValueError:
        header = None
    if not isinstance(header, dict):  # a list, a string, a number: not a header we wrote
        raise CheckpointError(f"{path}: the checkpoint header is damaged; delete the file and re-run its stage")
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


def _checkpoints(workdir: Path) -> list[Path]:
    folder = Path(workdir) / CHECKPOINT_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.pkl") if p.is_file()) if folder.is_dir() else []


def _no_checkpoints(workdir: Path) -> CheckpointError:
    folder = Path(workdir) / CHECKPOINT_DIR
    return CheckpointError(
        f"{workdir}: no checkpoints found in {folder}. Run at least one stage with this workdir first, or check the path."
    )


def _seq(path: Path) -> int:
    try:
        seq = read_header(path).get("seq", -1)
        return seq if isinstance(seq, int) else -1
    except CheckpointError:
        return -1  # a damaged header sorts last


def latest_checkpoint(workdir: Path) -> Path:
    """The checkpoint written last in ``workdir`` (highest sequence number; damaged ones count as oldest)."""
    found = _checkpoints(workdir)
    if not found:
        raise _no_checkpoints(workdir)
    return max(found, key=lambda p: (_seq(p), p.name))


def set_aside(path: Path) -> Path:
    """Rename a checkpoint that cannot be used to ``<name>.damaged`` (kept to look at, never loaded again)."""
    aside = path.with_name(path.name + ".damaged")
    os.replace(path, aside)
    return aside


def has_checkpoints(workdir: Path) -> bool:
    """Whether ``workdir`` holds at least one complete checkpoint file (valid or not)."""
    return bool(_checkpoints(workdir))


def newest_valid_checkpoint(workdir: Path) -> tuple[Path, Checkpoint, list[tuple[Path, str]]]:
    """The newest checkpoint in ``workdir`` that loads, and each newer one that did not with the reason.

    One damaged file (a disk error, a hand edit) does not block resuming: the
    pipeline picks up from the checkpoint before it and re-runs what came
    after. When none loads, the newest one's error is raised (a wrong key, a
    missing class: the reason is the same for all of them).
    """
    found = sorted(_checkpoints(workdir), key=lambda p: (_seq(p), p.name), reverse=True)
    if not found:
        raise _no_checkpoints(workdir)
    skipped: list[tuple[Path, str]] = []
    first_error: CheckpointError | None = None
    for k, path in enumerate(found):
        try:
            loaded = load_checkpoint(path)
        except CheckpointError as exc:
            first_error = first_error or exc
            skipped.append((path, str(exc)))
            continue
        # older ones are not needed, but one whose header cannot be read may have been the newest: say so
        for older in found[k + 1 :]:
            try:
                read_header(older)
            except CheckpointError as exc:
                skipped.append((older, str(exc)))
        return path, loaded, skipped
    assert first_error is not None
    raise first_error


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
    for name in ("audio_dir", "video_dir", "final_video_path", "proxy_path", "output_dir", "metadata_path", "thumbnail_path"):
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

