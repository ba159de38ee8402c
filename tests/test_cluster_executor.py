"""Per-scene work of one document on a Dask cluster: ``Pipeline(executor=client.get_executor())``.

Speech, slides, segments and the narration track are sent to the worker processes of a
LocalCluster; the video must be the one a single-machine run makes, frame for frame.

The single-machine run reads the speech the cluster made from the shared cache: libespeak-ng
keeps wave-generator state across calls in a process, so the same text spoken twice differs by
a few samples even on one machine; with the same clips, everything else must be identical.
"""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from conftest import SMALL
from videogen_nb import Pipeline
from videogen_nb.ffmpeg import ffmpeg_exe, probe
from videogen_nb.stages.audio import engine_lock
from videogen_nb.tts import EspeakEngine

DOC = """
# Rivers and Seas

## Where rivers begin

Rivers begin as rain and melting snow high in the hills.

## What they carry

- sand and silt
- fresh water
- seeds and fish

## Where they end

Most rivers end in the sea, where the fresh water meets the salt.
"""


def decoded_md5(video, stream: str) -> str:
    """MD5 of the decoded video (``v``) or audio (``a``) stream: equal only if every frame or sample is."""
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", f"0:{stream}:0", "-f", "md5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return out.strip()


def timeline(p: Pipeline) -> list[tuple]:
    return [(t.scene_id, t.start_frame, t.end_frame, t.audio_start, t.audio_hash) for t in p.ctx.timing_report.scenes]


def encoded(p: Pipeline) -> tuple[int, int]:
    """(frames encoded, scenes whose sound was encoded) by the last video stage run."""
    summary = p.ctx.stage_records["video"].summary
    frames = int(re.search(r"encoded (\d+) frames", summary).group(1))
    sounds = int(re.search(r"the sound of (\d+) scene", summary).group(1))
    return frames, sounds


def build(doc, workdir, executor=None, **kw) -> Pipeline:
    p = Pipeline(doc, workdir, resolution=SMALL, burn_subtitles=True, executor=executor, progress=None, **kw)
    p.run()
    return p


@pytest.mark.slow
def test_per_scene_work_runs_on_the_cluster_and_gives_the_local_video(dask_client, write_doc, tmp_path):
    from distributed import get_task_stream
    from dask.utils import key_split

    doc = write_doc("rivers.md", DOC)
    with get_task_stream(dask_client) as stream:
        remote = build(doc, tmp_path / "remote", dask_client.get_executor(), cache_dir=tmp_path / "cache")
    local = build(doc, tmp_path / "local", cache_dir=tmp_path / "cache")

    # speech, slides, scene segments and the narration track ran in the workers, not here
    ran = {key_split(t["key"]) for t in stream.data}
    assert {"make", "draw_scenes", "encode_scene", "build_narration"} <= ran
    workers = set(dask_client.run(os.getpid).values())
    assert os.getpid() not in workers and len(workers) == 2
    assert remote.ctx.timing_report.synthesized == list(range(len(remote.scenes)))  # spoken in the workers
    assert local.ctx.timing_report.from_cache == list(range(len(local.scenes)))  # into the cache this process reads

    # the same video: scene timings, frame count, every decoded frame and sample
    assert timeline(remote) == timeline(local)
    frames = local.ctx.timing_report.total_frames
    assert probe(remote.video_path, count_frames=True).frames == probe(local.video_path, count_frames=True).frames == frames
    assert decoded_md5(remote.video_path, "v") == decoded_md5(local.video_path, "v")
    assert decoded_md5(remote.video_path, "a") == decoded_md5(local.video_path, "a")
    assert encoded(remote) == encoded(local)

    # the work done in other processes is counted here: after one edit, one scene is made again on both
    for p in (remote, local):  # the cluster first: it speaks the new narration
        p.edit(1, "This narration was edited, so this scene alone is spoken and its sound encoded again.")
        p.run()
    assert encoded(remote) == encoded(local) and encoded(remote)[1] == 1
    assert remote.ctx.timing_report.synthesized == [1] and local.ctx.timing_report.from_cache == [1]
    assert timeline(remote) == timeline(local)
    assert decoded_md5(remote.video_path, "v") == decoded_md5(local.video_path, "v")


@pytest.mark.slow
def test_a_process_pool_works_too(write_doc, tmp_path):
    """What the stages send pickles with the standard pickle as well: any Executor will do."""
    doc = write_doc("rivers.md", DOC)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        remote = build(doc, tmp_path / "pool", pool)
    local = build(doc, tmp_path / "local")
    assert timeline(remote) == timeline(local)
    assert decoded_md5(remote.video_path, "v") == decoded_md5(local.video_path, "v")


def test_an_engine_that_is_not_thread_safe_is_locked_per_class_and_process():
    # copies of an engine (each task on a Dask worker unpickles its own) share the lock of their class
    a, b = EspeakEngine(), EspeakEngine(rate=200)
    assert engine_lock(a) is engine_lock(b)
