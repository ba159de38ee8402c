"""Subtitles: SRT and WebVTT that parse, carry the narration's words in order, and sit inside their scenes."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest
import srt
import webvtt

from conftest import SMALL, decode_audio
from videogen_nb import Pipeline
from videogen_nb.subtitles import columns, srt_text

DOC = """\
---
title: Subtitle Check
pronounce:
  SQL: sequel
---
# Subtitle Check

## Queries

We write SQL queries every day, and most of them are short. This sentence, however, is long on
purpose: it goes on and on so that one scene needs several cues, because no cue may hold more than
two lines of forty-two characters or stay on screen for more than seven seconds, whatever happens.

## Tiny

Yes & no.
"""


@pytest.fixture(scope="module")
def subtitled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("subs")
    doc = tmp / "subs.md"
    doc.write_text(DOC, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("VIDEOGEN_CACHE_DIR", str(tmp / "cache"))
    p = Pipeline(doc, workdir=tmp / "work", resolution=SMALL, progress=None)
    p.run()
    mp.undo()
    return p


def parsed(p):
    """(start, end, text) of every cue, from the SRT (parsed by ``srt``) and the VTT (by ``webvtt-py``)."""
    srt_cues = [
        (c.start.total_seconds(), c.end.total_seconds(), c.content)
        for c in srt.parse(p.subtitle_paths["srt"].read_text(encoding="utf-8"))
    ]
    vtt = webvtt.from_string(p.subtitle_paths["vtt"].read_text(encoding="utf-8"), strict=True)
    vtt_cues = [
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, html.unescape(c.text))
        for c in vtt.captions
    ]
    return srt_cues, vtt_cues


def test_srt_and_vtt_are_written_beside_the_video_and_parse(subtitled):
    out = subtitled.ctx.output_dir
    assert subtitled.subtitle_paths == {"srt": out / "subtitle-check.srt", "vtt": out / "subtitle-check.vtt"}
    srt_cues, vtt_cues = parsed(subtitled)
    assert len(srt_cues) >= 6 and srt_cues == vtt_cues
    assert "&amp;" in subtitled.subtitle_paths["vtt"].read_text()  # escaped as WebVTT requires
    meta = json.loads(subtitled.ctx.metadata_path.read_text())
    assert meta["subtitles"] == {"srt": "subtitle-check.srt", "vtt": "subtitle-check.vtt"}
    assert meta["subtitle_cues"] == len(srt_cues)


def test_the_words_of_the_cues_in_order_are_the_narrations_words(subtitled):
    narration = [w for s in subtitled.scenes for w in s.narration.split()]
    for cues in parsed(subtitled):
        assert [w for _, _, text in cues for w in text.split()] == narration
    assert "sequel" not in subtitled.subtitle_paths["srt"].read_text()  # subtitles show what was written


def test_a_word_wider_than_a_line_is_cut_between_the_two_lines_of_one_cue(write_doc, tmp_path):
    word = "Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbau"
    doc = write_doc("long.md", f"# Long Words\n\n## German\n\nRead {word} today.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None)
    p.run(until="audio")
    cues = [c for c in p.subtitle_cues() if c.scene_index == 1]
    assert [c.lines for c in cues] == [["German. Read"], [word[:42], word[42:] + " today."]]


def test_cue_times_are_inside_their_scene_ordered_and_on_the_videos_timeline(subtitled):
    scenes = subtitled.ctx.timing_report.scenes
    srt_cues, _ = parsed(subtitled)
    previous_end = 0.0
    per_scene: dict[int, list[str]] = {}
    for start, end, text in srt_cues:
        assert previous_end <= start < end
        previous_end = end
        inside = [s for s in scenes if s.start <= start and end <= s.end]
        assert len(inside) == 1, f"cue {text!r} ({start}-{end}) crosses a scene boundary"
        per_scene.setdefault(inside[0].index, []).append(text)
    for s in scenes:
        assert "".join("".join(per_scene.get(s.index, [])).split()) == "".join(subtitled.scenes[s.index].narration.split())
        # the first cue of a scene appears when its narration starts on the video's timeline
        first = next(c for c in srt_cues if s.start <= c[0] < s.end)
        assert first[0] == pytest.approx(s.audio_start, abs=0.06)


def test_cues_hold_at_most_two_lines_of_42_and_last_at_most_7_seconds(subtitled):
    for start, end, text in parsed(subtitled)[0]:
        lines = text.split("\n")
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= 42 for line in lines)
        assert end - start <= 7.0


def test_cues_follow_the_spoken_words(subtitled):
    """A cue is shown while its words are heard: speech in the video during most of every cue."""
    audio = decode_audio(subtitled.video_path)
    for c in subtitled.subtitle_cues():
        seg = np.abs(audio[int(c.start * 16000) : int(c.end * 16000)])
        frames = seg[: len(seg) // 160 * 160].reshape(-1, 160).max(axis=1)  # 10 ms frames
        assert (frames > 0.02).mean() > 0.4, f"{c!r} is shown over silence"


def test_chinese_without_spaces_is_cut_into_lines_by_characters(write_doc, tmp_path):
    sentence = "光合作用是植物利用光能把二氧化碳和水转化成糖并释放氧气的过程。" * 3
    doc = write_doc("zh.md", f"---\nlang: zh\n---\n# 光合作用\n\n## 过程\n\n{sentence}\n")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None)
    p.run(until="audio")
    assert p.ctx.timing_report.voice == "cmn"
    cues = p.subtitle_cues()
    body = [c for c in cues if c.scene_index == 1]
    assert len(body) >= 3
    for c in cues:
        assert len(c.lines) <= 2 and all(columns(line) <= 42 for line in c.lines)
        assert c.end - c.start <= 7.0
    assert "".join("".join(c.lines) for c in body) == "".join(p.scenes[1].narration.split())
    assert sentence in p.scenes[1].narration
    assert [s.content.replace("\n", "") for s in srt.parse(srt_text(cues))][len(cues) - len(body) :] == [
        "".join(c.lines) for c in body]  # fmt: skip


def test_a_cue_is_split_where_its_two_lines_are_most_even_as_measuring_every_split_says():
    """Lines are measured from sums of the words' widths (a long narration's grouping asks for thousands of splits);
    the split is the one that joining and measuring each candidate would pick, wide characters and glued parts too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from videogen_nb.subtitles import _join, _Piece, wrap

    def measured(pieces, limit, max_lines):
        if columns(_join(pieces)) <= limit:
            return [_join(pieces)]
        if max_lines < 2:
            return None
        best = None
        for k in range(1, len(pieces)):
            lines = [_join(pieces[:k]), _join(pieces[k:])]
            widest = max(columns(line) for line in lines)
            if widest <= limit and (best is None or widest < best[0]):
                best = (widest, lines)
        return best[1] if best else None

    word = st.text(alphabet="abcxyz语言テスト,.", min_size=1, max_size=9)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(word, st.booleans()), min_size=1, max_size=14), st.integers(4, 42), st.integers(1, 2))
    def check(words, limit, max_lines):
        pieces = [_Piece(text, float(i), i + 0.5, glue=glue) for i, (text, glue) in enumerate(words)]
        assert wrap(pieces, limit, max_lines) == measured(pieces, limit, max_lines)

    check()
