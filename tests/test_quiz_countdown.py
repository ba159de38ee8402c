"""A quiz shows its options as they are read, counts down 3-2-1 on its slide, then shows its answer."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import decode_frames, ink, region, rendered
from videogen_nb import Pipeline
from videogen_nb.models import SceneConfig
from videogen_nb.render.reveal import countdown_box, draw_state, reveal_layout
from videogen_nb.render.theme import get_theme
from videogen_nb.reveal import ENTRY_FADE
from videogen_nb.stages.builds import scene_reveal_of
from videogen_nb.stages.video import transition_frames

SIZE = (320, 180)
FPS = 30

SPEC = """\
title: Planets
scenes:
  - kind: quiz
    title: Quick check
    question: Which planet is the largest?
    options: [Mars, Jupiter, Venus]
    answer: B
    explanation: Jupiter is more than twice as massive as all the other planets together.
  - kind: text
    title: After
    body: ["That was the quiz."]
"""


def green(img: np.ndarray) -> float:
    """The share of pixels in the colour a right answer is marked with."""
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return float(((g > 140) & (r < 110) & (g - b > 60)).mean())


@pytest.mark.slow
def test_the_options_appear_as_read_then_3_2_1_then_the_answer(tmp_path):
    p = rendered(tmp_path, "quiz.yaml", SPEC, SIZE)
    q = next(k for k, s in enumerate(p.scenes) if s.kind == "quiz" and not s.reveal)
    assert p.scenes[q + 1].kind == "quiz" and p.scenes[q + 1].reveal  # the answer follows the question
    t, answer = p.ctx.timing_report.scenes[q], p.ctx.timing_report.scenes[q + 1]
    layout, plan = scene_reveal_of(p.ctx, q)
    scene = p.scenes[q]
    assert layout.size == SIZE

    # the countdown: after the voice has ended, a second each, the last ending where the fade into the answer begins
    counts = plan.countdown
    assert [n for _, n in counts] == [3, 2, 1]
    starts = [round(s * FPS) for s, _ in counts]
    voice_end = (t.audio_start + t.audio_duration) * FPS
    assert starts[0] > voice_end
    assert np.diff(starts).tolist() == [FPS, FPS]
    fade = transition_frames(p.ctx.settings)
    assert starts[-1] + FPS == t.end_frame - fade

    # each option appears when the narration reaches it (its letter), before the countdown
    words = [(w.word, round((t.audio_start + w.start) * FPS)) for w in t.word_timings]
    letters = [next(f for w, f in words if w.rstrip(":,") == letter) for letter in "ABC"]
    appear = [round(s * FPS) for s, role, _ in plan.appearances if role == "item"]
    assert len(appear) == 3 and all(a <= f for a, f in zip(appear, letters))
    assert all(a > f for a, f in zip(appear[1:], letters[:-1]))  # not before the option before it was read
    options = [u for u in layout.units if u.hides]
    last = len(layout.units) - 1
    box = countdown_box(layout)
    drawn = {n: region(np.asarray(draw_state(layout, -1, last, n)), box) for n in (0, 3, 2, 1)}

    def shows(img: np.ndarray) -> int:
        """Which number the ring shows (0: no ring), by the closest drawing of each."""
        here = region(img, box)
        return min(drawn, key=lambda n: float(np.abs(here - drawn[n]).mean()))

    numbers = [a + d for a in appear for d in (-1, ENTRY_FADE + 1)]
    numbers += [s + d for s in starts for d in (-1, 0, FPS // 2, FPS - 1)]
    numbers += list(range(t.start_frame + 2, starts[-1] + FPS, 6)) + [answer.start_frame + 2]
    frames = decode_frames(p.video_path, numbers, SIZE)
    for k, a in enumerate(appear):
        mark = options[k].marks[0]
        assert ink(frames[a - 1], mark) == 0, f"option {'ABC'[k]} shows before it is read"
        assert ink(frames[a + ENTRY_FADE + 1], mark) > 0.02, f"option {'ABC'[k]} is not there once read"
        assert shows(frames[a + ENTRY_FADE + 1]) == 0, "the countdown began while the options were being read"
    # the numbers appear in order, each at its frame and for its second
    before = [0, 3, 2]
    for s, n, b in zip(starts, (3, 2, 1), before):
        assert shows(frames[s - 1]) == b, f"frame {s - 1} should show {b or 'no number'}"
        for d in (0, FPS // 2, FPS - 1):
            assert shows(frames[s + d]) == n, f"frame {s + d} should show {n}"
    # every option stays on the slide through the countdown
    for mark in (u.marks[0] for u in options):
        assert ink(frames[starts[-1] + FPS - 1], mark) > 0.02
    # the answer is nowhere before the countdown has ended; then it is there
    for n in range(t.start_frame + 2, starts[-1] + FPS, 6):
        assert green(frames[n]) < 0.0005, f"the answer shows at frame {n}, before the countdown ended"
    assert green(frames[starts[-1] + FPS - 1]) < 0.0005
    assert green(frames[answer.start_frame + 2]) > 0.002, "the answer scene does not mark the right option"
    assert scene.countdown == 3 and p.scenes[q + 1].countdown == 0


@pytest.mark.slow
def test_without_reveal_a_quiz_has_no_countdown_and_no_pause(tmp_path):
    spec = tmp_path / "quiz.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    a = Pipeline(spec, workdir=tmp_path / "a", resolution=SIZE, tts="espeak", progress=None)
    a.input(), a.parse(), a.script(), a.audio()
    b = Pipeline(spec, workdir=tmp_path / "b", resolution=SIZE, tts="espeak", progress=None, reveal=False)
    b.input(), b.parse(), b.script(), b.audio()
    ta, tb = a.ctx.timing_report.scenes[1], b.ctx.timing_report.scenes[1]
    assert ta.audio_duration == pytest.approx(tb.audio_duration)
    # the pause of the countdown is in the timeline only where the countdown is drawn (less the quiet every
    # scene has after its voice anyway)
    added = (ta.end_frame - ta.start_frame) - (tb.end_frame - tb.start_frame)
    assert added >= (3 - a.ctx.settings.pad_after) * FPS
    assert scene_reveal_of(b.ctx, 1) == (None, None)


def test_an_answered_quiz_does_not_hide_its_options_again():
    theme = get_theme("dark")
    question = SceneConfig(kind="quiz", scene_id="q", title="Q", question="Which?", options=["Red", "Blue"], answer=1)
    answer = question.expand(None)[1]
    assert [u.role for u in reveal_layout(question, SIZE, theme).units] == ["sentence", "item", "item"]
    assert all(not u.hides for u in reveal_layout(answer, SIZE, theme).units)
