"""Edits through the Pipeline's public API: narration, a slide's title and text, revert, undo, what changed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from conftest import SMALL
from videogen_nb import Item, Pipeline
from videogen_nb.edits import field_text, parse_field_text, text_fields


@pytest.fixture
def p(three_scene_doc, tmp_path) -> Pipeline:
    p = Pipeline(three_scene_doc, workdir=tmp_path / "work", progress=None, tts="silent", resolution=SMALL)
    p.run(until="audio")
    return p


def test_editing_narration_makes_audio_stale_and_is_undone(p):
    before = p.scenes[1].narration
    events = []
    p.events.subscribe(events.append)
    p.edit(1, narration="A new narration.")
    assert p.scenes[1].narration == "A new narration." and p.status()["audio"] == "stale"
    assert p.changed_scenes() == {"narration": [1], "slide": []}
    assert [(e.type, e.stage, e.done) for e in events] == [("changed", "edit", 1)]
    edit = p.undo()
    assert edit.changes == {"narration": (before, "A new narration.")}
    assert p.scenes[1].narration == before and p.status()["audio"] == "done"
    assert p.changed_scenes() == {"narration": [], "slide": []}
    assert p.undo() is None


def test_a_slides_title_and_text_change_the_slide_not_the_audio(p):
    p.run()
    p.edit(2, title="Two things", items="first thing\n  a detail\n3. third thing")
    scene = p.scenes[2]
    assert scene.title == "Two things"
    assert scene.items == [Item(text="first thing"), Item(text="a detail", level=1), Item(text="third thing", number=3)]
    status = p.status()
    assert status["audio"] == "done" and status["video"] == "stale"
    assert p.changed_scenes() == {"narration": [], "slide": [2]}
    assert p.slide_text(2)["items"] == "first thing\n  a detail\n3. third thing"
    assert "Two things" in repr(p.edits)
    p.undo()
    assert p.status()["video"] == "done" and p.scenes[2].title != "Two things"


def test_lists_and_paragraphs_may_be_given_as_lists_too(p):
    p.edit(1, body=["One paragraph.", "Another."])
    assert p.slide_text(1)["body"] == "One paragraph.\nAnother."


def test_revert_puts_the_template_back_and_is_undoable(p):
    template = p.template_narration(1)
    p.edit(1, narration="Something else entirely.")
    p.revert(1)
    assert p.scenes[1].narration == template
    assert [e.what for e in p.edits.edits] == ["edit", "revert"]
    p.undo()
    assert p.scenes[1].narration == "Something else entirely."


def test_typing_is_one_edit_until_something_else_happens(p):
    original = p.scenes[1].narration
    for text in ("A", "A n", "A new one"):
        p.edit(1, narration=text)
    assert len(p.edits) == 1
    p.audio()  # a stage ran: the next keystrokes are a new edit
    p.edit(1, narration="A new one, longer")
    assert len(p.edits) == 2
    p.undo()
    p.undo()
    assert p.scenes[1].narration == original


def test_bad_edits_change_nothing(p):
    with pytest.raises(ValueError, match="has no field 'colour'.*narration, title, body, items"):
        p.edit(1, colour="red")
    with pytest.raises(ValidationError):
        p.edit(1, accent="not-a-colour")
    assert p.scenes[1].accent is None and len(p.edits) == 0
    with pytest.raises(ValueError, match="has no field 'kind'"):
        p.edit(1, kind="quiz")


def test_the_text_forms_of_fields_round_trip(p):
    scene = p.scenes[2]
    assert text_fields(scene) == ["body", "items"]
    text = "1. one\n  nested\n\nplain"
    value = parse_field_text(scene, "items", text)
    assert [(i.text, i.level, i.number) for i in value] == [("one", 0, 1), ("nested", 1, None), ("plain", 0, None)]
    scene.items = value
    assert field_text(scene, "items") == "1. one\n  nested\nplain"
    with pytest.raises(ValueError, match="cannot be edited as text"):
        parse_field_text(scene, "accent", "x")


def test_resynthesize_and_render_are_the_buttons_calls(p):
    p.resynthesize(0)
    assert p.ctx.timing_report.synthesized == [0]
    p.render()
    assert all(state == "done" for state in p.status().values())
