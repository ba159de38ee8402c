"""Our own markdown-it plugins, each on its own: what tokens they make of small documents written for the test."""

from __future__ import annotations

from markdown_it import MarkdownIt

from videogen_nb.parsing.mdplugins import (
    IncludeResolver,
    alerts_plugin,
    heading_attrs_plugin,
    includes_plugin,
    mdx_plugin,
    tabs_plugin,
)
from videogen_nb.parsing.mdplugins.includes import ENV_KEY, hide_rust_lines, parse_directive, select


def types(tokens):
    return [t.type for t in tokens]


def test_heading_attributes_are_taken_off_the_heading_and_kept_as_attributes():
    md = MarkdownIt("commonmark").use(heading_attrs_plugin)
    tokens = md.parse("## First steps { #first-steps .intro data-x=1 }\n\n# Plain {not attrs}\n\n## Id only {#only}\n")
    assert tokens[1].content == "First steps" and tokens[0].attrs == {"id": "first-steps", "class": "intro", "data-x": "1"}
    assert tokens[4].content == "Plain {not attrs}"  # braces that are not an attribute list stay
    assert tokens[7].content == "Id only" and tokens[6].attrs["id"] == "only"


def test_github_alerts_become_alert_tokens_with_their_kind_and_lose_the_marker():
    md = MarkdownIt("commonmark").use(alerts_plugin)
    tokens = md.parse("> [!WARNING]\n> Back up first.\n\n> [!tip]\n> Inline too\n\n> [!NOTE] not alone on its line\n")
    assert types(tokens).count("alert_open") == 2 and types(tokens).count("blockquote_open") == 1
    first = tokens[0]
    assert first.meta["kind"] == "warning"
    assert [t.content for t in tokens if t.type == "inline"][:2] == ["Back up first.", "Inline too"]
    assert tokens[-5].type == "blockquote_open"  # GitHub wants the marker alone on its line


def test_content_tabs_hold_their_indented_content():
    md = MarkdownIt("commonmark").use(tabs_plugin)
    tokens = md.parse('=== "Linux"\n\n    apt install x\n\n    More text.\n\n=== "Windows"\n    winget install x\n\nAfter.\n')
    opens = [t for t in tokens if t.type == "tab_open"]
    assert [t.meta["title"] for t in opens] == ["Linux", "Windows"]
    inlines = [t.content for t in tokens if t.type == "inline"]
    assert inlines == ["apt install x", "More text.", "winget install x", "After."]
    assert tokens[-3].level == 0  # "After." is outside the tabs


def test_mdx_import_and_export_lines_are_statements_not_text():
    md = MarkdownIt("commonmark").use(mdx_plugin)
    src = "import Tabs from '@theme/Tabs';\nexport const x = {\n  a: 1,\n};\n\nimport is a word in this sentence.\n"
    tokens = md.parse(src)
    assert types(tokens)[:2] == ["mdx_statement", "mdx_statement"]
    assert [t.content for t in tokens if t.type == "inline"] == ["import is a word in this sentence."]


def test_include_directives_are_recognised():
    assert parse_directive("{{#include ../listings/main.rs:here}}").path == "../listings/main.rs"
    assert parse_directive("{{#rustdoc_include main.rs:2:4}}").spec == "2:4"
    assert parse_directive('--8<-- "snippets/a.md"').tool == "snippet"
    d = parse_directive("{* ../../docs_src/app.py hl[3] ln[1:2] *}")
    assert (d.tool, d.path) == ("fastapi", "../../docs_src/app.py") and "ln[1:2]" in d.options
    assert parse_directive("Plain text {{ with braces }}") is None


def test_include_selection_by_anchor_and_line_range_and_hidden_rust_lines():
    text = "use std;\n// ANCHOR: here\nfn main() {\n# let hidden = 1;\n    go();\n}\n// ANCHOR_END: here\n"
    assert select(text, "here", "include") == ["fn main() {", "# let hidden = 1;", "    go();", "}"]
    assert select(text, "2:3", "include") == ["fn main() {"]  # anchor lines are never shown
    assert select(text, "nowhere", "include") is None
    assert hide_rust_lines("fn a() {\n# hidden\n#[derive(Debug)]\n}") == "fn a() {\n#[derive(Debug)]\n}"


def test_includes_are_resolved_in_fences_and_paragraphs_and_a_missing_file_is_left_out_with_one_warning(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text("// ANCHOR: all\nfn main() {}\n// ANCHOR_END: all\n", encoding="utf-8")
    (tmp_path / "part.md").write_text("Included **text**.\n", encoding="utf-8")
    md = MarkdownIt("commonmark").use(includes_plugin)
    resolver = IncludeResolver(tmp_path, "doc.md")
    src = "```rust\n{{#rustdoc_include src/main.rs:all}}\n```\n\n--8<-- \"part.md\"\n\n{{#include gone.rs}}\n\nEnd.\n"
    tokens = md.parse(src, {ENV_KEY: resolver})
    fences = [t for t in tokens if t.type == "fence"]
    assert [f.content.strip() for f in fences] == ["fn main() {}"]
    assert [t.content for t in tokens if t.type == "inline"] == ["Included **text**.", "End."]
    assert len(resolver.warnings) == 1 and "gone.rs" in resolver.warnings[0] and "doc.md:7" in resolver.warnings[0]


def test_includes_never_leave_the_project(tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / ".git").mkdir()
    (tmp_path / "secret.txt").write_text("top secret", encoding="utf-8")
    md = MarkdownIt("commonmark").use(includes_plugin)
    resolver = IncludeResolver(tmp_path / "project", "doc.md")
    tokens = md.parse("```\n{{#include ../secret.txt}}\n```\n", {ENV_KEY: resolver})
    assert "top secret" not in tokens[0].content and resolver.warnings
