"""Stage 3, script: narration for every scene that has none yet, optionally rewritten by an enhancer."""

from __future__ import annotations

from typing import Optional

from ..errors import DocumentStructureError, VideogenError
from ..fingerprint import stable_hash
from ..models import PipelineContext, SceneConfig
from ..narration import speakable, template_narration
from .base import Enhancer, ExecutorFactory, Services, Stage


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

    With an enhancer (``Pipeline(enhancer=...)``), each template narration is
    passed through it (in parallel through the pipeline's executor); whatever
    it breaks falls back to the template with a warning: this stage is not
    critical.
    """

    name = "script"
    requires = ("scenes",)
    provides = ("narration",)
    critical = False

    def run(self, ctx: PipelineContext, services: Services) -> str:
        scenes = ctx.video_config.scenes
        if not scenes:
            source = ctx.input_metadata.get("source", "the document")
            raise DocumentStructureError(
                f"{source}: there are no scenes to narrate. Give the document a '# Title' "
                "and '## Section' headings with text under them, then run parse again."
            )
        enhancer = services.enhancer
        if enhancer is None and ctx.settings.enhancer:
            # the narration was written with an enhancer a checkpoint could not keep: never switch silently
            name = ctx.settings.enhancer
            raise VideogenError(
                f"this pipeline's narration is written with the enhancer {name}, which a checkpoint cannot keep: "
                f"pass it again, Pipeline.resume(workdir, enhancer={name.rsplit('.', 1)[-1]}), or set "
                "p.settings.enhancer = None to write template narration"
            )
        lang = ctx.spoken_lang
        notes_only = ctx.settings.notes_only
        # speaker notes became narration when the document was parsed; --notes-only says nothing else
        written = {
            i: "" if notes_only else template_narration(s, s.lang or lang, said=_said(scenes, i))
            for i, s in enumerate(scenes)
            if s.narration is None
        }
        warnings: list[str] = []
        enhanced = 0
        if enhancer is not None and written and not notes_only:
            for i, (text, warning) in _enhance_all(enhancer, services.executor, scenes, written).items():
                if warning:
                    warnings.append(warning)
                else:
                    enhanced += 1
                written[i] = text
        for i, text in written.items():
            scenes[i].narration = text
        for w in warnings:
            services.events.warning(self.name, w)
        ctx.warnings.extend(warnings)
        kept = len(scenes) - len(written)
        if notes_only:
            return f"{len(scenes)} narrations ({kept} from speaker notes, {len(written)} silent)"
        extra = f", {enhanced} enhanced" if enhancer is not None else ""
        return f"{len(scenes)} narrations ({len(written)} from templates{extra}, {kept} kept)"

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        vc = ctx.video_config
        if vc is None:
            return None
        return stable_hash([(s.scene_id, s.kind, s.narration is None) for s in vc.scenes], ctx.settings.notes_only)


def _said(scenes: list[SceneConfig], i: int) -> str:
    """The title the scene before ``i`` spoke (a title slide says the video's: a first section of the same name
    does not say it again; one of another name still says its own)."""
    return scenes[i - 1].title if i else ""


def _enhance_all(
    enhancer: Enhancer, executor: ExecutorFactory, scenes: list[SceneConfig], drafts: dict[int, str]
) -> dict[int, tuple[str, Optional[str]]]:
    with executor(None) as pool:
        futures = {i: pool.submit(enhance, enhancer, scenes[i], d) for i, d in drafts.items()}
        return {i: f.result() for i, f in futures.items()}
