"""Errors a user can act on: each says what was wrong, where, and what to do."""

from __future__ import annotations

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


class SetError(SpecError):
    """A video set (a YAML or JSON file with ``videos:``) or a batch's list of sources cannot be read."""


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
