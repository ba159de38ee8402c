"""Kinds of text: paragraphs, lists, steps, the closing summary, objectives, problems, exercises, checkpoints."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from ..models import scene_kind
from ..narration import join_words
from ..render.blocks import Block, Paragraph, label
from ..render.designs import ContentSlide
from ..text import as_sentence
from .flow import parts_speech
from .common import ContentScene, Difficulty, ListedScene, number_items, with_difficulty


@scene_kind
class TextScene(ContentScene):
    """Paragraphs (and perhaps a list under them)."""

    kind: Literal["text"] = "text"


@scene_kind
class BulletsScene(ContentScene):
    """A list, nested up to three levels, perhaps under a lead paragraph."""

    kind: Literal["bullets"] = "bullets"


@scene_kind
class StepsScene(ContentScene):
    """Numbered steps; with ``number`` set, one step of a "Step N" series (its list is then bulleted)."""

    kind: Literal["steps"] = "steps"
    number: Optional[int] = None

    @model_validator(mode="after")
    def _numbered(self) -> "StepsScene":
        if self.number is None and any(i.level == 0 and i.number is None for i in self.items):
            object.__setattr__(self, "items", number_items(self.items))
        return self

    def narrate(self, english: bool) -> list[str]:
        parts = []
        if self.number is not None and english and self.continues is None:
            parts.append(f"Step {self.number}: {self.title}")
        else:
            parts += self.spoken_title()
        parts += parts_speech(self.body, english, steps=True)
        for item in self.items:
            numbered = english and item.number is not None and item.level == 0
            parts.append(f"Step {item.number}: {item.text}" if numbered else item.text)
        return parts

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), f"Step {self.number}" if self.number is not None else None)


@scene_kind
class OutroScene(ContentScene):
    """The closing slide: summary, conclusion or takeaways."""

    kind: Literal["outro"] = "outro"
    marker = "\u2713"


@scene_kind
class ProblemScene(ContentScene):
    """A problem to solve: the statement in ``body``, givens or constraints in ``items``."""

    kind: Literal["problem"] = "problem"
    difficulty: Optional[Difficulty] = None

    def narrate(self, english: bool) -> list[str]:
        lead = []
        if english and self.continues is None:
            lead = ["Here is a problem" + (f" of {self.difficulty} difficulty" if self.difficulty else "")]
        return self.spoken_title() + lead + self.content_parts(english)

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), with_difficulty("Problem", self.difficulty))


@scene_kind
class CheckpointScene(ListedScene):
    """A pause to review: what was covered (``items``), questions to ask oneself, what comes next."""

    kind: Literal["checkpoint"] = "checkpoint"
    review: list[str] = Field(default_factory=list)
    next: list[str] = Field(default_factory=list)

    continues_fields = ("items", "review", "next")

    def narrate(self, english: bool) -> list[str]:
        parts = self.spoken_title()
        covered = [i.text for i in self.items if i.level == 0]
        if not english:
            return parts + covered + self.review + self.next
        if covered:
            parts.append(f"So far we covered {join_words(covered)}")
        if self.review:
            parts.append("Ask yourself: " + " ".join(as_sentence(q) for q in self.review))
        if self.next:
            parts.append(f"Next, {join_words(self.next)}")
        return parts

    def slide(self) -> ContentSlide:
        blocks: list[Block] = []
        if self.items:
            blocks += [label("Covered so far")] + [
                Paragraph(i.text, level=i.level, marker="\u2713" if i.level == 0 else "bullet") for i in self.items
            ]
        if self.review:
            blocks += [label("Ask yourself")] + [Paragraph(q, marker="?") for q in self.review]
        if self.next:
            blocks += [label("Coming up")] + [Paragraph(n, marker="\u2192") for n in self.next]
        return ContentSlide(blocks, "Checkpoint")


@scene_kind
class LearningObjectivesScene(ContentScene):
    """What the viewer will be able to do by the end."""

    kind: Literal["learning_objectives"] = "learning_objectives"
    marker = "\u2192"
    slide_label = "Learning objectives"

    def narrate(self, english: bool) -> list[str]:
        items = [i.text for i in self.items]
        lead = ["By the end, you will be able to:"] if english and items and self.continues is None else []
        return self.spoken_title() + self.body_speech(english) + lead + items


@scene_kind
class ExerciseScene(ContentScene):
    """A task for the viewer: instructions in ``body``, steps in ``items``."""

    kind: Literal["exercise"] = "exercise"
    difficulty: Optional[Difficulty] = None
    minutes: Optional[int] = Field(None, ge=1, le=600)

    @model_validator(mode="after")
    def _numbered(self) -> "ExerciseScene":
        if any(i.level == 0 and i.number is None for i in self.items):
            object.__setattr__(self, "items", number_items(self.items))
        return self

    def narrate(self, english: bool) -> list[str]:
        parts = self.spoken_title()
        if english and self.continues is None:
            parts.append("Now it is your turn")
        parts += self.body_speech(english)
        parts += [f"Step {i.number}: {i.text}" if english and i.number is not None else i.text for i in self.items]
        if english and self.minutes:
            parts.append(f"This takes about {self.minutes} minute{'s' if self.minutes != 1 else ''}")
        if english:
            parts.append("Pause the video and give it a try")
        return parts

    def slide(self) -> ContentSlide:
        return ContentSlide(self.content_blocks(), with_difficulty("Exercise", self.difficulty, self.minutes))
