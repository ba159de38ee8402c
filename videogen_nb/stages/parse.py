"""Stage 2, parse: the document's structure becomes a list of typed scenes that fit their slides."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator, Optional

from ..errors import RenderError
from ..fingerprint import stable_hash
from ..kinds import TitleScene
from ..language import detect_language, same_language
from ..models import Document, PipelineContext, SceneConfig, effective_theme
from ..parsing import ParseOptions, Parsed, parse_markdown, parse_plain_text, read_spec
from ..render.slides import glyph_gaps_warning, scene_glyph_gaps
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


SCENE_LETTERS = 60  # a scene needs this many letters before its own language is trusted over the video's

PARSERS = {"markdown": parse_markdown, "text": parse_plain_text, "yaml": parse_spec, "json": parse_spec, "objects": parse_spec}


def scene_words(scene: SceneConfig) -> str:
    """What a scene says in the document's own words: its narration if written, else its text (never code)."""
    if scene.narration:
        return scene.narration
    return " ".join(p for p in scene.narrate(False) if isinstance(p, str))


def mark_scene_languages(scenes: list[SceneConfig], lang: Optional[str]) -> None:
    """A scene written in another language than the video's (a passage quoted in German) is spoken in its own."""
    for s in scenes:
        if s.lang is not None:
            continue  # a spec said
        words = scene_words(s)
        if sum(ch.isalpha() for ch in words) < SCENE_LETTERS:
            continue
        found = detect_language(words, hint=lang)
        if found and not same_language(found, lang):
            s.lang = found


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while (then on again, if it was).

    Parsing a long document makes hundreds of thousands of objects that live until the end of the
    parse (Markdown tokens, a syntax tree, layout caches): the collector went over all of them again
    and again, a fifth of the parse time of a 5,000-row table, and found nothing to free until the
    tree was dropped. What the parse leaves to collect is collected after it.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class ParseStage(Stage):
    """Parses, then splits what does not fit one slide (at the video's resolution) into continuation scenes."""

    name = "parse"
    requires = ("document",)
    provides = ("scenes",)

    def run(self, ctx: PipelineContext, services: Services) -> str:
        with collector_paused():
            return self._run(ctx, services)

    def _run(self, ctx: PipelineContext, services: Services) -> str:
        doc, vc, st = ctx.document, ctx.video_config, ctx.settings
        fallback = vc.title or (title_from_path(doc.path) if doc.path else "Untitled")
        options = ParseOptions(offline=st.offline)
        lang = st.lang or vc.lang
        title, subtitle, scenes, warnings = PARSERS[doc.format](doc, fallback, lang, options)
        vc.detected_lang = None
        if lang is None:  # nobody said: the language of the document's own words
            vc.detected_lang = detect_language(" ".join(scene_words(s) for s in scenes))
            if vc.detected_lang and not same_language(vc.detected_lang, "en"):  # no English phrases in it then
                title, subtitle, scenes, warnings = PARSERS[doc.format](doc, fallback, vc.detected_lang, options)
        if ctx.input_config.title:  # an explicit title from the caller wins over the H1
            title = scenes[0].title = ctx.input_config.title
        first = scenes[0]
        if isinstance(first, TitleScene):
            first.subtitle = first.subtitle or vc.subtitle or subtitle
            first.author = first.author or vc.author
        theme = get_theme(effective_theme(st, vc))
        scenes = finish_scenes(scenes, st.resolution, theme, vc.accent)
        mark_scene_languages(scenes, lang or vc.detected_lang)
        gaps = glyph_gaps_warning({s.scene_id: scene_glyph_gaps(s, st.resolution, theme) for s in scenes})
        if gaps and st.strict:
            raise RenderError(f"{doc.name}: {gaps} (strict: nothing was made)")
        if gaps:
            warnings.append(gaps)
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
        return stable_hash(doc.text, doc.format, doc.front_matter, st.resolution, effective_theme(st, ctx.video_config), st.offline, st.lang, st.strict)
