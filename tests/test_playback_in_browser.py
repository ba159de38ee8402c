"""The compact video in a real browser's video element: it plays, and seeking lands on the right picture,
inside crossfades too (their keyframe is decoded before them and shown after them)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from browser import browser
from videogen_nb.ffmpeg import ffmpeg_exe
from videogen_nb.render.encode import EncoderSettings, concat_raw, mux
from videogen_nb.render.segments import SegmentStore, Shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SIZE = (320, 180)
COLOURS = {"red": (220, 30, 30), "blue": (30, 30, 220), "green": (30, 200, 30)}

SEEK_JS = """async (times) => {
  const v = document.querySelector('video');
  if (v.readyState < 1) await new Promise((ok) => v.addEventListener('loadedmetadata', ok, {once: true}));
  const c = document.createElement('canvas'); c.width = 320; c.height = 180;
  const g = c.getContext('2d');
  const out = [];
  const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
  for (const t of times) {
    const seeked = new Promise((ok) => v.addEventListener('seeked', ok, {once: true}));
    v.currentTime = t;
    await Promise.race([seeked, wait(10000)]);
    await wait(300);  // the new frame painted (headless chromium calls no video frame callbacks while paused)
    g.drawImage(v, 0, 0, 320, 180);
    out.push(Array.from(g.getImageData(160, 90, 1, 1).data.slice(0, 3)));
  }
  return {duration: v.duration, error: v.error && v.error.code, colours: out};
}"""

PLAY_JS = """async () => {
  const v = document.querySelector('video');
  v.muted = true; v.currentTime = 0;
  await v.play();
  await new Promise((ok) => setTimeout(ok, 1500));
  const t = v.currentTime; v.pause();
  return {time: t, error: v.error && v.error.code};
}"""


def make_video(folder: Path) -> tuple[Path, list[tuple[int, str]]]:
    """Red 2 s, a 0.5 s fade to blue held 2.5 s, a cut to green for 1 s: keyframes every second."""
    settings = EncoderSettings(fps=30, keyframe_seconds=1)
    store = SegmentStore(folder / "seg", settings, SIZE)
    paths = {}
    for name, colour in COLOURS.items():
        paths[name] = folder / f"{name}.png"
        Image.new("RGB", SIZE, colour).save(paths[name])
    shots = [Shot(paths["red"], "red", 60), Shot(paths["blue"], "blue", 90, fade=15), Shot(paths["green"], "green", 30)]
    stream = folder / "v.h264"
    moves = concat_raw(store.shots(shots), stream)
    aac = folder / "a.aac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "6",
                    "-c:a", "aac", str(aac)], check=True)  # fmt: skip
    out = folder / "v.mp4"
    mux(stream, aac, out, settings, moves)
    return out


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Files with byte ranges, as Jupyter's and every web server sends them: without, a browser cannot seek."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        spec = self.headers.get("Range", "")
        path = Path(self.translate_path(self.path))
        if not spec.startswith("bytes=") or not path.is_file():
            return super().do_GET()
        data = path.read_bytes()
        first, _, last = spec[6:].partition("-")
        start, end = int(first or 0), min(len(data) - 1, int(last) if last else len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start : end + 1])


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on a free local port (a page may read a video's pixels only from its own origin)."""
    handler = functools.partial(RangeHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_video_plays_and_seeks_to_the_right_picture_in_chromium(tmp_path):
    video = make_video(tmp_path)
    frames = np.frombuffer(
        subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                       capture_output=True, check=True).stdout, np.uint8).reshape(-1, 180, 320, 3)  # fmt: skip
    assert len(frames) == 180
    page_file = tmp_path / "page.html"
    page_file.write_text(f'<video src="{video.name}" preload="auto"></video>')
    # inside the red, in the fade (frames 60-74), on blue's keyframe, inside blue, on green, backwards into the fade
    times = [1.0, 2.05, 2.25, 2.45, 2.55, 3.9, 5.5, 2.15]
    with serve(tmp_path) as url, browser() as page:
        page.goto(f"{url}/{page_file.name}")
        got = page.evaluate(SEEK_JS, times)
        played = page.evaluate(PLAY_JS)
    assert got["error"] is None and got["duration"] == pytest.approx(6.0, abs=0.05)
    for t, colour in zip(times, got["colours"]):
        shown = frames[min(179, int(t * 30 + 1e-6))][90, 160].astype(int)  # the frame whose time covers t
        assert np.abs(np.array(colour) - shown).max() <= 12, (t, colour, shown.tolist())
    assert played["error"] is None and played["time"] > 0.5  # it plays
