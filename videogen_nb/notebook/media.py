"""Media by reference: a URL the browser can fetch a file from, when a Jupyter server serves it.

A 50 MB video sent as bytes through the widget websocket takes seconds and
memory in both the kernel and the browser; the same file fetched by the
browser from the server that hosts the notebook (JupyterLab's ``/files/``,
Voila's ``/voila/files/``) costs the kernel nothing and can be seeked.
Where no server can serve the file (a plain Python session, a file outside
the server's root, a hidden folder), the callers fall back to bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import quote

#: set both to serve media from another place (``videogen app`` sets them for its Voila server)
ROOT_ENV, URL_ENV = "VIDEOGEN_MEDIA_ROOT", "VIDEOGEN_MEDIA_URL"


@dataclass(frozen=True)
class MediaServer:
    """Files under ``root`` are fetched by the browser at ``url`` + their path relative to ``root``."""

    root: Path
    url: str  # ends with "/": "/files/", "/user/ann/files/", "/voila/files/"
    serves_hidden: bool = False

    def url_for(self, path: Path) -> Optional[str]:
        """The URL of ``path`` (changing whenever the file does, so browsers never show an old copy), or None."""
        try:
            path = Path(path).resolve()
            rel = path.relative_to(self.root)
            stat = path.stat()
        except (OSError, ValueError):
            return None
        if not self.serves_hidden and any(part.startswith(".") for part in rel.parts):
            return None  # Jupyter refuses hidden files unless told otherwise
        return f"{self.url}{quote(rel.as_posix())}?v={stat.st_mtime_ns:x}{stat.st_size:x}"


def _from_env() -> Optional[MediaServer]:
    root, url = os.environ.get(ROOT_ENV), os.environ.get(URL_ENV)
    if not root or not url:
        return None
    return MediaServer(Path(root).resolve(), url if url.endswith("/") else url + "/", serves_hidden=False)


def _from_jupyter_server(pid: int) -> Optional[MediaServer]:
    """The Jupyter server that started this kernel (its runtime file names its root and base URL)."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return None
    info_file = Path(jupyter_runtime_dir()) / f"jpserver-{pid}.json"
    try:
        info = json.loads(info_file.read_text(encoding="utf-8"))
        root, base = Path(info["root_dir"]).resolve(), info.get("base_url") or "/"
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return MediaServer(root, f"{base.rstrip('/')}/files/")


_configured: Optional[MediaServer] = None
_detected: dict[int, Optional[MediaServer]] = {}


def configure_media(root: Optional[Path], url: Optional[str] = None) -> None:
    """Say where media is served from (``configure_media(None)`` goes back to finding it out, or to bytes)."""
    global _configured
    _configured = None if root is None else MediaServer(Path(root).resolve(), url if (url or "").endswith("/") else f"{url}/")


def media_server() -> Optional[MediaServer]:
    """Who serves files to the browser: :func:`configure_media`, then the environment, then the kernel's Jupyter server."""
    if _configured is not None:
        return _configured
    env = _from_env()
    if env is not None:
        return env
    ppid = os.getppid()
    if ppid not in _detected:
        _detected[ppid] = _from_jupyter_server(ppid)
    return _detected[ppid]


def media_url(path: Optional[Path]) -> Optional[str]:
    """A URL the browser can fetch ``path`` from, or None (then send bytes)."""
    if path is None:
        return None
    server = media_server()
    return server.url_for(Path(path)) if server is not None else None
