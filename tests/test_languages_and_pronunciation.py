"""Languages from front matter, and pronunciations that change what is said but not what is shown."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import SMALL
from videogen_nb import Pipeline, errors
from videogen_nb.speech_cache import read_clip
from videogen_nb.tts import EspeakEngine

GERMAN = """\
---
lang: de
---
# Die Fotosynthese

## Licht

Pflanzen machen aus Licht, Wasser und Kohlendioxid Zucker.
"""


def make(doc, tmp_path, name="w", **kw) -> Pipeline:
    return Pipeline(doc, workdir=tmp_path / name, resolution=SMALL, progress=None, **kw)


def test_lang_de_in_front_matter_is_spoken_with_a_german_voice(write_doc, tmp_path):
    p = make(write_doc("de.md", GERMAN), tmp_path)
    p.run()
    report = p.ctx.timing_report
    assert (report.lang, report.voice) == ("de", "de")
    narration = p.scenes[1].narration
    german = EspeakEngine().synthesize(narration, lang="de")
    english = EspeakEngine().synthesize(narration, lang="en")
    assert report.scenes[1].audio_duration == pytest.approx(german.duration, abs=0.02)  # espeak varies by a few samples
    assert abs(german.duration - english.duration) > 0.1  # the check can tell the voices apart
    meta = json.loads(p.ctx.metadata_path.read_text())
    assert (meta["lang"], meta["voice"]) == ("de", "de")


def test_an_unknown_lang_in_front_matter_lists_the_languages(write_doc, tmp_path):
    p = make(write_doc("xx.md", GERMAN.replace("lang: de", "lang: xx-nowhere")), tmp_path)
    with pytest.raises(errors.StageFailedError) as info:
        p.run()
    assert isinstance(info.value.__cause__, errors.UnknownVoiceError)
    msg = str(info.value)
    assert "no voice for 'xx-nowhere'" in msg and "Available languages:" in msg and " de, " in msg


def test_gtts_lists_its_own_languages_without_the_network(write_doc, tmp_path, fake_google):
    p = make(write_doc("xx.md", GERMAN.replace("lang: de", "lang: xx-nowhere")), tmp_path, tts="gtts")
    with pytest.raises(errors.StageFailedError, match=r"gtts has no language 'xx-nowhere'. Available languages: .*de \(German\)"):
        p.run()
    assert fake_google.asked == []


PRONOUNCED = """\
---
pronounce:
  SQL: sequel
  K8s: kubernetes
---
# Data Talk

## Queries

We write SQL on K8s every day.

## Plain

Nothing to say differently here.
"""


def test_pronunciations_change_the_speech_not_the_slides_or_subtitles(write_doc, tmp_path):
    doc = write_doc("talk.md", PRONOUNCED)
    plain_doc = write_doc("plain.md", PRONOUNCED.split("---\n", 2)[2])
    p, plain = make(doc, tmp_path, "p"), make(plain_doc, tmp_path, "plain")
    p.run(until="audio")
    plain.run(until="audio")
    clip = read_clip(p.ctx.timing_report.scenes[1].audio_path)
    assert json.loads(clip.sidecar.read_text())["text"] == "Queries. We write sequel on kubernetes every day."
    said = EspeakEngine().synthesize("Queries. We write sequel on kubernetes every day.")
    assert clip.duration == pytest.approx(said.duration, abs=0.02)
    assert p.ctx.timing_report.scenes[1].audio_hash != plain.ctx.timing_report.scenes[1].audio_hash
    assert p.ctx.timing_report.scenes[2].audio_hash == plain.ctx.timing_report.scenes[2].audio_hash
    # slides and subtitles show what was written
    assert np.array_equal(np.asarray(p.slide(1).image), np.asarray(plain.slide(1).image))
    words = [w for c in p.subtitle_cues() for w in c.text.split()]
    assert "SQL" in words and "K8s" in words and "sequel" not in words
    timed = p.ctx.timing_report.scenes[1].word_timings
    assert [w.word for w in timed] == p.scenes[1].narration.split()
    sql = next(w for w in timed if w.word == "SQL")
    assert sql.end - sql.start > 0.2  # "sequel" took time to say, and SQL carries it


def test_the_pronunciations_argument_wins_and_matching_is_whole_word_and_case_aware(write_doc, tmp_path):
    doc = write_doc(
        "talk.md",
        PRONOUNCED.replace("We write SQL on K8s every day.", "SQL and Nginx and NGINX, not sql or SQLite in the US or us."),
    )
    p = make(doc, tmp_path, pronunciations={"SQL": "ess queue ell", "nginx": "engine x", "US": "United States"})
    p.run(until="audio")
    clip = read_clip(p.ctx.timing_report.scenes[1].audio_path)
    assert json.loads(clip.sidecar.read_text())["text"] == (
        "Queries. ess queue ell and engine x and engine x, not sql or SQLite in the United States or us.")  # fmt: skip
    assert [w.word for w in p.ctx.timing_report.scenes[1].word_timings] == p.scenes[1].narration.split()


def test_changing_a_pronunciation_resynthesises_only_the_scenes_that_use_it(write_doc, tmp_path):
    p = make(write_doc("talk.md", PRONOUNCED), tmp_path)
    p.run(until="audio")
    p.ctx.settings.pronunciations = {"K8s": "kates"}
    assert p.status()["audio"] == "stale"
    p.audio()
    assert p.ctx.timing_report.synthesized == [1]


def test_bad_pronounce_front_matter_is_an_input_error_naming_the_file(write_doc, tmp_path):
    doc = write_doc("bad.md", PRONOUNCED.replace("  SQL: sequel\n  K8s: kubernetes\n", "  - SQL\n"))
    with pytest.raises(errors.InputError, match=r"bad\.md: front matter 'pronounce': .*not a list"):
        make(doc, tmp_path).run()
