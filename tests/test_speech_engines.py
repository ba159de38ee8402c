"""Each speech engine on its own: espeak, silent, gtts (its HTTP layer played by a fake), a plug-in engine."""

from __future__ import annotations

import numpy as np
import pytest
import requests

from conftest import SMALL, decode_audio
from videogen_nb import Pipeline, errors
from videogen_nb.tts import EspeakEngine, GttsEngine, SilentEngine, Speech, SpeechEngine, get_engine
from videogen_nb.tts import gtts as gtts_module

LONG = (
    "Plants catch the light of the sun in their leaves. With that energy they turn water and "
    "carbon dioxide into sugar, and they give the oxygen back to the air."
)


def test_espeak_speaks_mono_int16_with_word_timings_in_order():
    s = EspeakEngine().synthesize("Light becomes sugar inside every green leaf.")
    assert s.sample_rate == 22050 and s.samples.dtype == np.int16 and s.samples.ndim == 1
    assert 1.5 < s.duration < 6 and np.abs(s.samples).max() > 3000
    words = [w.word for w in s.words]
    assert words[:3] == ["Light", "becomes", "sugar"] and words[-1] == "leaf"
    starts = [w.start for w in s.words]
    assert starts == sorted(starts) and starts[-1] > 1.0
    assert all(0 <= w.start <= w.end <= s.duration for w in s.words)


def test_espeak_rate_changes_the_speech_and_its_cache_identity():
    text = "Speaking rate is counted in words a minute."
    slow, fast = EspeakEngine(rate=110), EspeakEngine(rate=300)
    assert slow.synthesize(text).duration > 1.8 * fast.synthesize(text).duration
    assert slow.identity("en", None) != fast.identity("en", None)
    with pytest.raises(ValueError, match="out of range"):
        EspeakEngine(rate=20)
    assert get_engine("espeak", rate=200).rate == 200


def test_espeak_selects_voices_by_language_or_voice_name():
    e = EspeakEngine()
    assert (e.describe_voice("de", None), e.describe_voice("en", None), e.describe_voice(None, "en-gb")) == (
        "de", "en-us", "en-gb")  # fmt: skip
    german = e.synthesize("Guten Morgen, wie geht es?", lang="de")
    english = e.synthesize("Guten Morgen, wie geht es?", lang="en")
    assert len(german.samples) != len(english.samples)


@pytest.mark.parametrize(
    "engine, lang, voice, listed",
    [(EspeakEngine(), "xx-nowhere", None, "de"), (GttsEngine(), "xx-nowhere", None, "de (German)"),
     (GttsEngine(), "en", "nowhere.invalid", "co.uk")],
)  # fmt: skip
def test_an_unknown_language_or_voice_lists_what_is_available(engine, lang, voice, listed):
    with pytest.raises(errors.UnknownVoiceError) as info:
        engine.identity(lang, voice)
    assert "Available" in str(info.value) and listed in str(info.value)


def test_silent_engine_sizes_silence_by_words_per_minute():
    s = SilentEngine(rate=120).synthesize("one two three four. five six")
    assert s.duration == pytest.approx(3.0) and not np.any(s.samples)
    assert [w.word for w in s.words] == ["one", "two", "three", "four.", "five", "six"]
    # a sentence end leaves a pause: the gap after "four." is longer than between other words
    gaps = [b.start - a.end for a, b in zip(s.words, s.words[1:])]
    assert gaps[3] > max(gaps[:3]) + 0.05


def test_gtts_decodes_each_pieces_mp3_and_times_words_within_it(fake_google):
    s = GttsEngine().synthesize(LONG, lang="en")
    assert s.sample_rate == 24000 and s.samples.dtype == np.int16 and s.samples.ndim == 1
    asked = [text for text, _ in fake_google.asked]
    # cut at sentence and clause ends into requests of at most 100 characters, nothing lost
    assert asked == [
        "Plants catch the light of the sun in their leaves.",
        "With that energy they turn water and carbon dioxide into sugar,",
        "and they give the oxygen back to the air.",
    ]
    assert [w.word for w in s.words] == LONG.split()
    # the second piece's words start after the first piece's audio (each piece measured, not guessed)
    first_piece = EspeakEngine().synthesize(asked[0]).duration
    second_start = s.words[len(asked[0].split())].start
    assert first_piece - 0.05 < second_start < first_piece + 0.4
    pieces = sum(EspeakEngine().synthesize(text).duration for text in asked)
    assert s.duration == pytest.approx(pieces, abs=0.3)


def test_gtts_sends_lang_tld_and_slow(fake_google):
    GttsEngine(tld="co.uk", slow=True).synthesize("Bonjour tout le monde.", lang="fr-FR")
    assert fake_google.asked == [("Bonjour tout le monde.", "fr")]
    assert fake_google.urls[0].startswith("https://translate.google.co.uk/") and fake_google.slow == [True]
    assert GttsEngine(slow=True).identity("fr", None) != GttsEngine().identity("fr", None)
    assert GttsEngine().identity("en", "co.uk") != GttsEngine().identity("en", None)


def test_gtts_retries_429_timeouts_and_server_errors_then_succeeds(fake_google):
    fake_google.plan = [429, requests.exceptions.ConnectTimeout("connect timed out"), 503]
    s = GttsEngine(backoff=0.001).synthesize("Try again.")
    assert len(fake_google.asked) == 4 and s.duration > 0.3


def test_gtts_gives_up_after_a_bounded_number_of_retries_with_a_clear_error(fake_google):
    fake_google.default = 429
    with pytest.raises(errors.SpeechError) as info:
        GttsEngine(retries=2, backoff=0.001).synthesize("No luck today.")
    assert len(fake_google.asked) == 3
    msg = str(info.value)
    assert "after 3 attempts" in msg and "429" in msg and "fallback='espeak'" in msg


def test_gtts_does_not_retry_a_refusal(fake_google):
    fake_google.default = 403
    with pytest.raises(errors.SpeechError, match=r"after 1 attempt .*pip install -U gTTS"):
        GttsEngine(retries=5, backoff=0.001).synthesize("Refused.")
    assert len(fake_google.asked) == 1


def test_gtts_backs_off_exponentially(fake_google, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(gtts_module.time, "sleep", pauses.append)
    fake_google.default = requests.exceptions.ConnectionError("no route to host")
    with pytest.raises(errors.SpeechError, match="Failed to connect"):
        GttsEngine(retries=3, backoff=0.5).synthesize("Offline.")
    assert len(pauses) == 3
    for pause, base in zip(pauses, (0.5, 1.0, 2.0)):
        assert base <= pause <= base * 1.25


@pytest.mark.network
def test_gtts_speaks_for_real_when_online(online):
    s = GttsEngine(retries=1).synthesize("Hello world. This is Google's voice.", lang="en")
    assert s.sample_rate == 24000 and s.duration > 1.0 and np.abs(s.samples).max() > 1000
    assert [w.word for w in s.words][:2] == ["Hello", "world."]


class PluginEngine(SpeechEngine):
    """A user's own engine: float stereo samples, no word timings."""

    name = "plugin"

    def synthesize(self, text, lang=None, voice=None):
        t = np.arange(int(16000 * 0.08 * len(text.split()))) / 16000
        tone = 0.3 * np.sin(2 * np.pi * 220 * t)
        return Speech(np.stack([tone, tone], axis=1), 16000)


def test_an_engine_object_plugs_in_and_gets_estimated_timings_and_even_loudness(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts=PluginEngine(), resolution=SMALL, progress=None)
    p.run()
    report = p.ctx.timing_report
    assert report.engine == "plugin" and report.sample_rate == 16000
    scene = report.scenes[1]
    assert [w.word for w in scene.word_timings] == p.scenes[1].narration.split()
    assert scene.word_timings[-1].end == pytest.approx(scene.audio_duration, abs=0.01)
    assert all(s.loudness == pytest.approx(-16, abs=0.5) for s in report.scenes)
    audio = decode_audio(p.video_path)
    mid = scene.audio_start + scene.audio_duration / 2
    assert np.abs(audio[int(mid * 16000) : int((mid + 0.05) * 16000)]).max() > 0.05


def test_engine_options_are_checked_by_name():
    with pytest.raises(ValueError, match="does not take these options"):
        get_engine("espeak", tld="co.uk")
    with pytest.raises(ValueError, match="apply to an engine chosen by name"):
        get_engine(EspeakEngine(), rate=200)
