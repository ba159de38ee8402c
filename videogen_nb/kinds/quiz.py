"""The quiz scene: a question with options; in the video it is followed by its answer."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from ..models import SceneConfig, derived_id, scene_kind
from ..narration import join_words
from ..render.blocks import Block, OptionBlock, Paragraph
from ..render.designs import ContentSlide

COUNTDOWN = 3  # seconds to think, counted down on the question's slide before the answer


@scene_kind
class QuizScene(SceneConfig):
    """A multiple-choice question. The video shows it twice: the question with its options (which appear as they
    are read, then a countdown), then (``reveal=True``) the answer."""

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

    def _letters(self) -> list[str]:
        return [chr(ord("A") + k) for k in range(len(self.options))]

    def narrate(self, english: bool) -> list[str]:
        letters = self._letters()
        if self.reveal:
            right = f"{letters[self.answer]}: {self.options[self.answer]}"
            return [f"The answer is {right}" if english else right, self.explanation]
        options = [f"{letter}: {text}" for letter, text in zip(letters, self.options)]
        if not english:
            return [self.question] + options
        return ["Quiz time", self.question, f"Is it {join_words(options, 'or')}?", "Think about it before the answer appears"]

    def slide(self) -> ContentSlide:
        blocks: list[Block] = [Paragraph(self.question, style="sans-bold")]
        for k, (letter, option) in enumerate(zip(self._letters(), self.options)):
            state = "normal" if not self.reveal else ("correct" if k == self.answer else "dim")
            blocks.append(OptionBlock(letter, option, state))
        if self.reveal and self.explanation:
            blocks.append(Paragraph(self.explanation))
        return ContentSlide(blocks, "Answer" if self.reveal else "Quiz")

    @property
    def countdown(self) -> int:
        """The question counts down before its answer follows; the answer does not."""
        return 0 if self.reveal else COUNTDOWN

    def expand(self, following: Optional[SceneConfig]) -> list[SceneConfig]:
        """The question, then a scene revealing its answer (unless the next scene already does)."""
        if self.reveal:
            return [self]
        if isinstance(following, QuizScene) and following.reveal and following.question == self.question:
            return [self]
        answer_id = derived_id(self.scene_id, "answer") if self.scene_id else ""
        return [self, self.model_copy(update={"reveal": True, "narration": None, "scene_id": answer_id})]

    def id_slug(self) -> str:
        return super().id_slug() + ("-answer" if self.reveal else "")
