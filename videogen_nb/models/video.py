"""What a video is made from: the input asked for, the document read, and the video it describes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from .base import Accent, Model, ThemeName, short
from .scenes import Scenes, check_id


class InputConfig(Model):
    """What to turn into a video: a file path, a Markdown string, or objects.

    ``input_type`` keeps the seed's vocabulary: ``"document"`` is a file (a
    Markdown, text, YAML or JSON file, or a Markdown string), ``"markdown"``
    and ``"text"`` are strings, ``"yaml"`` and ``"json"`` are scene specs
    (a file or a string), and ``"programmatic"`` is a ``VideoConfig``.
    """

    input_type: Literal["document", "markdown", "text", "yaml", "json", "programmatic"] = "document"
    source: Union[Path, str, "VideoConfig"]
    title: Optional[str] = None
    lang: Optional[str] = None
    voice: Optional[str] = None

    @model_validator(mode="after")
    def _objects_are_programmatic(self) -> "InputConfig":
        if isinstance(self.source, VideoConfig) != (self.input_type == "programmatic"):
            raise ValueError("input_type 'programmatic' goes with a VideoConfig source, and only with one")
        return self

    def __repr__(self) -> str:
        src = repr(self.source) if isinstance(self.source, VideoConfig) else repr(short(str(self.source), 60))
        return f"InputConfig(input_type={self.input_type!r}, source={src})"


class Document(Model):
    """The text of a document as read by the input stage."""

    path: Optional[Path] = None
    format: Literal["markdown", "text", "yaml", "json", "objects"] = "markdown"  # objects: a VideoConfig, as JSON
    text: str
    front_matter: dict[str, Any] = Field(default_factory=dict)
    # lines taken by front matter, so parse errors can give the file's line number
    body_line_offset: int = 0

    @property
    def name(self) -> str:
        return self.path.name if self.path else ("<objects>" if self.format == "objects" else "<text>")


class VideoConfig(Model):
    """The video a document describes: its title, language, look and scenes (of any registered kind)."""

    video_id: str = "video"
    title: str = ""
    subtitle: str = ""
    author: str = ""
    lang: Optional[str] = None
    #: the language the parse stage found the document written in, when neither it nor the pipeline says
    detected_lang: Optional[str] = None
    voice: Optional[str] = None
    # front matter ``pronounce:``: how to say words, e.g. {"SQL": "sequel"}; spoken text only
    pronunciations: dict[str, str] = Field(default_factory=dict)
    theme: Optional[ThemeName] = None
    accent: Optional[Accent] = None
    #: front matter ``reveal:``: whether slides build up as they are spoken (None: the pipeline's setting)
    reveal: Optional[bool] = None
    source_path: Optional[Path] = None
    scenes: Scenes = Field(default_factory=list)

    @field_validator("video_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return check_id(value, "video_id")  # it names the video file

    def __repr__(self) -> str:
        return f"<VideoConfig {self.title!r}: {len(self.scenes)} scenes>"


InputConfig.model_rebuild()
