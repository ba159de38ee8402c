"""The app's page: a document in, choices, the live editor, downloads out."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any, Optional, Union

import ipywidgets as widgets

from ..errors import VideogenError
from ..events import Event
from ..notebook.media import media_url
from ..notebook.style import style_widget
from ..pipeline import Pipeline
from ..text import slugify

#: what the voice menu offers: a label and the settings it means
VOICES: dict[str, dict[str, Any]] = {
    "English (US), offline": {"tts": "espeak", "lang": "en", "voice": "en-us"},
    "English (UK), offline": {"tts": "espeak", "lang": "en", "voice": "en-gb"},
    "German, offline": {"tts": "espeak", "lang": "de"},
    "French, offline": {"tts": "espeak", "lang": "fr"},
    "Spanish, offline": {"tts": "espeak", "lang": "es"},
    "Silent draft (fastest, no voice)": {"tts": "silent"},
}
THEMES = {"Dark": "dark", "Light": "light"}
SIZES = {"1080p (1920x1080)": "1080p", "720p (1280x720)": "720p", "Vertical (1080x1920)": "vertical"}
DOCUMENT_TYPES = ".md,.markdown,.txt,.yaml,.yml,.json"

EXAMPLE = """# My first video

## What it does

Write a document with headings, and each section becomes a slide with narration.

## How to use it

- Paste Markdown here, or upload a file
- Press *Make slides*, edit what the narrator says
- Press *Render*, then download the video
"""


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix and suffix in DOCUMENT_TYPES.split(",") else ".md"


class VideogenApp(widgets.VBox):
    """The whole app: choose a document and options, make slides, edit, render, download.

    Every job gets a folder of its own under ``folder`` (the document, the
    work folder, the output), which Voila serves, so the browser fetches the
    video and subtitles by URL.
    """

    def __init__(self, folder: Union[str, Path] = ".") -> None:
        self.folder = Path(folder).absolute()
        self.pipeline: Optional[Pipeline] = None
        self.upload = widgets.FileUpload(accept=DOCUMENT_TYPES, multiple=False, description="Upload a document")
        self.upload.layout.width = "auto"
        self.paste = widgets.Textarea(value=EXAMPLE, placeholder="…or paste Markdown here",
                                      layout=widgets.Layout(width="100%", height="14em"))  # fmt: skip
        self.paste.add_class("videogen-paste")
        self.voice = widgets.Dropdown(options=list(VOICES), description="Voice")
        self.theme = widgets.Dropdown(options=list(THEMES), description="Theme")
        self.size = widgets.Dropdown(options=list(SIZES), value="720p (1280x720)", description="Size")
        self.make = widgets.Button(description="Make slides", icon="image", button_style="primary",
                                   tooltip="read the document and draw its slides (no audio yet)")  # fmt: skip
        self.make.on_click(lambda _b: self.make_slides())
        self.message = widgets.HTML()
        self.downloads = widgets.HTML()
        self.downloads.add_class("videogen-downloads")
        self.editor_box = widgets.VBox()
        intro = widgets.HTML(
            "<h2 style='margin:0.2em 0'>Make a narrated video from a document</h2>"
            "<div class='videogen-muted'>1. Upload a Markdown, text, YAML or JSON document, or paste Markdown. "
            "2. Choose a voice, theme and size, then <b>Make slides</b>. 3. Edit what the narrator says, press "
            "<b>Render</b>, and download the video and its subtitles.</div>"
        )
        source = widgets.VBox([self.upload, self.paste], layout=widgets.Layout(flex="1 1 480px", min_width="0"))
        options = widgets.VBox([self.voice, self.theme, self.size, self.make], layout=widgets.Layout(flex="0 0 320px"))
        super().__init__([style_widget(), intro, widgets.HBox([source, options], layout=widgets.Layout(flex_flow="row wrap")),
                          self.message, self.downloads, self.editor_box])  # fmt: skip
        self.add_class("videogen-editor")
        self.add_class("videogen-app")

    # --- the document --------------------------------------------------------------------------

    def _document(self, job: Path) -> Path:
        """Write the uploaded file (or the pasted Markdown) into the job's folder."""
        if self.upload.value:
            up = self.upload.value[0]
            name = Path(str(up["name"])).name
            path = job / f"{slugify(Path(name).stem, fallback='document')}{_suffix(name)}"
            path.write_bytes(bytes(up["content"]))
            return path
        if not self.paste.value.strip():
            raise ValueError("upload a document or paste some Markdown first")
        path = job / "document.md"
        path.write_text(self.paste.value, encoding="utf-8")
        return path

    def _job_folder(self) -> Path:
        jobs = self.folder / "jobs"
        jobs.mkdir(parents=True, exist_ok=True)
        taken = [int(m.group(1)) for d in jobs.iterdir() if (m := re.match(r"job-(\d+)$", d.name))]
        job = jobs / f"job-{max(taken, default=0) + 1:03d}"
        job.mkdir()
        return job

    def settings(self) -> dict[str, Any]:
        """The Pipeline options the menus stand for."""
        return {**VOICES[self.voice.value], "theme": THEMES[self.theme.value], "resolution": SIZES[self.size.value]}

    def make_slides(self) -> Optional[Pipeline]:
        """Read the document, draw its slides and write narration; show the editor. Errors are shown, not raised."""
        self.make.disabled, self.make.description = True, "Working…"
        self.message.value = ""
        try:
            job = self._job_folder()
            doc = self._document(job)
            if self.pipeline is not None and self.pipeline._preview is not None:
                self.pipeline._preview.close()
            p = Pipeline(doc, workdir=job / "work", output_dir=job / "output", progress=None, **self.settings())
            p.run(until="script")
        except (VideogenError, ValueError) as exc:
            self.message.value = f"<div class='videogen-error'><b>Cannot use this document.</b> {html.escape(str(exc))}</div>"
            return None
        finally:
            self.make.disabled, self.make.description = False, "Make slides"
        self.pipeline = p
        p.events.subscribe(self._on_event)
        self.message.value = (
            f"<span class='videogen-ok'>{len(p.scenes)} slides from {html.escape(doc.name)}.</span> "
            "Edit the narration under <i>Narration &amp; audio</i>, a slide's text by clicking its name, then press <b>Render</b>."
        )
        self.downloads.value = ""
        self.editor_box.children = (p.preview(),)
        return p

    # --- the results ---------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if event.stage == "output" and event.type == "finished":
            self.show_downloads()
        elif event.type == "changed" or (event.type == "started" and event.stage in ("audio", "video")):
            self.downloads.value = ""  # what is there no longer matches the edits

    def download_links(self) -> dict[str, str]:
        """``{"MP4 video": url, "subtitles (.srt)": url, ...}``: by URL where served, else as data URLs."""
        p = self.pipeline
        if p is None or p.video_path is None or not Path(p.video_path).is_file():
            return {}
        files = {"MP4 video": Path(p.video_path), **{f"subtitles (.{k})": Path(v) for k, v in p.subtitle_paths.items()}}
        links = {}
        for label, path in files.items():
            url = media_url(path)
            if url is None:
                mime = "video/mp4" if path.suffix == ".mp4" else "text/plain"
                url = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
            links[label] = url
        return links

    def show_downloads(self) -> None:
        links = self.download_links()
        if not links:
            return
        p = self.pipeline
        items = " · ".join(
            f"<a href='{html.escape(url)}' download='{html.escape(name)}' class='videogen-download'>{html.escape(label)}</a>"
            for (label, url), name in zip(links.items(), [Path(p.video_path).name, *[Path(v).name for v in p.subtitle_paths.values()]])
        )  # fmt: skip
        self.downloads.value = f"<div class='videogen-banner' style='font-size:1.1em'><b>Download:</b> {items}</div>"
