"""Tried as a hostile or unlucky user would: names that climb out of folders, two processes on one folder,
a forged key, unwritable folders, exceptions that are not ours, huge inputs, and runs that were killed."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import SMALL, decode_errors
from videogen_nb import Pipeline, SceneConfig, VideoConfig, errors
from videogen_nb.atomic import inside, record_path, temporary_sibling
from videogen_nb.checkpoint import latest_checkpoint, load_checkpoint, read_header, signing_key
from videogen_nb.cli import main
from videogen_nb.ffmpeg import probe
from videogen_nb.worklock import WorkdirLock

CLI = [sys.executable, "-m", "videogen_nb"]


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, **kw)


def spec_with_id(tmp_path: Path, scene_id: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"title: T\nscenes:\n  - kind: text\n    title: A\n    scene_id: {json.dumps(scene_id)}\n    body: [hi]\n")
    return path


# --- 1. names from the document never lead outside their folder ---------------------------------------


@pytest.mark.parametrize("bad", ["../../../../{target}/evil", "a/b", "/abs/name", "UPPER", "with space", "x" * 65, "-dash"])
def test_a_scene_id_that_is_not_a_plain_name_is_refused_with_file_and_line(bad, tmp_path, capsys):
    target = tmp_path / "elsewhere"
    target.mkdir()
    spec = spec_with_id(tmp_path, bad.format(target=str(target).lstrip("/")))
    code = main(["preview", str(spec), "-o", str(tmp_path / "prev")])
    err = capsys.readouterr().err
    assert code == 2 and "s.yaml: line 5:" in err and "scene_id" in err and "lower-case letters, digits and dashes" in err
    assert not list(target.iterdir()) and not (tmp_path / "prev").exists() and not Path("/abs").exists()


def test_scene_ids_are_checked_in_python_too_and_made_ids_stay_valid():
    with pytest.raises(ValidationError, match="lower-case letters, digits and dashes"):
        SceneConfig(kind="text", scene_id="../up")
    scene = SceneConfig(kind="text", scene_id="fine-1")
    with pytest.raises(ValidationError):
        scene.scene_id = "a/b"
    long_id = "a" * 64
    p = Pipeline(
        [SceneConfig(kind="text", scene_id=long_id, body=[f"Paragraph {i} " + "word " * 60 for i in range(12)]),
         SceneConfig(kind="quiz", scene_id="b" * 64, question="Why?", options=["x", "y"], answer="A")],
        workdir=None, tts="silent", progress=None, resolution=SMALL,
    )  # fmt: skip
    p.run(until="parse")
    ids = [s.scene_id for s in p.scenes]
    assert len(ids) > 4 and len(set(ids)) == len(ids)  # pages and the quiz's answer got ids of their own
    assert all(len(i) <= 64 and SceneConfig(kind="text", scene_id=i) for i in ids)


def test_a_video_id_or_file_name_that_leaves_its_folder_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="video_id"):
        VideoConfig(video_id="../x", scenes=[SceneConfig(kind="text", title="A")])
    for bad in ("../x.png", "a/b.png", "", "..", "x" * 300):
        with pytest.raises(errors.UnsafePathError):
            inside(tmp_path, bad)
    assert inside(tmp_path, "01-ok.png") == tmp_path / "01-ok.png"


# --- 2. two processes on one work folder ----------------------------------------------------------


def test_temporary_names_are_unique_per_writer(tmp_path):
    target = tmp_path / "seg.h264"
    names = {temporary_sibling(target) for _ in range(20)}
    assert len(names) == 20 and all(n.parent == tmp_path and n.name.startswith(".seg.h264.") for n in names)


@pytest.mark.slow
def test_a_second_process_waits_for_the_first_or_refuses_at_once(three_scene_doc, tmp_path):
    out = tmp_path / "out"
    workdir = out / ".work"
    holder = WorkdirLock(workdir)
    with holder:  # this test process is "the first run"
        refused = cli("build", str(three_scene_doc), "-o", str(out), "--tts", "silent", "--resolution", "320x180", "--no-wait")
        assert refused.returncode == 2, refused.stderr
        assert f"in use by process {os.getpid()}" in refused.stderr and "Traceback" not in refused.stderr
        waiting = subprocess.Popen([*CLI, "build", str(three_scene_doc), "-o", str(out), "--tts", "silent",
                                    "--resolution", "320x180", "-q"], stderr=subprocess.PIPE, text=True)  # fmt: skip
        first_line = waiting.stderr.readline()
        assert "waiting for it to finish" in first_line and str(workdir) in first_line
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting: nothing was written meanwhile
        assert not (workdir / "checkpoints").exists()
    assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
    assert decode_errors(out / "tiny-talk.mp4") == ""


@pytest.mark.slow
def test_two_builds_on_one_work_folder_both_finish_and_the_video_decodes_cleanly(write_doc, tmp_path):
    doc = write_doc("many.md", "# Many\n\n" + "".join(f"## Part {i}\n\nThe point of part {i} is short.\n\n" for i in range(8)))
    out = tmp_path / "out"
    cmd = [*CLI, "build", str(doc), "-o", str(out), "--resolution", "320x180", "-q"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (out / ".work" / "checkpoints").exists() and first.poll() is None:
        time.sleep(0.02)
    second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [p.communicate(timeout=600) + (p.returncode,) for p in (first, second)]
    assert [r[2] for r in results] == [0, 0], results
    assert "waiting for it to finish" in results[1][1] and "Traceback" not in results[0][1] + results[1][1]
    video = out / "many.mp4"
    assert decode_errors(video) == ""
    assert probe(video, count_frames=True).frames == json.loads((out / "metadata.json").read_text())["frames"]


@pytest.mark.slow
def test_a_truncated_segment_chunk_or_slide_is_made_again_not_reused(three_scene_doc, tmp_path):
    # stills: the largest piece is then an encoded one (a reveal's largest may be a still written without encoding)
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="silent", progress=None, resolution=SMALL, reveal=False)
    p.run()
    video = tmp_path / "w" / "video"
    segment = max((f for f in (video / "segments").glob("*.h264")), key=lambda f: f.stat().st_size)
    chunk = next((video / "narration").glob("*.aac"))
    slide = next((video / "slides").glob("*.png"))
    whole = {f: f.read_bytes() for f in (segment, chunk, slide)}
    for f in (segment, chunk, slide):
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])  # what a killed or racing writer leaves
    p.run_stage("video")
    summary = p.ctx.stage_records["video"].summary
    assert "the sound of 0 scenes" not in summary, summary
    assert segment.read_bytes() == whole[segment] and slide.read_bytes() == whole[slide]  # made again, the same
    assert decode_errors(p.ctx.final_video_path) == ""
    for f in (segment, chunk, slide):
        assert json.loads(record_path(f).read_text())["size"] == f.stat().st_size


@pytest.mark.slow
def test_a_damaged_video_in_the_work_folder_is_made_again_on_resume(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="silent", progress=None, resolution=SMALL)
    p.run(until="video")
    final = p.ctx.final_video_path
    final.write_bytes(final.read_bytes()[:-1000])
    q = Pipeline.resume(tmp_path / "w", progress=None)
    assert q.status()["video"] == "stale" and any("damaged" in w for w in q.ctx.warnings)
    q.run()
    assert decode_errors(q.video_path) == ""


# --- 3. the signing key ---------------------------------------------------------------------------------


def test_an_empty_or_short_key_is_refused_with_where_it_is_and_what_to_do(three_scene_doc, tmp_path, monkeypatch):
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    key = config / "videogen_nb" / "checkpoint.key"
    key.parent.mkdir(parents=True)
    for short in (b"", b"x" * 31):
        key.write_bytes(short)
        with pytest.raises(errors.CheckpointError, match=f"{key}.*{len(short)} bytes.*at least 32.*Delete the file"):
            signing_key()
        with pytest.raises(errors.CheckpointError, match="at least 32"):
            Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="silent", progress=None).run(until="input")
    monkeypatch.setenv("VIDEOGEN_CHECKPOINT_KEY", "short")
    with pytest.raises(errors.CheckpointError, match="VIDEOGEN_CHECKPOINT_KEY is 5 bytes"):
        signing_key()


def _race_for_key(barrier, queue):
    barrier.wait()
    try:
        queue.put(signing_key())
    except Exception as exc:  # a process that could not read a whole key reports it
        queue.put(repr(exc))


@pytest.mark.slow
def test_processes_racing_to_make_the_key_all_get_the_same_whole_key(tmp_path, monkeypatch):
    ctx = multiprocessing.get_context("fork")
    for trial in range(25):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / f"config{trial}"))
        barrier, queue = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_race_for_key, args=(barrier, queue)) for _ in range(4)]
        for p in procs:
            p.start()
        keys = [queue.get(timeout=30) for _ in procs]
        for p in procs:
            p.join()
        assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
        assert (tmp_path / f"config{trial}" / "videogen_nb" / "checkpoint.key").read_bytes() == keys[0]


# --- 4. exit codes and messages ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [False, True])
def test_an_unwritable_output_folder_exits_2_naming_it(three_scene_doc, tmp_path, read_only, quiet):
    out = read_only(tmp_path / "out")
    work = tmp_path / "work"
    proc = cli("build", str(three_scene_doc), "-o", str(out), "--workdir", str(work), "--tts", "silent",
               "--resolution", "320x180", *(["-q"] if quiet else []))  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("videogen: error: cannot write") and str(out) in last and "--resume" in last
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("which", ["work folder", "key folder"])
def test_a_read_only_work_or_key_folder_is_our_error_not_a_traceback(which, three_scene_doc, tmp_path, read_only):
    env = dict(os.environ)
    if which == "key folder":
        env["XDG_CONFIG_HOME"] = str(read_only(tmp_path / "config"))
        work = tmp_path / "work"
    else:
        work = read_only(tmp_path / "work")
    proc = cli("build", str(three_scene_doc), "-o", str(tmp_path / "out"), "--workdir", str(work), "--tts", "silent",
               "--resolution", "320x180", "-q", env=env)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "videogen: error: cannot write" in proc.stderr
    assert (str(tmp_path / "config") if which == "key folder" else str(work)) in proc.stderr


def test_a_build_whose_output_stage_failed_exits_1_and_says_why(three_scene_doc, tmp_path, monkeypatch, capsys):
    from videogen_nb.stages import output

    def broken(*args, **kw):
        raise errors.RenderError("ffmpeg failed while extracting a frame: simulated")

    monkeypatch.setattr(output, "frame_at", broken)
    out = tmp_path / "out"
    code = main(["build", str(three_scene_doc), "-o", str(out), "--tts", "silent", "--resolution", "320x180", "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and err[-1].startswith("videogen: error: the output stage failed:") and "simulated" in err[-1]
    assert "--resume" in err[-1] and not (out / "tiny-talk.mp4").exists()


BAD_KIND = '''
from typing import Literal
from videogen_nb import SceneConfig, scene_kind

@scene_kind
class Broken(SceneConfig):
    kind: Literal["broken"] = "broken"
    continues_fields = ("body",)
    body: list[str] = []

    def slide(self):
        raise RuntimeError("cannot lay this out")
'''


def test_a_failed_preview_does_not_advise_resuming_from_its_deleted_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "badkind.py").write_text(BAD_KIND)
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = tmp_path / "s.yaml"
    spec.write_text("scenes:\n  - kind: broken\n    body: [a, b]\n")
    code = main(["preview", str(spec), "-o", str(tmp_path / "prev"), "--plugin", "badkind"])
    err = capsys.readouterr().err
    assert code == 2 and "preview failed in the parse stage" in err and "cannot lay this out" in err
    assert "resume" not in err.lower()


def test_an_unexpected_error_is_one_line_unless_debug(tmp_path, monkeypatch, capsys, three_scene_doc):
    (tmp_path / "boom.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = ["build", str(three_scene_doc), "-o", str(tmp_path / "out"), "--plugin", "boom"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error: RuntimeError: boom at import" in err and "--debug" in err
    with pytest.raises(RuntimeError, match="boom at import"):
        main([*args, "--debug"])


# --- 5. exceptions that are not ours ------------------------------------------------------------------


def test_an_image_path_longer_than_a_file_name_is_bad_input(write_doc, tmp_path):
    doc = write_doc("long.md", "# T\n\n## A\n\n![x](" + "a" * 300 + ".png)\n")
    with pytest.raises(errors.InputError, match=r"long.md: line 5: the image path .* cannot be a file name"):
        Pipeline(doc, workdir=tmp_path / "w", tts="silent", progress=None).run(until="parse")


@pytest.mark.parametrize("header", [b"[1, 2]", b'"a string"', b"42", b"null"])
def test_a_checkpoint_header_that_is_not_a_mapping_is_a_checkpoint_error(header, tmp_path):
    from videogen_nb.checkpoint import MAGIC

    path = tmp_path / "checkpoints" / "01_input.pkl"
    path.parent.mkdir()
    path.write_bytes(MAGIC + header + b"\nmac\npayload")
    for call in (read_header, load_checkpoint):
        with pytest.raises(errors.CheckpointError, match="header is damaged"):
            call(path)
    assert latest_checkpoint(tmp_path) == path  # still found, as the oldest
    with pytest.raises(errors.CheckpointError, match="header is damaged"):
        Pipeline.resume(tmp_path, progress=None)


# --- 6. long inputs parse in time that grows with their length ----------------------------------------------


def parse_seconds(text: str, tmp_path: Path) -> tuple[float, Pipeline]:
    p = Pipeline(text, workdir=tmp_path / "w", tts="silent", progress=None)
    t0 = time.process_time()
    p.run(until="parse")
    return time.process_time() - t0, p


@pytest.mark.slow
@pytest.mark.parametrize(
    "what, text",
    [
        ("a 5,000-row table", "# T\n\n## Data\n\n| a | b | c |\n|---|---|---|\n"
         + "".join(f"| r{i} | value {i} | x{i * 7} |\n" for i in range(5000))),
        ("2,000 sections", "# T\n\n" + "".join(f"## Section {i}\n\nSome text about point {i}.\n\n" for i in range(2000))),
        ("three 10,000-character words", "# T\n\n## W\n\n" + " ".join("x" * 10000 for _ in range(3)) + "\n"),
    ],
)  # fmt: skip
def test_long_documents_parse_in_under_5_seconds(what, text, tmp_path):
    seconds, p = parse_seconds(text, tmp_path)
    assert seconds < 5, f"{what}: {seconds:.1f} s of CPU"
    assert len(p.scenes) > 10  # split onto slides that fit, not cut


# --- 7. resume after the worst moments ----------------------------------------------------------------------


def test_resume_with_only_a_half_written_first_checkpoint_starts_afresh(three_scene_doc, tmp_path, capsys):
    out = tmp_path / "out"
    half = out / ".work" / "checkpoints" / ".01_input.pkl.k2j3h4.tmp"
    half.parent.mkdir(parents=True)
    half.write_bytes(b"VIDEOGEN-NB-CHECKPOINT\n{\"format\": 2, \"sta")
    code = main(["build", str(three_scene_doc), "-o", str(out), "--resume", "--tts", "silent", "--resolution", "320x180", "-q"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "no complete checkpoint" in err and "starting afresh" in err
    assert not half.exists() and decode_errors(out / "tiny-talk.mp4") == ""


def test_stray_temporary_files_are_removed_and_a_damaged_newest_checkpoint_is_passed_over(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="silent", progress=None, resolution=SMALL)
    p.run()
    work, out = tmp_path / "w", p.ctx.output_dir
    strays = [work / "video" / "segments" / ".abc_16.h264.x1y2z3.tmp", work / "audio" / ".k.wav.q9w8e7.tmp",
              work / "checkpoints" / ".05_video.pkl.r5t6y7.tmp", work / "video" / ".tiny-talk.mp4.u8i9o0.tmp.mp4"]  # fmt: skip
    for s in strays:
        s.write_bytes(b"half")
    newest = latest_checkpoint(work)
    newest.write_bytes(newest.read_bytes()[:200])  # a damaged disk block, say
    q = Pipeline.resume(work, progress=None)
    assert not any(s.exists() for s in strays)
    assert any(f"{newest.name} cannot be used" in w for w in q.ctx.warnings)
    assert q.status()["output"] == "pending" and q.status()["video"] == "done"
    q.run()
    assert decode_errors(q.video_path) == "" and out == q.ctx.output_dir


# --- a full disk --------------------------------------------------------------------------------------------------


def test_a_disk_that_fills_leaves_the_last_complete_output_untouched_and_says_so(write_doc, tmp_path, small_disk, capsys):
    doc = write_doc("talk.md", "# Talk\n\n## One\n\nThe first version of this talk.\n")
    out = small_disk(tmp_path / "out", 512)
    work = tmp_path / "work"  # on another disk: the output stage must copy the video over
    args = ["build", str(doc), "-o", str(out), "--workdir", str(work), "--tts", "silent", "--resolution", "320x180", "-q"]
    assert main(args) == 0
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    filler = out / "filler"
    free = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 40_000))  # room for the small files, not for a video
    # two scenes now: a video of some 34 KB, which with the small files does not fit in the 40 KB left
    doc.write_text("# Talk\n\n## One\n\nThe second version of this talk, with more words to say than before.\n\n"
                   "## Two\n\nA second part, added in the second version, with a slide of its own.\n")  # fmt: skip
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and "no space left on the disk" in err and str(out) in err and "Traceback" not in err
    filler.unlink()
    after = {f.name: f.read_bytes() for f in out.iterdir()}
    assert after == before  # every file of the previous run, byte for byte; no temporary files left
    assert decode_errors(out / "talk.mp4") == ""


@pytest.mark.slow
def test_a_disk_that_fills_under_the_work_folder_stops_with_our_error_then_resumes(three_scene_doc, tmp_path, small_disk, capsys):
    work = small_disk(tmp_path / "work", 160)  # too small for the audio of three scenes and their video
    out = tmp_path / "out"
    args = ["build", str(three_scene_doc), "-o", str(out), "--workdir", str(work), "--resolution", "320x180", "-q"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no space left on the disk" in err and "--resume" in err and "Traceback" not in err
    subprocess.run(["mount", "-o", "remount,size=64m", str(work)], check=True)  # space was freed
    assert main([*args, "--resume"]) == 0
    assert decode_errors(out / "tiny-talk.mp4") == ""


def test_ffmpeg_running_out_of_space_is_a_disk_full_error(tmp_path, small_disk):
    from videogen_nb.ffmpeg import run_ffmpeg

    disk = small_disk(tmp_path / "disk", 32)
    with pytest.raises(errors.DiskFullError, match="no space left on the disk while writing a test clip"):
        # noise does not compress: three seconds of it need far more than 32 KiB
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-vf", "noise=alls=60:allf=t", "-t", "3",
                    "-c:v", "libx264", "-preset", "ultrafast", str(disk / "clip.mp4")], "writing a test clip")  # fmt: skip
