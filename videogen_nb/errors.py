"""Errors a user can act on: each says what was wrong, where, and what to do."""

from __future__ import annotations

import errno
import sys
import textwrap
from pathlib import Path
from typing import Optional

#: shown under every short error block: how to see what the short block leaves out
FULL_TRACEBACK_HINT = "full traceback: videogen_nb.show_traceback()"


def short_block(kind: str, what: str, where: Optional[str] = None, todo: Optional[str] = None) -> list[str]:
    """An error as a few lines (what, where, what to do) for a notebook, instead of a long traceback."""
    red, bold, dim, reset = "\x1b[31m", "\x1b[1m", "\x1b[2m", "\x1b[0m"
    lines = [f"{red}{bold}{kind}{reset}: " + textwrap.fill(what, 100, subsequent_indent="  ")]
    if where:
        lines.append(f"  {bold}where{reset}: {where}")
    if todo:
        lines.append(f"  {bold}to do{reset}: " + textwrap.fill(todo, 100, subsequent_indent="         "))
    lines.append(f"  {dim}({FULL_TRACEBACK_HINT}){reset}")
    return lines


class ShortTraceback:
    """Mixin: IPython shows the error as :func:`short_block` (``_render_traceback_``), not as a traceback.

    ``what``, ``where`` and ``todo`` split the message where an error knows
    them; otherwise the whole message is the ``what``.
    """

    what: Optional[str] = None
    where: Optional[str] = None
    todo: Optional[str] = None

    def _render_traceback_(self) -> list[str]:
        return short_block(type(self).__name__, self.what or str(self) or type(self).__name__, self.where, self.todo)


class VideogenError(ShortTraceback, Exception):
    """Base class of every error videogen_nb raises on purpose; a notebook shows it as a short block."""


# --- bad input -------------------------------------------------------------


class InputError(VideogenError):
    """The document could not be read as a document."""

    def __init__(self, path: str | Path | None, problem: str, advice: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.advice = advice
        where = f"{self.path}: " if self.path is not None else ""
        self.what, self.where, self.todo = problem, str(self.path) if self.path is not None else None, advice
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


class SetError(SpecError):
    """A video set (a YAML or JSON file with ``videos:``) or a batch's list of sources cannot be read."""


class DocumentStructureError(VideogenError):
    """The document parsed, but the result cannot become a video."""


# --- running stages ----------------------------------------------------------


class StageOrderError(VideogenError):
    """Something was asked of a pipeline before the stage it needs has run.

    ``calls`` are the calls that fix it, each valid Python on the pipeline
    ``p`` (a test runs every one); the default runs the missing stage by name.
    ``action`` is what was asked: ``"run 'audio'"`` (the default) or
    ``"call p.timing_chart()"``.
    """

    def __init__(
        self, stage: str, first: str, reason: str = "has not run", *,
        calls: Optional[list[str]] = None, action: Optional[str] = None,
    ) -> None:  # fmt: skip
        self.stage = stage
        self.first = first
        self.reason = reason
        self.calls = list(calls) if calls else [f"p.run_stage('{first}')"]
        self.what = f"cannot {action or f'run {stage!r}'}: stage '{first}' {reason}"
        self.todo = f"run {' or '.join(self.calls)} first"
        super().__init__(f"{self.what}. Run {' or '.join(self.calls)} first.")


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
        self.what = f"stage '{stage}' failed: {reason.rstrip('. ')}"
        self.where = str(self.workdir)
        self.todo = f"earlier stages are kept; {hint}"
        super().__init__(f"stage '{stage}' failed: {reason.rstrip('. ')}. Earlier stages are kept; {hint}")


class StageInterrupted(ShortTraceback, KeyboardInterrupt):
    """A stage was interrupted (Ctrl-C, or the notebook's stop button); what finished before it is kept.

    Still a KeyboardInterrupt, so code that stops on one still stops.
    """

    def __init__(self, stage: str, workdir: Path, done: int = 0, total: int = 0) -> None:
        self.stage = stage
        self.workdir = Path(workdir)
        where = f" after {done} of {total} steps" if total > 1 else ""
        self.what = f"stage '{stage}' was interrupted{where}"
        self.where = str(self.workdir)
        self.todo = "earlier stages are kept; run p.run() to go on (the interrupted stage starts again)"
        super().__init__(f"{self.what}. {self.todo[0].upper()}{self.todo[1:]}.")


class SpeechError(VideogenError):
    """A speech engine could not speak a scene."""


class UnknownVoiceError(SpeechError):
    """The language or voice asked for does not exist in the engine."""


class RenderError(VideogenError):
    """Drawing or encoding the video failed."""


class MissingExtraError(VideogenError):
    """A feature needs an optional part of the package that is not installed (an extra)."""


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
def show_traceback(exc: Optional[BaseException] = None) -> None:
    """Print the full traceback of ``exc`` (default: the last error in this notebook or session)."""
    exc = exc if exc is not None else getattr(sys, "last_value", None)
    if exc is None:
        print("no error yet")
        return
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        stb = shell.InteractiveTB.structured_traceback(type(exc), exc, exc.__traceback__)
        print(shell.InteractiveTB.stb2text(stb))
    else:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)
