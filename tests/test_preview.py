"""`videogen preview` and Pipeline.save_slides: every slide as PNG plus a contact sheet, without audio or video."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PIL import Image

from videogen_nb import Pipeline

DOC = """---
theme: light
---
# Preview me

## One

Text.

## Two

- a
- b

## Three

```python
def f():
    return 1
```
"""


@pytest.mark.slow
def test_cli_preview_writes_each_slide_and_a_contact_sheet_in_seconds(write_doc, tmp_path):
    doc = write_doc("p.md", DOC)
    out = tmp_path / "slides"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "videogen_nb", "preview", str(doc), "-o", str(out), "--resolution", "720p"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    names = sorted(f.name for f in out.iterdir())
    assert names == ["01-preview-me.png", "02-one.png", "03-two.png", "04-three.png", "05-summary.png", "contact_sheet.png"]
    with Image.open(out / "02-one.png") as im:
        assert im.size == (1280, 720) and min(im.getpixel((3, 3))) > 200  # the document's light theme
    with Image.open(out / "contact_sheet.png") as sheet:
        assert sheet.width >= 4 * 480 and sheet.height > 2 * 270  # five thumbnails: two rows of four
    assert f"5 slides (1280x720) in {out}" in proc.stdout and "contact_sheet.png" in proc.stdout
    assert not list(tmp_path.glob("**/*.wav")) and not list(tmp_path.glob("**/*.mp4"))
    assert elapsed < 30  # seconds, even on a busy two-core machine (no speech, no encoding)


def test_preview_with_a_theme_and_a_vertical_frame(write_doc, tmp_path):
    doc = write_doc("p.md", DOC)
    out = tmp_path / "v"
    proc = subprocess.run(
        [sys.executable, "-m", "videogen_nb", "preview", str(doc), "-o", str(out), "--resolution", "vertical", "--theme", "dark"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with Image.open(out / "02-one.png") as im:
        assert im.size == (1080, 1920) and max(im.getpixel((3, 3))) < 60


def test_save_slides_from_python(write_doc, tmp_path):
    p = Pipeline(write_doc("p.md", DOC), workdir=tmp_path / "w", progress=None, resolution=(320, 180))
    p.input()
    p.parse()
    saved = p.save_slides(tmp_path / "png")
    assert [f.name for f in saved.slides][:2] == ["01-preview-me.png", "02-one.png"]
    assert saved.contact_sheet.is_file() and saved.warnings == []
    assert "5 slides" in repr(saved)


def test_the_bundled_examples_preview_cleanly(tmp_path):
    from pathlib import Path

    from videogen_nb.batch import plan_batch

    examples = sorted((Path(__file__).parent.parent / "notebooks" / "examples").iterdir())
    assert {p.suffix for p in examples} >= {".md", ".yaml"}
    # a video set (course.yaml) lists videos: each of them, the one written inline included, must preview cleanly
    sources = {job.name: job.input_config() for job in plan_batch([d for d in examples if d.name == "course.yaml"]).jobs}
    sources.update({doc.stem: doc for doc in examples if doc.name != "course.yaml"})
    assert len(sources) == len(examples) + 1
    for name, doc in sources.items():
        p = Pipeline(doc, workdir=tmp_path / name, progress=None, tts="silent", resolution=(640, 360))
        p.run(until="script")
        saved = p.save_slides(tmp_path / name / "png")
        assert saved.warnings == [] and p.ctx.warnings == [], name
        assert len(saved.slides) == len(p.scenes) >= 5, name
