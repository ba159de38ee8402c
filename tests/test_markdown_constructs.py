"""One small document per Markdown construct: the scene kinds and contents it must produce."""

from __future__ import annotations

import pytest
from PIL import Image

from videogen_nb.text import CODE, plain
from videogen_nb import Pipeline, errors


def scenes_of(doc, tmp_path, script=False, **kw):
    p = Pipeline(doc, workdir=tmp_path / "work", progress=None, tts="silent", resolution=(640, 360), **kw)
    p.input()
    p.parse()
    if script:
        p.script()
    return p


def test_front_matter_fields_reach_the_video_and_the_title_slide(write_doc, tmp_path):
    doc = write_doc(
        "fm.md",
        """
        ---
        title: Über Flüsse
        subtitle: Wo sie beginnen
        author: Zoë
        lang: de
        theme: light
        voice: de
        ---

        ## Quellen

        Schnee und Regen.
        """,
    )
    p = scenes_of(doc, tmp_path)
    vc = p.ctx.video_config
    assert (vc.title, vc.subtitle, vc.author, vc.lang, vc.theme, vc.voice) == ("Über Flüsse", "Wo sie beginnen", "Zoë", "de", "light", "de")
    title = p.scenes[0]
    assert (title.kind, title.title, title.subtitle, title.author) == ("title", "Über Flüsse", "Wo sie beginnen", "Zoë")
    # the light theme is the slide's: the background of the drawn slide is light
    assert min(p.slide(1).image.getpixel((2, 2))) > 200


def test_a_front_matter_theme_that_does_not_exist_names_the_choices(write_doc, tmp_path):
    doc = write_doc("bad.md", "---\ntheme: neon\n---\n\n# T\n\ntext\n")
    with pytest.raises(errors.InputError) as info:
        scenes_of(doc, tmp_path)
    assert "bad.md" in str(info.value) and "dark, light" in str(info.value)


def test_h1_title_h2_scenes_h3_sub_points(write_doc, tmp_path):
    doc = write_doc(
        "levels.md",
        """
        # Rivers

        ## Parts of a river

        ### Source

        Where it starts.

        ### Mouth

        Where it ends.
        """,
    )
    p = scenes_of(doc, tmp_path)
    # an H3 with content of its own is a scene titled by it, with its H2 above it, small
    assert [(s.kind, s.title, s.section) for s in p.scenes] == [
        ("title", "Rivers", ""), ("text", "Source", "Parts of a river"), ("text", "Mouth", "Parts of a river")
    ]  # fmt: skip
    assert p.scenes[1].body == ["Where it starts."] and p.scenes[2].body == ["Where it ends."]


def test_code_before_h3_sub_points_is_kept_as_its_own_scene(write_doc, tmp_path):
    doc = write_doc(
        "lead.md",
        "# R\n\n## Setup\n\n```sh\nmake\n```\n\n### Fast\n\nQuick.\n\n### Safe\n\nCareful.\n",
    )
    p = scenes_of(doc, tmp_path)
    assert [(s.kind, s.title, s.section) for s in p.scenes[1:]] == [("code", "Setup", ""), ("text", "Fast", "Setup"), ("text", "Safe", "Setup")]
    assert [s.body for s in p.scenes[2:]] == [["Quick."], ["Careful."]]


def test_lists_nest_three_levels_and_ordered_lists_are_steps(write_doc, tmp_path):
    doc = write_doc(
        "lists.md",
        """
        # L

        ## Nested

        - one
          - one a
            - one a i
              - deeper than three levels
        - two

        ## How to

        3. Open the lid
        4. Pour the water
        """,
    )
    p = scenes_of(doc, tmp_path)
    nested, steps = p.scenes[1], p.scenes[2]
    assert nested.kind == "bullets"
    assert [(i.text, i.level) for i in nested.items] == [
        ("one", 0), ("one a", 1), ("one a i", 2), ("deeper than three levels", 2), ("two", 0)
    ]  # fmt: skip
    assert steps.kind == "steps"
    assert [(i.text, i.number) for i in steps.items] == [("Open the lid", 3), ("Pour the water", 4)]


def test_step_n_headings_become_steps(write_doc, tmp_path):
    doc = write_doc(
        "steps.md",
        """
        # Setup

        ## Getting ready

        ### Step 1: Install

        Get the package.

        ### Step 2: Configure

        Edit the file.

        ## Step 3: Run it

        Start the program.
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    one, two, run = p.scenes[1], p.scenes[2], p.scenes[3]
    assert [(s.kind, s.number, s.title, s.body, s.section) for s in (one, two, run)] == [
        ("steps", 1, "Install", ["Get the package."], "Getting ready"),
        ("steps", 2, "Configure", ["Edit the file."], "Getting ready"),
        ("steps", 3, "Run it", ["Start the program."], ""),
    ]  # fmt: skip
    assert "Step 1: Install." in one.narration and "Step 3: Run it." in run.narration


def test_fenced_code_keeps_its_language_and_narration_describes_it(write_doc, tmp_path):
    doc = write_doc(
        "code.md",
        """
        # C

        ## Parsing

        A small parser:

        ```python
        import re

        def parse_line(text):
            return text.split()

        class Reader:
            def read(self):
                return 1
        ```
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    code = p.scenes[1]
    assert (code.kind, code.language, code.body) == ("code", "python", ["A small parser:"])
    assert code.code.startswith("import re\n\ndef parse_line(text):")
    narration = code.narration
    assert "Python" in narration and "parse line" in narration and "Reader" in narration
    for line in code.code.splitlines():
        if line.strip():
            assert line.strip() not in narration


def test_a_yaml_block_with_plain_scalars_is_highlighted_and_drawn(write_doc, tmp_path):
    # YAML's lexer makes token types (Literal.Scalar.Plain) no Pygments style lists: their parent's colour is used
    doc = write_doc("cfg.md", "# Site\n\n## Config\n\n```yaml\nsite_name: My Docs\nnav:\n  - Home: index.md\n```\n")
    p = scenes_of(doc, tmp_path, script=True)
    code = p.scenes[1]
    assert code.kind == "code" and code.language == "yaml"
    slide = p.slide(1, size=(640, 360))
    assert not slide.warnings and len(slide.boxes) >= 4  # title and three lines of code


def test_code_in_another_language_names_its_definitions_and_calls_from_the_tokens(write_doc, tmp_path):
    doc = write_doc("js.md", "# J\n\n## Script\n\n```js\nfunction loadData(url) {\n  return fetch(url);\n}\n```\n")
    p = scenes_of(doc, tmp_path, script=True)
    assert "JavaScript" in p.scenes[1].narration and "load Data" in p.scenes[1].narration
    assert "defines the function load Data and calls fetch" in p.scenes[1].narration


def test_a_table_is_a_table_and_its_narration_summarises_it(write_doc, tmp_path):
    doc = write_doc(
        "table.md",
        """
        # T

        ## Planets

        | Planet | Moons |
        |--------|------:|
        | Mars   | 2 |
        | Earth  | 1 |
        | Venus  | 0 |
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    table = p.scenes[1]
    assert table.kind == "table"
    assert table.headers == ["Planet", "Moons"] and table.rows == [["Mars", "2"], ["Earth", "1"], ["Venus", "0"]]
    assert "2 columns: Planet and Moons" in table.narration and "3 rows" in table.narration
    assert "|" not in table.narration


def test_a_block_quote_says_who_is_quoted(write_doc, tmp_path):
    doc = write_doc("q.md", "# Q\n\n## Advice\n\n> Simple is better than complex.\n> — Tim Peters\n")
    p = scenes_of(doc, tmp_path, script=True)
    quote = p.scenes[1]
    assert (quote.kind, quote.quote, quote.attribution) == ("quote", ["Simple is better than complex."], "Tim Peters")
    assert "Tim Peters" in quote.narration and ">" not in quote.narration


def test_an_image_is_resolved_against_the_document_folder_and_narrated_by_its_alt_text(write_doc, tmp_path):
    (tmp_path / "img").mkdir()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(tmp_path / "img" / "leaf.png")
    doc = write_doc("pic.md", "# P\n\n## A leaf\n\n![A green leaf in the sun](img/leaf.png)\n")
    p = scenes_of(doc, tmp_path, script=True)
    image = p.scenes[1]
    assert image.kind == "image" and image.path == (tmp_path / "img" / "leaf.png").resolve()
    assert "green leaf in the sun" in image.narration
    # the picture is on the slide: its red shows in the middle
    arr = p.slide(1).image.convert("RGB")
    assert any(arr.getpixel((x, y)) == (200, 30, 30) for x in range(200, 440, 8) for y in range(120, 300, 8))


@pytest.mark.parametrize("path", ["../secret.png", "/etc/passwd", "img/../../secret.png"])
def test_an_image_path_escaping_the_document_folder_is_refused(write_doc, tmp_path, path):
    (tmp_path / "docs").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "secret.png")
    doc = tmp_path / "docs" / "escape.md"
    doc.write_text(f"# E\n\n## Sneaky\n\n![x]({path})\n", encoding="utf-8")
    p = Pipeline(doc, workdir=tmp_path / "work", progress=None, tts="silent")
    p.input()
    with pytest.raises(errors.ImagePathError) as info:
        p.parse()
    msg = str(info.value)
    assert "escape.md" in msg and "line 5" in msg and "outside the document's folder" in msg and path in msg


def test_links_keep_their_text_inline_code_its_content_and_urls_are_not_narrated(write_doc, tmp_path):
    doc = write_doc(
        "links.md",
        """
        # L

        ## Reading

        See [the guide](https://example.com/guide) or https://example.com/raw and run `make test`.
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    scene = p.scenes[1]
    assert [plain(t) for t in scene.body] == ["See the guide or https://example.com/raw and run make test."]
    assert CODE + "make test" + CODE in scene.body[0]  # inline code is kept marked: a slide draws it monospaced
    assert "the guide" in scene.narration and "make test" in scene.narration
    # a short bare URL is kept as a subtitle shows it (no scheme); the voice says it "example dot com slash raw"
    assert "http" not in scene.narration and "example.com/raw" in scene.narration


def test_html_comments_and_badges_are_dropped(write_doc, tmp_path):
    doc = write_doc(
        "readme.md",
        """
        # Project

        [![Build](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com) ![PyPI](https://badge.fury.io/py/x.svg)

        <!-- TODO: nobody should ever hear this -->
        <p align="center"><img src="logo.png"></p>

        ## Usage

        Just run it. <!-- inline note -->
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    assert [s.kind for s in p.scenes] == ["title", "text"]
    text = " ".join(s.narration for s in p.scenes) + " ".join(getattr(s, "body", [""])[0] for s in p.scenes[1:])
    for gone in ("TODO", "nobody", "Build", "PyPI", "shields", "img", "inline note"):
        assert gone not in text
    # badges are decoration: no warning about them (the missing logo, without alt text, is named in one)
    assert [w for w in p.ctx.warnings if "logo.png" not in w] == []


def test_summary_sections_are_outros_and_others_get_a_generated_one(write_doc, tmp_path):
    with_summary = write_doc("a.md", "# A\n\n## One\n\nx\n\n## Key takeaways\n\n- first\n- second\n")
    p = scenes_of(with_summary, tmp_path / "a")
    assert p.scenes[-1].kind == "outro" and [i.text for i in p.scenes[-1].items] == ["first", "second"]
    without = write_doc("b.md", "# B\n\n## Alpha\n\nx\n\n## Beta\n\ny\n\n## Gamma\n\nz\n")
    p = scenes_of(without, tmp_path / "b", script=True)
    outro = p.scenes[-1]
    assert outro.kind == "outro" and [i.text for i in outro.items] == ["Alpha", "Beta", "Gamma"]
    assert "Alpha" in outro.narration and "Gamma" in outro.narration


def test_before_and_after_code_sections_become_a_code_comparison(write_doc, tmp_path):
    doc = write_doc(
        "cmp.md",
        """
        # Refactor

        ## Looping

        ### Before

        ```python
        for i in range(len(xs)):
            print(xs[i])
        ```

        ### After

        ```python
        for x in xs:
            print(x)
        ```
        """,
    )
    p = scenes_of(doc, tmp_path, script=True)
    cmp = p.scenes[1]
    assert cmp.kind == "code_comparison" and cmp.title == "Looping"
    assert (cmp.before_label, cmp.after_label, cmp.language) == ("Before", "After", "python")
    assert "print(xs[i])" in cmp.before and "print(x)" in cmp.after
    assert "print" not in cmp.narration


def test_a_section_with_text_then_code_then_a_table_gives_one_scene_per_kind(write_doc, tmp_path):
    doc = write_doc(
        "mixed.md",
        """
        # M

        ## Install

        First install it:

        ```sh
        pip install thing
        ```

        Then check the versions:

        | Tool | Version |
        |---|---|
        | thing | 1.0 |

        - it works
        - it is fast
        """,
    )
    p = scenes_of(doc, tmp_path)
    assert [(s.kind, s.title) for s in p.scenes[1:]] == [("code", "Install"), ("table", "Install"), ("bullets", "Install")]
    assert p.scenes[1].body == ["First install it:"] and p.scenes[2].body == ["Then check the versions:"]
