"""Stage 3, script: narration for every scene that has none yet, optionally rewritten by an enhancer."""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import AbstractContextManager
from typing import Callable, Optional

from ..errors import DocumentStructureError
from ..events import EventBus
from ..fingerprint import stable_hash
from ..models import PipelineContext, SceneConfig
from ..narration import speakable, template_narration
from .base import Stage

#: rewrites one scene's template narration (an LLM, a style guide ...); returns the new text
Enhancer = Callable[[SceneConfig, str], Optional[str]]
ExecutorFactory = Callable[[], AbstractContextManager[Executor]]


def enhance(enhancer: Enhancer, scene: SceneConfig, draft: str) -> tuple[str, Optional[str]]:
    """(narration, warning): the enhancer's text if it is usable, else the draft and why not."""
    try:
        result = enhancer(scene, draft)
    except Exception as exc:  # an enhancer is optional help: its failure must not cost the narration
        return draft, f"the enhancer failed on scene {scene.scene_id} ({type(exc).__name__}: {exc}); the template narration is kept"
    if not isinstance(result, str) or not speakable(result):
        got = "nothing" if result is None or (isinstance(result, str) and not result.strip()) else f"a {type(result).__name__}"
        return draft, f"the enhancer returned {got} for scene {scene.scene_id}; the template narration is kept"
    return speakable(result), None


class ScriptStage(Stage):
    """Writes template narration; narration a user or a spec already gave is kept.

    With an ``enhancer``, each template narration is passed through it
    (in parallel through the pipeline's executor); whatever it breaks falls
    back to the template with a warning: this stage is not critical.
    """

    name = "script"
    requires = ("scenes",)
    provides = ("narration",)
    critical = False

    def __init__(self, enhancer: Optional[Enhancer] = None, executor: Optional[ExecutorFactory] = None) -> None:
        self.enhancer = enhancer
        self.executor = executor

    def run(self, ctx: PipelineContext, events: EventBus) -> str:
        scenes = ctx.video_config.scenes
        if not scenes:
            source = ctx.input_metadata.get("source", "the document")
            raise DocumentStructureError(
                f"{source}: there are no scenes to narrate. Give the document a '# Title' "
                "and '## Section' headings with text under them, then run parse again."
            )
        lang = ctx.video_config.lang or ctx.settings.lang
        written = {i: template_narration(s, lang) for i, s in enumerate(scenes) if s.narration is None}
        warnings: list[str] = []
        enhanced = 0
        if self.enhancer is not None and written:
            results = self._enhance_all(scenes, written)
            for i, (text, warning) in results.items():
                if warning:
                    warnings.append(warning)
                else:
                    enhanced += 1
                written[i] = text
        for i, text in written.items():
            scenes[i].narration = text
        for w in warnings:
            events.warning(self.name, w)
        ctx.warnings.extend(warnings)
        kept = len(scenes) - len(written)
        extra = f", {enhanced} enhanced" if self.enhancer is not None else ""
        return f"{len(scenes)} narrations ({len(written)} from templates{extra}, {kept} kept)"

    def _enhance_all(self, scenes: list[SceneConfig], drafts: dict[int, str]) -> dict[int, tuple[str, Optional[str]]]:
        if self.executor is None:
            return {i: enhance(self.enhancer, scenes[i], d) for i, d in drafts.items()}
        with self.executor() as pool:
            futures = {i: pool.submit(enhance, self.enhancer, scenes[i], d) for i, d in drafts.items()}
            return {i: f.result() for i, f in futures.items()}

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        vc = ctx.video_config
        if vc is None:
            return None
        return stable_hash([(s.scene_id, s.kind, s.narration is None) for s in vc.scenes])
