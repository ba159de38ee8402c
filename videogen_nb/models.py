"""Pydantic models: every object a stage reads or writes, in one place.

Field names follow the seed pipeline (``video_config``, ``audio_dir``,
``timing_report`` ...) so code written against it reads the same here. All
models validate on assignment: a notebook user who types
``p.ctx.audio_dir = 5`` gets a validation error, not a broken video later.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

STAGE_NAMES: tuple[str, ...] = ("input", "parse", "script", "audio", "video", "output")

RESOLUTIONS: dict[str, tuple[int, int]] = {
    "1080p": (1920, 1080),
    "720p": (1280, 720),
    "480p": (854, 480),
    "vertical": (1080, 1920),
}


def parse_resolution(value: Union[str, tuple[int, int], list[int]]) -> tuple[int, int]:
    """Turn "1080p", "720p", "vertical", "1280x720" or (w, h) into (width, height)."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in RESOLUTIONS:
            return RESOLUTIONS[key]
        if "x" in key:
            w, _, h = key.partition("x")
            if w.isdigit() and h.isdigit():
                return parse_resolution((int(w), int(h)))
        raise ValueError(
            f"unknown resolution {value!r}: use one of {', '.join(RESOLUTIONS)}, 'WIDTHxHEIGHT' or (w, h)"
        )
    w, h = (int(v) for v in value)
    if w < 64 or h < 64 or w > 7680 or h > 7680:
        raise ValueError(f"resolution {w}x{h} is out of range (64..7680 pixels a side)")
    if w % 2 or h % 2:
        # yuv420p needs even sides; say so instead of letting ffmpeg fail later
        raise ValueError(f"resolution {w}x{h} must have even width and height (H.264 yuv420p)")
    return (w, h)


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


class _Model(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")


# --- input -----------------------------------------------------------------------


class InputConfig(_Model):
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
        src = repr(self.source) if isinstance(self.source, VideoConfig) else repr(_short(str(self.source), 60))
        return f"InputConfig(input_type={self.input_type!r}, source={src})"


class Document(_Model):
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


# --- scenes ------------------------------------------------------------------------

SCENE_KINDS: tuple[str, ...] = (
    "title", "text", "bullets", "steps", "code", "table", "quote", "image", "outro",
    "code_comparison", "problem", "solution", "quiz", "checkpoint", "learning_objectives", "exercise",
    "figure", "clip",
)  # fmt: skip
SceneKind = Literal[
    "title", "text", "bullets", "steps", "code", "table", "quote", "image", "outro",
    "code_comparison", "problem", "solution", "quiz", "checkpoint", "learning_objectives", "exercise",
    "figure", "clip",
]  # fmt: skip

#: accent colours a scene (or the whole video) can pick; each theme gives each name a shade
ACCENTS: tuple[str, ...] = ("blue", "sky", "teal", "green", "amber", "orange", "red", "pink", "purple")
Accent = Literal["blue", "sky", "teal", "green", "amber", "orange", "red", "pink", "purple"]
THEME_NAMES: tuple[str, ...] = ("dark", "light")
Difficulty = Literal["easy", "medium", "hard"]
MAX_LIST_LEVEL = 2  # three levels of nesting: 0, 1, 2


class Item(_Model):
    """One list entry: its text, how deep it is nested (0-2), and its number in an ordered list."""

    text: str
    level: int = Field(0, ge=0, le=MAX_LIST_LEVEL)
    number: Optional[int] = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    def __repr__(self) -> str:
        extra = (f", level={self.level}" if self.level else "") + (f", number={self.number}" if self.number is not None else "")
        return f"Item({_short(self.text)!r}{extra})"


def _flatten_items(value: Any, level: int = 0) -> Any:
    """``["a", ["a1", "a2"], "b"]``: a nested list holds the sub-items of the entry before it."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for entry in value:
        if isinstance(entry, list):
            out.extend(_flatten_items(entry, min(level + 1, MAX_LIST_LEVEL)))
        elif isinstance(entry, str):
            out.append({"text": entry, "level": level})
        elif isinstance(entry, dict) and level and "level" not in entry:
            out.append({**entry, "level": level})
        else:
            out.append(entry)
    return out


class SceneConfig(_Model):
    """One scene: one slide on screen and the narration spoken over it.

    ``SceneConfig(kind="quiz", ...)`` makes the subclass of that kind
    (``QuizScene``); every kind shares the fields below.
    """

    scene_id: str = ""
    kind: SceneKind = "text"
    title: str = ""
    narration: Optional[str] = None
    source_line: Optional[int] = None
    accent: Optional[Accent] = None
    #: the scene_id of the scene this one continues (its first page), when a section did not fit one slide
    continues: Optional[str] = None
    #: the next scene continues this one (so all pages of a section are drawn at the same size)
    continued: bool = False

    def __new__(cls, *args: Any, **data: Any) -> "SceneConfig":
        # SceneConfig(kind=...) builds the subclass for that kind, so users need not learn the class names;
        # an unknown kind falls through to the base class, whose validation names the allowed kinds
        if cls is SceneConfig and data:
            sub = SCENE_CLASSES.get(data.get("kind", "text"))
            if sub is not None:
                return super().__new__(sub)
        return super().__new__(cls)

    def __repr__(self) -> str:
        narr = self.narration if self.narration is not None else "<not written>"
        return f"<{self.kind} scene {self.scene_id or '?'} {self.title!r}: {_short(narr)!r}>"

    def visual_dict(self) -> dict[str, Any]:
        """What the slide shows (everything but the narration), for fingerprints."""
        return self.model_dump(mode="json", exclude={"narration"})


class _Listed(SceneConfig):
    """A list of entries; in a spec a nested list holds the sub-entries of the entry before it."""

    items: list[Item] = Field(default_factory=list)

    @field_validator("items", mode="before")
    @classmethod
    def _nested(cls, v: Any) -> Any:
        return _flatten_items(v)


class _Content(_Listed):
    """Paragraphs, then a list: the content most kinds share."""

    body: list[str] = Field(default_factory=list)


class TitleScene(SceneConfig):
    """The opening slide: title, subtitle and author."""

    kind: Literal["title"] = "title"
    subtitle: str = ""
    author: str = ""


class TextScene(_Content):
    """Paragraphs (and perhaps a list under them)."""

    kind: Literal["text"] = "text"


class BulletsScene(_Content):
    """A list, nested up to three levels, perhaps under a lead paragraph."""

    kind: Literal["bullets"] = "bullets"


def _number_items(items: list[Item]) -> list[Item]:
    """Top-level entries without a number get the next one (so a continued list keeps counting)."""
    out, n = [], 0
    for item in items:
        if item.level == 0:
            n = item.number if item.number is not None else n + 1
            if item.number is None:
                item = item.model_copy(update={"number": n})
        out.append(item)
    return out


class StepsScene(_Content):
    """Numbered steps; with ``number`` set, one step of a "Step N" series (its list is then bulleted)."""

    kind: Literal["steps"] = "steps"
    number: Optional[int] = None

    @model_validator(mode="after")
    def _numbered(self) -> "StepsScene":
        if self.number is None and any(i.level == 0 and i.number is None for i in self.items):
            object.__setattr__(self, "items", _number_items(self.items))
        return self


class CodeScene(SceneConfig):
    """A code listing, highlighted; ``body`` is the text around it."""

    kind: Literal["code"] = "code"
    code: str
    language: str = ""
    body: list[str] = Field(default_factory=list)


class TableScene(SceneConfig):
    """A table drawn as a table; ``body`` is the text around it."""

    kind: Literal["table"] = "table"
    headers: list[str]
    rows: list[list[str]] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rectangular(self) -> "TableScene":
        n = len(self.headers)
        if n == 0:
            raise ValueError("a table needs at least one column header")
        if any(len(r) != n for r in self.rows):
            # pad short rows and fold extra cells into the last column, as Markdown renderers do
            fixed = [(r + [""] * n)[:n] if len(r) <= n else r[: n - 1] + [" ".join(r[n - 1 :])] for r in self.rows]
            object.__setattr__(self, "rows", fixed)
        return self


class QuoteScene(SceneConfig):
    """A quotation and who said it."""

    kind: Literal["quote"] = "quote"
    quote: list[str]
    attribution: str = ""
    body: list[str] = Field(default_factory=list)  # text shown above the quotation


class ImageScene(SceneConfig):
    """A picture from the document's folder, with its alt text and caption."""

    kind: Literal["image"] = "image"
    path: Path
    alt: str = ""
    body: list[str] = Field(default_factory=list)


class OutroScene(_Content):
    """The closing slide: summary, conclusion or takeaways."""

    kind: Literal["outro"] = "outro"


class CodeComparisonScene(SceneConfig):
    """Two versions of some code side by side (stacked on a vertical video)."""

    kind: Literal["code_comparison"] = "code_comparison"
    before: str
    after: str
    language: str = ""
    before_label: str = "Before"
    after_label: str = "After"
    body: list[str] = Field(default_factory=list)


class ProblemScene(_Content):
    """A problem to solve: the statement in ``body``, givens or constraints in ``items``."""

    kind: Literal["problem"] = "problem"
    difficulty: Optional[Difficulty] = None


class SolutionScene(SceneConfig):
    """A worked solution: explanation and, optionally, code."""

    kind: Literal["solution"] = "solution"
    body: list[str] = Field(default_factory=list)
    code: str = ""
    language: str = ""


class QuizScene(SceneConfig):
    """A multiple-choice question. The parse stage makes two scenes of it:
    the question with its options, then (``reveal=True``) the answer."""

    kind: Literal["quiz"] = "quiz"
    question: str
    options: list[str] = Field(min_length=2, max_length=6)
    answer: int = Field(description="index of the right option (0-based); a letter 'B' or the option's text also works")
    explanation: str = ""
    reveal: bool = False

    @model_validator(mode="before")
    @classmethod
    def _answer(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("answer"), str):
            ans, options = data["answer"].strip(), data.get("options") or []
            if ans in options:
                data = {**data, "answer": options.index(ans)}
            elif len(ans) == 1 and ans.isalpha():
                data = {**data, "answer": ord(ans.upper()) - ord("A")}
            else:
                raise ValueError(f"answer {ans!r} is neither a letter (A, B, ...) nor one of the options")
        return data

    @model_validator(mode="after")
    def _answer_in_range(self) -> "QuizScene":
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.options)} options (0-based index)")
        return self


class CheckpointScene(_Listed):
    """A pause to review: what was covered (``items``), questions to ask oneself, what comes next."""

    kind: Literal["checkpoint"] = "checkpoint"
    review: list[str] = Field(default_factory=list)
    next: list[str] = Field(default_factory=list)


class LearningObjectivesScene(_Content):
    """What the viewer will be able to do by the end."""

    kind: Literal["learning_objectives"] = "learning_objectives"


class ExerciseScene(_Content):
    """A task for the viewer: instructions in ``body``, steps in ``items``."""

    kind: Literal["exercise"] = "exercise"
    difficulty: Optional[Difficulty] = None
    minutes: Optional[int] = Field(None, ge=1, le=600)

    @model_validator(mode="after")
    def _numbered(self) -> "ExerciseScene":
        if any(i.level == 0 and i.number is None for i in self.items):
            object.__setattr__(self, "items", _number_items(self.items))
        return self


class FigureScene(ImageScene):
    """A picture made in the notebook (a matplotlib Figure), drawn once as a still under its title."""

    kind: Literal["figure"] = "figure"


class ClipScene(SceneConfig):
    """A moviepy clip shown full frame, its frames encoded one by one.

    The clip itself lives in the pipeline (checkpoints cannot hold it);
    ``clip_id`` is a hash of its content, ``poster`` its first frame.
    ``length="clip"``: the scene lasts at least the clip; ``"narration"``: the
    narration decides, and the clip is cut or holds its last frame.
    """

    kind: Literal["clip"] = "clip"
    clip_id: str
    clip_duration: float = Field(gt=0)
    length: Literal["clip", "narration"] = "clip"
    poster: Path

    @property
    def min_seconds(self) -> float:
        """The shortest the scene may be: the clip's own length, if it decides."""
        return self.clip_duration if self.length == "clip" else 0.0


Scene = Annotated[
    Union[
        TitleScene, TextScene, BulletsScene, StepsScene, CodeScene, TableScene, QuoteScene, ImageScene,
        OutroScene, CodeComparisonScene, ProblemScene, SolutionScene, QuizScene, CheckpointScene,
        LearningObjectivesScene, ExerciseScene, FigureScene, ClipScene,
    ],
    Field(discriminator="kind"),
]  # fmt: skip

SCENE_CLASSES: dict[str, type[SceneConfig]] = {
    cls.model_fields["kind"].default: cls
    for cls in (
        TitleScene, TextScene, BulletsScene, StepsScene, CodeScene, TableScene, QuoteScene, ImageScene,
        OutroScene, CodeComparisonScene, ProblemScene, SolutionScene, QuizScene, CheckpointScene,
        LearningObjectivesScene, ExerciseScene, FigureScene, ClipScene,
    )
}  # fmt: skip
assert tuple(SCENE_CLASSES) == SCENE_KINDS


class VideoConfig(_Model):
    """The video a document describes: its title, language, look and scenes."""

    video_id: str = "video"
    title: str = ""
    subtitle: str = ""
    author: str = ""
    lang: Optional[str] = None
    voice: Optional[str] = None
    # front matter ``pronounce:``: how to say words, e.g. {"SQL": "sequel"}; spoken text only
    pronunciations: dict[str, str] = Field(default_factory=dict)
    theme: Optional[Literal["dark", "light"]] = None
    accent: Optional[Accent] = None
    source_path: Optional[Path] = None
    scenes: list[Scene] = Field(default_factory=list)

    def __repr__(self) -> str:
        return f"<VideoConfig {self.title!r}: {len(self.scenes)} scenes>"


# --- audio -------------------------------------------------------------------------


class WordTiming(_Model):
    """One spoken word, in seconds from the start of its scene's audio."""

    word: str
    start: float
    end: float


AudioSource = Literal["synthesized", "workdir", "cache"]


class SceneTiming(_Model):
    """Where one scene sits on the video's timeline, and what its audio is.

    ``source`` says where the clip came from in the last audio run: made now
    (``synthesized``), reused from this work folder (``workdir``) or from the
    speech cache shared by every pipeline on the machine (``cache``).
    ``word_timings`` hold the narration's own words (as the slides and
    subtitles show them), timed from the speech.
    """

    index: int
    scene_id: str
    title: str = ""
    start: float
    end: float
    start_frame: int
    end_frame: int
    audio_start: float  # absolute time the narration begins (after the lead-in pad)
    audio_duration: float
    words: int
    synthesized: bool
    audio_path: Path
    audio_hash: str
    word_timings: list[WordTiming] = Field(default_factory=list)
    engine: str = ""  # the engine that made this clip (the fallback's name if it stood in)
    source: AudioSource = "synthesized"
    loudness: Optional[float] = None  # integrated loudness of the clip, LUFS (None: silence)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def words_per_minute(self) -> float:
        return 60.0 * self.words / self.audio_duration if self.audio_duration > 0 else 0.0


class TimingReport(_Model):
    """The timeline the audio stage lays out and the video stage follows."""

    fps: int
    sample_rate: int
    engine: str
    voice: str = ""
    lang: str = ""
    scenes: list[SceneTiming] = Field(default_factory=list)

    @property
    def total_duration(self) -> float:
        return self.scenes[-1].end if self.scenes else 0.0

    @property
    def total_frames(self) -> int:
        return self.scenes[-1].end_frame if self.scenes else 0

    @property
    def synthesized(self) -> list[int]:
        """Indices of the scenes synthesised in the last audio run."""
        return [s.index for s in self.scenes if s.synthesized]

    @property
    def reused(self) -> list[int]:
        """Indices of the scenes whose clip came from the work folder or the shared cache."""
        return [s.index for s in self.scenes if not s.synthesized]

    @property
    def from_cache(self) -> list[int]:
        """Indices of the scenes reused from the shared speech cache (made by another pipeline or run)."""
        return [s.index for s in self.scenes if s.source == "cache"]

    @property
    def fallback_scenes(self) -> list[int]:
        """Indices of the scenes spoken by the fallback engine instead of ``engine``."""
        return [s.index for s in self.scenes if s.engine and s.engine != self.engine]

    def __repr__(self) -> str:
        fallback = f", {len(self.fallback_scenes)} by the fallback engine" if self.fallback_scenes else ""
        return (
            f"<TimingReport {len(self.scenes)} scenes, {self.total_duration:.2f} s at {self.fps} fps, "
            f"{self.engine} {self.voice}: {len(self.synthesized)} synthesised, {len(self.reused)} reused "
            f"({len(self.from_cache)} from the shared cache){fallback}>"
        )


class SubtitleCue(_Model):
    """One subtitle: at most two lines, shown from ``start`` to ``end`` on the video's timeline."""

    index: int
    scene_index: int
    start: float
    end: float
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return f"<cue {self.index} {self.start:.3f}-{self.end:.3f} s: {' / '.join(self.lines)!r}>"


# --- pipeline state ------------------------------------------------------------------


class PipelineSettings(_Model):
    """How to render: chosen when the Pipeline is made, kept in checkpoints."""

    tts: str = "espeak"
    # keyword arguments the engine is made with (rate, tld, slow ...), so resume makes the same one
    tts_options: dict[str, Any] = Field(default_factory=dict)
    lang: Optional[str] = None
    voice: Optional[str] = None
    fallback: Optional[str] = None  # engine that speaks a scene the main engine failed on
    cache_dir: Optional[Path] = None  # shared speech cache; None: $VIDEOGEN_CACHE_DIR or ~/.cache
    pronunciations: dict[str, str] = Field(default_factory=dict)  # win over front matter ``pronounce:``
    loudness: Optional[float] = Field(-16.0, ge=-40.0, le=-5.0)  # LUFS every clip is set to; None: as made
    resolution: tuple[int, int] = (1920, 1080)
    fps: int = Field(30, ge=1, le=120)
    pad_before: float = Field(0.25, ge=0.0, le=5.0)
    pad_after: float = Field(0.75, ge=0.0, le=5.0)
    min_scene: float = Field(2.0, ge=0.1, le=60.0)
    output_dir: Optional[Path] = None
    #: None: the document's front matter decides (``theme: light``), else dark
    theme: Optional[Literal["dark", "light"]] = None
    transition: float = Field(0.5, ge=0.0, le=3.0)  # seconds of crossfade into each next scene; 0: cut
    burn_subtitles: bool = False  # draw each subtitle cue onto the picture

    @field_validator("resolution", mode="before")
    @classmethod
    def _resolution(cls, v: Any) -> tuple[int, int]:
        return parse_resolution(v)


def effective_theme(settings: PipelineSettings, video: Optional["VideoConfig"]) -> str:
    """The theme slides are drawn in: the caller's choice, else the document's, else dark."""
    return settings.theme or (video.theme if video is not None else None) or "dark"


class StageRecord(_Model):
    """What one run of a stage did: kept so status and staleness can be told."""

    stage: str
    state: Literal["done", "failed"]
    seq: int
    fingerprint: Optional[str] = None
    started_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    seconds: float = 0.0
    summary: str = ""
    error: Optional[str] = None


class PipelineContext(_Model):
    """Everything the stages share; pickled to a checkpoint after each stage."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid", arbitrary_types_allowed=True)

    format_version: int = 1
    task_id: str
    workdir: Path
    input_config: InputConfig
    settings: PipelineSettings = Field(default_factory=PipelineSettings)
    document: Optional[Document] = None
    video_config: Optional[VideoConfig] = None
    input_metadata: dict[str, Any] = Field(default_factory=dict)
    audio_dir: Optional[Path] = None
    timing_report: Optional[TimingReport] = None
    video_dir: Optional[Path] = None
    final_video_path: Optional[Path] = None
    output_dir: Optional[Path] = None
    metadata_path: Optional[Path] = None
    thumbnail_path: Optional[Path] = None
    subtitle_paths: dict[str, Path] = Field(default_factory=dict)  # {"srt": ..., "vtt": ...}
    warnings: list[str] = Field(default_factory=list)
    stage_records: dict[str, StageRecord] = Field(default_factory=dict)
    seq: int = 0

    def __repr__(self) -> str:
        done = [n for n in STAGE_NAMES if n in self.stage_records and self.stage_records[n].state == "done"]
        return f"<PipelineContext {self.task_id} in {self.workdir}: done {done or 'nothing'}>"


class PipelineResult(_Model):
    """What ``execute_sync`` returns (the seed's result object)."""

    success: bool
    task_id: str
    video_path: Optional[Path] = None
    output_dir: Optional[Path] = None
    metadata_path: Optional[Path] = None
    thumbnail_path: Optional[Path] = None
    duration: float = 0.0  # seconds of video
    elapsed: float = 0.0  # seconds the run took
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def __repr__(self) -> str:
        if self.success:
            return f"<PipelineResult {self.task_id} ok: {self.video_path} ({self.duration:.1f} s)>"
        return f"<PipelineResult {self.task_id} FAILED: {'; '.join(self.errors)}>"


class StageState(_Model):
    """One stage of a task as the seed's state manager saw it."""

    status: Literal["pending", "running", "completed", "failed"] = "pending"
    progress: float = 0.0
    error: Optional[str] = None


class TaskState(_Model):
    """A task's progress, saved as JSON so another process can read it."""

    task_id: str
    status: Literal["pending", "running", "completed", "failed"] = "pending"
    stages: dict[str, StageState] = Field(default_factory=lambda: {n: StageState() for n in STAGE_NAMES})
    current_stage: Optional[str] = None
    errors: list[str] = Field(default_factory=list)
    video_path: Optional[Path] = None
    updated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def overall_progress(self) -> float:
        """Fraction of the six stages completed, counting the running one's progress."""
        total = sum(1.0 if s.status == "completed" else s.progress for s in self.stages.values())
        return total / len(self.stages)

    def get_completed_stages(self) -> list[str]:
        return [n for n, s in self.stages.items() if s.status == "completed"]

    def __repr__(self) -> str:
        return f"<TaskState {self.task_id} {self.status} {self.overall_progress:.0%}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{s.status}</td><td>{s.progress:.0%}</td></tr>"
            for n, s in self.stages.items()
        )
        return (
            f"<b>{html.escape(self.task_id)}</b>: {self.status}, {self.overall_progress:.0%}"
            f"<table><tr><th>stage</th><th>status</th><th>progress</th></tr>{rows}</table>"
        )


InputConfig.model_rebuild()
