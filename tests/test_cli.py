"""The videogen command: help, a full build, resume after a failure."""

from __future__ import annotations

import pytest

import subprocess
import sys

from videogen_nb.cli import main
from videogen_nb.ffmpeg import probe


@pytest.mark.slow
def test_help_explains_the_command():
    proc = subprocess.run([sys.executable, "-m", "videogen_nb", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "build" in proc.stdout and "narrated" in proc.stdout
    sub = subprocess.run([sys.executable, "-m", "videogen_nb", "build", "--help"], capture_output=True, text=True)
    assert sub.returncode == 0 and "--resume" in sub.stdout and "OUTDIR" in sub.stdout


def test_python_dash_m_videogen_nb_is_the_command(monkeypatch, capsys):
    import runpy

    monkeypatch.setattr(sys, "argv", ["videogen", "preview", "--help"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("videogen_nb", run_name="__main__")
    assert info.value.code == 0 and "contact_sheet.png" in capsys.readouterr().out


@pytest.mark.slow
def test_build_runs_all_stages_and_prints_where_the_video_is(three_scene_doc, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "videogen_nb", "build", str(three_scene_doc), "-o", str(out), "--resolution", "320x180"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    video = out / "tiny-talk.mp4"
    assert f"video: {video}" in proc.stdout
    assert probe(video).video_codec == "h264"
    assert (out / "metadata.json").is_file() and (out / "thumbnail.png").is_file()
    # progress went to stderr, one line per stage when not on a terminal
    for stage in ("input", "parse", "script", "audio", "video", "output"):
        assert f"{stage}" in proc.stderr


def test_a_failed_build_prints_the_resume_command_and_resume_finishes(three_scene_doc, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["build", str(three_scene_doc), "-o", str(out), "--resolution", "320x180", "--lang", "xx-none", "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "stage 'audio' failed" in err and "--resume" in err
    assert (out / ".work" / "checkpoints" / "03_script.pkl").is_file()
    # the language is fixed on the command line; resume picks up from the audio stage
    code = main(["build", str(three_scene_doc), "-o", str(out), "--resume", "--lang", "en", "-q"])
    assert code == 0
    assert (out / "tiny-talk.mp4").is_file()


def test_bad_option_is_one_line_and_exit_2(three_scene_doc, tmp_path, capsys):
    code = main(["build", str(three_scene_doc), "-o", str(tmp_path / "o"), "--resolution", "huge", "-q"])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_build_with_gtts_offline_falls_back_to_espeak_and_writes_subtitles(fake_google, three_scene_doc, tmp_path, capsys):
    import json

    import requests

    fake_google.default = requests.exceptions.ConnectionError("network is unreachable")
    out, cache = tmp_path / "out", tmp_path / "cache"
    code = main([
        "build", str(three_scene_doc), "-o", str(out), "--resolution", "320x180", "-q", "--tts", "gtts",
        "--retries", "0", "--fallback", "espeak", "--cache-dir", str(cache), "--pronounce", "point=spot",
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"subtitles: {out / 'tiny-talk.srt'} {out / 'tiny-talk.vtt'}" in captured.out
    assert "scenes 1, 2, 3 were spoken by espeak (gtts failed)" in captured.err
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["engine"] == "gtts" and [s["engine"] for s in meta["scenes"]] == ["espeak"] * 3
    assert meta["pronunciations"] == {"point": "spot"}
    assert len(list(cache.rglob("*.wav"))) == 3
    assert "point" in (out / "tiny-talk.srt").read_text() and "spot" not in (out / "tiny-talk.srt").read_text()


def test_engine_flags_that_do_not_apply_are_refused(three_scene_doc, tmp_path, capsys):
    code = main(["build", str(three_scene_doc), "-o", str(tmp_path / "o"), "--tts", "gtts", "--rate", "200", "-q"])
    assert code == 2 and "--rate does not apply to --tts gtts" in capsys.readouterr().err
    code = main(["build", str(three_scene_doc), "-o", str(tmp_path / "o"), "--pronounce", "SQL", "-q"])
    assert code == 2 and "WORD=HOW-TO-SAY-IT" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_rate_reaches_espeak_and_survives_resume(three_scene_doc, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(three_scene_doc), "-o", str(out), "--resolution", "320x180", "-q", "--tts", "espeak",
                 "--rate", "300", "--lang", "xx-none"]) == 2  # fmt: skip
    assert main(["build", str(three_scene_doc), "-o", str(out), "--resume", "--lang", "en", "-q"]) == 0
    fast = probe(out / "tiny-talk.mp4").duration
    assert main(["build", str(three_scene_doc), "-o", str(tmp_path / "slow"), "--resolution", "320x180", "-q",
                 "--tts", "espeak", "--rate", "100"]) == 0  # fmt: skip
    assert probe(tmp_path / "slow" / "tiny-talk.mp4").duration > fast + 1.0


def test_a_build_makes_a_quick_look_copy_only_when_asked(three_scene_doc, tmp_path):
    plain, light = tmp_path / "plain", tmp_path / "light"
    args = [str(three_scene_doc), "--resolution", "1280x720", "--tts", "silent", "-q"]
    assert main(["build", *args, "-o", str(plain)]) == 0
    assert not list((plain / ".work" / "video").glob("*.proxy.mp4"))  # the command line delivers the master only
    assert main(["build", *args, "-o", str(light), "--proxy", "180"]) == 0
    (proxy,) = (light / ".work" / "video").glob("*.proxy.mp4")
    assert (probe(proxy).width, probe(proxy).height) == (320, 180)


def test_build_takes_the_picture_options(three_scene_doc, tmp_path):
    from videogen_nb import Pipeline

    out = tmp_path / "out"
    code = main(["build", str(three_scene_doc), "-o", str(out), "--resolution", "320x180", "--tts", "silent",
                 "--transition", "0", "--burn-subtitles", "-q"])  # fmt: skip
    assert code == 0
    settings = Pipeline.resume(out / ".work", progress=None).ctx.settings
    assert settings.transition == 0 and settings.burn_subtitles
    assert list((out / ".work" / "video" / "slides").glob("*-cue*.png"))
