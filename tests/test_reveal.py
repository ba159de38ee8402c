"""The picture moves with the voice: entries appear as they are spoken, the spoken sentence and line are marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import decode_frames, ink, region, rendered, timed_scene
from videogen_nb import Pipeline
from videogen_nb.alignment import first_spoken
from videogen_nb.models import SceneConfig, SceneTiming
from videogen_nb.render.reveal import draw_state, reveal_layout
from videogen_nb.render.slides import render_slide, slide_ops
from videogen_nb.render.theme import get_theme
from videogen_nb.reveal import ENTRY_FADE, plan_reveal
from videogen_nb.stages.builds import scene_reveal_of

SIZE = (320, 180)
FPS = 30


def frames_at(video: Path, numbers: list[int], size=SIZE) -> dict[int, np.ndarray]:
    return decode_frames(video, numbers, size)


def scene_words(p: Pipeline, i: int) -> list[tuple[str, float]]:
    t = p.ctx.timing_report.scenes[i]
    return [(w.word, t.audio_start + w.start) for w in t.word_timings]


# --- finding where each piece is spoken -------------------------------------------------------------------


def test_pieces_are_found_in_the_narration_as_it_says_them():
    said = "Getting started. Step 1: Install the package. Step 2: Run the tests. Step 3: Read the docs.".split()
    assert first_spoken(["1 Install the package", "2 Run the tests", "3 Read the docs"], said) == [2, 7, 12]
    # entries joined into one sentence; one the narration never says
    said = "Checkpoint. So far we covered lists, tables and code. Ask yourself: what is a list?".split()
    found = first_spoken(["lists", "tables", "code", "What is a list?", "something never said"], said)
    assert [said[k] if k is not None else None for k in found] == ["So", "tables", "and", "what", None]
    # an identifier is said in words; a line of code is marked at its name, not at the start of the sentence
    said = "It defines the functions load data and save data.".split()
    assert first_spoken(["import os", "def load_data(path):", "def save_data(x):"], said, [False] * 3) == [None, 4, 7]


def test_a_common_little_word_alone_does_not_place_a_piece():
    said = "The cat sat on the mat.".split()
    assert first_spoken(["the dog barked loudly at night"], said) == [None]


def timing_of(narration: str) -> SceneTiming:
    return timed_scene(narration, FPS)


def test_the_plan_puts_each_entry_on_the_frame_of_its_first_word():
    scene = SceneConfig(kind="bullets", scene_id="s", title="Fruit", items=["Apples grow on trees", "Bananas are yellow", "Cherries come in pairs"])
    narration = "Fruit. Apples grow on trees. Bananas are yellow. Cherries come in pairs."
    timing = timing_of(narration)
    layout = reveal_layout(scene, SIZE, get_theme("dark"))
    plan = plan_reveal(layout, "s", timing, FPS)
    words = narration.split()
    expected = [round((timing.audio_start + words.index(w) * 0.4) * FPS) for w in ("Apples", "Bananas", "Cherries")]
    assert [s.frame for s in plan.steps] == [timing.start_frame] + expected
    assert [s.current for s in plan.steps] == [-1, 0, 1, 2]
    assert [s.fade for s in plan.steps] == [0, ENTRY_FADE, ENTRY_FADE, ENTRY_FADE]
    assert [round(a[0] * FPS) for a in plan.appearances] == expected
    # a narration about something else: the slide holds still rather than guess
    assert plan_reveal(layout, "s", timing_of("Something else entirely is said here today."), FPS) is None


def test_entries_said_together_appear_together_and_none_is_lost():
    scene = SceneConfig(kind="checkpoint", scene_id="s", title="Checkpoint", items=["lists", "tables", "code"])
    timing = timing_of("Checkpoint. So far we covered lists, tables and code.")
    plan = plan_reveal(reveal_layout(scene, SIZE, get_theme("dark")), "s", timing, FPS)
    assert plan.steps[-1].current == 2
    frames = [s.frame for s in plan.steps]
    assert frames == sorted(set(frames))


# --- drawing the states ---------------------------------------------------------------------------------------------


def test_states_hide_later_entries_mark_the_current_and_never_move_anything():
    theme = get_theme("dark")
    scene = SceneConfig(kind="bullets", scene_id="s", title="Fruit", items=["Apples grow on trees", "Bananas are yellow", "Cherries come in pairs"])
    layout = reveal_layout(scene, SIZE, theme)
    assert [u.role for u in layout.units] == ["item"] * 3
    still = np.asarray(render_slide(scene, SIZE, theme).image)
    states = [np.asarray(draw_state(layout, k)) for k in range(-1, 3)]
    boxes = [u.marks[0] for u in layout.units]
    for k, state in enumerate(states):  # state k shows entries 0 .. k-1
        for j, box in enumerate(boxes):
            if j < k:
                assert ink(state, box) > 0.02, (k, j)
            else:
                assert ink(state, box) == 0, (k, j)
    # the last state: every entry where the still has it (the same text pixels), only the marking differs
    last = states[-1]
    for box in boxes:
        x0, y0, x1, y1 = box
        a, b = region(last, box).mean(axis=2) > 220, region(still, box).mean(axis=2) > 120
        assert (a & ~b).sum() == 0 and b.sum() > 0  # no text pixel where the still has none
    # the current entry sits on a marker of the accent; earlier entries are dimmer than the still
    cur = region(states[2], boxes[1]).mean(axis=(0, 1))
    bg = region(states[0], boxes[1]).mean(axis=(0, 1))
    assert cur[2] - bg[2] > 10
    assert region(states[3], boxes[0]).max() < region(still, boxes[0]).max()


def test_sentences_and_code_lines_are_units_and_stay_shown():
    theme = get_theme("light")
    scene = SceneConfig(kind="code", scene_id="c", title="Code", body=["Load it first. Then save it."],
                        code="import os\n\ndef load_data(path):\n    return open(path).read()\n", language="python")
    layout = reveal_layout(scene, SIZE, theme)
    assert [u.role for u in layout.units] == ["sentence", "sentence", "line", "line", "line"]
    assert not any(u.hides for u in layout.units)
    # a definition's line is marked with the body under it
    defn = layout.units[3]
    assert defn.text == "def load_data(path):" and defn.marks[0][3] - defn.marks[0][1] > 1.8 * (layout.units[2].marks[0][3] - layout.units[2].marks[0][1])
    ops = slide_ops(scene, SIZE, theme).ops
    assert [op.path for op in ops] == [op.path for op in layout.ops]


# --- in the video -------------------------------------------------------------------------------------------------


DOC = """\
# Reveal check

## Three fruits

- Apples grow on trees
- Bananas are yellow fruit
- Cherries come in pairs

## Prose

The first sentence is short. The second sentence says rather more about the topic. The third one ends it.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return rendered(tmp_path_factory.mktemp("reveal"), "doc.md", DOC, SIZE)


@pytest.mark.slow
def test_each_entry_is_absent_a_frame_before_its_first_word_and_present_from_it(built):
    p = built
    i = next(k for k, s in enumerate(p.scenes) if s.title == "Three fruits")
    scene = p.scenes[i]
    layout = reveal_layout(scene, SIZE, get_theme("dark"), index=i, total=len(p.scenes), footer=p.ctx.video_config.title)
    words = scene_words(p, i)
    starts = [round(next(t for w, t in words if w == first) * FPS) for first in ("Apples", "Bananas", "Cherries")]
    frames = frames_at(p.video_path, [f + d for f in starts for d in (-1, 0, ENTRY_FADE + 1)])
    for k, f in enumerate(starts):
        box = layout.units[k].marks[0]
        assert ink(frames[f - 1], box) == 0, f"entry {k + 1} shows before its first word"
        assert ink(frames[f], box) > 0 or region(frames[f], box).std() > region(frames[f - 1], box).std() + 2, (
            f"entry {k + 1} has not begun to appear at its first word"
        )
        assert ink(frames[f + ENTRY_FADE + 1], box) > 0.02, f"entry {k + 1} is not there after its fade"
        for later in range(k + 1, 3):  # the entries after it are still absent
            assert ink(frames[f], layout.units[later].marks[0]) == 0


@pytest.mark.slow
def test_the_marked_sentence_changes_at_the_sentence_boundary(built):
    p = built
    i = next(k for k, s in enumerate(p.scenes) if s.title == "Prose")
    layout = reveal_layout(p.scenes[i], SIZE, get_theme("dark"), index=i, total=len(p.scenes), footer=p.ctx.video_config.title)
    sentences = [u for u in layout.units if u.role == "sentence"]
    assert len(sentences) == 3
    words = scene_words(p, i)
    # each sentence starts at the word after the one that ends the sentence before
    firsts = [words[k + 1][1] for k, (w, _) in enumerate(words[:-1]) if w.endswith(".")]
    starts = [round(t * FPS) for t in firsts]
    t0 = p.ctx.timing_report.scenes[i]
    frames = frames_at(p.video_path, [t0.start_frame] + [f + d for f in starts for d in (-1, 0)])
    plain = frames[t0.start_frame]  # before the first sentence: nothing marked

    def marked(img, unit) -> bool:
        return all((region(img, b)[..., 2] - region(plain, b)[..., 2]).mean() > 6 for b in unit.marks)

    for k, f in enumerate(starts):
        assert marked(frames[f], sentences[k]) and not any(marked(frames[f], s) for j, s in enumerate(sentences) if j != k)
        if k:
            assert marked(frames[f - 1], sentences[k - 1]) and not marked(frames[f - 1], sentences[k])


@pytest.mark.slow
def test_without_reveal_every_slide_holds_still(built, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "work", resolution=SIZE, tts="espeak", progress=None, reveal=False)
    p.run()
    i = next(k for k, s in enumerate(p.scenes) if s.title == "Three fruits")
    t = p.ctx.timing_report.scenes[i]
    a, b = frames_at(p.video_path, [t.start_frame + 2, t.end_frame - 20]).values()
    assert np.abs(a.astype(int) - b.astype(int)).max() <= 3  # the whole list from the first frame
    assert not (tmp_path / "work" / "video" / "builds").exists()


# --- settings ----------------------------------------------------------------------------------------------


def test_reveal_is_on_by_default_and_off_with_no_reveal_front_matter_or_a_scene_of_its_own():
    from videogen_nb.cli import build_parser, given_settings
    from videogen_nb.models import PipelineSettings, VideoConfig, scene_animates

    scene = SceneConfig(kind="bullets", title="x", items=["a"])
    assert scene_animates(PipelineSettings(), None, scene)
    args = build_parser().parse_args(["build", "doc.md", "-o", "out", "--no-reveal"])
    settings = PipelineSettings(**given_settings(args))
    assert settings.reveal is False and not scene_animates(settings, None, scene)
    assert "reveal" not in given_settings(build_parser().parse_args(["build", "doc.md", "-o", "out"]))
    assert not scene_animates(PipelineSettings(), VideoConfig(reveal=False), scene)
    # a scene's own setting wins over the document's; --no-reveal over both
    own = SceneConfig(kind="bullets", title="x", items=["a"], animate=True)
    assert scene_animates(PipelineSettings(), VideoConfig(reveal=False), own)
    assert not scene_animates(PipelineSettings(reveal=False), None, own)
    assert not scene_animates(PipelineSettings(), None, SceneConfig(kind="bullets", title="x", items=["a"], animate=False))


def test_front_matter_and_specs_say_reveal_and_animate(tmp_path):
    from videogen_nb.stages.builds import scene_reveal_of

    md = tmp_path / "doc.md"
    md.write_text("---\nreveal: false\n---\n# T\n\n## Fruit\n\n- apples\n- pears\n", encoding="utf-8")
    p = Pipeline(md, workdir=tmp_path / "a", resolution=SIZE, tts="silent", progress=None)
    p.input()
    p.parse()
    assert p.ctx.video_config.reveal is False
    assert scene_reveal_of(p.ctx, 1) == (None, None)
    spec = tmp_path / "doc.yaml"
    spec.write_text("title: T\nscenes:\n  - kind: bullets\n    title: Fruit\n    items: [apples, pears]\n    animate: false\n"
                    "  - kind: bullets\n    title: More\n    items: [plums, figs]\n", encoding="utf-8")  # fmt: skip
    q = Pipeline(spec, workdir=tmp_path / "b", resolution=SIZE, tts="silent", progress=None)
    q.input()
    q.parse()
    assert [s.title for s in q.scenes] == ["T", "Fruit", "More"]
    assert scene_reveal_of(q.ctx, 1) == (None, None)
    layout, plan = scene_reveal_of(q.ctx, 2)
    assert layout is not None and plan is None  # no timing before the audio
    bad = tmp_path / "bad.md"
    bad.write_text("---\nreveal: sometimes\n---\n# T\n\n## A\n\ntext\n", encoding="utf-8")
    with pytest.raises(Exception, match="reveal: true"):
        Pipeline(bad, workdir=tmp_path / "c", resolution=SIZE, progress=None).input()


# --- notebook -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_chart_marks_when_entries_appear_and_the_preview_shows_the_states_as_a_strip(tmp_path):
    from PIL import Image

    from videogen_nb.notebook import reveal_strip, reveal_times

    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SIZE, tts="espeak", progress=None)
    p.input()
    p.parse()
    p.script()
    i = next(k for k, s in enumerate(p.scenes) if s.title == "Three fruits")
    before = reveal_strip(p, i, width=120)
    assert Image.open(before).size[0] >= 4 * 120  # before the audio: every state, in order
    p.audio()
    times = reveal_times(p)
    words = scene_words(p, i)
    firsts = [next(t for w, t in words if w == f) for f in ("Apples", "Bananas", "Cherries")]
    assert [round(t * FPS) for t in times[i]] == [round(t * FPS) for t in firsts]
    assert 0 not in times  # the title slide holds still
    fig = p.timing_chart()
    ticks = [c for ax in fig.axes for c in ax.collections if (c.get_gid() or "").startswith("reveal-")]
    assert len(ticks) == len(times) and sum(len(c.get_segments()) for c in ticks) == sum(map(len, times.values()))
    strip = Image.open(reveal_strip(p, i, width=120))
    assert strip.size[0] >= 4 * 120 and reveal_strip(p, 0) is None
    g = p.preview().gallery
    g.show(i)
    assert g.strip.layout.display is None and g.strip.value
    g.show(0)
    assert g.strip.layout.display == "none"


@pytest.mark.slow
def test_a_picture_zooms_in_slowly_and_never_shows_anything_outside_it(tmp_path):
    from PIL import Image, ImageDraw

    from videogen_nb.render.motion import find_motion

    img = Image.new("RGB", (400, 300), (240, 200, 40))
    d = ImageDraw.Draw(img)
    for cx in (110, 290):
        d.ellipse((cx - 14, 136, cx + 14, 164), fill=(10, 10, 10))
    img.save(tmp_path / "dots.png")
    doc = tmp_path / "doc.md"
    doc.write_text("# Zoom\n\n## A picture\n\n![Two dots on a yellow field](dots.png)\n\n## After\n\nThat was it.\n", encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=SIZE, tts="espeak", progress=None)
    p.run()
    i = 1
    laid = slide_ops(p.scenes[i], SIZE, get_theme("dark"), index=i, total=len(p.scenes), footer=p.ctx.video_config.title)
    x0, y0, x1, y1 = find_motion(laid.blocks, laid.ops).box
    t = p.ctx.timing_report.scenes[i]
    fade = 16  # the crossfade into the next scene takes the scene's last frames
    numbers = list(range(t.start_frame + 1, t.end_frame - fade, 8))
    frames = frames_at(p.video_path, numbers)
    gaps = []
    for n in numbers:
        box = frames[n][y0 + 1 : y1 - 1, x0 + 1 : x1 - 1].astype(int)
        # inside the picture: every pixel of its box is the picture's yellow or its dots, never the background
        yellow = (box[..., 0] > 180) & (box[..., 2] < 110)
        dark = box.max(axis=2) < 90
        assert (yellow | dark).mean() > 0.97, f"frame {n} shows something else in the picture's box"
        cols = np.nonzero(dark.any(axis=0))[0]
        left, right = cols[cols < box.shape[1] / 2], cols[cols >= box.shape[1] / 2]
        gaps.append(right.mean() - left.mean())
    # the dots move apart: the zoom closes in, never back out (one pixel of codec noise allowed)
    assert all(b >= a - 1.0 for a, b in zip(gaps, gaps[1:])), gaps
    assert gaps[-1] > gaps[0] * 1.05


@pytest.mark.slow
def test_a_slide_whose_narration_no_longer_says_its_entries_holds_still_and_its_re_render_encodes_no_picture(
    tmp_path, monkeypatch
):
    from videogen_nb.render import encode
    from videogen_nb.stages import video as video_stage

    items = "- Apples grow on trees\n- Bananas are yellow fruit\n- Cherries come in pairs\n"
    doc = tmp_path / "doc.md"
    doc.write_text(f"# Keys\n\n## Said\n\n{items}", encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "work", resolution=SIZE, tts="espeak", progress=None)
    p.run()
    i = next(k for k, s in enumerate(p.scenes) if s.title == "Said")
    assert scene_reveal_of(p.ctx, i)[1] is not None  # it builds up
    p.scenes[i].narration = "The weather was mild all week, and nobody minded it at all."
    runs, drawn = [], []
    real_run, real_draw = encode.X264Run.__init__, video_stage.DrawingProcess.draw
    monkeypatch.setattr(encode.X264Run, "__init__", lambda self, *a, **k: runs.append(a) or real_run(self, *a, **k))
    monkeypatch.setattr(video_stage.DrawingProcess, "draw", lambda self, jobs, stop: drawn.append(jobs) or real_draw(self, jobs, stop))
    p.run()
    # the still's keyframe was made with its states: the edit starts neither the drawing nor x264
    assert scene_reveal_of(p.ctx, i)[1] is None and runs == [] and drawn == []
    t = p.ctx.timing_report.scenes[i]
    layout = reveal_layout(p.scenes[i], SIZE, get_theme("dark"), index=i, total=len(p.scenes), footer=p.ctx.video_config.title)
    first = frames_at(p.video_path, [t.start_frame + 1])[t.start_frame + 1]
    assert all(ink(first, unit.marks[0]) > 0.02 for unit in layout.units)  # every entry from its first frame


def _framemd5(video: Path) -> list[str]:
    import subprocess

    from videogen_nb.ffmpeg import ffmpeg_exe

    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [line for line in out.splitlines() if not line.startswith("#")]


@pytest.mark.slow
def test_a_reveals_states_are_kept_as_keyframes_only_and_drawn_again_when_a_picture_is_wanted(tmp_path):
    p = rendered(tmp_path, "doc.md", DOC, SIZE)
    builds = p.workdir / "video" / "builds"
    # the states are in the video (the frame tests above) but no PNG of one was written: a PNG and its record
    # cost more than drawing the state
    assert not builds.exists() or not any(builds.iterdir())
    before = _framemd5(p.video_path)
    # every keyframe lost: the video stage reads the stills' PNGs and draws the states again, to the same video
    for key in (p.workdir / "video").rglob("*_key.h264"):
        key.unlink()
    p.run_stage("video")
    assert any((p.workdir / "video" / "segments").glob("*_key.h264"))  # made again
    assert _framemd5(p.video_path) == before
    # captions burnt in over the states: each captioned picture is drawn from its state (entry 1 marked, 3 absent)
    q = rendered(tmp_path, "captions.md", DOC, SIZE, burn_subtitles=True)
    i = next(k for k, s in enumerate(q.scenes) if s.title == "Three fruits")
    layout = reveal_layout(q.scenes[i], SIZE, get_theme("dark"), index=i, total=len(q.scenes), footer=q.ctx.video_config.title)
    words = scene_words(q, i)
    f = round(next(t for w, t in words if w == "Apples") * FPS) + ENTRY_FADE + 2
    frame = frames_at(q.video_path, [f])[f]
    assert ink(frame, layout.units[0].marks[0]) > 0.02 and ink(frame, layout.units[2].marks[0]) == 0
    h = SIZE[1]
    plain = frames_at(p.video_path, [f])[f]  # the same moment without captions: the bottom differs, the top not
    assert np.abs(frame[h * 3 // 4 :].astype(int) - plain[h * 3 // 4 :].astype(int)).mean() > 3
    assert np.abs(frame[: h // 3].astype(int) - plain[: h // 3].astype(int)).mean() < 2


def test_a_state_kept_by_what_it_shows_travels_to_another_process_and_is_drawn_for_whoever_wants_its_pixels(tmp_path):
    import pickle

    from videogen_nb.atomic import recorded_digest
    from videogen_nb.render.slide_store import StoredSlide, picture_file, picture_image
    from videogen_nb.stages.builds import draw_states
    from videogen_nb.stages.video import SlideLook

    scene = SceneConfig(kind="bullets", scene_id="s", title="Fruit", items=["Apples grow on trees", "Bananas are yellow"])
    look = SlideLook(tmp_path / "video" / "slides", SIZE, "dark", 1, "Talk")
    still = StoredSlide(tmp_path / "video" / "slides" / "s-still.png", "0" * 64)
    states = list(draw_states(look, scene, 0, still))
    assert len(states) == 3 and all(pic is not still for pic, _ in states)
    assert not (tmp_path / "video" / "builds").exists()  # laid out, not drawn: nothing written
    pic, draw = states[1]  # the first entry marked
    again = pickle.loads(pickle.dumps(pic))  # as a cluster's worker gets it (what draws it travels with it)
    assert again == pic and again.drawing is not None
    layout = reveal_layout(scene, SIZE, get_theme("dark"), index=0, total=1, footer="Talk")
    want = np.asarray(draw_state(layout, 0, 0, 0))
    assert np.array_equal(np.asarray(draw().image), want) and np.array_equal(np.asarray(picture_image(again)), want)
    assert not pic.path.exists()
    path = picture_file(again)  # for what reads pictures from files: written once, with its record
    assert path == pic.path and recorded_digest(path) is not None
    assert np.array_equal(np.asarray(picture_image(pic)), want)
