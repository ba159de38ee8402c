"""The speech cache shared by pipelines: content-addressed, settable, safe when used at the same time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time

import pytest

from conftest import SMALL
from videogen_nb import Pipeline, errors
from videogen_nb.tts import EspeakEngine, SilentEngine


class CountingEspeak(EspeakEngine):
    """espeak, counting which texts it was asked to speak."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.spoken: list[str] = []

    def synthesize(self, text, lang=None, voice=None):
        self.spoken.append(text)
        return super().synthesize(text, lang, voice)


class SlowCountingEngine(SilentEngine):
    """Thread-safe and slow like a network engine; counts its calls across threads."""

    name = "slowcount"
    audible = True  # its faint ticks count as sound: checked and normalised like speech

    def __init__(self):
        super().__init__()
        self.spoken: list[str] = []
        self._lock = threading.Lock()

    def synthesize(self, text, lang=None, voice=None):
        with self._lock:
            self.spoken.append(text)
        time.sleep(0.2)
        s = super().synthesize(text, lang, voice)
        s.samples[::50] = 1  # a faint tick, so it is not silence
        return s


def audio(doc, workdir, **kw) -> Pipeline:
    p = Pipeline(doc, workdir=workdir, resolution=SMALL, progress=None, **kw)
    p.run(until="audio")
    return p


def test_editing_one_narration_resynthesises_exactly_one_scene(three_scene_doc, tmp_path):
    engine = CountingEspeak()
    p = audio(three_scene_doc, tmp_path / "w", tts=engine)
    p.edit(2, "A new narration for the second point.")
    engine.spoken.clear()
    p.audio()
    assert engine.spoken == ["A new narration for the second point."]
    assert [s.source for s in p.ctx.timing_report.scenes] == ["workdir", "workdir", "synthesized"]


def test_a_second_pipeline_on_the_same_document_reuses_the_whole_cache(three_scene_doc, tmp_path, speech_cache):
    first = audio(three_scene_doc, tmp_path / "a", tts=CountingEspeak())
    engine = CountingEspeak()
    second = audio(three_scene_doc, tmp_path / "b", tts=engine)
    assert engine.spoken == []
    report = second.ctx.timing_report
    assert report.synthesized == [] and report.from_cache == [0, 1, 2]
    assert [s.audio_hash for s in report.scenes] == [s.audio_hash for s in first.ctx.timing_report.scenes]
    assert "3 reused (3 from the shared cache)" in repr(report).replace("0 synthesised, ", "")
    # the second work folder holds its own copy of every clip (a hard link to the cached file)
    for s in report.scenes:
        assert s.audio_path.parent == tmp_path / "b" / "audio" and s.audio_path.stat().st_nlink >= 2
    assert len(list(speech_cache.rglob("*.wav"))) == 3


def test_the_cache_folder_is_settable_and_defaults_to_the_environment(three_scene_doc, tmp_path, speech_cache):
    mine = tmp_path / "my-cache"
    p = audio(three_scene_doc, tmp_path / "a", tts="silent", cache_dir=mine)
    assert p.speech_cache.folder == mine and len(list(mine.rglob("*.wav"))) == 3
    assert not speech_cache.exists()
    q = audio(three_scene_doc, tmp_path / "b", tts="silent")
    assert q.speech_cache.folder == speech_cache and len(list(speech_cache.rglob("*.wav"))) == 3
    assert q.ctx.timing_report.synthesized == [0, 1, 2]  # another cache folder: nothing to reuse


@pytest.mark.parametrize(
    "change",
    [{"voice": "en-gb"}, {"tts": "espeak", "tts_options": {"rate": 200}}, {"loudness": -20.0}, {"pronunciations": {"point": "spot"}}],
)
def test_the_cache_key_follows_everything_that_changes_the_sound(three_scene_doc, tmp_path, change):
    audio(three_scene_doc, tmp_path / "base")
    again = audio(three_scene_doc, tmp_path / "again")
    assert again.ctx.timing_report.synthesized == []
    changed = audio(three_scene_doc, tmp_path / "changed", **change)
    expected = [1, 2] if "pronunciations" in change else [0, 1, 2]  # the title scene has no "point"
    assert changed.ctx.timing_report.synthesized == expected


def test_pipelines_running_at_the_same_time_make_each_clip_once(three_scene_doc, tmp_path, speech_cache):
    engine = SlowCountingEngine()
    pipelines = [Pipeline(three_scene_doc, workdir=tmp_path / f"w{k}", tts=engine, progress=None) for k in range(3)]
    threads = [threading.Thread(target=p.run, kwargs={"until": "audio"}) for p in pipelines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(engine.spoken) == sorted(set(engine.spoken)) and len(engine.spoken) == 3
    hashes = {tuple(s.audio_hash for s in p.ctx.timing_report.scenes) for p in pipelines}
    assert len(hashes) == 1
    sources = [s.source for p in pipelines for s in p.ctx.timing_report.scenes]
    assert sources.count("synthesized") == 3 and sources.count("cache") == 6
    assert not list(speech_cache.rglob("*.tmp"))


@pytest.mark.slow
def test_builds_in_separate_processes_share_the_cache(three_scene_doc, tmp_path, speech_cache):
    cmd = [sys.executable, "-m", "videogen_nb", "build", str(three_scene_doc), "--resolution", "320x180", "-q"]
    procs = [subprocess.Popen([*cmd, "-o", str(tmp_path / f"out{k}")], stderr=subprocess.PIPE, text=True) for k in (1, 2)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    metas = [json.loads((tmp_path / f"out{k}" / "metadata.json").read_text()) for k in (1, 2)]
    for i in range(3):
        sources = sorted(m["scenes"][i]["audio_source"] for m in metas)
        assert sources == ["cache", "synthesized"]  # made by one process, reused by the other
        assert metas[0]["scenes"][i]["audio_sha256"] == metas[1]["scenes"][i]["audio_sha256"]
    assert len(list(speech_cache.rglob("*.wav"))) == 3


def test_a_damaged_cache_entry_is_made_again(three_scene_doc, tmp_path, speech_cache):
    audio(three_scene_doc, tmp_path / "a")
    victim = sorted(speech_cache.rglob("*.wav"))[0]
    damaged = tmp_path / "damaged.wav"
    damaged.write_bytes(victim.read_bytes()[:-100])
    damaged.replace(victim)  # a new file at the cached path (the first work folder keeps its own)
    p = audio(three_scene_doc, tmp_path / "b")
    assert len(p.ctx.timing_report.synthesized) == 1 and len(p.ctx.timing_report.from_cache) == 2


def test_the_work_folder_stays_self_contained_when_the_cache_is_wiped(three_scene_doc, tmp_path, speech_cache):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="silent", progress=None)
    p.run()
    shutil.rmtree(speech_cache)
    q = Pipeline.resume(tmp_path / "w", progress=None)
    assert set(q.status().values()) == {"done"}
    q.edit(1, "Only this one changes.")
    q.run()
    assert [s.source for s in q.ctx.timing_report.scenes] == ["workdir", "synthesized", "workdir"]
    assert q.video_path.is_file()


def test_forcing_a_scene_speaks_it_again_and_replaces_the_shared_clip(three_scene_doc, tmp_path, speech_cache):
    engine = CountingEspeak()
    p = audio(three_scene_doc, tmp_path / "a", tts=engine)
    before = p.ctx.timing_report.scenes[1].audio_path.stat().st_ino
    engine.spoken.clear()
    p.audio(force=[1])
    assert engine.spoken == [p.scenes[1].narration]
    assert [s.source for s in p.ctx.timing_report.scenes] == ["workdir", "synthesized", "workdir"]
    after = p.ctx.timing_report.scenes[1]
    assert after.audio_path.stat().st_ino != before  # a new take, written beside the old and renamed over it
    # the new take is what the shared cache now hands to another pipeline
    q = audio(three_scene_doc, tmp_path / "b", tts=CountingEspeak())
    assert q.ctx.timing_report.scenes[1].audio_hash == after.audio_hash
    assert q.ctx.timing_report.scenes[1].audio_path.stat().st_ino == after.audio_path.stat().st_ino
    with pytest.raises(errors.StageFailedError, match="scenes are numbered 0 to 2"):
        p.audio(force=[7])
