"""Errors in a notebook: one short block (what, where, what to do), the full traceback on request,
and every call an error suggests is a valid call that fixes it."""

from __future__ import annotations

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from conftest import SMALL
from videogen_nb import Pipeline, SceneConfig, Stage, default_stages, errors, show_traceback
from videogen_nb.events import EventBus
from videogen_nb.notebook import WidgetProgress


def make(doc, tmp_path, **kw) -> Pipeline:
    kw.setdefault("resolution", SMALL)
    kw.setdefault("tts", "silent")
    return Pipeline(doc, workdir=tmp_path / "work", progress=None, **kw)


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    yield sh
    InteractiveShell.clear_instance()


def run_cell(shell, code: str, capsys) -> str:
    shell.run_cell(code)
    out = capsys.readouterr()
    return re.sub(r"\x1b\[[0-9;]*m", "", out.out + out.err)  # without colours


def test_a_stage_called_too_early_is_a_short_block_not_a_traceback(shell, three_scene_doc, tmp_path, capsys):
    shell.user_ns["p"] = make(three_scene_doc, tmp_path)
    text = run_cell(shell, "p.audio()", capsys)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= 5, text
    assert "Traceback" not in text and "pipeline.py" not in text
    assert "StageOrderError" in text and "cannot run 'audio': stage 'input' has not run" in text
    assert "to do" in text and "p.input()" in text and "p.run(until='audio')" in text
    assert "videogen_nb.show_traceback()" in text


def test_a_missing_file_says_what_where_and_what_to_do(shell, tmp_path, capsys):
    shell.user_ns["p"] = Pipeline(tmp_path / "nowhere.md", workdir=tmp_path / "w", progress=None)
    text = run_cell(shell, "p.input()", capsys)
    assert "Traceback" not in text and len(text.strip().splitlines()) <= 5, text
    assert "DocumentNotFoundError: no such file" in text
    assert f"where: {tmp_path / 'nowhere.md'}" in text and "to do: Check the path" in text


def test_the_full_traceback_on_request(shell, three_scene_doc, tmp_path, capsys):
    shell.user_ns["p"] = make(three_scene_doc, tmp_path)
    run_cell(shell, "p.audio()", capsys)
    text = run_cell(shell, "import videogen_nb; videogen_nb.show_traceback()", capsys)
    assert "pipeline.py" in text and "_check_ready" in text and "StageOrderError" in text


def test_show_traceback_outside_ipython(capsys):
    try:
        raise errors.StageOrderError("audio", "script")
    except errors.StageOrderError as exc:
        show_traceback(exc)
    assert "Traceback" in capsys.readouterr().err


class Interrupting(Stage):
    """A stage the user stops with Ctrl-C half-way."""

    name, requires, provides = "slow", ("narration",), ("slow_thing",)

    def run(self, ctx, services):
        services.events.progress(self.name, 1, 3, "scene 1")
        raise KeyboardInterrupt


def test_an_interrupt_is_still_a_keyboard_interrupt_but_says_what_happened(three_scene_doc, tmp_path, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda w: None)
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution=SMALL,
                 stages=[*default_stages(), Interrupting()])  # fmt: skip
    bar = WidgetProgress()
    p.events.subscribe(bar)
    p.run(until="script")
    with pytest.raises(KeyboardInterrupt) as info:
        p.run_stage("slow")
    exc = info.value
    assert isinstance(exc, errors.StageInterrupted)
    assert "stage 'slow' was interrupted" in str(exc) and "p.run()" in str(exc)
    assert p.ctx.stage_records["slow"].error.startswith("interrupted")
    assert bar._label.value == "failed: interrupted (Ctrl-C or the stop button)"
    block = "\n".join(exc._render_traceback_())
    assert "StageInterrupted" in block and "Traceback" not in block


class Poster(Stage):
    """A stage of the user's own: it has no method of its own on the pipeline."""

    name, requires, provides = "poster", ("narration",), ("poster",)
    artifact_types = {"poster": str}

    def run(self, ctx, services):
        ctx.artifacts["poster"] = "made"
        return "poster"


def _attempts(p: Pipeline):
    """Everything a user may ask of a fresh pipeline too early, as (what is tried, how)."""
    return [
        ("p.parse()", lambda: p.parse()),
        ("p.script()", lambda: p.script()),
        ("p.audio()", lambda: p.audio()),
        ("p.video()", lambda: p.video()),
        ("p.output()", lambda: p.output()),
        ("p.scenes", lambda: p.scenes),
        ("p.timing_chart()", lambda: p.timing_chart()),
        ("p.subtitle_cues()", lambda: p.subtitle_cues()),
        ("p.save()", lambda: p.save()),
        ("p.slide(0)", lambda: p.slide(0)),
        ("p.edit(0, narration='x')", lambda: p.edit(0, narration="x")),
        ("p.revert(0)", lambda: p.revert(0)),
        ("p.run_stage('poster')", lambda: p.run_stage("poster")),
    ]


# video and output need the whole pipeline run first: slow
@pytest.mark.parametrize("index", [pytest.param(i, marks=pytest.mark.slow) if i in (3, 4) else i for i in range(13)])
def test_every_call_an_error_suggests_is_valid_and_fixes_it(three_scene_doc, tmp_path, index):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution=SMALL,
                 transition=0, stages=[*default_stages(), Poster()])  # fmt: skip
    label, attempt = _attempts(p)[index]
    with pytest.raises(errors.StageOrderError) as info:
        attempt()
    exc = info.value
    assert exc.calls, label
    for call in exc.calls:
        assert call in str(exc)
        fresh = Pipeline(three_scene_doc, workdir=tmp_path / f"w{exc.calls.index(call)}", progress=None, tts="silent",
                         resolution=SMALL, transition=0, stages=[*default_stages(), Poster()])  # fmt: skip
        eval(call, {"p": fresh})  # each suggestion alone is valid Python on the pipeline
    for call in exc.calls[:1]:
        eval(call, {"p": p})
    if len(exc.calls) > 1:
        eval(exc.calls[-1], {"p": p})  # the "run everything up to it" suggestion
    attempt()  # and after it, what was asked works


def test_a_scene_added_after_script_asks_for_script_again(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    p.scenes.append(SceneConfig(kind="text", scene_id="extra", title="Added late", body=["More."]))
    with pytest.raises(errors.StageOrderError) as info:
        p.audio()
    assert info.value.calls == ["p.script()", "p.run(until='audio')"]
    eval(info.value.calls[0], {"p": p})
    p.audio()
    assert p.status()["audio"] == "done" and p.scenes[-1].narration


class Broken(Stage):
    """A stage of the user's own that fails."""

    name, requires, provides = "broken", ("narration",), ("nothing",)

    def run(self, ctx, services):
        raise RuntimeError("the poster printer is out of ink")


def test_a_failed_stage_suggests_a_resume_that_works(shell, three_scene_doc, tmp_path, capsys):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution=SMALL,
                 stages=[*default_stages(), Broken()])  # fmt: skip
    p.run(until="script")
    shell.user_ns["p"] = p
    text = run_cell(shell, "p.run_stage('broken')", capsys)
    assert "Traceback" not in text and len(text.strip().splitlines()) <= 6, text
    assert "StageFailedError: stage 'broken' failed: RuntimeError: the poster printer is out of ink" in text
    assert f"where: {p.workdir}" in text and "Pipeline.resume(" in text
    exc = shell.user_ns.get("_exc", None) or __import__("sys").last_value
    resumed = eval(exc.python_resume.removesuffix(".run()"), {"Pipeline": Pipeline})
    assert isinstance(resumed, Pipeline) and resumed.status()["script"] == "done"


def test_progress_bars_ignore_edit_events():
    bus = EventBus()
    seen = []
    bar = WidgetProgress()
    bar.show = lambda task, started: seen.append(task)
    bus.subscribe(bar)
    bus.changed("edit", "narration", 2)
    assert seen == [] and bar.state.stages == {}
