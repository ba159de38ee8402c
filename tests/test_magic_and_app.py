"""The %%videogen cell magic and the app (the widget Voila serves, and `videogen app`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
import subprocess
import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell

from videogen_nb import Pipeline
from videogen_nb.app import VideogenApp, write_app_notebook
from videogen_nb.app.launch import voila_command
from videogen_nb.notebook import PipelinePreview, VideoPlayer, configure_media

CELL = "# Cells\n\n## One\n\nA cell of Markdown.\n\n## Two\n\n- made into\n- a video\n"


@pytest.fixture
def shell():
    sh = InteractiveShell.instance()
    sh.run_cell("%load_ext videogen_nb")
    yield sh
    InteractiveShell.clear_instance()


@pytest.mark.slow
def test_videogen_magic_makes_a_video_shown_below_the_cell(shell, tmp_path):
    out = tmp_path / "out"
    result = shell.run_cell(f"%%videogen --tts silent --resolution 320x180 --theme light -o {out}\n{CELL}")
    assert result.success, result.error_in_exec
    player = result.result
    assert isinstance(player, VideoPlayer) and player.data[4:8] == b"ftyp" and player.vtt.startswith("WEBVTT")
    p = shell.user_ns["videogen_pipeline"]
    assert isinstance(p, Pipeline) and p.video_path == out / "cells.mp4" and p.video_path.is_file()
    assert p.ctx.settings.theme == "light" and p.ctx.settings.resolution == (320, 180)


def test_videogen_magic_until_a_stage_shows_the_editor(shell, tmp_path):
    result = shell.run_cell(f"%%videogen --until script --name talk -o {tmp_path / 'o'} --tts silent\n{CELL}")
    assert result.success, result.error_in_exec
    assert isinstance(result.result, PipelinePreview)
    assert shell.user_ns["talk"].status()["script"] == "done" and shell.user_ns["talk"].status()["audio"] == "pending"


def test_videogen_magic_says_what_is_wrong(shell, tmp_path, capsys):
    result = shell.run_cell(f"%%videogen --resolution huge -o {tmp_path}\n{CELL}")
    assert not result.success and "resolution" in str(result.error_in_exec)
    result = shell.run_cell("%%videogen --no-such-flag\n# T\n\ntext\n")
    assert not result.success and "not options of `videogen build`" in str(result.error_in_exec)
    result = shell.run_cell("%%videogen\n   \n")
    assert not result.success and "the cell is empty" in str(result.error_in_exec)


def test_the_app_makes_slides_from_pasted_markdown(tmp_path):
    app = VideogenApp(tmp_path)
    app.paste.value = CELL
    app.voice.value = "Silent draft (fastest, no voice)"
    app.theme.value = "Light"
    app.size.value = "Vertical (1080x1920)"
    p = app.make.click() or app.pipeline
    assert p is not None and len(p.scenes) == 3 and "3 slides from document.md" in app.message.value
    assert p.ctx.settings.resolution == (1080, 1920) and p.ctx.settings.theme == "light" and p.ctx.settings.tts == "silent"
    assert (tmp_path / "jobs" / "job-001" / "document.md").read_text() == CELL
    assert app.editor_box.children == (p.preview(),)
    assert app.download_links() == {}


@pytest.mark.slow
def test_the_app_renders_and_offers_downloads(tmp_path):
    app = VideogenApp(tmp_path)
    app.upload.value = ({"name": "My Talk.md", "type": "text/markdown", "size": len(CELL), "content": memoryview(CELL.encode()),
                         "last_modified": datetime.now(timezone.utc)},)  # fmt: skip
    app.voice.value = "Silent draft (fastest, no voice)"
    app.size.value = "720p (1280x720)"
    app.make_slides()
    assert (tmp_path / "jobs" / "job-001" / "my-talk.md").is_file()
    editor = app.pipeline.preview()
    configure_media(tmp_path, "/voila/files/")
    try:
        editor.render_button.click()
        links = app.download_links()
        assert set(links) == {"MP4 video", "subtitles (.srt)", "subtitles (.vtt)"}
        assert links["MP4 video"].startswith("/voila/files/jobs/job-001/output/cells.mp4?v=")
        assert "href='/voila/files/jobs/job-001/output/cells.srt" in app.downloads.value
    finally:
        configure_media(None)
    assert app.download_links()["subtitles (.vtt)"].startswith("data:text/plain;base64,")  # no server: inline
    # an edit takes the downloads away until the next render
    app.pipeline.edit(1, narration="Changed.")
    assert app.downloads.value == ""


def test_the_app_shows_a_bad_document_instead_of_raising(tmp_path):
    app = VideogenApp(tmp_path)
    app.paste.value = "---\ntitle: x\n---\n"
    assert app.make_slides() is None
    assert "Cannot use this document" in app.message.value and "front matter" in app.message.value
    app.paste.value = "  "
    assert app.make_slides() is None and "paste some Markdown" in app.message.value
    assert not app.make.disabled


def test_videogen_app_serves_a_one_cell_notebook_with_voila(tmp_path):
    nb = json.loads(write_app_notebook(tmp_path).read_text())
    assert "".join(nb["cells"][0]["source"]).endswith('VideogenApp(".")')
    cmd = voila_command(tmp_path, 9999, theme="dark")
    assert cmd[1:4] == ["-m", "voila", "videogen_app.ipynb"] and "--port=9999" in cmd and "--theme=dark" in cmd
    assert "--no-browser" in cmd and "--Voila.ip=127.0.0.1" in cmd
    assert cmd[cmd.index("--VoilaConfiguration.file_allowlist") + 1].endswith("(png|jpg|jpeg|mp4|vtt|srt|wav)")


@pytest.mark.slow
def test_videogen_app_help():
    proc = subprocess.run([sys.executable, "-m", "videogen_nb", "app", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Voila" in proc.stdout and "--folder" in proc.stdout
