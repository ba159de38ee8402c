"""The typed context and models: validation on assignment, readable reprs."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from videogen_nb import InputConfig, SceneConfig, VideoConfig
from videogen_nb.models import PipelineContext, PipelineSettings, parse_resolution


def make_ctx(tmp_path) -> PipelineContext:
    return PipelineContext(task_id="t", workdir=tmp_path, input_config=InputConfig(source="x.md"))


def test_context_keeps_the_seed_field_names(tmp_path):
    ctx = make_ctx(tmp_path)
    for name in ("input_config", "video_config", "input_metadata", "audio_dir", "timing_report",
                 "final_video_path", "video_dir", "output_dir", "metadata_path", "thumbnail_path"):  # fmt: skip
        assert hasattr(ctx, name), name


@pytest.mark.parametrize(
    "field, value",
    [("audio_dir", 5), ("timing_report", "long"), ("input_metadata", [1, 2]), ("final_video_path", 3.5)],
)
def test_assigning_a_wrong_type_to_the_context_raises(tmp_path, field, value):
    ctx = make_ctx(tmp_path)
    with pytest.raises(ValidationError):
        setattr(ctx, field, value)


def test_assigning_the_right_type_is_accepted_and_coerced(tmp_path):
    ctx = make_ctx(tmp_path)
    ctx.audio_dir = str(tmp_path / "a")
    assert ctx.audio_dir == tmp_path / "a" and isinstance(ctx.audio_dir, Path)


def test_scene_fields_validate_on_assignment():
    scene = SceneConfig(kind="text", title="T", body=["p"], items=["i"], narration="n")
    with pytest.raises(ValidationError):
        scene.narration = 42
    with pytest.raises(ValidationError):
        scene.kind = "hologram"
    scene.narration = "new words"
    assert scene.narration == "new words"


def test_video_config_rejects_unknown_fields():
    with pytest.raises(ValidationError):
        VideoConfig(title="x", colour="red")


@pytest.mark.parametrize(
    "value, expected",
    [("1080p", (1920, 1080)), ("720p", (1280, 720)), ("vertical", (1080, 1920)), ("640x360", (640, 360)), ((320, 180), (320, 180))],
)
def test_resolutions(value, expected):
    assert parse_resolution(value) == expected


@pytest.mark.parametrize("value", ["4k-ish", (321, 180), (10, 10)])
def test_bad_resolutions_say_what_is_allowed(value):
    with pytest.raises(ValueError):
        parse_resolution(value)


def test_settings_reject_impossible_frame_rates():
    with pytest.raises(ValidationError):
        PipelineSettings(fps=0)


def test_reprs_are_short_and_readable():
    s = SceneConfig(scene_id="02-x", kind="text", title="Results", narration="A" * 200)
    assert repr(s).startswith("<text scene 02-x 'Results'")
    assert len(repr(s)) < 120
    assert "input_type='document'" in repr(InputConfig(source="doc.md"))
