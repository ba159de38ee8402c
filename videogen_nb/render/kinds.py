"""What each kind of scene puts on its slide, as blocks under the title."""

from __future__ import annotations

from typing import Callable, Optional

from ..models import (
    CheckpointScene,
    CodeComparisonScene,
    CodeScene,
    ExerciseScene,
    ImageScene,
    Item,
    ProblemScene,
    QuizScene,
    QuoteScene,
    SceneConfig,
    SolutionScene,
    StepsScene,
    TableScene,
)
from .blocks import (
    Block,
    CodeBlock,
    Columns,
    ImageBlock,
    OptionBlock,
    Paragraph,
    QuoteBlock,
    TableBlock,
    label,
)

# the symbol before each entry of a list, by kind (numbered entries show their number; bullets are drawn)
MARKERS = {"outro": "\u2713", "learning_objectives": "\u2192"}


def _paragraphs(texts: list[str]) -> list[Block]:
    return [Paragraph(t) for t in texts if t.strip()]


def _items(items: list[Item], kind: str) -> list[Block]:
    marker = MARKERS.get(kind, "bullet")
    out: list[Block] = []
    for item in items:
        if item.number is not None:
            m = f"number:{item.number}"
        else:
            m = "bullet" if item.level else marker
        out.append(Paragraph(item.text, level=item.level, marker=m))
    return out


def _content(scene: SceneConfig) -> list[Block]:
    return _paragraphs(getattr(scene, "body", [])) + _items(getattr(scene, "items", []), scene.kind)


def _with_difficulty(name: str, difficulty: Optional[str], minutes: Optional[int] = None) -> str:
    parts = [name] + ([difficulty] if difficulty else []) + ([f"{minutes} min"] if minutes else [])
    return " \u00b7 ".join(parts)


def _steps(scene: StepsScene) -> tuple[Optional[str], list[Block]]:
    return (f"Step {scene.number}" if scene.number is not None else None), _content(scene)


def _code(scene: CodeScene) -> tuple[Optional[str], list[Block]]:
    code = [CodeBlock(scene.code, scene.language)] if scene.code.strip() else []
    return None, _paragraphs(scene.body) + code


def _table(scene: TableScene) -> tuple[Optional[str], list[Block]]:
    return None, _paragraphs(scene.body) + [TableBlock(scene.headers, scene.rows)]


def _quote(scene: QuoteScene) -> tuple[Optional[str], list[Block]]:
    return None, _paragraphs(scene.body) + [QuoteBlock(scene.quote, scene.attribution)]


def _image(scene: ImageScene) -> tuple[Optional[str], list[Block]]:
    caption = [Paragraph(scene.alt, style="sans-oblique", align="center")] if scene.alt and not scene.body else []
    return None, _paragraphs(scene.body) + [ImageBlock(scene.path, scene.alt)] + caption


def _comparison(scene: CodeComparisonScene) -> tuple[Optional[str], list[Block]]:
    sides = [
        [label(name), CodeBlock(code, scene.language)]
        for name, code in ((scene.before_label, scene.before), (scene.after_label, scene.after))
        if code.strip()  # a continued comparison may have run out of one side
    ]
    return None, _paragraphs(scene.body) + ([Columns(*sides)] if len(sides) == 2 else [b for s in sides for b in s])


def _problem(scene: ProblemScene) -> tuple[Optional[str], list[Block]]:
    return _with_difficulty("Problem", scene.difficulty), _content(scene)


def _solution(scene: SolutionScene) -> tuple[Optional[str], list[Block]]:
    code = [CodeBlock(scene.code, scene.language)] if scene.code.strip() else []
    return "Solution", _paragraphs(scene.body) + code


def _quiz(scene: QuizScene) -> tuple[Optional[str], list[Block]]:
    blocks: list[Block] = [Paragraph(scene.question, style="sans-bold")]
    for k, option in enumerate(scene.options):
        state = "normal" if not scene.reveal else ("correct" if k == scene.answer else "dim")
        blocks.append(OptionBlock(chr(ord("A") + k), option, state))
    if scene.reveal and scene.explanation:
        blocks.append(Paragraph(scene.explanation))
    return ("Answer" if scene.reveal else "Quiz"), blocks


def _checkpoint(scene: CheckpointScene) -> tuple[Optional[str], list[Block]]:
    blocks: list[Block] = []
    if scene.items:
        blocks += [label("Covered so far")] + [
            Paragraph(i.text, level=i.level, marker="\u2713" if i.level == 0 else "bullet") for i in scene.items
        ]
    if scene.review:
        blocks += [label("Ask yourself")] + [Paragraph(q, marker="?") for q in scene.review]
    if scene.next:
        blocks += [label("Coming up")] + [Paragraph(n, marker="\u2192") for n in scene.next]
    return "Checkpoint", blocks


def _exercise(scene: ExerciseScene) -> tuple[Optional[str], list[Block]]:
    return _with_difficulty("Exercise", scene.difficulty, scene.minutes), _content(scene)


def _objectives(scene: SceneConfig) -> tuple[Optional[str], list[Block]]:
    return "Learning objectives", _content(scene)


LAYOUTS: dict[str, Callable[..., tuple[Optional[str], list[Block]]]] = {
    "steps": _steps,
    "code": _code,
    "table": _table,
    "quote": _quote,
    "image": _image,
    "figure": _image,  # a figure from the notebook is laid out like a picture from the document
    "code_comparison": _comparison,
    "problem": _problem,
    "solution": _solution,
    "quiz": _quiz,
    "checkpoint": _checkpoint,
    "exercise": _exercise,
    "learning_objectives": _objectives,
}


def scene_blocks(scene: SceneConfig) -> tuple[Optional[str], list[Block]]:
    """(a small label above the title or None, the blocks under the title) for any kind but ``title``."""
    layout = LAYOUTS.get(scene.kind)
    return layout(scene) if layout else (None, _content(scene))
