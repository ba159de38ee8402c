"""Checkpoints: signed, atomic; resume in a new process continues without redoing work."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import SMALL
from videogen_nb import Pipeline, errors
from videogen_nb.checkpoint import latest_checkpoint, load_checkpoint, read_header


def make(doc, tmp_path, **kw):
    return Pipeline(doc, workdir=tmp_path / "work", resolution=SMALL, progress=None, **kw)


def run_in_new_process(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=dict(os.environ), timeout=300
    )


@pytest.mark.slow
def test_resume_in_a_new_process_after_script_gets_the_video(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    p.scenes[1].narration = "Edited before the kernel restarted."
    saved = p.save()  # keep the edit for the next kernel
    assert saved.name == "03_script.pkl"
    workdir = tmp_path / "work"
    proc = run_in_new_process(
        f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(workdir)!r}, progress=None)
        print(p.status()["script"], p.status()["audio"])
        print(p.scenes[1].narration)
        p.run()
        print(p.video_path)
        print(p.ctx.timing_report.synthesized)
        """
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "done pending"
    assert lines[1] == "Edited before the kernel restarted."
    assert lines[2].endswith(".mp4") and os.path.isfile(lines[2])
    assert lines[3] == "[0, 1, 2]"


@pytest.mark.slow
@pytest.mark.piper  # the new process sees the machine as it is (auto picks Piper where installed): so must this one
def test_resume_after_audio_reuses_every_clip_and_checks_them(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    workdir = tmp_path / "work"
    proc = run_in_new_process(
        f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(workdir)!r}, progress=None)
        print(p.status()["audio"])
        p.run()
        print(p.ctx.stage_records["audio"].seq, p.ctx.stage_records["video"].seq)
        """
    )
    assert proc.returncode == 0, proc.stderr
    status, rest = proc.stdout.strip().splitlines()
    assert status == "done"
    audio_seq, video_seq = map(int, rest.split())
    assert audio_seq == p.ctx.stage_records["audio"].seq  # audio did not run again
    assert video_seq > audio_seq


def test_a_missing_or_changed_audio_file_is_made_again_and_only_that_one(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    clips = [s.audio_path for s in p.ctx.timing_report.scenes]
    clips[0].unlink()
    data = bytearray(clips[2].read_bytes())
    data[-10:] = b"\x01" * 10  # tampered on disk
    clips[2].write_bytes(bytes(data))
    q = Pipeline.resume(tmp_path / "work", progress=None)
    assert q.status()["audio"] == "stale"
    assert any("changed on disk" in w for w in q.ctx.warnings)
    q.run()
    # the deleted clip comes back from the shared speech cache; the tampered one (a hard link of the
    # cached file, so the cache copy changed too) fails its hash there and is synthesised again
    report = q.ctx.timing_report
    assert report.synthesized == [2] and report.from_cache == [0]
    assert [s.source for s in report.scenes] == ["cache", "workdir", "synthesized"]
    assert q.video_path.is_file()


def test_the_newest_checkpoint_wins(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    p.edit(1, "Changed.")
    p.audio()
    newest = latest_checkpoint(tmp_path / "work")
    assert newest.name == "04_audio.pkl"
    assert read_header(newest)["seq"] == p.ctx.seq
    q = Pipeline.resume(tmp_path / "work", progress=None)
    assert q.scenes[1].narration == "Changed."
    assert q.status()["video"] == "stale"


def test_checkpoints_are_written_atomically(three_scene_doc, tmp_path):
    make(three_scene_doc, tmp_path).run(until="parse")
    files = sorted(os.listdir(tmp_path / "work" / "checkpoints"))
    assert files == ["01_input.pkl", "02_parse.pkl"]  # no temporary names left


def test_a_tampered_checkpoint_is_refused_before_unpickling(three_scene_doc, tmp_path):
    make(three_scene_doc, tmp_path).run(until="parse")
    path = tmp_path / "work" / "checkpoints" / "02_parse.pkl"
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(errors.CheckpointError, match="signature"):
        load_checkpoint(path)
    # resume does not unpickle it either: it sets it aside and picks up from the checkpoint before it
    q = Pipeline.resume(tmp_path / "work", progress=None)
    assert q.status()["input"] == "done" and q.status()["parse"] == "pending"
    assert not path.exists() and path.with_name("02_parse.pkl.damaged").exists()
    assert any("02_parse.pkl cannot be used" in w and "signature" in w for w in q.ctx.warnings)
    # with no valid checkpoint left, resume refuses
    first = tmp_path / "work" / "checkpoints" / "01_input.pkl"
    raw = bytearray(first.read_bytes())
    raw[-5] ^= 0xFF
    first.write_bytes(bytes(raw))
    with pytest.raises(errors.CheckpointError, match="signature"):
        Pipeline.resume(tmp_path / "work")


def test_a_checkpoint_signed_with_another_key_is_refused(three_scene_doc, tmp_path, monkeypatch):
    make(three_scene_doc, tmp_path).run(until="input")
    monkeypatch.setenv("VIDEOGEN_CHECKPOINT_KEY", "someone else's key, long enough to be a key")
    with pytest.raises(errors.CheckpointError, match="signature"):
        Pipeline.resume(tmp_path / "work")


def test_a_plain_pickle_is_not_a_checkpoint(tmp_path):
    import pickle

    (tmp_path / "w" / "checkpoints").mkdir(parents=True)
    evil = tmp_path / "w" / "checkpoints" / "01_input.pkl"
    evil.write_bytes(pickle.dumps({"not": "ours"}))
    with pytest.raises(errors.CheckpointError, match="not a videogen_nb checkpoint"):
        Pipeline.resume(tmp_path / "w")


def test_resume_of_an_empty_folder_says_so(tmp_path):
    with pytest.raises(errors.CheckpointError, match="no checkpoints"):
        Pipeline.resume(tmp_path)


def test_a_moved_workdir_resumes_with_its_paths_rebased(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    moved = tmp_path / "moved"
    (tmp_path / "work").rename(moved)
    q = Pipeline.resume(moved, progress=None)
    assert q.ctx.audio_dir == moved / "audio"
    assert q.status()["audio"] == "done"
    q.run()
    assert q.video_path.is_file() and moved in q.video_path.parents


def test_a_new_run_in_a_used_workdir_replaces_the_old_runs_checkpoints(three_scene_doc, tmp_path):
    old = make(three_scene_doc, tmp_path, tts="silent")
    old.run()  # six checkpoints, up to seq 6
    new = make(three_scene_doc, tmp_path, tts="silent")
    new.run(until="script")
    files = sorted(f.name for f in (tmp_path / "work" / "checkpoints").iterdir())
    assert files == ["01_input.pkl", "02_parse.pkl", "03_script.pkl"]
    resumed = Pipeline.resume(tmp_path / "work", progress=None)
    assert resumed.ctx.task_id == new.ctx.task_id
    assert resumed.status()["audio"] == "pending"
