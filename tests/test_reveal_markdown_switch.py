"""A Markdown heading switches its section's build: ``## Results {animate=false}`` (or ``{.still}``) holds it still."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import decode_frames, ink, rendered, slide_layout
from videogen_nb import Pipeline
from videogen_nb.errors import InputError
from videogen_nb.stages.builds import draw_states, scene_reveal_of
from videogen_nb.stages.video import VideoStage, draw_slide_now

SIZE = (320, 180)

DOC = """\
# Sections

## Fruit

- Apples grow on trees
- Bananas are yellow fruit

## Results {animate=false}

- Plums are purple
- Figs are sweet and soft

## More

- Cherries come in pairs
- Grapes grow in bunches
"""


def test_the_heading_attribute_sets_the_sections_scenes(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "---\nreveal: false\n---\n# T\n\n## A {animate=false}\n\n- x\n\n### A1\n\n- y\n\n## B {.still}\n\n- z\n\n"
        "## C {#c animate=true}\n\n- w\n\n## D\n\n- v\n",
        encoding="utf-8",
    )
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SIZE, tts="silent", progress=None)
    p.input()
    p.parse()
    got = {s.title: s.animate for s in p.scenes if s.kind == "bullets"}
    assert got == {"A": False, "A1": False, "B": False, "C": True, "D": None}
    assert [s.title for s in p.scenes][:2] == ["T", "A"]  # the braces never reach a title
    # a section's own setting wins over the front matter's reveal: false
    assert scene_reveal_of(p.ctx, [s.title for s in p.scenes].index("C"))[0] is not None
    assert scene_reveal_of(p.ctx, [s.title for s in p.scenes].index("D")) == (None, None)


def test_a_value_that_is_neither_true_nor_false_is_an_error_naming_the_line(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\n## A\n\ntext\n\n## B {animate=sometimes}\n\n- x\n", encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SIZE, tts="silent", progress=None)
    p.input()
    with pytest.raises(InputError, match=r"line 7: .*animate=sometimes.*\{animate=false\}"):
        p.parse()


@pytest.mark.slow
def test_the_still_sections_frames_hold_while_its_neighbours_build(tmp_path):
    p = rendered(tmp_path, "doc.md", DOC, SIZE)
    titles = [s.title for s in p.scenes]
    report = p.ctx.timing_report
    spans = {}
    for title in ("Fruit", "Results", "More"):
        i = titles.index(title)
        t = report.scenes[i]
        # from just after the fade into the scene until just before the fade out of it
        spans[title] = (i, t.start_frame + 2, t.end_frame - 20)
    frames = decode_frames(p.video_path, [n for _, a, b in spans.values() for n in (a, b)], SIZE)
    for title, (i, a, b) in spans.items():
        layout = slide_layout(p, i)
        first, last = layout.units[0].marks[0], layout.units[-1].marks[0]
        if title == "Results":  # every entry from the first frame to the last, and nothing changes between
            assert ink(frames[a], first) > 0.02 and ink(frames[a], last) > 0.02
            assert np.abs(frames[a].astype(int) - frames[b].astype(int)).max() <= 3
        else:  # the neighbours build: their last entry is absent at first, there at the end
            assert ink(frames[a], last) == 0 and ink(frames[b], last) > 0.02, title
    # the still section has no reveal, and no state of one was encoded for it; its neighbour's states were
    look, encodings = VideoStage()._looks(p.ctx)

    def states(title: str) -> list[str]:
        i = spans[title][0]
        slide = draw_slide_now(look, p.scenes[i], i)[0]
        return [pic.sha256 for pic, _ in draw_states(look, p.scenes[i], i, slide)]  # laid out, not drawn

    assert scene_reveal_of(p.ctx, spans["Results"][0]) == (None, None)
    assert not any(enc.store().has_keyframe(h) for enc in encodings for h in states("Results"))
    assert all(enc.store().has_keyframe(h) for enc in encodings for h in states("Fruit"))
