"""The line of code the narration names is the one marked, in the narration's order, as often as it is named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import decode_frames, region, rendered, slide_layout, timed_scene
from videogen_nb.alignment import mentions
from videogen_nb.codeinfo import line_names
from videogen_nb.models import SceneConfig
from videogen_nb.render.reveal import reveal_layout
from videogen_nb.render.theme import get_theme
from videogen_nb.reveal import plan_reveal

SIZE = (320, 180)
FPS = 30
CODE = 'import json\n\ndef load_data(path):\n    return json.load(open(path))\n\ndef save_data(obj, path):\n    json.dump(obj, open(path, "w"))\n'


def test_lines_are_named_by_what_they_define_import_run_or_set():
    names = [[n.text for n in ns] for ns in line_names(CODE, "python")]
    assert names[0] == ["json"] and "load_data" in names[2] and "save_data" in names[5]
    assert names[3] == ["json.load", "open"]  # what a line only calls is a weaker name of it
    shell = [[n.text for n in ns] for ns in line_names("$ pip install -e .\n$ pytest -q\n3 passed\n", "console")]
    assert shell == [["pip install -e ."], ["pytest -q"], [], []]
    toml = [[n.text for n in ns] for ns in line_names("[project]\nname = 'x'\n", "toml")]
    assert toml == [["project"], ["name"], []]


def test_mentions_follow_the_narration_not_the_listing():
    names = [[(n.text, n.weight, n.prefix) for n in ns] for ns in line_names(CODE, "python")]
    said = "First save data, then load data, and save data again; json is imported at the top.".split()
    found = [(said[w], line) for w, line in mentions(names, said)]
    assert found == [("save", 5), ("load", 2), ("save", 5), ("json", 0)]
    # a name inside another word (a path) is not the name said
    main = [[(n.text, n.weight, n.prefix) for n in ns] for ns in line_names("fn main() {\n}\n", "rust")]
    assert mentions(main, "Open src/main.rs and look at main here.".split()) == [(5, 0)]
    # a command said by its first words; the longest name said wins
    names = [[(n.text, n.weight, n.prefix) for n in ns] for ns in line_names("pip install -e .\npip install pytest\n", "bash")]
    said = "Run pip install pytest, then pip install with its options.".split()
    assert [line for _, line in mentions(names, said)] == [1, 0]


def test_the_plan_marks_the_named_line_in_the_narrations_order():
    scene = SceneConfig(kind="code", scene_id="s", title="Files", code=CODE, language="python")
    layout = reveal_layout(scene, SIZE, get_theme("dark"))
    line = {u.text: k for k, u in enumerate(layout.units)}
    narration = "First save data writes the object. Then load data reads it. Save data once more. Json comes first."
    timing = timed_scene(narration, FPS)
    plan = plan_reveal(layout, "s", timing, FPS)
    words = narration.split()
    at = [round((timing.audio_start + words.index(w) * 0.4) * FPS) for w in ("save", "load")]
    at += [round((timing.audio_start + words.index("Save") * 0.4) * FPS), round((timing.audio_start + words.index("Json") * 0.4) * FPS)]
    save, load, imp = line["def save_data(obj, path):"], line["def load_data(path):"], line["import json"]
    assert [(s.frame, s.current) for s in plan.steps] == [(timing.start_frame, -1)] + list(zip(at, [save, load, save, imp]))
    assert all(s.fade == 0 for s in plan.steps)  # a marker that moves is a cut


SPEC = f"""\
title: Files
scenes:
  - kind: code
    title: Reading and writing
    language: python
    code: {json.dumps(CODE)}
    narration: "First, save data writes the object out. Then load data reads it back. Save data is used once more. The json module comes first."
  - kind: text
    title: After
    body: ["That was the code."]
"""


@pytest.mark.slow
def test_frames_at_each_named_word_mark_that_line(tmp_path):
    p = rendered(tmp_path, "code.yaml", SPEC, SIZE)
    i = next(k for k, s in enumerate(p.scenes) if s.kind == "code")
    layout = slide_layout(p, i)
    unit = {u.text: u for u in layout.units}
    save, load, imp = unit["def save_data(obj, path):"], unit["def load_data(path):"], unit["import json"]
    t = p.ctx.timing_report.scenes[i]
    words = [(w.word.strip(",.").lower(), round((t.audio_start + w.start) * FPS)) for w in t.word_timings]
    said = [(f, save) for w, f in words if w == "save"] + [(f, load) for w, f in words if w == "load"]
    said += [(f, imp) for w, f in words if w == "json"]
    said.sort(key=lambda x: x[0])
    assert [u.text for _, u in said] == [save.text, load.text, save.text, imp.text]  # out of the listing's order
    frames = decode_frames(p.video_path, [t.start_frame + 1] + [f + d for f, _ in said for d in (-1, 0)], SIZE)
    plain = frames[t.start_frame + 1]  # nothing marked yet

    def marked(img: np.ndarray, u) -> bool:
        return all((region(img, b)[..., 2] - region(plain, b)[..., 2]).mean() > 6 for b in u.marks)

    for k, (f, u) in enumerate(said):
        others = [v for v in (save, load, imp) if v is not u]
        assert marked(frames[f], u) and not any(marked(frames[f], v) for v in others), f"at word {k + 1} ({u.text})"
        before = said[k - 1][1] if k else None
        assert not marked(frames[f - 1], u), f"{u.text} is marked a frame before it is named"
        if before is not None:
            assert marked(frames[f - 1], before), f"{before.text} is not marked until {u.text} is named"
