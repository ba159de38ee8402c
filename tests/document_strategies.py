"""Hypothesis strategies for hostile documents: Markdown, YAML and JSON specs, and raw bytes.

Shared by the fast-layer property test (``test_fuzz.py``, a few dozen examples)
and ``tools/fuzz.py`` (a thousand and more). Each strategy gives
``(file name, bytes)``: the document is written to a file and read the way a
user's would be, so reading (encodings, binary files) is exercised too.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import strategies as st

# characters that matter to Markdown, YAML and the layout: syntax, scripts, emoji, controls, bidi marks
_ALPHABET = st.one_of(
    st.sampled_from(list("abc xyz ABC 0123456789 .,;:!?-_*`#>|[](){}<>/\\'\"~=+&%$@^\n\t")),
    st.sampled_from(list("éßøçñ αβγ жзи עברית العربية 中文字 かな 한국 😀👍🏽 \u200b\u200d\ufe0f\u202e\u0301\ufffd")),
    st.characters(blacklist_categories=("Cs",)),
)
text = st.text(_ALPHABET, max_size=60)
words = st.lists(st.text(st.sampled_from(list("abcdefghij")), min_size=1, max_size=12), min_size=1, max_size=8).map(" ".join)
long_word = st.integers(200, 3000).map(lambda n: "w" * n)
line_text = st.one_of(words, text, long_word, st.just(""))


def _heading(level: int, title: str) -> str:
    return "#" * level + " " + title.replace("\n", " ")


paths = st.one_of(
    st.sampled_from(["img.png", "../up.png", "/etc/passwd", "a/../../b.png", "https://example.com/x.png",
                     "data:image/png;base64,AAAA", "file:///etc/hosts", "pic.svg", "", "%2e%2e/x.png"]),
    st.integers(100, 400).map(lambda n: "p" * n + ".png"),
    text,
)  # fmt: skip

block = st.one_of(
    st.builds(_heading, st.integers(1, 6), line_text),
    line_text,
    st.lists(st.tuples(st.integers(0, 5), line_text), min_size=1, max_size=12).map(
        lambda items: "\n".join("  " * d + ("- " if d % 2 == 0 else "1. ") + t.replace("\n", " ") for d, t in items)
    ),
    st.tuples(st.sampled_from(["", "python", "js", "{.py}", "mermaid", "``"]), st.lists(line_text, max_size=12),
              st.booleans()).map(lambda t: f"```{t[0]}\n" + "\n".join(t[1]) + ("\n```" if t[2] else "")),  # fmt: skip
    st.tuples(st.integers(1, 6), st.lists(st.lists(line_text, max_size=7), max_size=30)).map(
        lambda t: "\n".join(
            ["| " + " | ".join(f"h{i}" for i in range(t[0])) + " |", "|" + "---|" * t[0]]
            + ["| " + " | ".join(c.replace("\n", " ").replace("|", "/") for c in row) + " |" for row in t[1]]
        )
    ),
    st.lists(line_text, min_size=1, max_size=5).map(lambda ls: "\n".join("> " + x for x in ls) + "\n> \u2014 Someone"),
    st.tuples(text, paths).map(lambda t: f"![{t[0]}]({t[1]})"),
    line_text.map(lambda t: f"<!-- narration: {t} -->"),
    st.sampled_from(["---", "***", "<details><summary>x</summary>\n\nhidden\n</details>", "::: notes\nsay this\n:::",
                     "$$x^2$$", "[^1]: a note", "<img src='x.png'>", "\\", "\u00a0"]),
)  # fmt: skip

front_matter = st.one_of(
    st.just(""),
    st.dictionaries(st.sampled_from(["title", "lang", "theme", "accent", "author", "pronounce", "voice", "x"]),
                    st.one_of(line_text, st.integers(), st.none(), st.lists(text, max_size=3),
                              st.dictionaries(text, text, max_size=3)), max_size=5)
    .map(lambda d: "---\n" + yaml.safe_dump(d, allow_unicode=True) + "---\n"),
    text.map(lambda t: f"---\n{t}\n---\n"),
)  # fmt: skip


@st.composite
def markdown_documents(draw) -> tuple[str, bytes]:
    """A Markdown file: front matter (valid or not), then blocks of every kind, some broken on purpose."""
    body = "\n\n".join(draw(st.lists(block, max_size=25)))
    return "doc.md", (draw(front_matter) + body).encode("utf-8", "surrogatepass")


_KINDS = ["text", "bullets", "steps", "code", "code_comparison", "table", "quote", "image", "quiz", "title",
          "outro", "learning_objectives", "exercise", "nonsense", "Text", None]  # fmt: skip
_FIELDS = ["title", "body", "items", "code", "language", "headers", "rows", "quote", "attribution", "path", "alt",
           "question", "options", "answer", "narration", "scene_id", "accent", "before", "after", "subtitle",
           "number", "level", "extra"]  # fmt: skip
values = st.recursive(
    st.one_of(line_text, st.integers(-5, 10**6), st.floats(allow_nan=True), st.booleans(), st.none(), paths,
              st.sampled_from(["../../etc/x", "a/b", "ok-id", "UPPER", "x" * 80, "-dash", "01-fine"])),
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip
strings = st.lists(line_text, max_size=12)
items = st.lists(st.one_of(line_text, st.fixed_dictionaries({"text": line_text}, optional={"level": st.integers(0, 2)})),
                 max_size=30)  # fmt: skip
# scenes of each kind with fields of the right types (so specs get past validation into paging and
# narration), their contents as hostile as the Markdown's: long words, scripts, empty lists, ragged rows
_PLAUSIBLE = {
    "title": {"title": line_text, "subtitle": line_text, "author": line_text},
    "text": {"title": line_text, "body": strings, "items": items},
    "bullets": {"title": line_text, "items": items, "body": strings},
    "steps": {"title": line_text, "items": items, "number": st.integers(0, 99)},
    "outro": {"title": line_text, "items": items},
    "code": {"title": line_text, "code": st.lists(line_text, max_size=60).map("\n".join), "language": st.sampled_from(["python", "", "x"])},
    "code_comparison": {"before": line_text, "after": line_text, "language": st.just("python")},
    "table": {"title": line_text, "headers": st.lists(line_text, min_size=1, max_size=6),
              "rows": st.lists(st.lists(line_text, max_size=7), max_size=60)},
    "quote": {"quote": strings, "attribution": line_text},
    "image": {"path": paths, "alt": line_text},
    "quiz": {"question": line_text, "options": st.lists(line_text, min_size=2, max_size=6), "answer": st.sampled_from(["A", "B", 1, 2])},
    "exercise": {"title": line_text, "items": items, "minutes": st.integers(1, 500), "difficulty": st.sampled_from(["easy", "hard"])},
}  # fmt: skip
_REQUIRED = {"table": ("headers",), "quote": ("quote",), "image": ("path",), "code_comparison": ("before", "after"),
             "code": ("code",), "quiz": ("question", "options", "answer")}  # fmt: skip
plausible_scene = st.sampled_from(sorted(_PLAUSIBLE)).flatmap(
    lambda kind: st.fixed_dictionaries(
        {"kind": st.just(kind), **{f: _PLAUSIBLE[kind][f] for f in _REQUIRED.get(kind, ())}},
        # now and then a wrong value among the right ones: one bad scene must fail the spec with our error
        optional={**{f: v for f, v in _PLAUSIBLE[kind].items() if f not in _REQUIRED.get(kind, ())}, "narration": line_text, "accent": st.sampled_from(["blue", "red", "teal"] * 5 + ["mauve"]),
                  "scene_id": st.sampled_from(["intro", "a-1", "x" * 64, "p2"] * 5 + ["Bad Id", "../x"])},
    )
)  # fmt: skip
scene = st.one_of(
    plausible_scene,
    plausible_scene,
    st.fixed_dictionaries({"kind": st.sampled_from(_KINDS)}, optional={f: values for f in _FIELDS}),
    values,
)
spec = st.one_of(
    st.fixed_dictionaries({"title": line_text, "scenes": st.lists(plausible_scene, min_size=1, max_size=8)},
                          optional={"theme": st.sampled_from(["dark", "light"]), "lang": st.sampled_from(["en", "de", "ja"])}),
    st.lists(plausible_scene, min_size=1, max_size=6),
    st.fixed_dictionaries({"scenes": st.lists(scene, max_size=8)},
                          optional={"title": values, "theme": values, "lang": values, "accent": values, "other": values}),
    st.lists(scene, max_size=8),
    values,
)  # fmt: skip


@st.composite
def spec_documents(draw) -> tuple[str, bytes]:
    """A YAML or JSON scene spec: plausible structure with wrong kinds, fields, types and ids; or raw text."""
    data = draw(spec)
    how = draw(st.sampled_from(["yaml", "json", "raw"]))
    if how == "raw":
        return "spec.yaml", draw(text).encode("utf-8", "surrogatepass")
    if how == "json":
        return "spec.json", json.dumps(data, ensure_ascii=draw(st.booleans())).encode()
    return "spec.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")


raw_files = st.tuples(st.sampled_from(["doc.md", "doc.txt", "spec.yaml", "spec.json"]), st.binary(max_size=200))

#: every kind of document the fuzzers try
documents = st.one_of(markdown_documents(), spec_documents(), raw_files)


def run_document(name: str, data: bytes, folder) -> None:
    """Write the document into ``folder`` and run input, parse and script on it, as a user's file would be."""
    from pathlib import Path

    from videogen_nb import Pipeline

    folder = Path(folder)
    (folder / "img.png").write_bytes(_PNG)  # an image the documents may point at
    path = folder / name
    path.write_bytes(data)
    Pipeline(path, workdir=folder / "work", tts="silent", progress=None, resolution=(640, 360)).run(until="script")


# a 1x1 PNG
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7d690d00000000049454e44ae426082"
)
