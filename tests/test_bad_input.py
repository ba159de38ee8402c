"""Bad input: each kind has its own exception, names the file, exits 2, and leaves nothing behind."""

from __future__ import annotations

import subprocess
import sys

import pytest

from videogen_nb import Pipeline, errors
from videogen_nb.cli import main

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _empty(d):
    p = d / "empty.md"
    p.write_text("  \n\n\t\n", encoding="utf-8")
    return p


def _front_matter_only(d):
    p = d / "front.md"
    p.write_text("---\ntitle: Nothing below\nauthor: me\n---\n\n   \n", encoding="utf-8")
    return p


def _binary(d):
    p = d / "picture.md"  # a binary file with a text suffix: the content decides
    p.write_bytes(PNG)
    return p


def _bad_utf8(d):
    p = d / "latin1.md"
    p.write_bytes("# Caf\u00e9\n\nAu lait.\n".encode("latin-1"))
    return p


def _missing(d):
    return d / "no-such-file.md"


CASES = {
    "empty": (_empty, errors.EmptyDocumentError, "empty"),
    "front matter only": (_front_matter_only, errors.FrontMatterOnlyError, "front matter"),
    "binary": (_binary, errors.BinaryFileError, "binary"),
    "invalid utf-8": (_bad_utf8, errors.EncodingError, "UTF-8"),
    "missing": (_missing, errors.DocumentNotFoundError, "no such file"),
}


@pytest.fixture(params=list(CASES))
def case(request, tmp_path):
    make, exc_type, words = CASES[request.param]
    return make(tmp_path), exc_type, words


def test_pipeline_raises_its_own_error_naming_the_file(case, tmp_path):
    path, exc_type, words = case
    work = tmp_path / "work"
    p = Pipeline(path, workdir=work, progress=None)
    with pytest.raises(exc_type) as info:
        p.input()
    err = info.value
    assert isinstance(err, errors.VideogenError)
    assert isinstance(err, errors.InputError)
    assert path.name in str(err)
    assert words.lower() in str(err).lower()
    assert err.advice  # it says what to do
    assert not work.exists(), "bad input must not create the work folder"


def test_run_raises_the_same_error(case, tmp_path):
    path, exc_type, _ = case
    with pytest.raises(exc_type):
        Pipeline(path, workdir=tmp_path / "w", progress=None).run()
    assert not (tmp_path / "w").exists()


def test_cli_prints_one_line_exits_2_and_creates_no_output(case, tmp_path, capsys):
    path, _, words = case
    out = tmp_path / "out"
    code = main(["build", str(path), "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 2
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert path.name in lines[0] and words.lower() in lines[0].lower()
    assert "Traceback" not in captured.err
    assert not out.exists(), "no output_dir may be left behind"


@pytest.mark.slow
def test_cli_as_a_process_exits_2(tmp_path):
    bad = _empty(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "videogen_nb", "build", str(bad), "-o", str(tmp_path / "o")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "empty.md" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_invalid_utf8_error_gives_line_and_column(tmp_path):
    p = tmp_path / "mixed.md"
    p.write_bytes(b"# Title\n\nfine line\nbad \xe9 here\n")
    with pytest.raises(errors.EncodingError) as info:
        Pipeline(p, workdir=tmp_path / "w", progress=None).input()
    assert info.value.line == 4
    assert "line 4, column 5" in str(info.value)


def test_utf8_with_bom_is_fine(tmp_path):
    p = tmp_path / "bom.md"
    p.write_bytes("\ufeff# Caf\u00e9\n\nAu lait.\n".encode("utf-8"))
    pl = Pipeline(p, workdir=tmp_path / "w", progress=None)
    pl.input()
    pl.parse()
    assert pl.scenes[0].title == "Caf\u00e9"


def test_malformed_front_matter_names_file_and_line(tmp_path):
    p = tmp_path / "fm.md"
    p.write_text("---\ntitle: ok\nlist: [unclosed\n---\n\n# Body\n", encoding="utf-8")
    with pytest.raises(errors.InputError) as info:
        Pipeline(p, workdir=tmp_path / "w", progress=None).input()
    assert "fm.md" in str(info.value) and "line" in str(info.value)


def test_a_folder_is_not_a_document(tmp_path):
    with pytest.raises(errors.InputError, match="folder"):
        Pipeline(tmp_path, workdir=tmp_path / "w", progress=None).input()
