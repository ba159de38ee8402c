"""Slides a viewer can read: code always visible (one-line console blocks too), prompts and output set apart,
long code lines wrapped at token boundaries with their indentation, a reading floor per line of code, no text
under 34 px at 1080p, paragraphs as their key sentences, long lists in two columns, sparse slides balanced,
a title alone drawn as a section divider."""

from __future__ import annotations

import numpy as np

from videogen_nb import Pipeline, SceneConfig
from videogen_nb.render.blocks import CONTINUATION, Columns, TextOp, wrap_code
from videogen_nb.render.code import highlight
from videogen_nb.render.designs import as_design
from videogen_nb.render.slides import layout_slide, render_slide
from videogen_nb.render.theme import THEMES
from videogen_nb.slidetext import MAX_WORDS, key_text, reading_seconds, word_count
from videogen_nb.text import STRONG

DARK = THEMES["dark"]
HD = (1920, 1080)


def text_ops(scene, size=HD, theme=DARK) -> list[TextOp]:
    return [op for op in layout_slide(scene, size, theme).ops if isinstance(op, TextOp)]


def parse(write_doc, tmp_path, text, name="doc.md", **kw):
    p = Pipeline(write_doc(name, text), workdir=tmp_path / "w", progress=None, tts="silent", **kw)
    p.run(until="script")
    return p


def test_a_one_line_console_block_is_drawn_not_an_empty_bar(write_doc, tmp_path):
    p = parse(write_doc, tmp_path, "# Rust\n\n## Update\n\nTo update Rust, run:\n\n```console\n$ rustup update\n```\n")
    scene = p.scenes[1]
    code = [op for op in text_ops(scene) if op.style.startswith("mono")]
    assert "".join(op.text for op in code).replace(" ", "") == "$rustupupdate"
    # as a viewer sees it: the command's letters are drawn inside the dark panel
    slide = render_slide(scene, HD, DARK)
    box = [op.box for op in code]
    x0, y0 = min(b[0] for b in box), min(b[1] for b in box)
    x1, y1 = max(b[2] for b in box), max(b[3] for b in box)
    ink = np.asarray(slide.image.convert("L"))[y0:y1, x0:x1]
    assert (ink > 150).mean() > 0.05


def test_prompts_and_output_are_set_apart_from_the_commands(write_doc, tmp_path):
    doc = "# S\n\n## Build\n\nCompile it:\n\n```console\n$ cargo build\n   Compiling hello v0.1.0\n```\n"
    scene = parse(write_doc, tmp_path, doc).scenes[1]
    ops = {op.text.strip(): op for op in text_ops(scene) if op.style.startswith("mono")}
    accent = DARK.accent_colour(scene.accent)
    assert ops["$"].color == accent and ops["$"].style == "mono-bold"  # the prompt, in the accent colour
    assert ops["Compiling hello v0.1.0"].color == DARK.muted  # the output, dimmed
    assert ops["cargo build"].color not in (accent, DARK.muted)  # the command itself, as the code style colours it


def test_a_long_code_line_wraps_between_tokens_keeping_its_indentation():
    code = "def f(text):\n    if text.startswith('abc') and some_long_function_name(text, another_argument, third_one):\n        return 1\n"
    rows = ["".join(piece[0] for piece in row) for row in wrap_code(highlight(code, "python", "monokai"), 34, 900)]
    assert rows[0] == "def f(text):" and rows[-1] == "        return 1"
    wrapped = rows[1:-1]
    assert len(wrapped) >= 2 and wrapped[0].startswith("    if text.startswith('abc')")  # never "startsw/ith"
    for row in wrapped[1:]:
        assert row.startswith("    " + CONTINUATION)  # the line's own indentation, then the mark
    joined = wrapped[0] + "".join(r[len("    " + CONTINUATION):] for r in wrapped[1:])
    assert joined.replace(" ", "") == code.splitlines()[1].replace(" ", "")  # nothing lost or doubled


def test_code_is_coloured_by_its_tokens():
    pieces = {text: colour for row in highlight("def area(r):\n    return 3.14 * r\n", "python", "monokai")
              for text, colour, _ in row if text.strip()}  # fmt: skip
    assert pieces["def"] != pieces["area"] != pieces["3.14"] and pieces["def"] == pieces["return"]
    assert highlight("site_name: My Docs\n", "yaml", "monokai")  # a type the style does not list: its parent's colour


def test_a_code_slide_stays_up_long_enough_to_read_its_lines(write_doc, tmp_path):
    lines = "\n".join(f"value_{i} = compute({i})" for i in range(12))
    p = Pipeline(write_doc("c.md", f"# C\n\n## Code\n\n```python\n{lines}\n```\n"), workdir=tmp_path / "w",
                 progress=None, tts="silent")  # fmt: skip
    p.run(until="audio")
    scene = p.scenes[1]
    p.scenes[1].narration = "Short."  # a narration far shorter than the code takes to read
    p.run(until="audio")
    timing = p.ctx.timing_report.scenes[1]
    assert scene.min_seconds == reading_seconds(0, 12) > 9
    assert timing.end - timing.start >= scene.min_seconds


def test_no_text_on_a_crowded_slide_is_smaller_than_34_px_at_1080p():
    crowded = SceneConfig(
        kind="text", title="Crowded",
        body=["A paragraph that goes on for quite a while to fill the slide. " * 3],
        items=[f"Entry number {i} with a few words more than usual in it" for i in range(9)],
    )  # fmt: skip
    for size, least in ((HD, 34), ((1280, 720), 34 * 720 / 1080), ((1080, 1920), 34)):
        sizes = [op.size for op in text_ops(crowded, size)]
        assert sizes and min(sizes) >= least - 1, (size, min(sizes))


def test_a_long_paragraph_shows_its_key_sentences_while_the_narration_says_it_all(write_doc, tmp_path):
    first = "Caching keeps the answer of a slow call so the next call is fast."
    rest = " ".join(f"Sentence {k} adds detail that a listener hears but a viewer need not read." for k in range(8))
    p = parse(write_doc, tmp_path, f"# C\n\n## Caching\n\n{first} {rest}\n")
    scene = p.scenes[1]
    shown = " ".join(op.text for op in text_ops(scene)[1:])  # after the title
    assert word_count(shown) <= MAX_WORDS and shown.startswith(first)
    assert rest[:60] in scene.narration and first in scene.narration  # the narration speaks the whole paragraph


def test_the_text_around_a_picture_shares_the_slides_budget_with_its_card(write_doc, tmp_path):
    # a picture that cannot be had (offline) is a card naming it; the text under it keeps its key sentences
    first = "Welcome to this course on caching for beginners and for those who want to look again."
    rest = " ".join(f"Sentence {k} adds detail that a listener hears but a viewer need not read." for k in range(6))
    spec = ("scenes:\n  - kind: title\n    title: C\n  - kind: image\n    title: Welcome\n"
            "    alt: A short video about caching\n    src: https://example.invalid/v.jpg\n"
            f"    after:\n      - Click the picture to watch it.\n      - {first} {rest}\n")  # fmt: skip
    p = parse(write_doc, tmp_path, spec, name="img.yaml")
    scene = p.scenes[1]
    shown = " ".join(op.text for op in text_ops(scene)[1:])
    assert "A short video about caching" in shown and first in shown and "Sentence 5" not in shown
    assert word_count(shown) <= MAX_WORDS + 3  # (the card's web address is a few words more)
    assert rest[:60] in scene.narration


def test_a_first_sentence_too_long_is_cut_at_a_clause_and_the_authors_bold_is_kept():
    sentence = (f"The cache, which lives in memory, keeps {STRONG}every answer{STRONG} it was given, and it forgets "
                "the oldest ones first when it runs out of room, so that a program never grows without bound, "
                "whatever it is asked, however often, and by however many callers at once.")  # fmt: skip
    shown = key_text(sentence, 20)
    assert shown.endswith("\u2026") and word_count(shown) <= 20 and f"{STRONG}every answer{STRONG}" in shown
    assert shown[:-1].rstrip().endswith(("given", "memory", "room"))  # at a clause boundary, not mid-clause
    scene = SceneConfig(kind="text", title="Bold", body=[f"Keep {STRONG}this part{STRONG} in mind."])
    bold = [op.text for op in text_ops(scene) if op.style == "sans-bold" and op.size < 60]
    assert bold == ["this part"]


def test_a_long_list_of_short_entries_is_set_in_two_columns():
    scene = SceneConfig(kind="bullets", title="Thirteen", items=[f"Point {i}" for i in range(13)])
    assert any(isinstance(b, Columns) for b in as_design(scene.slide()).blocks)
    xs = sorted({round(op.x) for op in text_ops(scene)[1:]})
    assert max(xs) > HD[0] * 0.45  # the right half of the slide is used
    tall = SceneConfig(kind="bullets", title="Few", items=["One", "Two", "Three"])
    assert not any(isinstance(b, Columns) for b in as_design(tall.slide()).blocks)


def test_a_sparse_slide_is_balanced_and_a_title_alone_is_a_section_divider():
    sparse = SceneConfig(kind="text", title="Sparse", body=["Just one short line."])
    ops = text_ops(sparse)
    title, line = ops[0], ops[-1]
    assert line.box[1] - title.box[3] > HD[1] * 0.15  # not stuck right under the title in the top-left
    assert line.box[3] < HD[1] * 0.75  # a little above the middle of the room, not at the bottom
    alone = render_slide(SceneConfig(kind="text", title="Backers"), HD, DARK)
    x0, y0, x1, y1 = alone.boxes[0]
    assert abs((x0 + x1) / 2 - HD[0] / 2) < 4 and HD[1] * 0.3 < (y0 + y1) / 2 < HD[1] * 0.7


def test_a_lead_sentence_a_little_over_its_share_is_shown_whole_under_a_long_list():
    from videogen_nb.slidetext import CUT_SLACK, MIN_SHARE, shown_paragraphs

    entries = [f"Entry {k} explains one more thing the reader should know before the course starts." for k in range(5)]
    lead = "Before you start this course, make sure that your computer is set up to run notebooks locally."
    assert MIN_SHARE < word_count(lead) <= MIN_SHARE * CUT_SLACK
    assert shown_paragraphs([lead, *entries])[0] == lead  # not cut three words before its end
    # a lead sentence in Chinese (half a word a character), as a real README had it
    zh = "在开始学习本课程之前，你需要确保你的电脑已经设置好并可以本地运行笔记本。"
    assert shown_paragraphs([zh, *entries])[0] == zh
    longer = lead + " It should also have a text editor, Python and Node.js, and a GitHub account of your own."
    cut = shown_paragraphs([longer, *entries])[0]  # two sentences, twice its share: still reduced
    assert cut.endswith("\u2026") and word_count(cut) <= MIN_SHARE * CUT_SLACK
