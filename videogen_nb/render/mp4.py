"""Writing the MP4 in this process: the joined H.264 pictures and the narration's AAC frames, muxed without ffmpeg.

ffmpeg's muxer read back what this package had just made: the stream's
pictures, to find their sizes, and the sound's 18,750 frames for 400 s, to
copy them one by one (0.3 CPU-s a video, the master and the proxy each: most of
a re-render). Everything the file says is known here already: each picture's
size, whether it is a keyframe, where it is shown; each AAC frame's size. So the
boxes are written directly, laid out as ffmpeg's ``mov`` muxer laid them out
for the same streams (its timescales, edit list, sample tables, ``+faststart``):
``ftyp``, then ``moov`` (before the data, so a browser starts playing before
the whole file is there), then ``mdat`` with the two tracks interleaved a
second at a time.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Optional

import numpy as np

from ..errors import RenderError
from . import h264

TICKS_PER_FRAME = 512  # a video track's clock runs at 512 ticks a frame, as ffmpeg's did (-video_track_timescale)
AAC_SAMPLES = 1024  # samples an AAC frame holds
LARGE = 0xFFFFFFFF  # past this many bytes, chunk offsets and the mdat's size need 64 bits
_ADTS_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)
_UNITY = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)  # the identity transform
_LANGUAGE_UND = 0x55C4  # ISO 639-2 "und", packed in 5-bit letters


# --- the two tracks' samples ---


@dataclass(frozen=True, repr=False)
class AacTrack:
    """The AAC frames of an ADTS file: where each frame's data starts in it (past its header) and its size, and the
    stream's format. The frames stay in the file (a 40-minute narration is 30 MB) until they are written."""

    path: Path
    rate: int
    channels: int
    #: the AudioSpecificConfig an MP4 keeps in its ``esds`` (object type, rate, channels)
    config: bytes
    starts: tuple[int, ...]
    sizes: tuple[int, ...]

    def __repr__(self) -> str:
        return (f"AacTrack({Path(self.path).name}: {len(self.sizes)} frames, {self.seconds:.2f} s, {self.rate} Hz, "
                f"{self.channels} ch, {self.bytes} bytes)")  # fmt: skip

    @property
    def seconds(self) -> float:
        return len(self.sizes) * AAC_SAMPLES / self.rate

    @property
    def bytes(self) -> int:
        """The frames' bytes without their headers: what the MP4 holds."""
        return sum(self.sizes)

    def frames(self, source: BinaryIO, first: int, count: int) -> bytes:
        """Frames ``first`` to ``first + count``, without their headers, back to back, read from ``source`` (the
        file, open)."""
        starts, sizes = self.starts[first : first + count], self.sizes[first : first + count]
        if not starts:
            return b""
        source.seek(starts[0])
        span = source.read(starts[-1] + sizes[-1] - starts[0])
        if len(span) != starts[-1] + sizes[-1] - starts[0]:
            raise RenderError(f"{Path(self.path).name} was cut short while the video was written; render it again")
        base = starts[0]
        return b"".join(span[s - base : s - base + n] for s, n in zip(starts, sizes))


_BLOCK = 1 << 20  # ADTS read a megabyte at a time: only the frames' headers are needed


def read_adts(path: Path) -> AacTrack:
    """The AAC frames of the ADTS file at ``path``; a RenderError naming the file if it is not one."""
    path = Path(path)
    starts: list[int] = []
    sizes: list[int] = []
    with open(path, "rb") as fh:
        n = os.fstat(fh.fileno()).st_size
        first = data = fh.read(_BLOCK)
        base = i = 0  # the file offset of data[0], and of the next frame
        while i < n:
            if i + 9 > base + len(data):  # the next header reaches past the block: read on from it
                fh.seek(i)
                data, base = fh.read(_BLOCK), i
            j = i - base
            # each frame's 7-byte header (9 with a checksum) carries its length; all of a stream's headers agree on
            # the format (object type, rate, channels) and hold one AAC frame each
            length = ((data[j + 3] & 0x03) << 11) | (data[j + 4] << 3) | (data[j + 5] >> 5) if i + 7 <= n else 0
            header = 7 if length and data[j + 1] & 1 else 9
            if (length <= header or i + length > n or data[j] != 0xFF or data[j + 1] & 0xF6 != 0xF0 or data[j + 6] & 0x03
                    or data[j + 2] & 0xFD != first[2] & 0xFD or data[j + 3] & 0xC0 != first[3] & 0xC0):  # fmt: skip
                raise RenderError(f"{path.name} is not an AAC stream in ADTS form (damaged at byte {i}); "
                                  "delete it and render again")  # fmt: skip
            starts.append(i + header)
            sizes.append(length - header)
            i += length
    if not sizes:
        raise RenderError(f"{path.name} holds no AAC frames; delete it and render again")
    object_type = (first[2] >> 6) + 1  # the ADTS profile is the MPEG-4 audio object type less one
    rate_index = (first[2] >> 2) & 0x0F
    channels = ((first[2] & 0x01) << 2) | (first[3] >> 6)
    if rate_index >= len(_ADTS_RATES) or not channels:
        raise RenderError(f"{path.name} has an AAC format an MP4 cannot carry (rate {rate_index}, channels {channels})")
    config = struct.pack(">H", (object_type << 11) | (rate_index << 7) | (channels << 3))
    return AacTrack(path, _ADTS_RATES[rate_index], channels, config, tuple(starts), tuple(sizes))


class VideoSamples:
    """The pictures of a joined H.264 stream as MP4 samples (every NAL unit behind its 4-byte length), written to
    ``spool`` as they come; their sizes and keyframes kept for the sample tables.

    Pieces repeat in runs (a still's keyframe every few seconds): the last
    piece's samples are kept, and a repeat of it is written, not parsed again.
    """

    def __init__(self, spool: BinaryIO) -> None:
        self._spool = spool
        self.sizes: list[int] = []
        self.keyframes: list[int] = []  # indices of the IDR pictures
        self.parameter_sets: list[bytes] = []  # the first picture's SPS and PPS, for the avcC
        self._last: tuple[Optional[bytes], bytes, list[int], list[int]] = (None, b"", [], [])

    def add(self, piece: bytes) -> None:
        """Append the access units of the Annex B ``piece``."""
        if piece is not self._last[0]:
            self._last = (piece, *self._samples(piece))
        _, data, sizes, keys = self._last
        first = len(self.sizes)
        self._spool.write(data)
        self.sizes.extend(sizes)
        self.keyframes.extend(first + k for k in keys)

    def _samples(self, piece: bytes) -> tuple[bytes, list[int], list[int]]:
        """The piece's pictures as samples: their bytes, each one's size, the indices of the IDR pictures."""
        starts = _start_codes(piece)
        if starts is None:  # a start code of three bytes somewhere: each NAL unit copied behind its length
            nals = [h264.START + nal for nal in h264.nal_units(piece)]
            piece = b"".join(nals)
            starts = list(itertools.accumulate((len(n) for n in nals[:-1]), initial=0))
        # every NAL unit behind a 4-byte start code: the samples are the piece with each start code overwritten
        # by the length of what follows it, and a picture's sample is as long as its Annex B bytes
        data = bytearray(piece)
        sizes: list[int] = []
        keys: list[int] = []
        begun, in_picture = 0, False
        ends = starts[1:] + [len(piece)]
        pack_into = struct.Struct(">I").pack_into
        for at, end in zip(starts, ends):
            pack_into(data, at, end - at - 4)
            nal_type = piece[at + 4] & 0x1F
            is_slice = nal_type == h264.NAL_SLICE or nal_type == h264.NAL_IDR
            if in_picture and h264.begins_picture(piece[at + 4 : at + 6]):
                sizes.append(at - begun)
                begun, in_picture = at, False
            if is_slice and not in_picture and nal_type == h264.NAL_IDR:
                keys.append(len(sizes))
            in_picture = in_picture or is_slice
            if not self.sizes and not sizes and nal_type in (h264.NAL_SPS, h264.NAL_PPS):
                self.parameter_sets.append(piece[at + 4 : end])
        if not in_picture:
            raise RenderError("a piece of the video ends with parameter sets and no picture after them")
        sizes.append(len(piece) - begun)
        return bytes(data), sizes, keys


def _start_codes(piece: bytes) -> Optional[list[int]]:
    """Where the piece's 4-byte start codes are, if every NAL unit has one (as every piece made here has: no NAL unit
    ends in a zero byte, and none holds three bytes 0 0 1), the first at its start; else None."""
    starts = []
    at = piece.find(h264.START)
    while at >= 0:
        starts.append(at)
        at = piece.find(h264.START, at + 5)
    if not starts or starts[0] != 0 or piece.count(b"\x00\x00\x01") != len(starts):
        return None
    return starts


# --- the boxes ---


def _box(kind: bytes, *parts: bytes) -> bytes:
    size = 8 + sum(len(p) for p in parts)
    return struct.pack(">I4s", size, kind) + b"".join(parts)


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def _descriptor(tag: int, body: bytes) -> bytes:
    """An MPEG-4 descriptor, its length in four 7-bit bytes as ffmpeg writes it."""
    n = len(body)
    return bytes([tag, 0x80 | (n >> 21) & 0x7F, 0x80 | (n >> 14) & 0x7F, 0x80 | (n >> 7) & 0x7F, n & 0x7F]) + body


def _in(units: int, scale: int, movie_scale: int) -> int:
    return units * movie_scale // scale  # exact: the movie's clock is a multiple of every track's


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run-length code ``values``: each run's length and value."""
    if not len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return np.diff(np.r_[starts, len(values)]), values[starts]


def _sample_table(entry: bytes, count: int, delta: int, sizes: np.ndarray, chunks: list[tuple[int, int]],
                  extra: bytes = b"", large: bool = False) -> bytes:  # fmt: skip
    """A track's ``stbl``: its one sample entry, every sample ``delta`` long, ``extra`` boxes (keyframes, display
    offsets, sample groups), the chunks ([(offset, samples)]) and the sizes."""
    per_chunk = np.array([c[1] for c in chunks], np.int64)
    lengths, counts = _runs(per_chunk)
    firsts = np.r_[1, 1 + np.cumsum(lengths)[:-1]] if len(lengths) else np.zeros(0, np.int64)
    stsc = np.column_stack([firsts, counts, np.ones(len(counts), np.int64)]).astype(">u4").tobytes()
    offsets = np.array([c[0] for c in chunks], np.uint64)
    chunk_box = (_full(b"co64", 0, 0, struct.pack(">I", len(chunks)), offsets.astype(">u8").tobytes()) if large
                 else _full(b"stco", 0, 0, struct.pack(">I", len(chunks)), offsets.astype(">u4").tobytes()))  # fmt: skip
    return _box(
        b"stbl",
        _full(b"stsd", 0, 0, struct.pack(">I", 1), entry),
        _full(b"stts", 0, 0, struct.pack(">III", 1, count, delta) if count else struct.pack(">I", 0)),
        extra,
        _full(b"stsc", 0, 0, struct.pack(">I", len(counts)), stsc),
        _full(b"stsz", 0, 0, struct.pack(">II", 0, count), sizes.astype(">u4").tobytes()),
        chunk_box,
    )


def _track(track_id: int, handler: bytes, name: bytes, scale: int, units: int, media_start: int, header: bytes,
           table: bytes, movie_scale: int, *, volume: int = 0, group: int = 0, width: int = 0, height: int = 0) -> bytes:  # fmt: skip
    """A ``trak``: its header, an edit that shows all of it from ``media_start`` (in its clock's units), its media."""
    length = _in(units, scale, movie_scale)
    tkhd = _full(b"tkhd", 1, 3, struct.pack(">QQIIQ", 0, 0, track_id, 0, length), bytes(8),
                 struct.pack(">hhhH", 0, group, volume, 0), _UNITY, struct.pack(">II", width << 16, height << 16))  # fmt: skip
    elst = _full(b"elst", 1, 0, struct.pack(">IQqhh", 1, length, media_start, 1, 0))
    mdhd = _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, scale, units, _LANGUAGE_UND, 0))
    hdlr = _full(b"hdlr", 0, 0, struct.pack(">I4s", 0, handler), bytes(12), name + b"\0")
    dinf = _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1)))
    return _box(b"trak", tkhd, _box(b"edts", elst), _box(b"mdia", mdhd, hdlr, _box(b"minf", header, dinf, table)))


def _avc1(seq: h264.SequenceInfo, parameter_sets: list[bytes]) -> bytes:
    sps = [p for p in parameter_sets if p[0] & 0x1F == h264.NAL_SPS]
    pps = [p for p in parameter_sets if p[0] & 0x1F == h264.NAL_PPS]
    profile = sps[0][1]
    avcc = bytes([1, profile, sps[0][2], sps[0][3], 0xFF, 0xE0 | len(sps)])
    avcc += b"".join(struct.pack(">H", len(p)) + p for p in sps) + bytes([len(pps)])
    avcc += b"".join(struct.pack(">H", len(p)) + p for p in pps)
    if profile in (100, 110, 122, 144):  # the High profiles' sampling, repeated
        avcc += bytes([0xFC | seq.chroma_format, 0xF8 | (seq.bit_depth_luma - 8), 0xF8 | (seq.bit_depth_chroma - 8), 0])
    return _box(
        b"avc1", bytes(6), struct.pack(">HHH3IHHIIIH", 1, 0, 0, 0, 0, 0, seq.width, seq.height, 0x480000, 0x480000, 0, 1),
        bytes(32), struct.pack(">Hh", 0x18, -1), _box(b"avcC", avcc),
    )  # fmt: skip


def _mp4a(audio: AacTrack) -> bytes:
    seconds = max(audio.seconds, 1e-9)
    bitrate = int(audio.bytes * 8 / seconds)
    config = _descriptor(0x04, struct.pack(">BBBHII", 0x40, 0x15, 0, 0, bitrate, bitrate) + _descriptor(0x05, audio.config))
    esds = _full(b"esds", 0, 0, _descriptor(0x03, struct.pack(">HB", 2, 0) + config + _descriptor(0x06, b"\x02")))
    return _box(b"mp4a", bytes(6), struct.pack(">HHHIHHHHI", 1, 0, 0, 0, audio.channels, 16, 0, 0, audio.rate << 16), esds)


def _layout(frames: int, fps: int, audio: AacTrack) -> list[tuple[int, int, int]]:
    """The mdat's chunks in order: (track 0 video or 1 audio, first sample, samples), a second of each in turn."""
    chunks: list[tuple[int, int, int]] = []
    seconds = max(-(-frames // fps), -(-len(audio.sizes) * AAC_SAMPLES // audio.rate))
    a = 0
    for s in range(seconds):
        v0, v1 = s * fps, min(frames, (s + 1) * fps)
        if v1 > v0:
            chunks.append((0, v0, v1 - v0))
        # the audio frames that start within this second
        a1 = min(len(audio.sizes), -(-(s + 1) * audio.rate // AAC_SAMPLES))
        if a1 > a:
            chunks.append((1, a, a1 - a))
            a = a1
    return chunks


def write_mp4(path: Path, video: VideoSamples, spool: BinaryIO, moves: dict[int, int], fps: int,
              audio: AacTrack) -> tuple[int, str]:  # fmt: skip
    """Write the MP4 of ``video`` (its samples' bytes in ``spool``, read from its start; frame N shown at N/fps or
    at ``moves[N]``/fps) and ``audio`` to ``path``; return its size and SHA-256, taken as it was written."""
    if not video.sizes:
        raise RenderError("the video has no pictures to write")
    frames = len(video.sizes)
    sps = [p for p in video.parameter_sets if p[0] & 0x1F == h264.NAL_SPS]
    if not sps or len(sps) == len(video.parameter_sets):
        raise RenderError("the video's first picture has no parameter sets before it; render it again")
    seq = h264.parse_sps(sps[0])
    v_sizes = np.asarray(video.sizes, np.int64)
    a_sizes = np.asarray(audio.sizes, np.int64)
    ends = (np.r_[0, np.cumsum(v_sizes)], np.r_[0, np.cumsum(a_sizes)])  # where each track's samples end
    chunks = _layout(frames, fps, audio)
    lengths = [int(ends[t][f + c] - ends[t][f]) for t, f, c in chunks]
    places = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64) if chunks else np.zeros(0, np.int64)
    data_size = int(sum(lengths))

    # display offsets: a frame decoded before it is shown is late by a frame or more; every frame's decoding
    # time is moved as far ahead as the latest one's, and the edit list starts the track that much in
    shown = np.arange(frames, dtype=np.int64)
    for n, at in moves.items():
        shown[n] = at
    late = shown - np.arange(frames)
    lead = max(0, int(-late.min()))
    extra = b""
    if len(video.keyframes) < frames:
        extra += _full(b"stss", 0, 0, struct.pack(">I", len(video.keyframes)), (np.asarray(video.keyframes, np.int64) + 1).astype(">u4").tobytes())
    if late.any() or lead:
        counts, offsets = _runs((late + lead) * TICKS_PER_FRAME)
        extra += _full(b"ctts", 0, 0, struct.pack(">I", len(counts)), np.column_stack([counts, offsets]).astype(">u4").tobytes())
    roll = (_full(b"sgpd", 1, 0, struct.pack(">4sIIh", b"roll", 2, 1, -1))  # an AAC frame needs the one before it
            + _full(b"sbgp", 0, 0, struct.pack(">4sIII", b"roll", 1, len(a_sizes), 1)))  # fmt: skip
    v_scale = fps * TICKS_PER_FRAME
    # the movie's clock: one that counts both tracks' times exactly (ffmpeg's rounded to ms trimmed the sound's end)
    movie_scale = math.lcm(v_scale, audio.rate)

    def moov(base: int, large: bool) -> bytes:
        at = [(base + int(p)) for p in places]
        v_chunks = [(at[k], c) for k, (t, _, c) in enumerate(chunks) if t == 0]
        a_chunks = [(at[k], c) for k, (t, _, c) in enumerate(chunks) if t == 1]
        vmhd = _full(b"vmhd", 0, 1, bytes(8))
        smhd = _full(b"smhd", 0, 0, bytes(4))
        tracks = [
            _track(1, b"vide", b"VideoHandler", v_scale, frames * TICKS_PER_FRAME, lead * TICKS_PER_FRAME, vmhd,
                   _sample_table(_avc1(seq, video.parameter_sets), frames, TICKS_PER_FRAME, v_sizes, v_chunks, extra, large),
                   movie_scale, width=seq.width, height=seq.height),
            _track(2, b"soun", b"SoundHandler", audio.rate, len(a_sizes) * AAC_SAMPLES, 0, smhd,
                   _sample_table(_mp4a(audio), len(a_sizes), AAC_SAMPLES, a_sizes, a_chunks, roll, large),
                   movie_scale, volume=0x100, group=1),
        ]  # fmt: skip
        duration = max(_in(frames, fps, movie_scale), _in(len(a_sizes) * AAC_SAMPLES, audio.rate, movie_scale))
        mvhd = _full(b"mvhd", 1, 0, struct.pack(">QQIQIH", 0, 0, movie_scale, duration, 0x10000, 0x100), bytes(10),
                     _UNITY, bytes(24), struct.pack(">I", 3))  # fmt: skip
        return _box(b"moov", mvhd, *tracks)

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    # past 4 GB, chunk offsets take 64 bits and the mdat's size a header of 16 bytes (the tables are a small part)
    tables = moov(0, False)  # laid out once to know its size: the tables' sizes do not depend on the offsets
    large = data_size + len(ftyp) + len(tables) + 8 > LARGE
    if large:
        tables = moov(0, True)
    mdat_header = struct.pack(">I4sQ", 1, b"mdat", data_size + 16) if large else struct.pack(">I4s", data_size + 8, b"mdat")
    base = len(ftyp) + len(tables) + len(mdat_header)
    head = ftyp + moov(base, large) + mdat_header

    digest = hashlib.sha256()
    written = 0
    with open(path, "wb") as out, open(audio.path, "rb") as sound:

        def put(data: bytes) -> None:
            nonlocal written
            out.write(data)
            digest.update(data)
            written += len(data)

        put(head)
        spool.seek(0)
        for (track, first_sample, count), length in zip(chunks, lengths):
            if track == 0:
                data = spool.read(length)
                if len(data) != length:
                    raise RenderError("the video's pictures were cut short while they were muxed")
                put(data)
            else:
                put(audio.frames(sound, first_sample, count))
    return written, digest.hexdigest()
