"""Narration is for the ear: no Markdown, URLs, HTML or code; any language survives unchanged; enhancers may help."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
import srt

from tricky_corpus import CODE_80, CORPUS, SPEC, URL
from videogen_nb import Pipeline

EVERYTHING = f"""---
title: Everything at once
---

# Everything at once

[![CI](https://img.shields.io/badge/ci-green.svg)](https://ci.example.com)

<!-- a note for editors only -->

## Text

Some **bold**, _emphasis_, ~~strike~~, `inline code` and a [link]({URL}), plus {URL} and <https://example.org/auto>.
Mail me at someone@example.com.

## Lists

1. First *step*
   - a `nested` point
2. Second step

## Code

```python
{CODE_80}
```

## Table

| Column `a` | Column **b** |
|---|---|
| 1 | [x](https://example.com/x) |

## Quote

> Code is read more often than it is written.
> — Guido

## Summary

- That was everything
"""


def narrations(path, tmp_path, **kw) -> list[str]:
    p = Pipeline(path, workdir=tmp_path / path.stem, progress=None, tts="silent", resolution="720p", **kw)
    p.run(until="script")
    return [s.narration for s in p.scenes]


def assert_speakable(text: str, code_lines: list[str]) -> None:
    for mark in ("**", "__", "~~", "`", "](", "<!--", "-->", "|", "#", "<http", "\n"):
        assert mark not in text, (mark, text)
    assert not re.search(r"https?://|www\.|\.com/|@example", text), text
    assert not re.search(r"(^|\s)[*_][^\s]", text), text  # emphasis marks
    for line in code_lines:
        assert line not in text, (line, text)


def test_narration_never_holds_markdown_urls_html_or_code(write_doc, tmp_path):
    doc = write_doc("everything.md", EVERYTHING)
    code_lines = [ln.strip() for ln in CODE_80.splitlines() if len(ln.strip()) > 8]
    said = narrations(doc, tmp_path)
    for text in said:
        assert_speakable(text, code_lines)
    whole = " ".join(said)
    assert "inline code" in whole and "link" in whole and "First step" in whole and "a nested point" in whole
    assert "editors" not in whole and "CI" not in whole.split()


@pytest.mark.slow
def test_the_tricky_corpus_narrates_cleanly_too(tmp_path):
    for name, text in list(CORPUS.items()) + [("teaching.yaml", SPEC)]:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        for said in narrations(path, tmp_path):
            assert_speakable(said, [ln.strip() for ln in CODE_80.splitlines() if len(ln.strip()) > 8])


@pytest.mark.parametrize(
    "name, title, body",
    [
        ("fr.md", "Crème brûlée à la française", "Ça coûte très peu, naïvement."),
        ("zh.md", "光合作用", "植物用光制造糖。"),
        ("ar.md", "التمثيل الضوئي", "تصنع النباتات السكر من الضوء."),
        ("ru.md", "Фотосинтез", "Растения делают сахар из света."),
    ],
)
def test_accents_and_non_latin_text_survive_into_slides_narration_and_metadata(write_doc, tmp_path, name, title, body):
    doc = write_doc(name, f"# {title}\n\n## {title}\n\n{body}\n")
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent", resolution=(320, 180))
    p.run()
    content = p.scenes[1]
    assert content.title == title and content.body == [body]  # what the slide shows
    # the title slide says the title; the section of the same name does not say it again
    assert title in p.scenes[0].narration and title not in content.narration and body.rstrip(".。") in content.narration
    assert not [w for w in p.ctx.warnings if "no font has" in w]
    meta = json.loads(p.ctx.metadata_path.read_text(encoding="utf-8"))
    assert meta["title"] == title and meta["scenes"][1]["narration"] == content.narration
    assert title in p.ctx.metadata_path.read_text(encoding="utf-8")  # stored as is, not as \\u escapes
    # and in the subtitles: the cues, read back by a parser, hold the narration's characters unchanged
    cues = list(srt.parse(p.subtitle_paths["srt"].read_text(encoding="utf-8")))
    squeeze = lambda text: "".join(text.split())  # noqa: E731 - lines break anywhere in CJK
    assert squeeze("".join(c.content for c in cues)) == squeeze("".join(s.narration for s in p.scenes))
    assert any(squeeze(title) in squeeze(c.content) for c in cues)


def test_an_enhancer_rewrites_template_narration(write_doc, tmp_path):
    doc = write_doc("e.md", "# E\n\n## One\n\nFirst text.\n\n## Two\n\nSecond text.\n")
    seen = []

    def shout(scene, draft):
        seen.append((scene.scene_id, draft))
        return draft.upper()

    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent", enhancer=shout)
    p.run(until="script")
    assert [s.narration for s in p.scenes] == ["E.", "ONE. FIRST TEXT.", "TWO. SECOND TEXT."]
    assert ("02-one", "One. First text.") in seen
    assert "enhanced" in p.status().rows[2].summary


@pytest.mark.parametrize(
    "enhancer, why",
    [
        (lambda scene, draft: 1 / 0, "ZeroDivisionError"),
        (lambda scene, draft: None, "returned nothing"),
        (lambda scene, draft: "   ", "returned nothing"),
        (lambda scene, draft: ["not", "text"], "returned a list"),
    ],
)
def test_a_failing_enhancer_keeps_the_template_narration_with_a_warning(write_doc, tmp_path, enhancer, why):
    doc = write_doc("e.md", "# E\n\n## One\n\nFirst text.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent", enhancer=enhancer)
    p.run(until="script")
    assert p.status()["script"] == "done"
    assert [s.narration for s in p.scenes] == ["E.", "One. First text."]
    assert sum(why in w for w in p.ctx.warnings) == 2


def test_enhancer_output_is_cleaned_for_the_ear(write_doc, tmp_path):
    doc = write_doc("e.md", "# E\n\n## One\n\nFirst text.\n")
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, tts="silent",
                 enhancer=lambda s, d: f"**{d}** See https://example.com/more for more.")  # fmt: skip
    p.run(until="script")
    assert p.scenes[1].narration == "One. First text. See example.com/more for more."
