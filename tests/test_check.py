"""``videogen check DOC`` and ``p.check()``: each finding on a small document made to fail it, and a clean
document that passes ``--strict``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

import pytest

from videogen_nb import Pipeline, SceneConfig, scene_kind
from videogen_nb.cli import main
from videogen_nb.render import fonts
from videogen_nb.render.blocks import Block, Env, Placed, TextOp

CLEAN = """
# Plants

## Light

Plants turn light into sugar.

## Water

- Roots take up water.
- Leaves let it go.
"""


def check(write_doc, tmp_path, text, name="doc.md", before=None, **kw):
    kw.setdefault("resolution", (960, 540))  # sizes are reported as at 1080p whatever the frame
    p = Pipeline(write_doc(name, text), workdir=tmp_path / "w", progress=None, tts="silent", **kw)
    p.run(until="script")
    if before:
        before(p)
    return p, p.check()


def problems_of(report) -> list[str]:
    return [f"{s.index}: {x}" for s in report.scenes for x in s.problems] + report.problems


def test_a_clean_document_has_no_problems_and_the_report_shows_as_a_table_with_thumbnails(write_doc, tmp_path):
    p, report = check(write_doc, tmp_path, CLEAN)
    assert report.ok and report.estimated and problems_of(report) == []
    assert [s.title for s in report.scenes] == ["Plants", "Light", "Water"]
    light = report.scenes[1]
    assert light.words == 5 and light.smallest_px >= 34 and light.seconds > light.reading_seconds > 0
    html = report._repr_html_()
    assert html.count("<img src=\"data:image/png;base64,") == 3 and "<table>" in html
    assert "no problems" in report.table()


def test_after_the_audio_stage_the_durations_are_measured(write_doc, tmp_path):
    p = Pipeline(write_doc("d.md", CLEAN), workdir=tmp_path / "w", progress=None, tts="silent")
    p.run(until="audio")
    report = p.check(thumbnails=False)
    assert not report.estimated
    assert [round(s.seconds, 3) for s in report.scenes] == [round(t.end - t.start, 3) for t in p.ctx.timing_report.scenes]


def test_too_many_words_on_a_slide(write_doc, tmp_path):
    options = ", ".join(f'"Option {k} says a long thing about plants and light and water"' for k in range(5))
    spec = f"title: Q\nscenes:\n  - kind: quiz\n    title: Many words\n    question: Which one?\n    options: [{options}]\n    answer: A\n"
    _, report = check(write_doc, tmp_path, spec, "q.yaml")
    assert any("words on screen" in p for p in report.scenes[1].problems)


@scene_kind
class TinyTextScene(SceneConfig):
    """A kind whose slide draws text far too small (as a plug-in might)."""

    kind: Literal["tiny_text_for_check"] = "tiny_text_for_check"

    def slide(self):
        return [_Tiny()]


@dataclass
class _Tiny(Block):
    def layout(self, width: int, env: Env, max_height: Optional[int] = None) -> Placed:
        return Placed(20, [TextOp(0, 16, "tiny words", "sans", 12, env.theme.text, False, 60.0)])


def test_text_too_small(write_doc, tmp_path):
    _, report = check(write_doc, tmp_path, "title: T\nscenes:\n  - kind: tiny_text_for_check\n    title: Small\n", "t.yaml")
    assert any("text as small as 24 px at 1080p" in p for p in report.scenes[1].problems)  # 12 px on a 540-line frame


def test_too_little_time_to_read_and_a_slide_held_too_long(write_doc, tmp_path):
    def narrate(p):
        p.scenes[1].narration = "Look."
        p.scenes[2].narration = " ".join(["This narration goes on and on about water."] * 40)

    _, report = check(write_doc, tmp_path, CLEAN.replace("Plants turn light into sugar.", "Plants turn light into sugar. " * 6),
                      before=narrate)  # fmt: skip
    assert any("reading it takes" in p for p in report.scenes[1].problems)
    assert any(p.startswith("held ") for p in report.scenes[2].problems)


def test_characters_no_font_has(write_doc, tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    _, report = check(write_doc, tmp_path, CLEAN.replace("## Light", "## 光"), lang="en")
    assert any("no font has 1 of its characters (光)" in p for p in report.scenes[1].problems)


def test_a_voice_that_does_not_speak_the_language_the_scene_is_written_in(write_doc, tmp_path):
    text = "# 光合作用\n\n## 光\n\n植物利用阳光把水和二氧化碳变成糖。这个过程叫做光合作用。\n"
    _, report = check(write_doc, tmp_path, "---\nlang: en\n---\n" + text)
    assert any("written in 'zh' but spoken by a 'en' voice" in p for p in report.scenes[1].problems)
    _, fine = check(write_doc, tmp_path / "b", text)  # detected: spoken in Chinese
    assert fine.ok and fine.scenes[1].lang == "zh"


def test_no_voice_for_the_language(write_doc, tmp_path):
    p = Pipeline(write_doc("ja.md", "# 光合成\n\n## 光\n\n植物は日光を使って水と二酸化炭素から糖を作ります。\n"),
                 workdir=tmp_path / "w", progress=None, tts="espeak")  # fmt: skip
    report = p.check(thumbnails=False)
    assert any("no voice for it" in p and "Chinese letter" in p for p in report.scenes[1].problems)


def test_markup_that_leaked_onto_a_slide_or_into_the_narration(write_doc, tmp_path):
    spec = "title: M\nscenes:\n  - kind: text\n    title: Leak\n    body: ['Include {{#include code.rs}} here']\n"

    def narrate(p):
        p.scenes[1].narration = "This is **very** important."

    _, report = check(write_doc, tmp_path, spec, "m.yaml", before=narrate)
    found = report.scenes[1].problems
    assert any("markup on the slide" in p and "{{#include" in p for p in found)
    assert any("markup in the narration: '**'" in p for p in found)


def test_a_missing_picture(write_doc, tmp_path):
    (tmp_path / "leaf.png").write_bytes(b"")
    from PIL import Image

    Image.new("RGB", (40, 30), "green").save(tmp_path / "leaf.png")

    def remove(p):
        (tmp_path / "leaf.png").unlink()

    _, report = check(write_doc, tmp_path, "# P\n\n## Leaf\n\n![A leaf](leaf.png)\n", before=remove)
    assert any("the picture leaf.png is missing" in p for p in report.scenes[1].problems)


def test_narration_oddities(write_doc, tmp_path):
    def narrate(p):
        p.scenes[1].narration = "Now we will look at light. Open file:///tmp/light.html 🌞 later.)."
        p.scenes[2].narration = "Now we will look at water and roots."

    _, report = check(write_doc, tmp_path, CLEAN, before=narrate)
    light, water = report.scenes[1].problems, report.scenes[2].problems
    assert any("URL would be read out" in p for p in light)
    assert any("emoji" in p for p in light)
    assert any("doubled punctuation" in p for p in light)
    assert any("opens like the scene before: 'now we will look'" in p for p in water)


def test_videogen_check_prints_the_table_and_strict_exits_1_on_a_problem(write_doc, tmp_path, capsys, monkeypatch):
    good = write_doc("good.md", CLEAN)
    assert main(["check", str(good), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "Light" in out and "no problems" in out and "min px" in out
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    bad = write_doc("bad.md", CLEAN.replace("## Light", "## 光"))
    assert main(["check", str(bad), "--strict", "--lang", "en"]) == 1
    assert "no font has" in capsys.readouterr().out
    assert main(["check", str(bad), "--lang", "en"]) == 0  # without --strict it only reports


@pytest.mark.slow
@pytest.mark.parametrize("flag", [[], ["--strict"]])
def test_build_strict_stops_on_characters_no_font_has_and_q_still_warns(write_doc, tmp_path, capsys, monkeypatch, flag):
    monkeypatch.setenv(fonts.FALLBACK_ENV, "")
    doc = write_doc("zh.md", CLEAN.replace("## Light", "## 光"))
    out = tmp_path / ("strict" if flag else "plain")
    code = main(["build", str(doc), "-o", str(out), "-q", "--tts", "silent", "--resolution", "320x180", "--lang", "en", *flag])
    err = capsys.readouterr().err
    assert err.count("no font has 1 character") == 1  # one short warning, shown with -q too
    videos = list(out.glob("*.mp4")) if out.exists() else []
    if flag:
        assert code != 0 and not videos
    else:
        assert code == 0 and len(videos) == 1


def test_a_quizs_countdown_is_counted_in_its_estimated_length(write_doc, tmp_path):
    spec = ("title: Q\nscenes:\n  - kind: quiz\n    title: Colours\n    question: Which colour is the sky?\n"
            "    options: [Blue, Green]\n    answer: A\n  - kind: text\n    title: After\n    body: [The end.]\n")  # fmt: skip
    doc = write_doc("q.yaml", spec)
    moving = Pipeline(doc, workdir=tmp_path / "m", progress=None, tts="silent")
    still = Pipeline(doc, workdir=tmp_path / "s", progress=None, tts="silent", reveal=False)
    for p in (moving, still):
        p.run(until="script")
    quiz = [s for s in moving.check(thumbnails=False).scenes if s.kind == "quiz"][0]
    plain = [s for s in still.check(thumbnails=False).scenes if s.kind == "quiz"][0]
    # 3 s counted down after the voice (with a moment before and the fade after), as the audio stage lays it out
    assert 3.0 <= quiz.seconds - plain.seconds <= 4.5
    moving.run(until="audio")
    measured = [s for s in moving.check(thumbnails=False).scenes if s.kind == "quiz"][0]
    assert abs(measured.seconds - quiz.seconds) < 1.5
