"""Errors a user can act on: each says what was wrong, where, and what to do."""

from __future__ import annotations

import errno
from pathlib import Path


class VideogenError(Exception):
    """Base class of every error videogen_nb raises on purpose."""


# --- bad input -------------------------------------------------------------


class InputError(VideogenError):
    """The document could not be read as a document."""

    def __init__(self, path: str | Path | None, problem: str, advice: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.advice = advice
        where = f"{self.path}: " if self.path is not None else ""
        super().__init__(f"{where}{problem}. {advice}")


class DocumentNotFoundError(InputError):
    """The document path does not exist."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(
            path,
            "no such file",
            "Check the path (relative paths are taken from the current folder "
            f"{Path.cwd()}).",
        )


class EmptyDocumentError(InputError):
    """The document holds nothing but whitespace."""

    def __init__(self, path: str | Path | None) -> None:
        super().__init__(
            path,
            "the document is empty",
            "Write at least a title and one paragraph, for example '# Title' then a line of text.",
        )


class FrontMatterOnlyError(InputError):
    """The document holds front matter and nothing after it."""

    def __init__(self, path: str | Path | None) -> None:
        super().__init__(
            path,
            "the document has front matter but no content after it",
            "Add some text below the closing '---' line: a heading and a paragraph at least.",
        )


class BinaryFileError(InputError):
    """The file is binary (an image, an archive, ...), not text."""

    def __init__(self, path: str | Path | None, detail: str = "") -> None:
        super().__init__(
            path,
            f"this is a binary file, not a text document{detail}",
            "Pass a Markdown (.md), plain text (.txt), YAML or JSON file.",
        )


class EncodingError(InputError):
    """The file is text but not valid UTF-8."""

    def __init__(self, path: str | Path | None, line: int, column: int) -> None:
        self.line = line
        super().__init__(
            path,
            f"invalid UTF-8 at line {line}, column {column}",
            "Save the file as UTF-8 (most editors have 'Save with encoding'), "
            "or convert it with: iconv -f latin1 -t utf-8 in.md > out.md",
        )


class ImagePathError(InputError):
    """An image path leads outside the document's folder."""

    def __init__(self, path: str | Path | None, line: int | None, src: str, folder: Path) -> None:
        self.line = line
        where = f"line {line}: " if line else ""
        super().__init__(
            path,
            f"{where}the image '{src}' is outside the document's folder {folder}, so it is refused",
            "Copy the image into that folder (or a subfolder of it) and point to the copy.",
        )


class SpecError(InputError):
    """A YAML or JSON scene spec is malformed or describes scenes that cannot exist."""

    def __init__(self, path: str | Path | None, line: int | None, problem: str, advice: str) -> None:
        self.line = line
        where = f"line {line}: " if line else ""
        super().__init__(path, f"{where}{problem}", advice)


class DocumentStructureError(VideogenError):
    """The document parsed, but the result cannot become a video."""


# --- running stages ----------------------------------------------------------


class StageOrderError(VideogenError):
    """A stage was asked to run before the stages it needs."""

    def __init__(self, stage: str, first: str, reason: str = "has not run") -> None:
        self.stage = stage
        self.first = first
        super().__init__(
            f"cannot run '{stage}': stage '{first}' {reason}. "
            f"Run p.{first}() first, or p.run(until='{stage}') to run everything up to it."
        )


class StageGraphError(VideogenError, ValueError):
    """The stages cannot run as given: an unknown or repeated name, a requirement nobody provides, a cycle."""


class StageFailedError(VideogenError):
    """A stage failed; what finished before it is kept in the checkpoints."""

    def __init__(self, stage: str, reason: str, workdir: Path, cli_hint: str | None = None) -> None:
        self.stage = stage
        self.reason = reason
        self.workdir = Path(workdir)
        self.python_resume = f'Pipeline.resume("{self.workdir}").run()'
        self.cli_resume = cli_hint
        hint = f"pick up from there with {self.python_resume}"
        if cli_hint:
            hint += f" or `{cli_hint}`"
        super().__init__(f"stage '{stage}' failed: {reason.rstrip('. ')}. Earlier stages are kept; {hint}")


class SpeechError(VideogenError):
    """A speech engine could not speak a scene."""


class UnknownVoiceError(SpeechError):
    """The language or voice asked for does not exist in the engine."""


class RenderError(VideogenError):
    """Drawing or encoding the video failed."""


class CheckpointError(VideogenError):
    """A checkpoint is missing, foreign, tampered with, or of another format."""


# --- files and folders ---------------------------------------------------------------


class UnsafePathError(VideogenError, ValueError):
    """A name made from the document would lead outside the folder it is written to."""

    def __init__(self, folder: Path, name: str, problem: str) -> None:
        self.folder = Path(folder)
        self.name = name
        shown = name if len(name) <= 80 else name[:77] + "..."
        super().__init__(
            f"refusing to write {shown!r} in {self.folder}: {problem}, so it could land outside that folder. "
            "Use plain names (scene ids are lower-case letters, digits and dashes)"
        )


class WorkdirBusyError(VideogenError):
    """Another process is working in the work folder (and this one was told not to wait)."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = Path(folder)
        super().__init__(
            f"the work folder {self.folder} is in use by {holder}. Wait for it to finish (run again without "
            "--no-wait to wait), or build into another folder (--workdir DIR or another -o)"
        )


class StorageError(VideogenError):
    """A file or folder could not be written or read: no permission, a read-only or full disk."""

    def __init__(self, path: str | Path | None, problem: str, advice: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.advice = advice
        super().__init__(f"{problem}. {advice}")

    def with_advice(self, more: str) -> "StorageError":
        """The same error with more to do (how to resume) after its advice."""
        made = type(self).__new__(type(self))
        StorageError.__init__(made, self.path, self.problem, f"{self.advice.rstrip('. ')}; {more}")
        return made


class PermissionDeniedError(StorageError):
    """The package may not write (or read) a file or folder."""


class DiskFullError(StorageError):
    """The disk (or the user's quota) filled up while writing."""


_NO_PERMISSION = {errno.EACCES, errno.EPERM, errno.EROFS}
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def storage_error(exc: BaseException, doing: str = "") -> "StorageError | None":
    """Our own error for a permission or disk-space failure anywhere in ``exc``'s chain (None for anything else).

    The path comes from the OSError; ``doing`` says what was being done, for the message.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StorageError):
            return exc
        if isinstance(exc, OSError) and exc.errno in _NO_PERMISSION | _NO_SPACE:
            path = exc.filename
            where = f" {path}" if path else ""
            while_ = f" while {doing}" if doing else ""
            if exc.errno in _NO_SPACE:
                return DiskFullError(
                    path, f"no space left on the disk to write{where}{while_} ({exc.strerror})",
                    "Free some space (or choose a folder on another disk), then run again; what was finished is "
                    "kept, and the output of the last complete run was left as it was",
                )
            read_only = exc.errno == errno.EROFS
            return PermissionDeniedError(
                path, f"cannot write{where}{while_}: " + ("the file system is read-only" if read_only else "permission denied"),
                "Choose a folder you can write to (videogen: -o OUTDIR or --workdir DIR; Python: workdir=...), "
                "or make this one writable (chmod u+w)",
            )
        exc = exc.__cause__ or exc.__context__
    return None
