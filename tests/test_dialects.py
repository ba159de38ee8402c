"""The Markdown people write docs in: one small document per dialect construct, written for the test.

Each checks the scenes (kind, title, order of what they hold, narration) and, for what is drawn,
a rendered slide. Nothing a documentation tool reads as markup reaches a slide or the narration.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from videogen_nb import Pipeline
from videogen_nb.kinds.flow import Figure, Formula
from videogen_nb.models import Item
from videogen_nb.render.slides import layout_slide
from videogen_nb.render.theme import get_theme

MARKUP = re.compile(r"\{\{|\{\*|\{#|:::|///|!!!|\?\?\?|===|--8<--|<[A-Za-z/!]|\]\(|\bimport \w+ from|\$|\[!\w+\]|\(\w+\)=")


def run(doc, tmp_path, **kw):
    p = Pipeline(doc, workdir=tmp_path / "work", progress=None, tts="silent", resolution=(640, 360), offline=True, **kw)
    p.run(until="script")
    return p


def shown_text(scene) -> list[str]:
    """Every line of text the scene's slide draws."""
    lay = layout_slide(scene, (640, 360), get_theme("dark"))
    return [op.text for op in lay.ops if hasattr(op, "text")]


def no_markup(p):
    for s in p.scenes:
        for text in [s.title, s.narration or "", *(shown_text(s) if s.kind != "code" else [])]:
            assert not MARKUP.search(text), (s.scene_id, text)


def test_github_alerts_html_headings_pictures_details_tasks_and_footnotes(write_doc, tmp_path):
    Image.new("RGB", (40, 20), (200, 30, 30)).save(tmp_path / "logo.png")
    doc = write_doc(
        "readme.md",
        """
        <h1 align="center">Riverkit</h1>
        <p align="center">Maps of rivers<br>for everyone</p>

        ## Install

        > [!WARNING]
        > Back up your maps first.

        - [x] download it
        - [ ] run it[^1]

        <details>
        <summary>More options</summary>

        Use a mirror.

        </details>

        ## Look

        <picture>
          <source media="(prefers-color-scheme: dark)" srcset="logo-dark.png">
          <img alt="The Riverkit logo" src="logo.png">
        </picture>

        [^1]: Only on Tuesdays.
        """,
    )
    p = run(doc, tmp_path)
    assert p.ctx.video_config.title == "Riverkit"  # the HTML <h1> is the title
    got = [(s.kind, s.title) for s in p.scenes]
    assert got == [("title", "Riverkit"), ("callout", "Install"), ("text", "Install"), ("image", "Look")]
    assert p.scenes[0].subtitle == "Maps of rivers for everyone"
    alert = p.scenes[1]
    assert (alert.style, alert.body) == ("warning", ["Back up your maps first."])
    assert "Warning: Back up your maps first." in alert.narration
    text = p.scenes[2]  # the task list, then the <details> summary and its text, in that order
    assert text.body == [Item(text="download it"), Item(text="run it"), "More options", "Use a mirror."]
    assert p.scenes[3].path == (tmp_path / "logo.png").resolve()
    assert "Only on Tuesdays" not in " ".join(s.narration for s in p.scenes)  # footnotes are for readers
    no_markup(p)
    slide = p.slide(1)
    assert any(px[0] > 150 and px[1] < 140 for px in slide.image.convert("RGB").getdata())  # amber label or bar


def test_mkdocs_admonitions_blocks_tabs_attributes_and_snippets(write_doc, tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "run.sh").write_text("make run\n", encoding="utf-8")
    doc = write_doc(
        "guide.md",
        """
        # Guide { #guide }

        ## First steps { #first-steps .intro }

        Install it first.

        !!! note "Mind the version"
            Python 3.10 or newer.

        ??? tip
            Use a virtual environment.

        /// warning | Careful
        Never as root.
        ///

        ## Platforms

        === "Linux"

            Use apt.

        === "Windows"

            Use winget.

        ## Run

        Start it with:

        ```sh
        --8<-- "snippets/run.sh"
        ```
        """,
    )
    p = run(doc, tmp_path)
    got = [(s.kind, s.title, getattr(s, "style", None)) for s in p.scenes[:6]]
    assert got == [
        ("title", "Guide", None), ("text", "First steps", None), ("callout", "Mind the version", "note"),
        ("callout", "First steps", "tip"), ("callout", "Careful", "warning"), ("text", "Platforms", None),
    ]  # fmt: skip
    assert p.scenes[5].body == ["Linux:", "Use apt.", "Windows:", "Use winget."]
    run_scene = p.scenes[6]
    assert (run_scene.kind, run_scene.code, run_scene.body) == ("code", "make run", ["Start it with:"])
    assert "Tip: Use a virtual environment." in p.scenes[3].narration
    no_markup(p)


def test_mdbook_includes_resolve_with_hidden_lines_removed_and_a_missing_one_is_left_out_with_a_warning(write_doc, tmp_path):
    (tmp_path / "listings").mkdir()
    (tmp_path / "listings" / "main.rs").write_text(
        "# fn setup() {}\n// ANCHOR: here\nfn main() {\n    println!(\"hi\");\n}\n// ANCHOR_END: here\n", encoding="utf-8"
    )
    doc = write_doc(
        "ch01.md",
        """
        ## Hello, Rust

        Write this in *main.rs*:

        ```rust
        {{#rustdoc_include listings/main.rs:here}}
        ```

        And this one is gone:

        ```rust
        {{#include listings/missing.rs}}
        ```

        Then run it.
        """,
    )
    p = run(doc, tmp_path)
    assert p.ctx.video_config.title == "Hello, Rust"  # an mdBook chapter's only H2 is its title
    codes = [s for s in p.scenes if s.kind == "code"]
    assert [c.code for c in codes] == ['fn main() {\n    println!("hi");\n}']
    assert codes[0].body == ["Write this in main.rs:"]
    warnings = [w for w in p.ctx.warnings if "missing.rs" in w]
    assert len(warnings) == 1 and "ch01.md" in warnings[0]
    narration = " ".join(s.narration for s in p.scenes)
    assert "here" not in narration.split() and "include" not in narration
    no_markup(p)


def test_docusaurus_mdx_admonitions_imports_and_tabs(write_doc, tmp_path):
    doc = write_doc(
        "page.mdx",
        """
        ---
        description: Callouts in MDX
        ---

        # Callouts

        import Tabs from '@theme/Tabs';
        import TabItem from '@theme/TabItem';

        Some text first.

        :::tip Pro tip

        Keep **blank lines** around it.

        :::

        <Tabs>
          <TabItem value="a" label="Apple">This is an apple</TabItem>
          <TabItem value="b" label="Pear">This is a pear</TabItem>
        </Tabs>

        ```mdx-code-block
        :::danger

        Rendered, not shown as code.

        :::
        ```
        """,
    )
    p = run(doc, tmp_path)
    assert p.scenes[0].subtitle == "Callouts in MDX"
    kinds = [(s.kind, s.title, getattr(s, "style", None)) for s in p.scenes[1:]]
    assert kinds == [("text", "Callouts", None), ("callout", "Pro tip", "tip"), ("text", "Callouts", None), ("callout", "Callouts", "danger")]
    assert p.scenes[3].body == ["This is an apple", "This is a pear"]
    assert p.scenes[4].body == ["Rendered, not shown as code."]
    no_markup(p)


def test_myst_directives_targets_and_roles(write_doc, tmp_path):
    doc = write_doc(
        "myst.md",
        """
        # Book

        (setup-label)=
        ## Setup

        See {ref}`the install page <install>` and {doc}`guides/first-run`.

        ```{note}
        :class: dropdown
        Directives hold *Markdown*.
        ```

        ```{code-block} python
        print("hi")
        ```

        ```{toctree}
        intro
        ```
        """,
    )
    p = run(doc, tmp_path)
    got = [(s.kind, s.title) for s in p.scenes]
    assert got == [("title", "Book"), ("text", "Setup"), ("callout", "Setup"), ("code", "Setup")]
    assert p.scenes[1].body == ["See the install page and first run."]
    assert p.scenes[2].body == ["Directives hold Markdown."] and p.scenes[3].code == 'print("hi")'
    no_markup(p)


def test_fastapi_includes_and_terminal_listings_coloured_with_html(write_doc, tmp_path):
    (tmp_path / "docs_src").mkdir()
    (tmp_path / "docs_src" / "app.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n", encoding="utf-8")
    doc = write_doc(
        "tutorial.md",
        """
        # Tutorial

        ## Create the app

        The smallest app:

        {* docs_src/app.py hl[3] *}

        Run it:

        ```console
        $ <font color="#4E9A06">fastapi</font> dev <u>main.py</u>
        <span style="background-color:#C4A000">Serving</span> at http://127.0.0.1:8000
        ```
        """,
    )
    p = run(doc, tmp_path)
    codes = [s for s in p.scenes if s.kind == "code"]
    assert [(c.language, c.body) for c in codes] == [("python", ["The smallest app:"]), ("console", ["Run it:"])]
    assert codes[0].code == "from fastapi import FastAPI\n\napp = FastAPI()"
    assert codes[1].code == "$ fastapi dev main.py\nServing at http://127.0.0.1:8000"
    no_markup(p)


def test_math_is_drawn_with_mathtext_and_spoken_in_words(write_doc, tmp_path):
    doc = write_doc(
        "math.md",
        """
        # Energy

        ## Mass and energy

        The famous law $E = mc^2$ says:

        $$
        \\frac{a}{b} = \\sqrt{x}
        $$

        where $x$ is anything.
        """,
    )
    p = run(doc, tmp_path)
    scene = p.scenes[1]
    assert scene.kind == "text" and isinstance(scene.body[1], Formula) and scene.body[1].tex == "\\frac{a}{b} = \\sqrt{x}"
    assert "E equals m c squared" in scene.narration and "a over b equals the square root of x" in scene.narration
    assert "$" not in scene.narration and "\\" not in scene.narration
    lines = shown_text(scene)
    assert any("E = mc²" in line for line in lines)  # inline math written out on the slide
    lay = layout_slide(scene, (640, 360), get_theme("dark"))
    assert any(type(op).__name__ == "PictureOp" for op in lay.ops)  # the display formula is a mathtext picture


def test_author_order_is_kept_list_then_paragraph_and_lead_ins_stay_with_what_they_introduce(write_doc, tmp_path):
    doc = write_doc(
        "order.md",
        """
        # Order

        ## Two moments

        There are two important points in time here:

        - the start
        - the end

        An unrelated remark comes after the list.

        ## Install

        Some background about the tool, long enough to be a paragraph of its own and not a lead for the code.
        It goes on for a while so that it is more than a short lead, really, it does go on quite a bit more.
        And a third line, so nobody could mistake it for a caption or a lead-in of any kind at all.

        On macOS, install it by running:

        ```sh
        brew install tool
        ```

        On Linux the package manager has it.
        """,
    )
    p = run(doc, tmp_path)
    moments = p.scenes[1]
    assert moments.body == ["There are two important points in time here:", Item(text="the start"), Item(text="the end"),
                            "An unrelated remark comes after the list."]  # fmt: skip
    assert moments.narration.index("here:") < moments.narration.index("the start") < moments.narration.index("unrelated")
    install = [s for s in p.scenes if s.title == "Install"]
    assert [s.kind for s in install] == ["text", "code"]
    assert install[1].body == ["On macOS, install it by running:"] and install[1].after == ["On Linux the package manager has it."]
    drawn = shown_text(install[1])
    brew = next(k for k, t in enumerate(drawn) if t.startswith("brew"))  # a code row is drawn as one run
    assert brew > drawn.index("On macOS, install it by running:") and "On Linux the package manager has it." in drawn[-1]


def test_a_lead_in_stays_with_its_list_on_the_same_continuation_slide(write_doc, tmp_path):
    words = " ".join(["This paragraph is long enough to fill a good part of a small slide."] * 4)
    items = "\n".join(f"- entry number {k} of the list" for k in range(1, 9))
    doc = write_doc("long.md", f"# L\n\n## Many\n\n{words}\n\n{words}\n\nIn this course you will learn:\n\n{items}\n")
    p = run(doc, tmp_path)
    pages = [s for s in p.scenes if s.title.startswith("Many")]
    assert len(pages) >= 2
    for page in pages[:-1]:
        units = list(page.body) + list(page.items)
        assert not (isinstance(units[-1], str) and units[-1].endswith(":")), page
    holder = next(pg for pg in pages if "In this course you will learn:" in pg.body)
    assert holder.items, "the lead-in is on the slide with the list it introduces"


def test_h3_with_content_is_a_scene_with_its_h2_small_above(write_doc, tmp_path):
    doc = write_doc("h3.md", "# T\n\n## Chapter\n\nIntro.\n\n### Going further\n\nRead the guide.\n")
    p = run(doc, tmp_path)
    sub = p.scenes[2]
    assert (sub.kind, sub.title, sub.section, sub.body) == ("text", "Going further", "Chapter", ["Read the guide."])
    assert "Chapter" in shown_text(sub)[0] and "Going further" in shown_text(sub)[1]
    assert sub.narration == "Going further. Read the guide."


def test_title_comes_from_front_matter_before_the_h1(write_doc, tmp_path):
    doc = write_doc("t.md", "---\ntitle: From the front\n---\n\n# From the heading\n\n## S\n\nText.\n")
    assert run(doc, tmp_path).ctx.video_config.title == "From the front"


def test_speaker_notes_in_a_section_are_the_narration_kept_exactly(write_doc, tmp_path):
    doc = write_doc(
        "notes.md",
        """
        # Talk

        ## Why

        <!-- narration: Let me tell you why, in my own words. -->

        Reasons on the slide.

        ## How

        Steps on the slide.

        ::: notes
        Pandoc notes are spoken too.
        :::

        ## Where

        Places.
        """,
    )
    p = run(doc, tmp_path)
    by_title = {s.title: s for s in p.scenes}
    assert by_title["Why"].narration == "Let me tell you why, in my own words."
    assert by_title["How"].narration == "Pandoc notes are spoken too."
    assert by_title["Where"].narration == "Where. Places."  # no notes: the template
    assert "own words" not in " ".join(shown_text(by_title["Why"]))
    quiet = run(doc, tmp_path / "notes-only", notes_only=True)
    assert {s.title: s.narration for s in quiet.scenes}["Where"] == ""


MARP = """
---
marp: true
theme: gaia
---

# Rivers

<!-- Welcome. Today: rivers. -->

---

<!-- _class: lead -->

## Where they start

- springs
- melting snow

<!--
Most rivers start small.
Some start as snow.
-->

---

## Where they end

![A delta](delta.png)

---

## No notes here

Just a slide.
"""


def test_a_marp_deck_is_one_scene_per_slide_that_speaks_exactly_its_notes(write_doc, tmp_path):
    Image.new("RGB", (60, 40), (30, 160, 60)).save(tmp_path / "delta.png")
    doc = write_doc("deck.md", MARP)
    p = run(doc, tmp_path)
    got = [(s.kind, s.title) for s in p.scenes]
    assert got == [("title", "Rivers"), ("text", "Where they start"), ("text", "Where they end"), ("text", "No notes here")]
    assert p.scenes[0].narration == "Welcome. Today: rivers."
    assert p.scenes[1].narration == "Most rivers start small.\nSome start as snow."
    assert p.scenes[1].body == [Item(text="springs"), Item(text="melting snow")]
    assert isinstance(p.scenes[2].body[0], Figure) and p.scenes[2].body[0].path == (tmp_path / "delta.png").resolve()
    assert p.scenes[3].narration == "No notes here. Just a slide."  # template where there are no notes
    assert "_class" not in " ".join(s.narration for s in p.scenes)
    quiet = run(doc, tmp_path / "q", notes_only=True)
    assert [s.narration for s in quiet.scenes] == ["Welcome. Today: rivers.", "Most rivers start small.\nSome start as snow.", "", ""]


@pytest.mark.slow
def test_notes_only_deck_holds_silent_slides_for_a_few_seconds(write_doc, tmp_path):
    Image.new("RGB", (60, 40), (30, 160, 60)).save(tmp_path / "delta.png")
    doc = write_doc("deck.md", MARP)
    p = Pipeline(doc, workdir=tmp_path / "w", progress=None, resolution=(320, 180), offline=True, notes_only=True, transition=0)
    p.run(until="audio")
    durations = [t.end - t.start for t in p.ctx.timing_report.scenes]
    assert durations[2] >= 3.0 and durations[3] >= 3.0 and p.ctx.timing_report.scenes[2].audio_duration == 0


def test_svg_pictures_are_drawn(write_doc, tmp_path):
    (tmp_path / "fig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#ff0000"/></svg>',
        encoding="utf-8",
    )
    doc = write_doc("svg.md", '# S\n\n## Figure\n\n<img alt="A red box" src="fig.svg" class="center" style="width: 50%;" />\n\n<span class="caption">Figure 1: a red box</span>\n')
    p = run(doc, tmp_path)
    img = p.scenes[1]
    assert (img.kind, img.path.name, img.after) == ("image", "fig.svg", ["Figure 1: a red box"])
    pixels = p.slide(1).image.convert("RGB").getdata()
    assert sum(1 for px in pixels if px[0] > 230 and px[1] < 30 and px[2] < 30) > 2000


def test_a_picture_that_cannot_be_had_is_a_card_and_the_narration_never_points_at_it(write_doc, tmp_path):
    doc = write_doc("card.md", "# C\n\n## Diagram\n\n![The data flow](https://example.invalid/flow.png)\n")
    p = run(doc, tmp_path)
    card = p.scenes[1]
    assert (card.kind, card.path, card.src) == ("image", None, "https://example.invalid/flow.png")
    assert "picture shows" not in card.narration and "The data flow" in card.narration
    assert any("offline" in w and "flow.png" in w for w in p.ctx.warnings)
    assert any("The data flow" in t for t in shown_text(card))


def test_tables_drop_picture_columns_need_data_rows_and_never_break_a_header_word(write_doc, tmp_path):
    Image.new("RGB", (16, 16)).save(tmp_path / "chrome.png")
    doc = write_doc(
        "tables.md",
        """
        # T

        ## Browsers

        | Logo | Browser | Edge | Supported since version number |
        | --- | --- | --- | --- |
        | ![c](chrome.png) | Chrome | yes | 100 |

        ## Logos only

        | ![a](chrome.png) | ![b](chrome.png) |
        | --- | --- |
        """,
    )
    p = run(doc, tmp_path)
    tables = [s for s in p.scenes if s.kind == "table"]
    assert len(tables) == 1 and tables[0].headers == ["Browser", "Edge", "Supported since version number"]
    assert "0 rows" not in " ".join(s.narration for s in p.scenes)
    lay = layout_slide(tables[0], (320, 180), get_theme("dark"))
    assert "Edge" in [op.text for op in lay.ops if hasattr(op, "text")]


def test_pictures_on_the_web_are_fetched_once_and_cached_when_online(write_doc, tmp_path, monkeypatch):
    import http.server
    import io
    import threading

    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 0, 255)).save(buf, format="PNG")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path == "/page.html":
                body, ctype = b"<html></html>", "text/html"
            else:
                body, ctype = buf.getvalue(), "image/png"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("VIDEOGEN_CACHE_DIR", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    doc = write_doc("web.md", f"# W\n\n## Blue\n\n![A blue box]({url}/blue.png)\n\n## Not a picture\n\n![A page]({url}/page.html)\n")
    try:
        for attempt in ("first", "second"):
            p = Pipeline(doc, workdir=tmp_path / attempt, progress=None, tts="silent", resolution=(320, 180))
            p.run(until="parse")
            blue, page = p.scenes[1], p.scenes[2]
            assert blue.path is not None and blue.path.is_relative_to(tmp_path / "cache") and page.path is None
            assert any("text/html" in w for w in p.ctx.warnings)
        assert hits.count("/blue.png") == 1  # the second build took it from the cache
        offline = Pipeline(doc, workdir=tmp_path / "off", progress=None, tts="silent", offline=True)
        offline.run(until="parse")
        assert offline.scenes[1].path is None  # --offline never uses the network, not even the cache of it
    finally:
        server.shutdown()
