"""Watchability: what a viewer will see and hear, scene by scene, checked before a long render (or after one).

For each scene: the words on screen, the smallest text, how long it stays up against how long it takes to
read, characters no font has, whether the voice speaks the language the scene is written in, markup that
leaked onto the slide or into the narration, pictures that are missing, and narration a listener would
stumble on (the same opening twice in a row, a URL or an emoji read out, doubled punctuation). Durations are
estimated from the narration before the audio stage, and measured after it. ``videogen check DOC`` prints
the table; ``p.check()`` returns a :class:`CheckReport` (an HTML table with thumbnails in a notebook).
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import VideogenError
from .language import detect_language, same_language
from .models import PipelineContext, SceneConfig, effective_theme, scene_animates
from .pronounce import speech_text
from .render.blocks import CodeBlock, ImageBlock, TextOp
from .render.designs import ContentSlide, PictureSlide, TitleSlide, as_design
from .render.figures import CardBlock
from .render.slides import block_words, layout_content, render_slide, scene_glyph_gaps
from .render.theme import get_theme
from .reveal import countdown_seconds
from .slidetext import MAX_WORDS, reading_seconds, word_count
from .spoken import is_emoji
from .text import plain
from .timeline import crossfade_frames

MIN_TEXT_AT_1080 = 34  # px: the smallest text a viewer reads from a couch
LONG_HOLD = 90.0  # seconds: one slide held longer than this is a wall
SPEAKING_WPM = 165  # espeak's default rate, for estimates before the audio stage
CJK_PER_SECOND = 4.5  # characters a second a Chinese or Japanese voice says
WORD_LIMIT = MAX_WORDS * 1.15

# what a slide or a narration must never show or say: the syntax of Markdown and of documentation tools
_LEAKS = re.compile(
    r"\*\*|__\w|`|\{\{#|\{\s*#[\w-]|\{\*|:::|\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]|</?[a-zA-Z][\w-]*(?:\s[^>]*)?>"
    r"|\]\(|!\[|^#{1,6}\s|^///|--8<--|\$\$|\\\(|\\\[",
    re.MULTILINE,
)
_SPOKEN_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|io|dev)/|://", re.IGNORECASE)
_DOUBLED = re.compile(r"[,;:]\s*[.!?]|(?<!\.)\.\.(?!\.)|[.!?][)\]\"'\u201d]*\.(?!\.)")


@dataclass
class SceneCheck:
    """One scene's watchability figures and what is wrong with it."""

    index: int
    scene_id: str
    title: str
    kind: str
    words: float = 0.0  # words of prose on screen
    smallest_px: float = 0.0  # the smallest text, in pixels at 1080p
    seconds: float = 0.0  # time on screen
    reading_seconds: float = 0.0  # time it takes to read what is on screen
    lang: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not wrong (a picture the network did not give)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __repr__(self) -> str:
        return f"<SceneCheck {self.index + 1} {self.scene_id}: {len(self.problems)} problems>"


@dataclass
class CheckReport:
    """The watchability of a whole video; ``ok`` when no scene has a problem."""

    title: str
    scenes: list[SceneCheck]
    estimated: bool  # durations estimated from the narration (before audio) rather than measured
    problems: list[str] = field(default_factory=list)  # about the whole video
    thumbnails: dict[int, bytes] = field(default_factory=dict)  # PNG bytes per scene index, for the notebook

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.ok for s in self.scenes)

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(s.problems) for s in self.scenes)

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.scenes)

    @property
    def longest_hold(self) -> float:
        return max((s.seconds for s in self.scenes), default=0.0)

    def summary(self) -> str:
        how = "estimated" if self.estimated else "measured"
        verdict = "no problems" if self.ok else f"{self.problem_count} problem{'s' if self.problem_count != 1 else ''}"
        return (
            f"{self.title}: {len(self.scenes)} scenes, {self.total_seconds / 60:.1f} min ({how}), longest hold "
            f"{self.longest_hold:.0f} s, smallest text {min((s.smallest_px for s in self.scenes if s.smallest_px), default=0):.0f} px: {verdict}"
        )

    def table(self, width: int = 120) -> str:
        """The report as a text table for a terminal: one row per scene, its problems under it."""
        head = f"{'#':>3}  {'scene':<28} {'words':>5} {'min px':>6} {'on screen':>9} {'reading':>7}  problems"
        rows = [head, "-" * min(width, len(head) + 20)]
        for s in self.scenes:
            mark = "ok" if s.ok else f"{len(s.problems)} problem{'s' if len(s.problems) != 1 else ''}"
            name = (s.title or s.scene_id)[:28]
            rows.append(
                f"{s.index + 1:>3}  {name:<28} {s.words:>5.0f} {s.smallest_px:>6.0f} {s.seconds:>8.1f}s {s.reading_seconds:>6.1f}s  {mark}"
            )
            rows += [f"       ! {p}" for p in s.problems] + [f"       - {n}" for n in s.notes]
        rows += [f"  ! {p}" for p in self.problems]
        rows.append(self.summary())
        return "\n".join(rows)

    def __repr__(self) -> str:
        return f"<CheckReport {self.summary()}>"

    def _repr_html_(self) -> str:
        cells = []
        for s in self.scenes:
            thumb = self.thumbnails.get(s.index)
            img = f'<img src="data:image/png;base64,{base64.b64encode(thumb).decode()}" width="192">' if thumb else ""
            issues = "".join(f"<li style='color:#b91c1c'>{html.escape(p)}</li>" for p in s.problems)
            issues += "".join(f"<li style='color:#64748b'>{html.escape(n)}</li>" for n in s.notes)
            colour = "#dcfce7" if s.ok else "#fee2e2"
            cells.append(
                f"<tr style='background:{colour}'><td>{s.index + 1}</td><td>{img}</td><td>{html.escape(s.title)}<br>"
                f"<small>{html.escape(s.kind)} · {html.escape(s.lang)}</small></td><td>{s.words:.0f}</td>"
                f"<td>{s.smallest_px:.0f}</td><td>{s.seconds:.1f} s</td><td>{s.reading_seconds:.1f} s</td>"
                f"<td><ul style='margin:0'>{issues or 'ok'}</ul></td></tr>"
            )
        whole = "".join(f"<li style='color:#b91c1c'>{html.escape(p)}</li>" for p in self.problems)
        return (
            f"<div><b>{html.escape(self.summary())}</b>{f'<ul>{whole}</ul>' if whole else ''}"
            "<table><tr><th>#</th><th>slide</th><th>scene</th><th>words</th><th>min px</th><th>on screen</th>"
            f"<th>reading</th><th>problems</th></tr>{''.join(cells)}</table></div>"
        )


def estimate_seconds(narration: str, settings, scene: SceneConfig, countdown: int = 0) -> float:
    """How long a scene will stay up, from its narration (before the audio stage measured it); ``countdown``: the
    seconds a quiz counts down after it (in quiet, before the fade into the next scene), as the audio stage adds."""
    rate = float(settings.tts_options.get("rate", SPEAKING_WPM)) if settings.tts == "espeak" else SPEAKING_WPM
    text = narration or ""
    wide = sum(1 for ch in text if ch.isalpha() and ord(ch) >= 0x2E80)
    words = len([w for w in text.split() if any(c.isalnum() and ord(c) < 0x2E80 for c in w)])
    speech = words * 60.0 / rate + wide / CJK_PER_SECOND
    least = max(settings.min_scene, scene.min_seconds)
    if not any(ch.isalnum() for ch in text):
        least = max(least, settings.silent_hold)
    after = max(settings.pad_after, countdown_seconds(countdown, crossfade_frames(settings.transition, settings.fps), settings.fps))
    if not speech:
        return max(least, settings.pad_before + after) if countdown else least
    return max(settings.pad_before + speech + after, least)


def _slide_facts(scene: SceneConfig, size: tuple[int, int], theme) -> tuple[float, float, list[str], list[str], list[str]]:
    """(words on screen, smallest text px at 1080p, the slide's lines of text, problems, notes) of one slide."""
    design = as_design(scene.slide())
    unit = min(size)
    problems: list[str] = []
    notes: list[str] = []
    if isinstance(design, PictureSlide):
        return 0.0, 0.0, [], problems, notes
    if isinstance(design, TitleSlide) or not design.blocks:
        texts = [design.title if isinstance(design, TitleSlide) else scene.title]
        return 0.0, 0.0, texts, problems, notes
    lay = layout_content(scene, design, size, theme)
    ops = [op for op in lay.ops if isinstance(op, TextOp)]
    smallest = min((op.size for op in ops), default=0) * 1080.0 / unit
    if not lay.fits:
        problems.append("more text than fits the slide: its end is cut")
    for b in _all_blocks(design.blocks):
        if isinstance(b, CardBlock):
            notes.append(f"picture not shown ({b.text}): a card names it")
        elif isinstance(b, ImageBlock) and not Path(b.path).is_file():
            problems.append(f"the picture {Path(b.path).name} is missing")
    texts = [op.text for op in ops if not op.style.startswith("mono")]  # code may hold anything: it is code
    return block_words(design.blocks), smallest, texts, problems, notes


def _all_blocks(blocks: list) -> list:
    out = []
    for b in blocks:
        out.append(b)
        for attr in ("left", "right"):
            out += _all_blocks(getattr(b, attr, []) or [])
    return out


def _code_lines(scene: SceneConfig) -> int:
    design = as_design(scene.slide())
    blocks = design.blocks if isinstance(design, ContentSlide) else []
    return sum(1 for b in _all_blocks(blocks) if isinstance(b, CodeBlock) for ln in b.code.splitlines() if ln.strip())


def _opening(narration: str) -> str:
    words = re.findall(r"\w+", plain(narration).lower())
    return " ".join(words[:4]) if len(words) >= 6 else ""


def check_context(ctx: PipelineContext, engine=None, thumbnails: bool = False) -> CheckReport:
    """The watchability report of a pipeline that has parsed (and written narration for) its document."""
    vc, st = ctx.video_config, ctx.settings
    if vc is None or not vc.scenes:
        raise VideogenError("nothing to check yet: run the parse and script stages first (p.run(until='script'))")
    size = st.resolution
    theme = get_theme(effective_theme(st, vc))
    report = ctx.timing_report
    measured = report is not None and [t.scene_id for t in report.scenes] == [s.scene_id for s in vc.scenes]
    doc_lang = ctx.spoken_lang
    out = CheckReport(vc.title, [], not measured)
    voices: dict[tuple, Optional[str]] = {}
    previous = ""
    for i, scene in enumerate(vc.scenes):
        sc = SceneCheck(i, scene.scene_id, scene.title, scene.kind)
        words, smallest, texts, problems, notes = _slide_facts(scene, size, theme)
        sc.words, sc.smallest_px, sc.problems, sc.notes = words, smallest, problems, notes
        narration = scene.narration or ""
        counts = scene.countdown if scene.countdown and scene_animates(st, vc, scene) else 0  # a quiz's, when it moves
        sc.seconds = report.scenes[i].end - report.scenes[i].start if measured else estimate_seconds(narration, st, scene, counts)
        code = _code_lines(scene)
        sc.reading_seconds = reading_seconds(words, code)
        if words > WORD_LIMIT:
            sc.problems.append(f"{words:.0f} words on screen (at most about {MAX_WORDS})")
        if smallest and smallest < MIN_TEXT_AT_1080 - 0.5:
            sc.problems.append(f"text as small as {smallest:.0f} px at 1080p (at least {MIN_TEXT_AT_1080})")
        if sc.seconds + 0.25 < sc.reading_seconds:
            sc.problems.append(f"on screen {sc.seconds:.1f} s, reading it takes {sc.reading_seconds:.1f} s")
        if sc.seconds > LONG_HOLD:
            sc.problems.append(f"held {sc.seconds:.0f} s (a slide over {LONG_HOLD:.0f} s is a wall: split the section)")
        gaps = scene_glyph_gaps(scene, size, theme)
        if gaps:
            sc.problems.append(f"no font has {len(gaps)} of its characters ({''.join(sorted(gaps))[:12]})")
        leak = next((t for t in texts if _LEAKS.search(t)), None)
        if leak:
            sc.problems.append(f"markup on the slide: {leak[:50]!r}")
        if _LEAKS.search(plain(narration)):
            sc.problems.append(f"markup in the narration: {_LEAKS.search(plain(narration)).group(0)!r}")
        # the voice: the language it speaks against the language the scene is written in
        lang = scene.lang or doc_lang
        sc.lang = lang or "en"
        written = detect_language(" ".join(texts + [narration]), hint=lang)
        if written and not same_language(written, lang):
            sc.problems.append(f"written in {written!r} but spoken by a {lang or 'en'!r} voice")
        if engine is not None:
            key = (lang, None)
            if key not in voices:
                try:
                    engine.identity(lang, st.voice or vc.voice if same_language(lang, doc_lang) else None)
                    voices[key] = None
                except VideogenError as exc:
                    voices[key] = str(exc)
            if voices[key]:
                sc.problems.append(f"no voice for it: {voices[key]}")
        spoken = speech_text(narration, lang).text
        if _SPOKEN_URL.search(spoken):
            sc.problems.append("a URL would be read out letter by letter")
        if any(is_emoji(ch) for ch in spoken):
            sc.problems.append("an emoji would be read out")
        elif any(is_emoji(ch) for ch in narration):
            sc.problems.append("an emoji in the narration: the subtitles show it, the voice skips it")
        if _DOUBLED.search(narration):
            sc.problems.append(f"doubled punctuation in the narration: {_DOUBLED.search(narration).group(0)!r}")
        opening = _opening(narration)
        if opening and opening == previous:
            sc.problems.append(f"opens like the scene before: {opening!r}")
        previous = opening
        if thumbnails:
            buf = io.BytesIO()
            thumb = render_slide(scene, size, theme, index=i, total=len(vc.scenes), footer=vc.title).image
            thumb.thumbnail((384, 384))
            thumb.save(buf, format="PNG")
            out.thumbnails[i] = buf.getvalue()
        out.scenes.append(sc)
    return out


__all__ = ["CheckReport", "SceneCheck", "check_context", "estimate_seconds", "word_count"]
