"""The video player: an HTML video element with the subtitle track on, that Python can seek."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import anywidget
import traitlets

from .media import media_url

_ESM = """
function render({ model, el }) {
  el.classList.add("videogen-player");
  const note = document.createElement("div");
  note.className = "videogen-player-note";
  const video = document.createElement("video");
  video.controls = true;
  video.preload = "metadata";
  video.playsInline = true;
  video.style.width = "100%";
  video.style.maxWidth = model.get("width") + "px";
  el.append(video, note);
  let urls = [];
  const blob = (data, type) => {
    const u = URL.createObjectURL(new Blob([data], { type }));
    urls.push(u);
    return u;
  };
  function load() {
    urls.forEach((u) => URL.revokeObjectURL(u));
    urls = [];
    video.querySelectorAll("track").forEach((t) => t.remove());
    const data = model.get("data");
    const src = model.get("src") || (data && data.byteLength ? blob(data, "video/mp4") : "");
    if (!src) {
      video.removeAttribute("src");
      video.load();
      video.style.display = "none";
      return;
    }
    video.style.display = "";
    const vtt = model.get("vtt");
    if (vtt) {
      const track = document.createElement("track");
      track.kind = "subtitles";
      track.label = "Subtitles";
      track.srclang = model.get("lang") || "en";
      track.default = true;
      track.src = vtt.startsWith("WEBVTT") ? blob(vtt, "text/vtt") : vtt;
      video.appendChild(track);
      track.addEventListener("load", () => { track.track.mode = "showing"; });
      track.track.mode = "showing";
    }
    video.src = src;
    video.load();
  }
  function showNote() {
    note.textContent = model.get("note");
    note.className = "videogen-player-note" + (model.get("stale") ? " videogen-banner" : " videogen-muted");
  }
  video.addEventListener("loadedmetadata", () => {
    model.set("duration", video.duration);
    model.set("error", "");
    model.save_changes();
  });
  video.addEventListener("error", () => {
    if (!video.getAttribute("src")) return;
    const e = video.error;
    model.set("error", e ? `media error ${e.code}: ${e.message || "cannot play"}` : "cannot play");
    model.save_changes();
  });
  model.on("change:seek", () => {
    const s = model.get("seek");
    if (!s || typeof s.t !== "number") return;
    const go = () => { video.currentTime = s.t + 0.01; };
    if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, { once: true });
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  model.on("change:src", load);
  model.on("change:data", load);
  model.on("change:vtt", load);
  model.on("change:note", showNote);
  model.on("change:stale", showNote);
  load();
  showNote();
  return () => urls.forEach((u) => URL.revokeObjectURL(u));
}
export default { render };
"""


class VideoPlayer(anywidget.AnyWidget):
    """The finished video with its subtitles on; ``seek_to(t)`` jumps there; ``duration`` comes from the browser.

    The video is fetched by URL when a Jupyter server can serve it (see
    :mod:`videogen_nb.notebook.media`), else sent as bytes.
    """

    _esm = _ESM
    src = traitlets.Unicode("").tag(sync=True)
    data = traitlets.Bytes(b"").tag(sync=True)
    vtt = traitlets.Unicode("").tag(sync=True)  # a URL, or the WebVTT text itself
    lang = traitlets.Unicode("en").tag(sync=True)
    width = traitlets.Int(640).tag(sync=True)
    seek = traitlets.Dict({}).tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    stale = traitlets.Bool(False).tag(sync=True)
    #: set by the browser once it has read the video's header (seconds), and if it cannot play it
    duration = traitlets.Float(0.0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, width: int = 640, **kw) -> None:
        super().__init__(width=width, **kw)
        self.add_class("videogen-video")
        self._seeks = 0

    @property
    def has_video(self) -> bool:
        return bool(self.src or self.data)

    def load(self, path: Optional[Path], vtt: Optional[Path] = None, lang: str = "en") -> None:
        """Show the video at ``path`` (None: no video) with the subtitles in ``vtt``."""
        if path is None or not Path(path).is_file():
            self.src, self.data, self.vtt = "", b"", ""
            return
        url = media_url(path)
        vtt_url = media_url(vtt) if vtt is not None and Path(vtt).is_file() else None
        with self.hold_sync():
            self.lang = (lang or "en").split("-")[0]
            self.src = url or ""
            self.data = b"" if url else Path(path).read_bytes()
            if vtt is None or not Path(vtt).is_file():
                self.vtt = ""
            else:
                self.vtt = vtt_url or Path(vtt).read_text(encoding="utf-8")

    def seek_to(self, seconds: float) -> None:
        """Move the player to ``seconds`` into the video."""
        self._seeks += 1
        self.seek = {"t": float(seconds), "n": self._seeks}
