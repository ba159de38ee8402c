"""Narration written for the ear: each rule as the text before and after, on small documents written for it.

The narration (and so the subtitles) keeps the written words; what the voice is given comes from
``pronounce.speech_text``, whose word timings map back onto the written words.
"""

from __future__ import annotations

import pytest

from videogen_nb import Pipeline, SceneConfig
from videogen_nb.narration import describe_code, speakable, template_narration
from videogen_nb.pronounce import speech_text
from videogen_nb.spoken import speech_of


def narrations(write_doc, tmp_path, text, name="doc.md", **kw) -> list[str]:
    p = Pipeline(write_doc(name, text), workdir=tmp_path / "w", progress=None, tts="silent", **kw)
    p.run(until="script")
    return [s.narration for s in p.scenes]


def test_a_title_just_spoken_is_not_said_again(write_doc, tmp_path):
    doc = """
    # Guide

    ## Troubleshooting

    If the build fails, read the error first:

    ```console
    $ cargo build
    ```

    Then look at the log it names.

    ```console
    $ cat build.log
    ```

    ## Cookies

    Cookies are small pieces of data a server asks a browser to keep.
    """
    said = narrations(write_doc, tmp_path, doc)
    assert said[1].startswith("Troubleshooting. If the build fails")
    assert not said[2].startswith("Troubleshooting")  # the same section's next scene: the title was just said
    assert said[-2].startswith("Cookies are small pieces") or said[-1].startswith("Cookies are small pieces")


@pytest.mark.parametrize(
    "written, said",
    [
        ("Deploy 🚀 now ❤️", "Deploy now"),
        ("(Feel free to give us a star, too 😊)", "(Feel free to give us a star, too)"),
        ("It is done later.).", "It is done later.)"),
        ("One item ,.", "One item."),
        ("Edit the .netrc file.", "Edit the .netrc file."),  # never glued: "the.netrc"
        ("Open your browser at http://127.0.0.1:8000.", "Open your browser at 127.0.0.1:8000."),
        ("See https://github.com/example/project/discussions/categories/ideas?page=2 for more.",
         "See the link on screen for more."),
    ],
)
def test_narration_text_rules(written, said):
    assert speakable(written, english=True) == said


@pytest.mark.parametrize(
    "written, spoken",
    [
        ("Open your browser at 127.0.0.1:8000.", "Open your browser at localhost, port 8000."),
        ("Read docs.python.org first.", "Read docs dot python dot org first."),
        ("It has 300M downloads/week.", "It has three hundred million downloads per week."),
        ("It needs 5 GB and 50% more.", "It needs five gigabytes and fifty percent more."),
        ("x ± 2 → y ≥ 3", "x plus or minus 2 to y greater than or equal to 3"),
        ("Add it to %PATH% and $HOME.", "Add it to PATH and HOME."),
        ("Edit the .netrc file and main.rs.", "Edit the dot netrc file and main dot R S."),
        ("Cargo v0.1.0 is out.", "Cargo zero dot one dot zero is out."),
        ("Use the --lib flag.", "Use the dash dash lib flag."),
        ("It calls httpx.get.", "It calls httpx dot get."),
        ("Learn 机器学习 today 🚀.", "Learn today."),  # letters an English voice would spell out are not said
    ],
)
def test_spoken_forms_in_english(written, spoken):
    assert speech_of(written, "en") == spoken


def test_spoken_forms_follow_the_language_with_num2words():
    assert speech_of("Es hat 300M Downloads und 50% mehr.", "de") == "Es hat dreihundert Millionen Downloads und fünfzig Prozent mehr."
    assert speech_of("Tiene 5 GB.", "es") == "Tiene cinco GB."
    assert "localhost" in speech_of("访问 http://localhost:8000", "zh") and "端口 8000" in speech_of("访问 http://localhost:8000", "zh")


@pytest.mark.slow
def test_spoken_words_are_timed_back_onto_the_written_words(write_doc, tmp_path):
    doc = write_doc("t.md", "# T\n\n## Run\n\nOpen http://127.0.0.1:8000 and read the .netrc file 🚀 now.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="espeak")
    p.run(until="audio")
    scene = p.ctx.timing_report.scenes[1]
    words = [w.word for w in scene.word_timings]
    assert words == p.scenes[1].narration.split()  # subtitles keep "127.0.0.1:8000" and ".netrc"
    assert "127.0.0.1:8000" in words and all(b.start >= a.start for a, b in zip(scene.word_timings, scene.word_timings[1:]))
    spoken = speech_text(p.scenes[1].narration, "en")
    assert "localhost, port 8000" in spoken.text and "🚀" not in spoken.text


def test_code_is_explained_by_what_it_does_never_announced():
    assert describe_code("$ rustup update", "console", lead="To update Rust, run:") == "rustup update."
    assert describe_code("$ rustup update", "console") == "Run rustup update."
    assert describe_code("$ cd hello_world\n$ tree .", "console") == "Run cd hello_world, then tree .."[:-1]
    assert describe_code("pip install requests", "bash") == "Run pip install requests."
    said = describe_code("$ ./target/debug/hello\nHello, world!", "console")
    assert said == "Run ./target/debug/hello. It prints Hello, world!."[:-1]
    python = describe_code("import re\n\ndef parse(text):\n    return re.split(',', text)\n", "python")
    assert python == "This Python code imports re, defines the function parse and calls re.split."
    session = describe_code(">>> r = httpx.get('https://example.org')\n>>> r.status_code\n200", "pycon")
    assert session == "This Python code calls httpx.get."
    config = describe_code('[package]\nname = "hello"\nversion = "0.1.0"', "toml")
    assert config == "It sets name and version in the package section."
    for code, lang in (("$ ls", "console"), ("x = 1\ny = 2\nprint(x)", "python"), ("<A />", "tsx")):
        said = describe_code(code, lang)
        assert "lines of" not in said and "Bash Session" not in said and "TSX" not in said


def test_admonitions_are_said_as_note_colon_never_as_a_quote(write_doc, tmp_path):
    doc = """
    # A

    ## Setup

    > **Note:** back up your files first.

    ::: tip
    Use a virtual environment.
    :::
    """
    said = narrations(write_doc, tmp_path, doc)
    text = " ".join(said)
    assert "Note: back up your files first." in text and "A quote" not in text
    assert "Tip: Use a virtual environment." in text and "Tip." not in text


def test_template_narration_of_a_continued_scene_does_not_repeat_the_title():
    first = SceneConfig(kind="text", title="Points", scene_id="02-points", body=["Alpha is first."])
    page = SceneConfig(kind="text", title="Points (cont.)", scene_id="03-points", continues="02-points", body=["Beta."])
    assert template_narration(first, "en") == "Points. Alpha is first."
    assert template_narration(page, "en") == "Beta."
