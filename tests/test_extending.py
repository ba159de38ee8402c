"""Extending without editing the package: a scene kind, two stages and a speech engine from a plug-in.

The plug-in (``tests/plugins/videogen_demo_plugin``) is written as a user
would write one; its ``.dist-info`` declares the engine and the kind as entry
points, as an installed package would. Each extension makes a video here and
resumes in a new process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import decode_audio, decode_frame
from videogen_nb import (
    Pipeline,
    SceneConfig,
    Stage,
    TextScene,
    TitleScene,
    VideoConfig,
    default_stages,
    errors,
    scene_kinds,
)
from videogen_nb.render.theme import get_theme

PLUGINS = Path(__file__).parent / "plugins"
SIZE = (640, 360)


@pytest.fixture
def plugin(monkeypatch):
    """The demo plug-in importable (and its entry points visible), as if pip had installed it."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    import videogen_demo_plugin

    return videogen_demo_plugin


def in_new_process(code: str, *, plugin_path: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if plugin_path:
        env["PYTHONPATH"] = os.pathsep.join([str(PLUGINS), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=300
    )


def bar_heights(frame: np.ndarray, colour) -> list[int]:
    """Heights of the bars drawn in ``colour``: runs of that colour at least 8 px tall and 10 px wide."""
    close = np.abs(frame.astype(int) - np.array(colour)).sum(axis=2) < 60
    runs = []
    for col in close.T:
        best = cur = 0
        for v in col:
            cur = cur + 1 if v else 0
            best = max(best, cur)
        runs.append(best)
    bars, group = [], []
    for r in runs + [0]:
        if r >= 8:
            group.append(r)
        elif group:
            if len(group) >= 10:
                bars.append(int(np.median(group)))
            group = []
    return bars


def chart_video(plugin) -> VideoConfig:
    return VideoConfig(
        title="Rainfall",
        scenes=[
            TitleScene(title="Rainfall"),
            plugin.ChartScene(title="Rain by season", values=[1, 3, 2, 5], unit="mm"),
            TextScene(title="So", body=["Winter is the wettest season."]),
        ],
    )


# --- a scene kind --------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_chart_kind_from_a_users_module_is_drawn_as_bars_and_resumes_in_a_new_process(plugin, tmp_path):
    p = Pipeline(chart_video(plugin), workdir=tmp_path / "w", resolution=SIZE, tts="silent", progress=None)
    p.run()
    chart = p.scenes[1]
    assert chart.kind == "chart" and "bar 4 is the tallest" in chart.narration
    t = p.ctx.timing_report.scenes[1]
    accent = get_theme("dark").accent_colour(None)
    heights = bar_heights(decode_frame(p.video_path, (t.start + t.end) / 2 - 0.3, SIZE), accent)
    assert len(heights) == 4, heights
    assert [round(5 * h / heights[3]) for h in heights] == [1, 3, 2, 5]
    meta = json.loads(p.ctx.metadata_path.read_text())
    assert [s["kind"] for s in meta["scenes"]] == ["title", "chart", "text"]

    proc = in_new_process(f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(tmp_path / "w")!r}, progress=None)
        print(type(p.scenes[1]).__module__, p.status()["video"])
        p.scenes[1].values = [4, 2]
        print(p.status()["video"])
        p.run()
        print(p.video_path)
    """)
    assert proc.returncode == 0, proc.stderr
    module, done, stale, video = proc.stdout.split()
    assert (module, done, stale) == ("videogen_demo_plugin", "done", "stale")
    heights = bar_heights(decode_frame(Path(video), (t.start + t.end) / 2 - 0.3, SIZE), accent)
    assert len(heights) == 2 and heights[0] == pytest.approx(2 * heights[1], abs=3)


@pytest.mark.slow
def test_a_chart_kind_works_in_a_spec_from_the_command_line_by_its_entry_point(tmp_path):
    spec = tmp_path / "rain.yaml"
    spec.write_text(yaml.safe_dump({"title": "Rain", "scenes": [{"kind": "chart", "title": "By month", "values": [2, 1]}]}))
    preview = [sys.executable, "-m", "videogen_nb.cli", "preview", str(spec), "--resolution", "640x360", "-o"]
    # installed plug-ins need no flag: the kind is found by its entry point in a process that never imported it
    env = dict(os.environ, PYTHONPATH=str(PLUGINS))
    proc = subprocess.run([*preview, str(tmp_path / "s")], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s" / "02-by-month.png").is_file() and (tmp_path / "s" / "contact_sheet.png").is_file()
    # without the plug-in the kind is unknown: one line naming the file, the line and the way out
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([*preview, str(tmp_path / "t")], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "rain.yaml: line 2" in proc.stderr and "unknown kind 'chart'" in proc.stderr and "@scene_kind" in proc.stderr
    # a module of one's own, not installed, is named with --plugin
    proc = subprocess.run([*preview, str(tmp_path / "u"), "--plugin", "videogen_demo_plugin"], capture_output=True,
                          text=True, env=env, cwd=PLUGINS, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_a_kind_defined_in_a_notebook_cell_must_be_defined_again_before_resume(tmp_path):
    cell = '''
        from typing import Literal
        from videogen_nb import Pipeline, SceneConfig, scene_kind

        @scene_kind
        class Banner(SceneConfig):
            kind: Literal["banner"] = "banner"
            colour: str = "red"
    '''
    made = in_new_process(cell + f"""
        p = Pipeline([Banner(title="Hello")], workdir={str(tmp_path / "w")!r}, tts="silent", progress=None)
        p.run(until="parse")
    """, plugin_path=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    lost = in_new_process(f"""
        from videogen_nb import Pipeline
        Pipeline.resume({str(tmp_path / "w")!r}, progress=None)
    """, plugin_path=False)  # fmt: skip
    assert lost.returncode != 0 and "CheckpointError" in lost.stderr
    assert "'banner' is the class Banner defined in a notebook or script: run the code that defines it" in lost.stderr
    again = in_new_process(cell + f"""
        p = Pipeline.resume({str(tmp_path / "w")!r}, progress=None)
        print(p.scenes[1].colour, p.status()["parse"])
    """, plugin_path=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == ["red", "done"]


def test_an_unregistered_scene_class_is_refused_with_the_way_to_register_it():
    class Loose(SceneConfig):
        note: str = ""

    with pytest.raises(ValueError, match="decorate its class with @scene_kind"):
        VideoConfig(scenes=[Loose(title="x")])
    with pytest.raises(ValueError, match=r"unknown scene kind 'bulets' \(did you mean 'bullets'\?\)"):
        SceneConfig(kind="bulets")
    assert {"title", "bullets", "quiz", "clip"} <= set(scene_kinds())


# --- a stage between script and audio -------------------------------------------------------------


@pytest.mark.slow
def test_a_stage_between_script_and_audio_rewrites_narration_and_resumes_in_a_new_process(plugin, three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="silent", progress=None)
    p.insert_stage(plugin.RewriteNarration({"point": "idea"}), after="script")
    assert [s.name for s in p.stages] == ["input", "parse", "script", "rewrite", "audio", "video", "output"]
    p.run()
    srt = p.subtitle_paths["srt"].read_text()
    assert "idea" in srt and "point" not in srt
    ckpts = sorted(f.name for f in (tmp_path / "w" / "checkpoints").iterdir())
    assert ckpts == ["01_input.pkl", "02_parse.pkl", "03_script.pkl", "04_rewrite.pkl", "05_audio.pkl",
                     "06_video.pkl", "07_output.pkl"]  # fmt: skip
    assert json.loads(p.ctx.metadata_path.read_text())["stages"] == [s.name for s in p.stages]
    assert "rewrite" in repr(p.status())

    proc = in_new_process(f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(tmp_path / "w")!r}, progress=None)
        print(p.status()["rewrite"], p.stage("rewrite").replacements)
        p.edit(1, "A new point to make.")
        st = p.status()
        print(st["rewrite"], st["audio"])
        p.run()
        print(p.scenes[1].narration)
        print(p.ctx.timing_report.synthesized)
    """)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "done {'point': 'idea'}"
    assert lines[1] == "stale stale"
    assert lines[2] == "A new idea to make."
    assert lines[3] == "[1]"


def test_stages_listed_in_any_order_run_in_the_order_their_needs_give(plugin, three_scene_doc, tmp_path):
    stages = [plugin.Poster(), plugin.RewriteNarration({"a": "b"}), *default_stages()]
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", stages=stages, progress=None)
    names = [s.name for s in p.stages]
    assert names.index("script") < names.index("rewrite") < names.index("audio")
    assert names.index("video") < names.index("poster")


def test_a_stage_list_that_cannot_run_fails_when_the_pipeline_is_built(plugin, three_scene_doc, tmp_path):
    class Typo(Stage):
        name = "typo"
        requires = ("narattion",)

        def run(self, ctx, services):
            return ""

    with pytest.raises(errors.StageGraphError, match=r"requires 'narattion' \(did you mean 'narration'\?\)"):
        Pipeline(three_scene_doc, workdir=tmp_path / "w", stages=[*default_stages(), Typo()], progress=None)
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", progress=None)
    with pytest.raises(errors.StageGraphError, match=r"no stage 'scirpt' \(did you mean 'script'\?\)"):
        p.insert_stage(plugin.RewriteNarration({}), after="scirpt")
    with pytest.raises(errors.StageGraphError, match="cannot run before 'script'"):
        p.insert_stage(plugin.RewriteNarration({}), before="script")
    with pytest.raises(errors.StageGraphError, match="two stages are called 'audio'"):
        Pipeline(three_scene_doc, workdir=tmp_path / "w", stages=[*default_stages(), default_stages()[3]])

    class Chicken(Stage):
        name, requires, provides = "chicken", ("egg",), ("hen",)

        def run(self, ctx, services):
            return ""

    class Egg(Stage):
        name, requires, provides = "egg", ("hen",), ("egg",)

        def run(self, ctx, services):
            return ""

    with pytest.raises(errors.StageGraphError, match="each wait for another"):
        Pipeline(three_scene_doc, workdir=tmp_path / "w", stages=[*default_stages(), Chicken(), Egg()])


# --- a stage after video --------------------------------------------------------------------------


def test_a_stage_after_video_keeps_a_typed_artifact_that_checkpoints_and_staleness_follow(plugin, three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="silent", progress=None)
    p.insert_stage(plugin.Poster(), after="video")
    p.run()
    poster = p.artifacts["poster"]
    assert isinstance(poster, Path) and poster.is_file() and poster.stat().st_size > 1000
    assert p.status()["poster"] == "done" and "poster.png from scene 2" in repr(p.status())
    poster.unlink()
    assert p.status()["poster"] == "stale"  # what it made is missing
    p.run()
    assert poster.is_file()

    moved = tmp_path / "moved"
    (tmp_path / "w").rename(moved)
    proc = in_new_process(f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(moved)!r}, progress=None)
        print(p.artifacts["poster"], p.status()["poster"])
        p.edit(1, "Changed words for the second scene.")
        p.run()
        print(p.status()["poster"], p.artifacts["poster"].stat().st_mtime_ns)
    """)
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.strip().splitlines()
    assert first == f"{moved / 'poster.png'} done"  # the path moved with the work folder
    assert second.split()[0] == "done"


class Liar(Stage):
    name, requires, provides = "liar", ("final_video_path",), ("report",)
    artifact_types = {"report": Path}

    def run(self, ctx, services):
        ctx.artifacts["report"] = 42
        return "made a report"


class Forgetful(Stage):
    name, requires, provides = "forgetful", ("final_video_path",), ("summary",)

    def run(self, ctx, services):
        return "done"


def test_a_stage_that_breaks_its_promise_fails_with_what_it_promised(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="silent", progress=None)
    p.insert_stage(Liar(), after="video")
    with pytest.raises(errors.StageFailedError, match=r"put a int in ctx.artifacts\['report'\], declared as Path"):
        p.run()
    q = Pipeline(three_scene_doc, workdir=tmp_path / "q", tts="silent", progress=None, resolution=(320, 180))
    q.insert_stage(Forgetful(), after="video")
    with pytest.raises(errors.StageFailedError, match=r"did not put it in ctx.artifacts\['summary'\]"):
        q.run(until="forgetful")


def test_a_stage_no_checkpoint_could_keep_is_refused_before_anything_runs(three_scene_doc, tmp_path):
    class Local(Stage):
        name, requires, provides = "local", ("final_video_path",), ("x",)

        def run(self, ctx, services):
            return ""

    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", progress=None)
    with pytest.raises(errors.CheckpointError, match="'local' cannot be kept in a checkpoint.*not inside a function"):
        p.insert_stage(Local(), after="video")
    assert "local" not in [s.name for s in p.stages] and not (tmp_path / "w").exists()


# --- a speech engine by entry point ----------------------------------------------------------------


def peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


@pytest.mark.slow
def test_an_engine_from_an_entry_point_speaks_from_the_command_line_and_resumes(three_scene_doc, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(PLUGINS))
    build = [sys.executable, "-m", "videogen_nb.cli", "build", str(three_scene_doc), "-o", str(out), "-q",
             "--resolution", "320x180", "--tts", "beep", "--pitch", "880"]  # fmt: skip
    proc = subprocess.run(build, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["engine"] == "beep" and {s["engine"] for s in meta["scenes"]} == {"beep"}
    audio = decode_audio(out / "tiny-talk.mp4")
    t = meta["scenes"][1]["audio_start"] + 0.05
    assert peak_frequency(audio[int(t * 16000) : int((t + 0.1) * 16000)], 16000) == pytest.approx(880, abs=20)
    # a flag the engine does not have is refused, naming the engine
    proc = subprocess.run([*build[:-2], "--rate", "200"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and "--rate does not apply to --tts beep" in proc.stderr

    proc = in_new_process(f"""
        from videogen_nb import Pipeline
        p = Pipeline.resume({str(out / ".work")!r}, progress=None)
        print(p.engine.name, p.engine.pitch, p.status()["audio"])
        p.edit(2, "Beep beep.")
        p.run()
        print(p.ctx.timing_report.synthesized, p.ctx.timing_report.scenes[2].engine)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["beep", "880.0", "done", "[2]", "beep"]


def test_an_engine_plugin_missing_on_resume_says_which_engine_to_install(three_scene_doc, tmp_path, plugin):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", tts="beep", tts_options={"pitch": 300}, progress=None)
    p.run(until="audio")
    assert p.ctx.timing_report.engine == "beep"
    proc = in_new_process(f"""
        from videogen_nb import Pipeline
        Pipeline.resume({str(tmp_path / "w")!r}, progress=None)
    """, plugin_path=False)  # fmt: skip
    assert proc.returncode != 0 and "custom speech engine 'beep'" in proc.stderr
    with pytest.raises(ValueError, match="beep option pitch=5 is out of range"):
        Pipeline(three_scene_doc, workdir=tmp_path / "x", tts="beep", tts_options={"pitch": 5})


def test_the_seed_api_runs_and_records_the_real_stage_list(plugin, three_scene_doc, tmp_path):
    from videogen_nb import InputConfig, create_complete_pipeline

    pipeline = create_complete_pipeline(tmp_path / "tasks", stages=[*default_stages(), plugin.Poster()],
                                        resolution=(320, 180), tts="silent")  # fmt: skip
    assert pipeline.stages == ["input", "parse", "script", "audio", "video", "output", "poster"]
    result = pipeline.execute_sync(InputConfig(input_type="document", source=str(three_scene_doc)), task_id="t")
    assert result.success, result.errors
    state = pipeline.get_status("t")
    assert state.get_completed_stages() == pipeline.stages and state.overall_progress == 1.0
    assert (tmp_path / "tasks" / "t" / "checkpoints" / "07_poster.pkl").is_file()
    assert (tmp_path / "tasks" / "t" / "poster.png").is_file()
