"""What a video's opening is made of: a key the video stage records beside the video, so that what is made from
the opening (the thumbnail) is reused while the opening stays the same.

Every piece of a video is named by a key of its content, so the same pieces in
the same order decode to the same frames. The key is tied to the video file it
was recorded for (its hash): a stage that changes the video afterwards leaves
no key, and the thumbnail is found in the video again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

from ..atomic import recorded_digest, write_recorded
from ..fingerprint import stable_hash
from .encode import StillPiece

#: scenes whose pieces decide the thumbnail (the middle of the first; the second fades in over the first's end)
OPENING_SCENES = 2


def opening_path(video: Path) -> Path:
    """Where the key of ``video``'s opening is kept: ``<name>.opening.json`` beside it."""
    video = Path(video)
    return video.with_name(video.name + ".opening.json")


def write_opening(video: Path, video_sha256: str, parts: Iterable["Path | StillPiece"]) -> str:
    """Record beside ``video`` (whose hash is ``video_sha256``) a key of the ``parts`` its opening scenes are
    made of; return the key."""
    names = [(str(p.keyframe), p.frames) if isinstance(p, StillPiece) else str(p) for p in parts]
    key = stable_hash("opening", names)[:32]
    write_recorded(opening_path(video), json.dumps({"video_sha256": video_sha256, "opening": key}).encode())
    return key


def read_opening(video: Path) -> Optional[str]:
    """The key of ``video``'s opening, if it was recorded for the very file that is there now; else None."""
    note = opening_path(video)
    if recorded_digest(note) is None:
        return None
    try:
        data = json.loads(note.read_bytes())
        return str(data["opening"]) if recorded_digest(video) == data["video_sha256"] else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
