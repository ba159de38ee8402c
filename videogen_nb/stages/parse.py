"""Stage 2, parse: the document's structure becomes a list of typed scenes that fit their slides."""

from __future__ import annotations

from typing import Optional

from ..fingerprint import stable_hash
from ..kinds import TitleScene
from ..models import Document, PipelineContext, effective_theme
from ..parsing import ParseOptions, Parsed, parse_markdown, parse_plain_text, read_spec
from ..render.theme import get_theme
from ..sequence import finish_scenes
from ..text import slugify, title_from_path
from .base import Services, Stage


def parse_spec(doc: Document, fallback: str, lang: Optional[str] = None, options: Optional[ParseOptions] = None) -> Parsed:
    """A YAML/JSON spec (or Python objects): its scenes as given, a title scene first if it has none."""
    meta, scenes, warnings = read_spec(doc, options)
    given = scenes[0].title if scenes and isinstance(scenes[0], TitleScene) else ""
    title = str(meta.get("title") or given or fallback)
    subtitle = str(meta.get("subtitle") or "")
    if not scenes or not isinstance(scenes[0], TitleScene):
        scenes.insert(0, TitleScene(title=title, subtitle=subtitle, author=str(meta.get("author") or "")))
    return Parsed(title, subtitle, scenes, warnings)


PARSERS = {"markdown": parse_markdown, "text": parse_plain_text, "yaml": parse_spec, "json": parse_spec, "objects": parse_spec}


class ParseStage(Stage):
    """Parses, then splits what does not fit one slide (at the video's resolution) into continuation scenes."""

    name = "parse"
    requires = ("document",)
    provides = ("scenes",)

    def run(self, ctx: PipelineContext, services: Services) -> str:
        doc, vc, st = ctx.document, ctx.video_config, ctx.settings
        fallback = vc.title or (title_from_path(doc.path) if doc.path else "Untitled")
        options = ParseOptions(offline=st.offline)
        title, subtitle, scenes, warnings = PARSERS[doc.format](doc, fallback, vc.lang, options)
        if ctx.input_config.title:  # an explicit title from the caller wins over the H1
            title = scenes[0].title = ctx.input_config.title
        first = scenes[0]
        if isinstance(first, TitleScene):
            first.subtitle = first.subtitle or vc.subtitle or subtitle
            first.author = first.author or vc.author
        scenes = finish_scenes(scenes, st.resolution, get_theme(effective_theme(st, vc)), vc.accent)
        continued = sum(1 for s in scenes if s.continues)
        for w in warnings:
            services.events.warning(self.name, w)
        ctx.warnings.extend(warnings)
        vc.title = title
        vc.video_id = slugify(title, fallback=vc.video_id)
        vc.subtitle = vc.subtitle or subtitle
        vc.scenes = scenes
        return f"{len(scenes)} scenes" + (f" ({continued} continue a section too long for one slide)" if continued else "")

    def fingerprint(self, ctx: PipelineContext, services: Services) -> Optional[str]:
        doc, st = ctx.document, ctx.settings
        if doc is None:
            return None
        return stable_hash(doc.text, doc.format, doc.front_matter, st.resolution, effective_theme(st, ctx.video_config), st.offline)
