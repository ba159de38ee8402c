"""Encoded pieces of picture, kept by content: stills, crossfades into a picture, clips.

Every piece is raw H.264 with the same parameter sets, so pieces join one
after another (:class:`~videogen_nb.render.h264.Timeline` numbers their
frames as they are joined). A still costs one encoded frame (its keyframe)
however long it lasts: the frames after the keyframe are skip frames written
without an encoder, and the keyframe is repeated every ``keyframe_seconds`` so
that players can seek. A crossfade costs nothing more than the keyframe of the
picture it leads to: its frames are weighted mixes the decoder computes. Keys
are content hashes: an unchanged slide is never encoded twice.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import numpy as np
from PIL import Image

from ..atomic import recorded_digest, write_recorded
from ..errors import RenderError
from ..fingerprint import stable_hash
from . import h264
from .encode import EncoderSettings, KeyframeRun, StillPiece, encode_raw
from .slide_store import DrawnPicture

#: the form of the pieces (bumped when it changes, so pieces of an older form are never joined with new ones)
PIECE_FORMAT = 2


@dataclass(frozen=True)
class Shot:
    """One picture on a timeline: shown for ``frames`` frames, the first ``fade`` of which are a crossfade from the
    picture shown just before it (0: a cut)."""

    path: Path
    sha256: str
    frames: int
    fade: int = 0


def _slide_image(path: Path) -> Image.Image:
    """A stored slide, loaded, as RGB."""
    with Image.open(path) as img:
        img.load()
        return img if img.mode == "RGB" else img.convert("RGB")


def _sized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` at ``size``: as it is, reduced by a whole factor (a box filter, the proxy's 1080p to 360p in a few
    milliseconds), or resized (Lanczos after a box reduction)."""
    size = (int(size[0]), int(size[1]))
    if image.size == size:
        return image
    k = image.width // size[0]
    if k > 1 and image.width == size[0] * k and image.height == size[1] * k:
        return image.reduce(k)
    return image.resize(size, Image.LANCZOS, reducing_gap=2.0)


def _sized_again(
    image: Image.Image, size: tuple[int, int], last: Optional[tuple[bytes, list[int]]],
    changed: Optional[list[tuple[int, int]]],
) -> bytes:  # fmt: skip
    """:func:`_sized` ``image`` as RGB bytes. Where it is reduced by a whole factor and differs from the last picture
    (``last``: that one's bytes at ``size``) only in the ``changed`` rows, only those rows are reduced again (the box
    filter's blocks start at multiples of the factor, so a strip from such a row reduces to the same pixels)."""
    size = (int(size[0]), int(size[1]))
    k = image.width // size[0]
    whole = k > 1 and image.width == size[0] * k and image.height == size[1] * k
    if not whole or last is None or changed is None:
        return _sized(image, size).tobytes()
    out = bytearray(last[0])
    stride = 3 * size[0]
    for top, bottom in changed:
        first, end = top // k, min(size[1], -(-bottom // k))  # the rows of the reduced picture they reach
        strip = image.crop((0, first * k, image.width, end * k)).reduce(k)
        out[first * stride : end * stride] = strip.tobytes()
    return bytes(out)


class SegmentStore:
    """Raw H.264 pieces in ``folder``, made on demand and reused by key; it counts the work it did."""

    def __init__(self, folder: Path, settings: EncoderSettings, size: tuple[int, int]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.size = (int(size[0]), int(size[1]))
        self._lock = threading.Lock()
        self.encoded_frames = 0  # frames x264 encoded for this store: the work a render really did
        #: seconds spent making each kind of piece (summed over threads)
        self.seconds = {"keyframes": 0.0, "fades": 0.0, "clips": 0.0}  # fades: writing them (no encoding)
        self._checked: set[Path] = set()  # pieces found intact (or made) by this store: checked once
        self._keyframe_paths: dict[str, Path] = {}  # by picture: a path is a hash of the settings, then a Path

    def _ready(self, path: Path) -> bool:
        """Whether the piece at ``path`` can be reused: there, with the size and hash recorded when it was made.

        A piece truncated by a killed process or a full disk, or changed by
        hand, is made again: concatenated as it is, it would break the video.
        """
        with self._lock:
            if path in self._checked:
                return True
        if recorded_digest(path) is None:
            return False
        with self._lock:
            self._checked.add(path)
        return True

    def _write(self, path: Path, data: bytes) -> None:
        write_recorded(path, data)
        with self._lock:
            self._checked.add(path)

    def _key(self, *parts) -> str:
        return stable_hash(*parts, self.settings.__dict__, self.size, PIECE_FORMAT)[:24]

    @contextmanager
    def _work(self, kind: str, frames: int) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        self._count(kind, frames, time.perf_counter() - t0)

    def _count(self, kind: str, frames: int, seconds: float) -> None:
        with self._lock:
            self.encoded_frames += frames
            self.seconds[kind] += seconds

    def keyframe(self, image: Path, image_hash: str) -> bytes:
        """The IDR frame of a slide (encoded once per slide, size and settings)."""
        path = self._keyframe_path(image_hash)
        if not self._ready(path):
            self.keyframes([(Path(image), image_hash)])
        return path.read_bytes()

    def keyframes(self, pictures: Sequence[tuple[Path, str]]) -> int:
        """Encode the keyframes of ``pictures`` (path, hash) not stored yet, in one run of x264; return how many."""
        return encode_keyframes_together([self], pictures)

    def has_keyframe(self, image_hash: str) -> bool:
        """Whether the keyframe of the picture ``image_hash`` is stored (whole)."""
        return self._ready(self._keyframe_path(image_hash))

    def _keyframe_path(self, image_hash: str) -> Path:
        path = self._keyframe_paths.get(image_hash)
        if path is None:
            path = self._keyframe_paths[image_hash] = self.folder / f"{self._key('keyframe', image_hash)}_key.h264"
        return path

    def still(self, image: Path, image_hash: str, frames: int) -> list[StillPiece]:
        """Pieces showing ``image`` for exactly ``frames`` frames: a keyframe every few seconds, skip frames between
        (made as the pieces are joined: only the keyframe is kept)."""
        if frames <= 0:
            return []
        path = self._keyframe_path(image_hash)
        if not self._ready(path):
            self.keyframes([(Path(image), image_hash)])
        return [StillPiece(path, n) for n in self._groups(frames)]

    def _groups(self, frames: int) -> list[int]:
        """A still's frames as groups that each open with a keyframe."""
        every = self.settings.keyframe_interval
        full, rest = divmod(frames, every)
        return [every] * full + ([rest] if rest else [])

    def shots(self, shots: Sequence[Shot]) -> list["Path | StillPiece"]:
        """Pieces that show ``shots`` in order, each for exactly its frames.

        One keyframe per distinct picture is encoded; holds and crossfades are
        written without an encoder. A shot that fades in must follow other
        pieces (the picture it fades from is the last one they show).
        """
        parts: list[Path] = []
        for shot in shots:
            fade = max(0, min(shot.fade, shot.frames - 1))
            if not fade:
                parts += self.still(shot.path, shot.sha256, shot.frames)
                continue
            parts.append(self._fade_in(shot.path, shot.sha256, fade))
            # the picture's own IDR next: a player seeking into the fade starts at the IDR before it, so the
            # keyframes a player can start from stay at most a group and a fade apart
            parts += self.still(shot.path, shot.sha256, shot.frames - fade - 1)
        return parts

    def _fade_in(self, image: Path, image_hash: str, frames: int) -> Path:
        """A crossfade over ``frames`` frames into ``image`` (from whatever is shown before it), then ``image``."""
        path = self.folder / f"{self._key('fade-in', image_hash, frames)}_fade{frames}.h264"
        if not self._ready(path):
            keyframe = self.keyframe(image, image_hash)
            with self._work("fades", 0):
                self._write(path, h264.fade_in(keyframe, frames))
        return path

    def frames(
        self, key: str, frames: int, make_frames: Callable[[], Iterable[np.ndarray]],
        background: Optional[Image.Image] = None,
    ) -> list[Path]:  # fmt: skip
        """A segment encoded frame by frame from RGB arrays (an animation, a recording), ``frames`` long.

        Frames are streamed to the encoder one at a time, never held together;
        a source that ends early holds its last frame. Frames of another size
        are scaled to fit and centred on ``background``.
        """
        path = self.folder / f"{self._key('frames', key, frames)}_clip{frames}.h264"
        if self._ready(path):
            return [path]

        def pictures() -> Iterator[bytes]:
            last, sent = None, 0
            for frame in make_frames():
                if sent >= frames:
                    break
                last = _fit_frame(frame, self.size, background).tobytes()
                sent += 1
                yield last
            if last is None:
                raise RenderError("the clip gave no frames")
            for _ in range(frames - sent):
                yield last

        with self._work("clips", frames):
            encode_raw(pictures(), frames, self.size, path, self.settings, pix_fmt="rgb24", what="a clip")
        with self._lock:
            self._checked.add(path)
        return [path]


class KeyframeBatch:
    """The keyframes of pictures as they come, for every store that lacks them: one run of x264 per store (started at
    the first picture it needs), each picture passed on as it comes, so that none is held longer than it takes to
    hand it over (a run keeps only the bands it encoded, to find them again)."""

    def __init__(self, stores: Sequence[SegmentStore]) -> None:
        self.stores = list(stores)
        self._runs: dict[int, KeyframeRun] = {}
        self._made: list[set[str]] = [set() for _ in self.stores]
        self._t0 = time.perf_counter()
        # the last picture's bytes and bands at each size: a reveal's next state differs from it in a few rows, and
        # only those are scaled again for a smaller store
        self._last: dict[tuple[int, int], tuple[bytes, list[int]]] = {}

    def __repr__(self) -> str:
        return f"<KeyframeBatch of {len(self.stores)} stores: {sum(map(len, self._made))} keyframes under way>"

    def add(self, path: Path, image_hash: str, drawn: "Optional[DrawnPicture | Callable[[], DrawnPicture]]" = None) -> None:
        """The keyframes of the picture at ``path`` (``drawn``: the picture itself, just drawn, or what draws it if a
        keyframe of it is missing; else it is read)."""
        needing = [k for k, store in enumerate(self.stores)
                   if image_hash not in self._made[k] and not store._ready(store._keyframe_path(image_hash))]  # fmt: skip
        if not needing:
            return
        if callable(drawn):
            drawn = drawn()
        image = drawn.image if drawn is not None else _slide_image(Path(path))
        sized: dict[tuple[int, int], bytes] = {image.size: drawn.rgb} if drawn is not None else {}
        changed: Optional[list[tuple[int, int]]] = None  # rows of the picture unlike the last one's (None: unknown)
        last, self._last = self._last, {}
        for k in needing:
            store = self.stores[k]
            run = self._runs.get(k)
            if run is None:
                run = self._runs[k] = KeyframeRun(store.size, store.settings, store.folder, what=f"the slides from {Path(path).name}")
            if store.size not in sized:
                sized[store.size] = _sized_again(image, store.size, last.get(store.size), changed)
            refs = run.add(store._keyframe_path(image_hash), sized[store.size])
            if store.size == image.size and changed is None and image.size in last:
                before = last[image.size][1]
                changed = [(band * run.band_height, (band + 1) * run.band_height)
                           for band, (a, b) in enumerate(zip(refs, before)) if a != b]  # fmt: skip
            self._last[store.size] = (sized[store.size], refs)
            self._made[k].add(image_hash)

    def finish(self) -> int:
        """Write every keyframe; how many were encoded."""
        try:
            for k, run in self._runs.items():
                run.finish()
                store = self.stores[k]
                with store._lock:
                    store._checked.update(store._keyframe_path(h) for h in self._made[k])
                store._count("keyframes", len(self._made[k]), time.perf_counter() - self._t0)
        finally:
            self.close()
        return sum(map(len, self._made))

    def close(self) -> None:
        """Stop the runs (after a failure: nothing is written)."""
        for run in self._runs.values():
            run.close()


def encode_keyframes_together(
    stores: Sequence[SegmentStore], pictures: Sequence[tuple[Path, str]],
    images: "Optional[dict[str, DrawnPicture | Callable[[], DrawnPicture]]]" = None,
) -> int:  # fmt: skip
    """The keyframes of ``pictures`` (path, hash) for every store that lacks them, one run of x264 per store; each
    picture is read once for all of them, or taken from ``images`` (by hash) where it was just drawn (or is drawn by
    what ``images`` holds for it). Returns how many keyframes were encoded."""
    images = images or {}
    batch = KeyframeBatch(stores)
    try:
        for path, image_hash in pictures:
            batch.add(path, image_hash, images.get(image_hash))
    except BaseException:
        batch.close()
        raise
    return batch.finish()


def _fit_frame(frame: np.ndarray, size: tuple[int, int], background: Optional[Image.Image]) -> np.ndarray:
    """An RGB uint8 frame of exactly ``size``: the source scaled to fit, centred on ``background``."""
    arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        arr = np.clip(arr * (255 if arr.max() <= 1.0 else 1), 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    arr = arr[:, :, :3]
    w, h = size
    if arr.shape[1] == w and arr.shape[0] == h:
        return np.ascontiguousarray(arr)
    img = Image.fromarray(arr)
    k = min(w / img.width, h / img.height)
    img = img.resize((max(1, round(img.width * k)), max(1, round(img.height * k))), Image.LANCZOS)
    canvas = background.copy() if background is not None else Image.new("RGB", (w, h))
    canvas.paste(img, ((w - img.width) // 2, (h - img.height) // 2))
    return np.asarray(canvas)
