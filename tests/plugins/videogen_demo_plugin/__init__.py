"""A plug-in for videogen_nb, written the way a user would write one, outside the package.

It adds a scene kind (``chart``: values drawn as bars), two stages (one that
rewrites narration between script and audio, one that saves a poster frame
after video) and a speech engine (``beep``: a tone per word, at a pitch you
choose). Its ``.dist-info`` beside it declares the engine and the kind as
entry points, as ``pip install`` of a real plug-in package would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import numpy as np
from pydantic import Field

from videogen_nb import EngineOptions, SceneConfig, Speech, SpeechEngine, Stage, scene_kind
from videogen_nb.ffmpeg import extract_frame
from videogen_nb.models import WordTiming
from videogen_nb.render import Block, ContentSlide, Placed, ShapeOp

# --- a scene kind ---------------------------------------------------------------------------


class Bars(Block):
    """One bar per value in the accent colour, heights in proportion, standing on a grey baseline."""

    def __init__(self, values: list[float]) -> None:
        self.values = values

    def layout(self, width: int, env, max_height: Optional[int] = None) -> Placed:
        height = env.px(0.42)
        if max_height is not None:
            height = min(height, max_height)
        n, top = len(self.values), max(self.values) or 1.0
        gap = width * 0.05
        bar = (width - gap * (n + 1)) / n
        base = height - max(2, height // 60)
        ops = [ShapeOp((0, base, width, height), fill=env.theme.muted)]
        for k, v in enumerate(self.values):
            x = gap + k * (bar + gap)
            ops.append(ShapeOp((x, base - (base - 2) * v / top, x + bar, base), fill=env.accent))
        return Placed(height, ops)


@scene_kind
class ChartScene(SceneConfig):
    """A bar chart of a few values, with what they measure."""

    kind: Literal["chart"] = "chart"
    values: list[float] = Field(min_length=1, max_length=24)
    unit: str = ""

    def narrate(self, english: bool) -> list[str]:
        top = max(range(len(self.values)), key=self.values.__getitem__)
        return self.spoken_title() + [f"The chart compares {len(self.values)} values; bar {top + 1} is the tallest"]

    def slide(self) -> ContentSlide:
        return ContentSlide([Bars(self.values)], label="Chart")


# --- two stages ----------------------------------------------------------------------------------


class RewriteNarration(Stage):
    """Replaces words in every narration (a house style): runs after script, before audio."""

    name = "rewrite"
    requires = ("narration",)
    provides = ("narration",)

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = dict(replacements)

    def run(self, ctx, services) -> str:
        changed = 0
        for scene in ctx.video_config.scenes:
            text = scene.narration or ""
            for old, new in self.replacements.items():
                text = text.replace(old, new)
            if text != (scene.narration or ""):
                scene.narration = text
                changed += 1
        return f"{changed} narrations rewritten"


class Poster(Stage):
    """Saves the frame in the middle of the second scene as ``poster.png``: runs after video."""

    name = "poster"
    requires = ("final_video_path", "timing_report")
    provides = ("poster",)
    artifact_types = {"poster": Path}

    def run(self, ctx, services) -> str:
        scene = ctx.timing_report.scenes[min(1, len(ctx.timing_report.scenes) - 1)]
        path = ctx.workdir / "poster.png"
        extract_frame(ctx.final_video_path, (scene.start + scene.end) / 2, path)
        ctx.artifacts["poster"] = path
        return f"{path.name} from scene {scene.index + 1}"


# --- a speech engine -------------------------------------------------------------------------------


class BeepOptions(EngineOptions):
    pitch: float = Field(440.0, ge=100, le=4000, description="the tone of every beep, in Hz")
    wpm: float = Field(200.0, ge=30, le=600, description="beeps (words) a minute")


class BeepEngine(SpeechEngine):
    """A tone for each word: audible, timed word by word, and nothing like a voice."""

    name = "beep"
    Options = BeepOptions
    RATE = 16000

    def __init__(self, pitch: float = 440.0, wpm: float = 200.0) -> None:
        opts = BeepOptions.parse(self.name, {"pitch": pitch, "wpm": wpm})
        self.pitch, self.wpm = opts.pitch, opts.wpm

    def identity(self, lang, voice) -> dict:
        return {"engine": self.name, "pitch": self.pitch, "wpm": self.wpm}

    def synthesize(self, text: str, lang=None, voice=None) -> Speech:
        slot = int(self.RATE * 60.0 / self.wpm)
        tone = int(slot * 0.7)
        t = np.arange(tone) / self.RATE
        beep = (0.4 * np.sin(2 * np.pi * self.pitch * t) * 32767).astype(np.int16)
        words, chunks = [], []
        for k, word in enumerate(text.split()):
            chunks += [beep, np.zeros(slot - tone, np.int16)]
            words.append(WordTiming(word=word, start=k * slot / self.RATE, end=(k * slot + tone) / self.RATE))
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return Speech(samples, self.RATE, words)
