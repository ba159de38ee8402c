"""Parse and script through the public Pipeline: scenes from headings, narration without syntax."""

from __future__ import annotations

import pytest

from videogen_nb import InputConfig, Pipeline, errors


def parsed(source, tmp_path, **kw) -> Pipeline:
    p = Pipeline(source, workdir=tmp_path / "work", progress=None, **kw)
    p.input()
    p.parse()
    return p


def test_h1_is_the_title_scene_and_each_h2_a_scene(write_doc, tmp_path):
    doc = write_doc(
        "talk.md",
        """
        # Rivers

        ## Where they start

        Springs and melting snow.

        ## Where they end

        - in lakes
        - in the sea
        """,
    )
    p = parsed(doc, tmp_path)
    kinds = [(s.kind, s.title) for s in p.scenes]
    assert kinds == [("title", "Rivers"), ("text", "Where they start"), ("bullets", "Where they end")]
    assert p.scenes[1].body == ["Springs and melting snow."]
    assert [i.text for i in p.scenes[2].items] == ["in lakes", "in the sea"]
    assert [s.scene_id for s in p.scenes] == ["01-rivers", "02-where-they-start", "03-where-they-end"]
    assert p.scenes[1].source_line == 3


def test_paragraphs_and_lists_in_one_section_are_both_kept(write_doc, tmp_path):
    doc = write_doc("mixed.md", "# T\n\n## S\n\nFirst paragraph.\n\nSecond one.\n\n* a\n* b\n")
    s = parsed(doc, tmp_path).scenes[1]
    assert s.kind == "text" and s.body == ["First paragraph.", "Second one."] and [i.text for i in s.items] == ["a", "b"]


def test_front_matter_gives_the_title_and_never_reaches_a_slide(write_doc, tmp_path):
    doc = write_doc(
        "fm.md",
        """
        ---
        title: From Front Matter
        author: Ada
        ---

        ## Only section

        Body text.
        """,
    )
    p = parsed(doc, tmp_path)
    assert p.scenes[0].kind == "title" and p.scenes[0].title == "From Front Matter"
    everything = " ".join(
        " ".join([s.title, getattr(s, "subtitle", ""), *getattr(s, "body", []), *(i.text for i in getattr(s, "items", []))])
        for s in p.scenes
    )
    assert "author" not in everything and "---" not in everything
    assert p.ctx.video_config.author == "Ada"
    assert p.ctx.input_metadata["front_matter"]["author"] == "Ada"


def test_without_h1_or_front_matter_the_first_heading_is_the_title(write_doc, tmp_path):
    doc = write_doc("my_first-talk.md", "## Part one\n\nHello.\n")
    assert parsed(doc, tmp_path).scenes[0].title == "Part one"


def test_without_any_heading_the_file_name_is_the_title_made_readable(write_doc, tmp_path):
    doc = write_doc("my_first-talk.md", "Hello.\n\nThere.\n")
    assert parsed(doc, tmp_path).scenes[0].title == "My first talk"
    doc = write_doc("ch01-02_09-getting-started.md", "Hello.\n\nThere.\n")
    assert parsed(doc, tmp_path).scenes[0].title == "Getting started"


def test_plain_text_without_headings_gives_title_and_one_content_scene(write_doc, tmp_path):
    doc = write_doc(
        "notes.txt",
        """
        Rivers carry water to the sea.
        They shape valleys over time.

        Some rivers freeze in winter.
        """,
    )
    p = parsed(doc, tmp_path)
    assert [s.kind for s in p.scenes] == ["title", "text"]
    assert p.scenes[0].title == "Notes"
    assert p.scenes[1].body == ["Rivers carry water to the sea. They shape valleys over time.", "Some rivers freeze in winter."]


def test_markdown_without_any_heading_is_also_title_plus_content(write_doc, tmp_path):
    doc = write_doc("flat.md", "Just a paragraph.\n\nAnd another.\n")
    p = parsed(doc, tmp_path)
    assert [s.kind for s in p.scenes] == ["title", "text"]


def test_a_markdown_string_is_a_document_too(tmp_path):
    p = parsed("# Inline\n\n## One\n\nText here.\n", tmp_path)
    assert [s.title for s in p.scenes] == ["Inline", "One"]
    p2 = parsed(InputConfig(input_type="markdown", source="## Only\n\nx"), tmp_path / "b")
    assert p2.scenes[-1].title == "Only"


def test_a_short_intro_becomes_the_subtitle(write_doc, tmp_path):
    doc = write_doc("intro.md", "# Big Title\n\nA short line under it.\n\n## Next\n\nMore.\n")
    p = parsed(doc, tmp_path)
    assert p.scenes[0].subtitle == "A short line under it."


def test_narration_is_the_text_without_markdown_syntax(write_doc, tmp_path):
    doc = write_doc(
        "syntax.md",
        """
        # Syntax *Test*

        ## Links and code

        Read **the guide** at [our site](https://example.com/guide) and run `make`.
        <!-- a comment nobody should hear -->

        - an _emphasised_ item
        """,
    )
    p = parsed(doc, tmp_path)
    p.script()
    text = " ".join(s.narration for s in p.scenes)
    for mark in ("*", "`", "[", "](", "https://", "<!--", "_emphasised_", "#"):
        assert mark not in text, mark
    assert "Read the guide at our site and run make." in text
    assert "an emphasised item." in text


def test_script_keeps_narration_that_was_already_written(write_doc, tmp_path):
    doc = write_doc("keep.md", "# K\n\n## A\n\nText a.\n")
    p = parsed(doc, tmp_path)
    p.scenes[1].narration = "My own words."
    p.script()
    assert p.scenes[1].narration == "My own words."
    assert p.scenes[0].narration == "K."


def test_an_empty_scene_list_is_an_error_not_a_silent_success(write_doc, tmp_path):
    doc = write_doc("e.md", "# E\n\n## A\n\nText.\n")
    p = parsed(doc, tmp_path)
    p.scenes.clear()
    with pytest.raises(errors.StageFailedError) as info:
        p.script()
    assert info.value.stage == "script"
    assert isinstance(info.value.__cause__, errors.DocumentStructureError)
    assert "no scenes" in str(info.value) and "e.md" in str(info.value)
    assert p.status()["script"] == "failed"
