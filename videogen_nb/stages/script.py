"""Stage 3, script: narration for every scene that has none yet."""

from __future__ import annotations

from typing import Optional

from ..errors import DocumentStructureError
from ..events import EventBus
from ..fingerprint import stable_hash
from ..models import PipelineContext
from ..narration import template_narration
from .base import Stage


class ScriptStage(Stage):
    """Writes template narration; narration a user or a spec already gave is kept."""

    name = "script"
    requires = ("scenes",)
    provides = ("narration",)
    critical = False

    def run(self, ctx: PipelineContext, events: EventBus) -> str:
        scenes = ctx.video_config.scenes
        if not scenes:
            source = ctx.input_metadata.get("source", "the document")
            raise DocumentStructureError(
                f"{source}: there are no scenes to narrate. Give the document a '# Title' "
                "and '## Section' headings with text under them, then run parse again."
            )
        written = {i: template_narration(s) for i, s in enumerate(scenes) if s.narration is None}
        for i, text in written.items():
            scenes[i].narration = text
        kept = len(scenes) - len(written)
        return f"{len(scenes)} narrations ({len(written)} from templates, {kept} kept)"

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        vc = ctx.video_config
        if vc is None:
            return None
        return stable_hash([(s.scene_id, s.kind, s.narration is None) for s in vc.scenes])
