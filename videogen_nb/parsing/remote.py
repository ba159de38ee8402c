"""Pictures on the web: fetched once (time-out, size cap, content-type check) and cached by URL.

Never called with ``offline`` set. A picture that cannot be fetched is reported and shown as a card;
after the first network failure the rest of the document's pictures are not tried (no time-out per
picture on a machine without internet).
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..atomic import atomic_write_bytes

TIMEOUT = 8.0  # seconds for one picture
MAX_BYTES = 8 * 1024 * 1024
MAX_PICTURES = 40  # per document
TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg",
         "image/bmp": ".bmp"}  # fmt: skip
ENV_VAR = "VIDEOGEN_CACHE_DIR"


def default_image_cache() -> Path:
    """``$VIDEOGEN_CACHE_DIR/images``, else ``$XDG_CACHE_HOME/videogen_nb/images``, else ``~/.cache/videogen_nb/images``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser() / "images"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "videogen_nb" / "images"


@dataclass
class Fetcher:
    """Fetches the pictures of one document into ``cache_dir``."""

    cache_dir: Path = field(default_factory=default_image_cache)
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    max_pictures: int = MAX_PICTURES
    down: Optional[str] = None  # why the network failed, once it has
    fetched: int = 0

    def cached(self, url: str) -> Optional[Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        for suffix in TYPES.values():
            p = self.cache_dir / f"{key}{suffix}"
            if p.is_file():
                return p
        return None

    def fetch(self, url: str) -> tuple[Optional[Path], str]:
        """(the cached file, "") or (None, why not)."""
        hit = self.cached(url)
        if hit is not None:
            return hit, ""
        if self.down is not None:
            return None, f"not fetched: the network failed earlier ({self.down})"
        if self.fetched >= self.max_pictures:
            return None, f"not fetched: a document fetches at most {self.max_pictures} pictures"
        self.fetched += 1
        req = urllib.request.Request(url, headers={"User-Agent": "videogen_nb (+https://pypi.org/project/videogen_nb)"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ctype not in TYPES:
                    return None, f"it is {ctype or 'of no content type'}, not a picture"
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    return None, f"it is {int(length) // 1024} KB, more than {self.max_bytes // 1024} KB"
                data = resp.read(self.max_bytes + 1)
        except urllib.error.HTTPError as exc:
            return None, f"the server answered {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.down = str(getattr(exc, "reason", exc))
            return None, f"it could not be fetched ({self.down})"
        if len(data) > self.max_bytes:
            return None, f"it is more than {self.max_bytes // 1024} KB"
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        path = self.cache_dir / f"{key}{TYPES[ctype]}"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        return path, ""
