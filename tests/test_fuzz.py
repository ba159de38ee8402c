"""Hostile documents: whatever a Markdown file or a scene spec holds, input, parse and script fail only with our errors."""

from __future__ import annotations

import tempfile

from hypothesis import HealthCheck, given, settings

from document_strategies import documents, markdown_documents, run_document, spec_documents
from videogen_nb.errors import VideogenError

# bounded, so the fast layer stays fast; tools/fuzz.py runs the same strategies over a thousand and more
FAST = settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _only_our_errors(doc: tuple[str, bytes]) -> None:
    name, data = doc
    with tempfile.TemporaryDirectory() as folder:
        try:
            run_document(name, data, folder)
        except VideogenError:
            pass  # ours: it names the file and says what to do


@FAST
@given(markdown_documents())
def test_markdown_documents_raise_only_our_errors(doc):
    _only_our_errors(doc)


@FAST
@given(spec_documents())
def test_yaml_and_json_specs_raise_only_our_errors(doc):
    _only_our_errors(doc)


@settings(FAST, max_examples=10)
@given(documents)
def test_any_file_raises_only_our_errors(doc):
    _only_our_errors(doc)
