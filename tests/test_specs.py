"""YAML and JSON scene specs and Python objects: the teaching kinds, validation, errors with file and line."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from videogen_nb import InputConfig, Pipeline, SceneConfig, VideoConfig, errors
from videogen_nb.cli import main
from videogen_nb import CodeComparisonScene, QuizScene, scene_kinds

SPEC = """
title: Loops in Python
theme: light
accent: purple
scenes:
  - kind: learning_objectives
    title: What you will learn
    items: [write a for loop, read a while loop]
  - kind: problem
    title: Sum a list
    difficulty: easy
    body: [Add up the numbers in a list.]
  - kind: solution
    title: One way
    body: [Use a loop with a running total.]
    language: python
    code: |
      def total(xs):
          t = 0
          for x in xs:
              t += x
          return t
  - kind: code_comparison
    title: Shorter
    language: python
    before: "t = 0\\nfor x in xs:\\n    t += x"
    after: "t = sum(xs)"
  - kind: quiz
    title: Check
    question: What does range(3) give?
    options: ["1, 2, 3", "0, 1, 2", "0, 1, 2, 3"]
    answer: B
    explanation: range starts at zero and stops before three.
  - kind: checkpoint
    title: Where we are
    items: [for loops, while loops]
    review: ["When would you use while?"]
    next: [list comprehensions]
  - kind: exercise
    title: Your turn
    difficulty: medium
    minutes: 10
    body: [Write a function that counts vowels.]
    items: [loop over the letters, count the vowels]
"""


def run_spec(path, tmp_path, **kw) -> Pipeline:
    p = Pipeline(path, workdir=tmp_path / "work", progress=None, tts="silent", resolution=(640, 360), **kw)
    p.run(until="script")
    return p


def test_a_yaml_spec_gives_every_teaching_kind(write_doc, tmp_path):
    p = run_spec(write_doc("loops.yaml", SPEC), tmp_path)
    kinds = [s.kind for s in p.scenes]
    assert kinds == ["title", "learning_objectives", "problem", "solution", "code_comparison", "quiz", "quiz", "checkpoint", "exercise"]
    vc = p.ctx.video_config
    assert (vc.title, vc.theme, vc.accent) == ("Loops in Python", "light", "purple")
    assert all(s.accent == "purple" for s in p.scenes)
    assert p.scenes[2].difficulty == "easy" and "def total" in p.scenes[3].code
    for s in p.scenes:
        assert s.narration and s.narration.strip()
        assert "def total" not in s.narration and "sum(xs)" not in s.narration


def test_a_quiz_shows_its_options_then_reveals_the_answer_after_asking(write_doc, tmp_path):
    p = run_spec(write_doc("loops.yaml", SPEC), tmp_path)
    ask, reveal = (s for s in p.scenes if isinstance(s, QuizScene))
    assert (ask.reveal, reveal.reveal, ask.answer) == (False, True, 1)
    assert (ask.scene_id, reveal.scene_id) == ("06-check", "07-check-answer")
    assert "What does range(3) give?" in ask.narration and "A: 1, 2, 3" in ask.narration
    assert "answer is B: 0, 1, 2" not in ask.narration  # the question does not give the answer away
    assert reveal.narration.startswith("The answer is B: 0, 1, 2.") and "stops before three" in reveal.narration
    i = p.scenes.index(ask)
    assert p.slide(i).image.tobytes() != p.slide(i + 1).image.tobytes()  # the answer is marked on the second slide


def test_teaching_kind_narration_reads_well(write_doc, tmp_path):
    p = run_spec(write_doc("loops.yaml", SPEC), tmp_path)
    by_kind = {s.kind: s.narration for s in p.scenes}
    assert "By the end, you will be able to: write a for loop." in by_kind["learning_objectives"]
    assert "Here is a problem of easy difficulty." in by_kind["problem"]
    assert "the function total" in by_kind["solution"]
    assert "Compare two versions of this Python code: Before, then After." in by_kind["code_comparison"]
    assert "So far we covered for loops and while loops." in by_kind["checkpoint"]
    assert "About 10 minutes" in by_kind["exercise"].replace("about", "About") and "Step 1: loop over the letters." in by_kind["exercise"]


def test_a_json_spec_and_a_bare_list_of_scenes_work_too(write_doc, tmp_path):
    data = [
        {"kind": "title", "title": "Café"},
        {"kind": "bullets", "title": "Nested", "items": ["a", ["a1", "a2"], "b"], "narration": "My own words."},
    ]
    p = run_spec(write_doc("cafe.json", json.dumps(data, ensure_ascii=False, indent="\t")), tmp_path)
    assert [s.title for s in p.scenes] == ["Café", "Nested"]
    assert [(i.text, i.level) for i in p.scenes[1].items] == [("a", 0), ("a1", 1), ("a2", 1), ("b", 0)]
    assert p.scenes[1].narration == "My own words."


def test_python_objects_are_input_too(tmp_path):
    video = VideoConfig(
        title="Objects",
        scenes=[
            SceneConfig(kind="title", title="Objects"),
            {"kind": "quote", "quote": ["Less is more."], "attribution": "Mies"},
            CodeComparisonScene(title="Tidy", before="a=1", after="a = 1", language="python"),
        ],
    )
    assert type(video.scenes[1]).__name__ == "QuoteScene"
    p = Pipeline(video, workdir=tmp_path / "w", progress=None, tts="silent", resolution=(320, 180))
    p.run(until="script")
    assert [s.kind for s in p.scenes] == ["title", "quote", "code_comparison"]
    assert "As Mies put it: Less is more." in p.scenes[1].narration
    p2 = Pipeline([SceneConfig(kind="text", title="Solo", body=["Only one scene."])], workdir=tmp_path / "w2", progress=None)
    p2.run(until="parse")
    assert [s.kind for s in p2.scenes] == ["title", "text"]  # a title scene is added when there is none


def test_scene_config_builds_the_subclass_of_its_kind_and_checks_fields():
    quiz = SceneConfig(kind="quiz", question="2 + 2?", options=["3", "4"], answer="4")
    assert isinstance(quiz, QuizScene) and quiz.answer == 1
    with pytest.raises(ValidationError):
        SceneConfig(kind="quiz", question="?", options=["only one"], answer=0)
    with pytest.raises(ValidationError):
        SceneConfig(kind="hologram", title="x")
    with pytest.raises(ValidationError):
        SceneConfig(kind="text", title="x", code="not a text field")


@pytest.mark.parametrize(
    "name, text, line, words",
    [
        ("broken.yaml", "title: T\nscenes:\n  - kind: text\n    body: [unclosed\n  - kind: text\n", 5, "not valid YAML"),
        ("unknown.yaml", "title: T\nscenes:\n  - kind: text\n    title: ok\n  - kind: hologram\n    title: no\n", 5, "unknown kind 'hologram'"),
        ("missing.yaml", "scenes:\n  - kind: text\n  - kind: quiz\n    question: Why?\n    options: [a, b]\n", 3, "answer"),
        ("bad.json", '{\n  "scenes": [\n    {"kind": "text",}\n  ]\n}\n', 3, "not valid JSON"),
        ("kind.json", '{"scenes": [\n  {"kind": "text"},\n  {"kind": "video"}\n]}\n', 3, "unknown kind 'video'"),
        ("top.yaml", "title: T\ncolour: red\nscenes:\n  - kind: text\n", 2, "unknown field 'colour'"),
    ],
)
def test_bad_specs_name_the_file_and_line(write_doc, tmp_path, capsys, name, text, line, words):
    path = write_doc(name, text)
    with pytest.raises(errors.SpecError) as info:
        Pipeline(path, workdir=tmp_path / "w", progress=None).input()
    msg = str(info.value)
    assert name in msg and f"line {line}" in msg and words in msg
    assert info.value.line == line
    if "kind" in words:
        assert ", ".join(scene_kinds()) in msg  # the allowed kinds are listed
    assert not (tmp_path / "w").exists()
    # the command line says the same on one line and exits 2
    code = main(["preview", str(path), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and f"line {line}" in err and name in err


def test_an_image_in_a_spec_may_not_leave_its_folder(write_doc, tmp_path):
    path = write_doc("img.yaml", "scenes:\n  - kind: title\n    title: T\n  - kind: image\n    path: ../../etc/hosts\n")
    with pytest.raises(errors.ImagePathError) as info:
        Pipeline(path, workdir=tmp_path / "w", progress=None).input()
    assert "img.yaml" in str(info.value) and "line 4" in str(info.value)


def test_input_config_takes_yaml_text_and_objects(tmp_path):
    cfg = InputConfig(input_type="yaml", source="scenes:\n  - kind: text\n    title: From a string\n")
    p = Pipeline(cfg, workdir=tmp_path / "w", progress=None)
    p.run(until="parse")
    assert p.scenes[-1].title == "From a string"
    with pytest.raises(ValidationError):
        InputConfig(input_type="document", source=VideoConfig(scenes=[]))
