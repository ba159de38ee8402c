"""The speech cache every pipeline on a machine shares: one WAV and one JSON sidecar per key.

Keys are content hashes of everything that changes the sound, so an entry
never changes once written. Files are written to temporary names and
renamed, the sidecar last: an entry without its sidecar is incomplete and
is never read. A lock file per key lets one process synthesise a clip while
another waits for it instead of making it twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from .atomic import atomic_place, atomic_write_bytes
from .audio_io import wav_bytes
from .fingerprint import file_digest, stable_hash
from .models import WordTiming, WordTimingSource

try:  # advisory file locks: POSIX only; elsewhere concurrent writers just race to an atomic rename
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

CACHE_FORMAT = 2  # bump when the stored clips change meaning (2: sidecars say whether word timings are estimated)
ENV_VAR = "VIDEOGEN_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$VIDEOGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/videogen_nb/speech``, else ``~/.cache/videogen_nb/speech``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "videogen_nb" / "speech"


def clip_key(identity: dict[str, Any], spoken_text: str, loudness: Optional[float]) -> str:
    """The cache key of one clip: engine, voice, language and options, the text as spoken, the loudness."""
    return stable_hash(CACHE_FORMAT, identity, spoken_text, loudness)[:32]


@dataclass
class Clip:
    """One clip on disk: the WAV, its length, rate, hash, the engine's word timings and loudness."""

    path: Path
    duration: float
    sample_rate: int
    sha256: str
    words: list[WordTiming]
    engine: str = ""
    identity: dict[str, Any] = field(default_factory=dict)
    loudness: Optional[float] = None
    word_timing: WordTimingSource = "engine"

    @property
    def sidecar(self) -> Path:
        return self.path.with_suffix(".json")

    def __repr__(self) -> str:
        return f"<Clip {self.path.name} {self.duration:.2f} s by {self.engine or '?'}>"


def read_clip(wav: Path, verify: bool = False) -> Optional[Clip]:
    """The clip at ``wav`` if it and its sidecar are complete (and, with ``verify``, unchanged); else None."""
    meta = wav.with_suffix(".json")
    try:
        m = json.loads(meta.read_text(encoding="utf-8"))
        clip = Clip(
            wav, m["duration"], m["sample_rate"], m["sha256"], [WordTiming(**w) for w in m["words"]],
            m.get("engine", ""), m.get("identity", {}), m.get("loudness"), m.get("word_timing", "engine"),
        )  # fmt: skip
        if not wav.is_file() or (verify and file_digest(wav) != clip.sha256):
            return None
        return clip
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: synthesise again rather than trust it


def write_clip(wav: Path, samples, sample_rate: int, words: list[WordTiming], meta: dict[str, Any]) -> Clip:
    """Write a clip and then its sidecar, each atomically; return it."""
    data = wav_bytes(samples, sample_rate)
    atomic_write_bytes(wav, data)
    digest = hashlib.sha256(data).hexdigest()
    duration = len(samples) / sample_rate
    side = {
        "duration": duration,
        "sample_rate": sample_rate,
        "sha256": digest,
        "words": [w.model_dump() for w in words],
        **meta,
    }
    # the sidecar is written last: a clip without one is incomplete and is made again
    atomic_write_bytes(wav.with_suffix(".json"), json.dumps(side, ensure_ascii=False, indent=1).encode("utf-8"))
    return Clip(
        wav, duration, sample_rate, digest, list(words), meta.get("engine", ""), meta.get("identity", {}),
        meta.get("loudness"), meta.get("word_timing", "engine"),
    )  # fmt: skip


def copy_clip(clip: Clip, wav: Path) -> Clip:
    """The same clip at ``wav`` (hard links when the folders share a file system); sidecar last."""
    atomic_place(clip.path, wav)
    atomic_place(clip.sidecar, wav.with_suffix(".json"))
    return replace(clip, path=wav)


class SpeechCache:
    """Clips by key in ``folder`` (two-character fan-out), safe for several processes at once."""

    def __init__(self, folder: Union[str, Path, None] = None) -> None:
        self.folder = Path(folder).expanduser().absolute() if folder is not None else default_cache_dir().absolute()

    def __repr__(self) -> str:
        return f"<SpeechCache {self.folder}>"

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Optional[Clip]:
        """The cached clip, checked against its hash (a changed file is dropped), or None."""
        wav = self.path(key)
        clip = read_clip(wav, verify=True)
        if clip is None and wav.with_suffix(".json").is_file():
            wav.with_suffix(".json").unlink(missing_ok=True)  # damaged or changed: make it again
        return clip

    def put(self, key: str, samples, sample_rate: int, words: list[WordTiming], meta: dict[str, Any]) -> Clip:
        """Store a clip under ``key`` (hold ``lock(key)`` around making and storing it)."""
        return write_clip(self.path(key), samples, sample_rate, words, meta)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the key while its clip is made, so a second pipeline waits and then reuses it."""
        path = self.path(key).with_suffix(".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        # each call opens its own file: flock then excludes threads of one process too
        with open(path, "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
