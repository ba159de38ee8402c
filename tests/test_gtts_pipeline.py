"""gTTS in the pipeline with Google played at the HTTP layer: its voice, its failures, the espeak fallback."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import requests

from conftest import SMALL, decode_audio
from videogen_nb import Pipeline, errors
from videogen_nb.speech_cache import read_clip
from videogen_nb.tts import GttsEngine, SpeechEngine


def gtts(**kw) -> GttsEngine:
    kw.setdefault("backoff", 0.001)  # retry at once: the tests wait for nothing
    return GttsEngine(**kw)


def make(doc, tmp_path, name="w", **kw) -> Pipeline:
    return Pipeline(doc, workdir=tmp_path / name, resolution=SMALL, progress=None, **kw)


def speech_in(video, scene) -> float:
    audio = decode_audio(video)
    seg = audio[int(scene.audio_start * 16000) : int((scene.audio_start + scene.audio_duration) * 16000)]
    return float(np.sqrt(np.mean(seg**2)))


def test_gtts_makes_the_video_with_its_voice(fake_google, three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts=gtts())
    p.run()
    report = p.ctx.timing_report
    assert report.engine == "gtts" and report.sample_rate == 24000
    assert report.voice == "en (English) from translate.google.com"
    assert sorted(text for text, _ in fake_google.asked) == sorted(s.narration for s in p.scenes)
    for scene in report.scenes:
        assert scene.engine == "gtts" and speech_in(p.video_path, scene) > 0.02
    meta = json.loads(p.ctx.metadata_path.read_text())
    assert meta["engine"] == "gtts" and meta["voice"].startswith("en (English)")


def test_a_network_failure_names_the_scene_and_no_video_is_made(fake_google, three_scene_doc, tmp_path):
    fake_google.default = requests.exceptions.ConnectionError("no route to host")
    p = make(three_scene_doc, tmp_path, tts=gtts(retries=1))
    with pytest.raises(errors.StageFailedError) as info:
        p.run()
    msg = str(info.value)
    assert info.value.stage == "audio"
    assert re.search(r"scene \d \('[^']+'\): gtts failed .* after 2 attempts", msg)
    assert "fallback='espeak'" in msg
    assert p.ctx.final_video_path is None and not list(tmp_path.rglob("*.mp4"))


def test_http_429_everywhere_is_retried_then_reported(fake_google, three_scene_doc, tmp_path):
    fake_google.default = 429
    p = make(three_scene_doc, tmp_path, tts=gtts(retries=2))
    with pytest.raises(errors.StageFailedError, match=r"429 \(Too Many Requests\)"):
        p.run()
    # every request was tried three times, none more
    texts = [text for text, _ in fake_google.asked]
    assert all(texts.count(t) == 3 for t in set(texts))


def test_with_fallback_a_failing_scene_is_spoken_by_espeak_with_a_warning(fake_google, three_scene_doc, tmp_path):
    fake_google.by_text = {"first point": 429}
    p = make(three_scene_doc, tmp_path, tts=gtts(retries=1), fallback="espeak")
    seen = []
    p.events.subscribe(seen.append)
    p.run()
    report = p.ctx.timing_report
    assert [s.engine for s in report.scenes] == ["gtts", "espeak", "gtts"]
    assert report.fallback_scenes == [1] and "1 by the fallback engine" in repr(report)
    assert p.status().title.endswith("(320x180, 30 fps, gtts en (English) from translate.google.com; scene 2 by espeak)")
    assert report.estimated_timings == [0, 2]  # gtts gives no word events; espeak does
    warnings = [w for w in p.ctx.warnings if "espeak instead" in w]
    assert len(warnings) == 1 and warnings[0].startswith("scene 2 ('First point'): gtts failed")
    assert any(e.type == "warning" and e.stage == "audio" and "scene 2" in e.message for e in seen)
    # the clip is cached as what it is: espeak's, at 22050 Hz
    clip = read_clip(report.scenes[1].audio_path)
    assert clip.engine == "espeak" and clip.identity["engine"] == "espeak" and clip.sample_rate == 22050
    assert speech_in(p.video_path, report.scenes[1]) > 0.02  # never a silent scene
    meta = json.loads(p.ctx.metadata_path.read_text())
    assert meta["fallback"] == "espeak" and [s["engine"] for s in meta["scenes"]] == ["gtts", "espeak", "gtts"]
    assert [s["word_timings"] for s in meta["scenes"]] == ["estimated", "engine", "estimated"]

    # when the network is back, the scene gets Google's voice: the espeak clip does not stand in for it
    fake_google.by_text = {}
    q = make(three_scene_doc, tmp_path, "again", tts=gtts())
    q.run(until="audio")
    assert [s.source for s in q.ctx.timing_report.scenes] == ["cache", "synthesized", "cache"]
    assert [s.engine for s in q.ctx.timing_report.scenes] == ["gtts"] * 3


def test_the_fallback_must_make_sound_and_differ_from_the_engine(three_scene_doc, tmp_path):
    with pytest.raises(ValueError, match="makes silence"):
        make(three_scene_doc, tmp_path, tts=gtts(), fallback="silent")
    with pytest.raises(ValueError, match="is the main engine"):
        make(three_scene_doc, tmp_path, tts="espeak", fallback="espeak")


def test_a_fallback_that_cannot_speak_the_language_fails_before_any_request(fake_google, write_doc, tmp_path):
    doc = write_doc("gl.md", "---\nlang: gl\n---\n# Ola mundo\n\nUnhas palabras en galego.\n")
    # Galician: gTTS speaks it, espeak does not
    assert GttsEngine().describe_voice("gl", None).startswith("gl (Galician)")
    p = make(doc, tmp_path, tts=gtts(), fallback="espeak")
    with pytest.raises(errors.StageFailedError, match="fallback engine cannot speak this language"):
        p.run()
    assert fake_google.asked == []


class MuteEngine(SpeechEngine):
    """Claims to speak but returns silence: a broken engine must not give a mute video."""

    name = "mute"

    def synthesize(self, text, lang=None, voice=None):
        from videogen_nb.tts import Speech

        return Speech(np.zeros(22050, np.int16), 22050)


def test_silence_where_there_are_words_is_an_error_or_falls_back(three_scene_doc, tmp_path):
    with pytest.raises(errors.StageFailedError, match="mute returned silence"):
        make(three_scene_doc, tmp_path, tts=MuteEngine()).run()
    p = make(three_scene_doc, tmp_path, "fb", tts=MuteEngine(), fallback="espeak")
    p.run(until="audio")
    assert p.ctx.timing_report.fallback_scenes == [0, 1, 2]
