"""Images a document points at: badges are dropped, local paths are resolved and kept inside its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from ..errors import ImagePathError, InputError
from .inline import InlineImage
from .remote import Fetcher

# status badges in README files: decoration, not content
BADGE_HOSTS = (
    "shields.io", "badge.fury.io", "travis-ci.org", "travis-ci.com", "codecov.io", "coveralls.io",
    "readthedocs.org", "circleci.com", "app.veyor.com", "ci.appveyor.com", "badgen.net", "pepy.tech",
    "mybinder.org", "colab.research.google.com", "zenodo.org", "snyk.io", "codeclimate.com",
)  # fmt: skip
UNREADABLE_SUFFIXES = {".pdf", ".eps", ".ps", ".tif", ".tiff", ".heic"}


def is_badge(image: InlineImage) -> bool:
    """A picture served by a badge service (or with "badge" in its path) is a badge: decoration, not content."""
    url = urlparse(image.src)
    host = url.netloc.lower()
    return any(host == h or host.endswith("." + h) for h in BADGE_HOSTS) or "badge" in url.path.lower()


def resolve_image(
    image: InlineImage,
    base_dir: Path,
    doc_path: Optional[Path],
    line: Optional[int],
    warnings: list[str],
    confine: bool = True,
    fetcher: Optional[Fetcher] = None,
    root: Optional[Path] = None,
) -> Optional[Path]:
    """The absolute path of a picture, or None (with a warning) for one that cannot be had: it is then shown as a card.

    A local path that leads outside ``root`` (the project the document is in: the nearest folder
    above it with ``.git``, ``mkdocs.yml``, ``book.toml`` ...; else the document's folder) is refused
    with an ImagePathError: a document must not pull in arbitrary files (``confine=False`` for paths
    a program gave, which may point anywhere). A picture on the web is fetched by ``fetcher``
    (None: offline, it is not fetched).
    """
    where = f"{doc_path.name if doc_path else '<text>'}:{line}" if line else (doc_path.name if doc_path else "<text>")
    url = urlparse(image.src)
    if url.scheme in ("http", "https"):
        if fetcher is None:
            warnings.append(f"{where}: the picture {image.src[:80]} is on the web and this build is offline; it is shown as a card")
            return None
        path, why = fetcher.fetch(image.src)
        if path is None:
            warnings.append(f"{where}: the picture {image.src[:80]} {why}; it is shown as a card")
        return path
    if url.scheme in ("ftp", "data"):
        warnings.append(f"{where}: the picture {image.src[:60]} cannot be read ({url.scheme}:); it is shown as a card")
        return None
    raw = unquote(url.path if url.scheme == "file" else image.src)
    if not raw.strip():
        return None
    base = base_dir.resolve()
    allowed = (root or base).resolve()
    try:
        path = (base / raw).resolve()
        exists = path.is_file()
    except (OSError, ValueError) as exc:  # a name longer than the file system allows, a NUL byte
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        src = image.src if len(image.src) <= 60 else image.src[:57] + "..."
        raise InputError(
            doc_path, f"{'line ' + str(line) + ': ' if line else ''}the image path '{src}' cannot be a file name ({reason})",
            "Give the image a shorter name (at most 255 bytes a folder or file name) of plain characters.",
        ) from None
    if confine and not path.is_relative_to(allowed):
        raise ImagePathError(doc_path, line, image.src, allowed)
    if not exists:
        warnings.append(f"{where}: the picture {image.src} does not exist in {base}; it is shown as a card")
        return None
    if path.suffix.lower() in UNREADABLE_SUFFIXES:
        warnings.append(f"{where}: {path.suffix} pictures cannot be drawn; convert {image.src} to PNG, JPEG or SVG")
        return None
    return path
