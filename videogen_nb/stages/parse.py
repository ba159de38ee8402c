"""Stage 2, parse: the document's structure becomes a list of typed scenes."""

from __future__ import annotations

from typing import Optional

from ..events import EventBus
from ..fingerprint import stable_hash
from ..models import PipelineContext
from ..parsing import parse_markdown, parse_plain_text
from ..text import slugify, title_from_filename
from .base import Stage


class ParseStage(Stage):
    name = "parse"
    requires = ("document",)
    provides = ("scenes",)

    def run(self, ctx: PipelineContext, events: EventBus) -> str:
        doc, vc = ctx.document, ctx.video_config
        fallback = vc.title or (title_from_filename(doc.path.stem) if doc.path else "Untitled")
        parser = parse_plain_text if doc.format == "text" else parse_markdown
        title, subtitle, scenes, warnings = parser(doc, fallback)
        if ctx.input_config.title:  # an explicit title from the caller wins over the H1
            title = scenes[0].title = ctx.input_config.title
        for w in warnings:
            events.warning(self.name, w)
        ctx.warnings.extend(warnings)
        vc.title = title
        vc.video_id = slugify(title, fallback=vc.video_id)
        vc.subtitle = vc.subtitle or subtitle
        if vc.subtitle and not scenes[0].subtitle:
            scenes[0].subtitle = vc.subtitle
        vc.scenes = scenes
        return f"{len(scenes)} scenes"

    def fingerprint(self, ctx: PipelineContext) -> Optional[str]:
        doc = ctx.document
        return stable_hash(doc.text, doc.format, doc.front_matter) if doc else None
