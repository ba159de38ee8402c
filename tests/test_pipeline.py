"""The stepwise Pipeline: order, status, staleness, failures that say how to resume."""

from __future__ import annotations

import re

import pytest

from conftest import SMALL
from videogen_nb import Pipeline, errors
from videogen_nb.tts import EspeakEngine, SpeechEngine


class BrokenEngine(SpeechEngine):
    """A speech engine that fails the way a real one can."""

    name = "broken"

    def synthesize(self, text, lang=None, voice=None):
        raise RuntimeError("the sound card caught fire")


class CountingEngine(EspeakEngine):
    """espeak, counting which texts it was asked to speak."""

    def __init__(self):
        super().__init__()
        self.spoken: list[str] = []

    def synthesize(self, text, lang=None, voice=None):
        self.spoken.append(text)
        return super().synthesize(text, lang, voice)


def make(doc, tmp_path, **kw) -> Pipeline:
    kw.setdefault("resolution", SMALL)
    return Pipeline(doc, workdir=tmp_path / "work", progress=None, **kw)


def test_nothing_runs_and_nothing_is_written_until_asked(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    assert p.status() == {n: "pending" for n in ("input", "parse", "script", "audio", "video", "output")}
    assert not (tmp_path / "work").exists()


@pytest.mark.parametrize(
    "ran, call, first",
    [([], "audio", "input"), (["input"], "video", "parse"), (["input", "parse"], "audio", "script"),
     (["input", "parse", "script"], "output", "audio")],
)  # fmt: skip
def test_a_stage_whose_prerequisites_have_not_run_names_the_one_to_run_first(three_scene_doc, tmp_path, ran, call, first):
    p = make(three_scene_doc, tmp_path)
    for name in ran:
        getattr(p, name)()
    with pytest.raises(errors.StageOrderError) as info:
        getattr(p, call)()
    assert info.value.first == first
    assert f"p.{first}()" in str(info.value)


def test_status_after_each_stage_and_its_table(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    view = p.input()
    assert view["input"] == "done" and view["parse"] == "pending"
    p.parse()
    p.script()
    p.audio()
    p.video()
    view = p.output()
    assert view == {n: "done" for n in ("input", "parse", "script", "audio", "video", "output")}
    text = repr(p)
    assert "Tiny Talk" in text and re.search(r"audio\s+done", text)
    html = p._repr_html_()
    assert "<table>" in html and html.count("<tr>") == 7
    assert p.video_path.is_file() and p.video_path.parent == tmp_path / "work" / "output"
    ckpts = sorted(f.name for f in (tmp_path / "work" / "checkpoints").iterdir())
    assert ckpts == ["01_input.pkl", "02_parse.pkl", "03_script.pkl", "04_audio.pkl", "05_video.pkl", "06_output.pkl"]


def test_editing_one_narration_resynthesises_only_that_scene(three_scene_doc, tmp_path):
    engine = CountingEngine()
    p = make(three_scene_doc, tmp_path, tts=engine)
    p.run(until="audio")
    assert len(engine.spoken) == 3
    assert p.ctx.timing_report.synthesized == [0, 1, 2]

    p.scenes[1].narration = "A different sentence for the first point."
    st = p.status()
    assert (st["input"], st["parse"], st["script"]) == ("done", "done", "done")
    assert (st["audio"], st["video"], st["output"]) == ("stale", "pending", "pending")

    engine.spoken.clear()
    p.audio()
    assert engine.spoken == ["A different sentence for the first point."]
    report = p.ctx.timing_report
    assert report.synthesized == [1] and report.reused == [0, 2]
    assert [s.synthesized for s in report.scenes] == [False, True, False]
    assert p.status()["audio"] == "done"


def test_after_a_full_run_a_narration_edit_makes_audio_video_output_stale(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    p.edit(2, "Short.")
    st = p.status()
    assert [st[n] for n in ("input", "parse", "script", "audio", "video", "output")] == [
        "done", "done", "done", "stale", "stale", "stale"]  # fmt: skip
    with pytest.raises(errors.StageOrderError, match="'audio' is stale"):
        p.video()
    p.run()
    assert set(p.status().values()) == {"done"}


def test_editing_slide_text_makes_only_video_and_output_stale(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    p.scenes[1].body = ["A new line on the slide."]
    st = p.status()
    assert [st[n] for n in ("input", "parse", "script", "audio", "video", "output")] == [
        "done", "done", "done", "done", "stale", "stale"]  # fmt: skip


def test_a_failing_stage_names_itself_why_and_how_to_resume(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts=BrokenEngine())
    with pytest.raises(errors.StageFailedError) as info:
        p.run()
    err = info.value
    msg = str(err)
    assert err.stage == "audio"
    assert "sound card caught fire" in msg
    workdir = tmp_path / "work"
    assert f'Pipeline.resume("{workdir}").run()' in msg
    st = p.status()
    assert (st["input"], st["parse"], st["script"], st["audio"]) == ("done", "done", "done", "failed")
    # everything before it is kept, and a resumed pipeline (with speech that works) finishes
    assert (workdir / "checkpoints" / "03_script.pkl").is_file()
    q = Pipeline.resume(workdir, tts="espeak", progress=None)
    assert q.status()["script"] == "done" and q.status()["audio"] == "failed"
    q.run()
    assert q.video_path.is_file()


def test_failure_message_carries_the_cli_resume_command_when_set(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts=BrokenEngine())
    p.resume_command = "videogen build three.md -o out --resume"
    with pytest.raises(errors.StageFailedError, match="videogen build three.md -o out --resume"):
        p.run()


def test_run_until_stops_there(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    view = p.run(until="script")
    assert view["script"] == "done" and view["audio"] == "pending"
    with pytest.raises(ValueError, match="no stage"):
        p.run(until="render")


def test_scenes_before_parse_says_what_to_run(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    with pytest.raises(errors.StageOrderError, match=r"p\.run\(until='parse'\)"):
        p.scenes


def test_bad_options_fail_at_construction(three_scene_doc, tmp_path):
    with pytest.raises(ValueError, match="theme"):
        make(three_scene_doc, tmp_path, theme="neon")
    with pytest.raises(ValueError, match="speech engine"):
        make(three_scene_doc, tmp_path, tts="robot")
    with pytest.raises(ValueError):
        make(three_scene_doc, tmp_path, resolution="huge")


def test_unknown_language_fails_in_audio_listing_languages(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, lang="xx-nowhere")
    with pytest.raises(errors.StageFailedError) as info:
        p.run()
    assert info.value.stage == "audio"
    assert isinstance(info.value.__cause__, errors.UnknownVoiceError)
    assert "Available languages" in str(info.value) and "de" in str(info.value)


def test_the_status_says_what_the_last_call_changed(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    assert "ran input, parse, script in" in p.run(until="script").changed
    assert p.audio().changed.startswith("ran audio in")
    assert p.run(until="audio").changed == "nothing to do: every stage asked for is done"
    assert "ran video, output in" in repr(p.run())
