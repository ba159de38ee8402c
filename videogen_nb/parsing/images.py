"""Images a document points at: badges are dropped, local paths are resolved and kept inside its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from ..errors import ImagePathError, InputError
from .inline import InlineImage

# status badges in README files: decoration, not content
BADGE_HOSTS = (
    "shields.io", "badge.fury.io", "travis-ci.org", "travis-ci.com", "codecov.io", "coveralls.io",
    "readthedocs.org", "circleci.com", "app.veyor.com", "ci.appveyor.com", "badgen.net", "pepy.tech",
    "mybinder.org", "colab.research.google.com", "zenodo.org", "snyk.io", "codeclimate.com",
)  # fmt: skip
UNREADABLE_SUFFIXES = {".svg", ".svgz", ".pdf", ".eps"}


def is_badge(image: InlineImage) -> bool:
    """A linked image, or one served by a badge service, is a badge."""
    if image.in_link:
        return True
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
) -> Optional[Path]:
    """The absolute path of a local image, or None (with a warning) for one that cannot be shown.

    A path that leads outside ``base_dir`` (the document's folder) is refused
    with an ImagePathError: a document must not pull in arbitrary files
    (``confine=False`` for paths a program gave, which may point anywhere).
    """
    where = f"{doc_path.name if doc_path else '<text>'}:{line}" if line else (doc_path.name if doc_path else "<text>")
    url = urlparse(image.src)
    if url.scheme in ("http", "https", "ftp", "data"):
        warnings.append(f"{where}: the image {image.src[:80]} is on the web; it is not downloaded and is left out")
        return None
    raw = unquote(url.path if url.scheme == "file" else image.src)
    if not raw.strip():
        return None
    base = base_dir.resolve()
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
    if confine and not path.is_relative_to(base):
        raise ImagePathError(doc_path, line, image.src, base)
    if not exists:
        warnings.append(f"{where}: the image {image.src} does not exist in {base}; it is left out")
        return None
    if path.suffix.lower() in UNREADABLE_SUFFIXES:
        warnings.append(f"{where}: {path.suffix} images cannot be drawn; convert {image.src} to PNG or JPEG")
        return None
    return path
