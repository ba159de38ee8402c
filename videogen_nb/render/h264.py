"""Pictures that need no encoder: H.264 frames written bit by bit that repeat a picture or fade between two.

A still slide shown for N frames is one keyframe (an I frame from x264)
followed by N-1 frames that say "same as before": P slices in which every
macroblock is skipped. Such a frame is a dozen bytes and costs nothing to
make, so a still costs one encoded frame however long it lasts, and a
keyframe can be repeated every few seconds (for seeking) for the price of its
bytes.

A crossfade from picture A to picture B costs nothing either. B's keyframe is
sent first (as an I frame that is not an IDR, so A stays in the decoder's
memory) but shown last; the frames of the fade are B slices in which every
macroblock is skipped and predicted from both A and B with explicit weights
(weighted bi-prediction): the decoder itself computes ``(1 - t) A + t B``.
That needs picture order counts, so the sequence parameter set x264 writes
(for a stream without B-frames) is rewritten with a 16-bit picture order
count, two reference frames and a reordering depth of one, and x264's slice
headers get the count inserted (16 bits: the rest of each slice only moves by
whole bytes, so the entropy-coded data is untouched).

Pieces are made apart and joined later; :class:`Timeline` gives every access
unit its frame number and picture order count as the pieces are joined, and
records which frames are shown in another order than they are decoded (the
muxer needs their times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

START = b"\x00\x00\x00\x01"
NAL_SLICE, NAL_IDR, NAL_SEI, NAL_SPS, NAL_PPS, NAL_AUD = 1, 5, 6, 7, 8, 9
SKIP_PPS_ID = 1  # x264 writes PPS 0; the skip frames' own PPS takes the next id
FADE_PPS_ID = 2  # and the fades' (explicit weighted bi-prediction) the one after
POC_BITS = 16  # picture order count field: whole bytes, so inserting it moves x264's slice data by whole bytes
#: RBSP bytes that hold an IDR slice's header however its fields are coded (first macroblock, types, numbers,
#: quantiser, deblocking: under 20), and a byte of its data
SLICE_HEADER_BYTES = 32
WEIGHT_LOG2 = 6  # weights in 64ths; explicit bi-prediction divides by 2 ** (WEIGHT_LOG2 + 1): w0 + w1 = 128


class BitReader:
    """Reads bits, and unsigned/signed Exp-Golomb codes, from an RBSP (held as one integer: a field is a shift
    and a mask, however long, which made reading the slice headers of banded keyframes four times faster)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0
        self._bits = 8 * len(data)
        self._value = int.from_bytes(data, "big")

    def u(self, n: int) -> int:
        if n <= 0:
            return 0
        end = self.pos + n
        if end > self._bits:
            raise ValueError("read past the end of the RBSP")
        value = (self._value >> (self._bits - end)) & ((1 << n) - 1)
        self.pos = end
        return value

    def ue(self) -> int:
        rest = self._value & ((1 << (self._bits - self.pos)) - 1)
        if not rest:
            raise ValueError("an Exp-Golomb code runs past the end of the RBSP")
        zeros = self._bits - self.pos - rest.bit_length()
        self.pos += zeros
        return self.u(zeros + 1) - 1

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)


class BitWriter:
    """Writes bits and Exp-Golomb codes; ``rbsp()`` ends with the stop bit and alignment."""

    def __init__(self) -> None:
        self._value = 0
        self._count = 0

    @property
    def bits(self) -> list[int]:
        """The bits written so far, first first."""
        return [(self._value >> (self._count - 1 - i)) & 1 for i in range(self._count)]

    def u(self, n: int, value: int) -> None:
        if n <= 0:
            return
        self._value = (self._value << n) | (value & ((1 << n) - 1))
        self._count += n

    def ue(self, value: int) -> None:
        value += 1
        n = value.bit_length()
        self.u(n - 1, 0)
        self.u(n, value)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def rbsp(self) -> bytes:
        value, count = (self._value << 1) | 1, self._count + 1  # the stop bit
        pad = -count % 8
        return (value << pad).to_bytes((count + pad) // 8, "big")

    def aligned(self, fill: int) -> bytes:
        """The bits so far, padded to a whole byte with ``fill`` bits (a CABAC slice header: ones)."""
        pad = -self._count % 8
        value = (self._value << pad) | (((1 << pad) - 1) if fill else 0)
        return value.to_bytes((self._count + pad) // 8, "big")


# two zero bytes before a byte of at most 3 get an emulation-prevention 3 between them; the count of zeros starts
# again after it (the regular expressions give what a byte-by-byte loop gives, at the speed of C)
_NEEDS_ESCAPE = re.compile(b"\x00\x00(?=[\x00-\x03])")
_ESCAPED = re.compile(b"\x00\x00\x03")


def escape(rbsp: bytes) -> bytes:
    """Insert emulation-prevention bytes so no start code appears inside a NAL unit."""
    return _NEEDS_ESCAPE.sub(b"\x00\x00\x03", rbsp)


def unescape(payload: bytes) -> bytes:
    """Remove emulation-prevention bytes."""
    return _ESCAPED.sub(b"\x00\x00", payload)


def nal_units(stream: bytes) -> Iterator[bytes]:
    """The NAL units of an Annex B byte stream (header byte included, start codes removed)."""
    starts = []
    i = stream.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = stream.find(b"\x00\x00\x01", i + 3)
    for k, s in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else len(stream)
        yield stream[s:end].rstrip(b"\x00")


def first_slice(nal: bytes) -> bool:
    """Whether a slice NAL unit begins its picture (first_mb_in_slice 0: its ue(v) is a single 1 bit); the others
    continue the picture of the slice before them."""
    return len(nal) > 1 and bool(nal[1] & 0x80)


_BEFORE_PICTURE = frozenset((NAL_SPS, NAL_PPS, NAL_SEI, NAL_AUD))


def begins_picture(nal: bytes) -> bool:
    """Whether a NAL unit that follows a picture's slices begins the next access unit: the next picture's first
    slice, or what is sent before a picture (parameter sets, SEI, a delimiter)."""
    nal_type = nal[0] & 0x1F
    return (nal_type in (NAL_SLICE, NAL_IDR) and first_slice(nal)) or nal_type in _BEFORE_PICTURE


def access_units(stream: bytes) -> list[bytes]:
    """The access units of a stream (pictures of one slice or of several), each with the parameter sets and SEI
    before it."""
    units: list[bytes] = []
    current: list[bytes] = []
    has_slice = False
    for nal in nal_units(stream):
        if has_slice and begins_picture(nal):
            units.append(b"".join(current))
            current, has_slice = [], False
        current.append(START + nal)
        has_slice = has_slice or nal[0] & 0x1F in (NAL_SLICE, NAL_IDR)
    if current:
        units.append(b"".join(current))
    return units


@dataclass(frozen=True)
class SequenceInfo:
    """What the skip frames need to know of the sequence parameter set, and what a container says of the picture."""

    sps_id: int
    log2_max_frame_num: int
    poc_type: int
    log2_max_poc_lsb: int
    macroblocks: int
    #: the picture's size as shown (the coded macroblocks less the cropping), and its sampling (an MP4's avcC
    #: repeats these)
    width: int = 0
    height: int = 0
    chroma_format: int = 1
    bit_depth_luma: int = 8
    bit_depth_chroma: int = 8


_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


@lru_cache(maxsize=64)
def parse_sps(nal: bytes) -> SequenceInfo:
    """Read the fields the skip frames depend on (and the picture's size and sampling) from an SPS NAL unit."""
    r = BitReader(unescape(nal[1:]))
    profile = r.u(8)
    r.u(16)  # constraint flags, level
    sps_id = r.ue()
    chroma_format, depth_luma, depth_chroma = 1, 8, 8
    if profile in _HIGH_PROFILES:
        chroma_format = r.ue()
        if chroma_format == 3:  # 4:4:4
            r.u(1)
        depth_luma = r.ue() + 8
        depth_chroma = r.ue() + 8
        r.u(1)
        if r.u(1):
            raise ValueError("the encoder wrote scaling matrices into the SPS; skip frames cannot follow it")
    log2_max_frame_num = r.ue() + 4
    poc_type = r.ue()
    log2_max_poc_lsb = 0
    if poc_type == 0:
        log2_max_poc_lsb = r.ue() + 4
    elif poc_type == 1:
        raise ValueError("picture order count type 1 is not supported for skip frames")
    r.ue()  # max_num_ref_frames
    r.u(1)  # gaps_in_frame_num_value_allowed_flag
    width_mbs = r.ue() + 1
    height_units = r.ue() + 1
    frame_mbs_only = r.u(1)
    if not frame_mbs_only:
        raise ValueError("interlaced streams are not supported for skip frames")
    r.u(1)  # direct_8x8_inference_flag
    crop = [r.ue() for _ in range(4)] if r.u(1) else [0, 0, 0, 0]  # left, right, top, bottom
    # cropping counts chroma samples (two luma samples each way in 4:2:0, the only sampling x264 gives us here)
    unit_x, unit_y = (2, 2) if chroma_format == 1 else ((2, 1) if chroma_format == 2 else (1, 1))
    return SequenceInfo(sps_id, log2_max_frame_num, poc_type, log2_max_poc_lsb, width_mbs * height_units,
                        width_mbs * 16 - unit_x * (crop[0] + crop[1]), height_units * 16 - unit_y * (crop[2] + crop[3]),
                        chroma_format, depth_luma, depth_chroma)  # fmt: skip


def sequence_info(stream: bytes) -> SequenceInfo:
    """The SequenceInfo of the first SPS in an Annex B stream."""
    for nal in nal_units(stream):
        if nal and nal[0] & 0x1F == NAL_SPS:
            return parse_sps(nal)
    raise ValueError("the stream holds no sequence parameter set")




def _copy(r: BitReader, w: BitWriter, n: int) -> int:
    value = r.u(n)
    w.u(n, value)
    return value


def _copy_ue(r: BitReader, w: BitWriter) -> int:
    value = r.ue()
    w.ue(value)
    return value


@lru_cache(maxsize=64)  # x264 repeats its SPS before every keyframe: a run of bands rewrites one SPS once
def open_sps(nal: bytes) -> bytes:
    """x264's SPS for a stream without B-frames, rewritten for fades: picture order count type 0 in
    ``POC_BITS`` bits, two reference frames, pictures reordered by at most one (an SPS already so is kept)."""
    r, w = BitReader(unescape(nal[1:])), BitWriter()
    profile = _copy(r, w, 8)
    _copy(r, w, 16)  # constraint flags, level
    _copy_ue(r, w)  # seq_parameter_set_id
    if profile in _HIGH_PROFILES:
        if _copy_ue(r, w) == 3:
            _copy(r, w, 1)
        _copy_ue(r, w)
        _copy_ue(r, w)
        _copy(r, w, 1)
        if _copy(r, w, 1):
            raise ValueError("the encoder wrote scaling matrices into the SPS; pictures cannot be written to follow it")
    _copy_ue(r, w)  # log2_max_frame_num_minus4
    poc_type = r.ue()
    if poc_type == 0 and r.ue() + 4 == POC_BITS:
        return nal  # already ours
    if poc_type != 2:
        raise ValueError(f"picture order count type {poc_type}: the encoder was not asked for a stream without B-frames")
    w.ue(0)
    w.ue(POC_BITS - 4)
    r.ue()
    w.ue(2)  # max_num_ref_frames: the two pictures a fade mixes
    _copy(r, w, 1)  # gaps_in_frame_num_value_allowed_flag
    _copy_ue(r, w)  # pic_width_in_mbs_minus1
    _copy_ue(r, w)  # pic_height_in_map_units_minus1
    if not _copy(r, w, 1):
        raise ValueError("interlaced streams are not supported")
    _copy(r, w, 1)  # direct_8x8_inference_flag
    if _copy(r, w, 1):  # frame_cropping_flag
        for _ in range(4):
            _copy_ue(r, w)
    has_vui = r.u(1)
    w.u(1, 1)
    if has_vui:
        if _copy(r, w, 1) and _copy(r, w, 8) == 255:  # aspect ratio (extended SAR)
            _copy(r, w, 32)
        if _copy(r, w, 1):  # overscan
            _copy(r, w, 1)
        if _copy(r, w, 1):  # video signal type
            _copy(r, w, 4)
            if _copy(r, w, 1):
                _copy(r, w, 24)
        if _copy(r, w, 1):  # chroma location
            _copy_ue(r, w)
            _copy_ue(r, w)
        if _copy(r, w, 1):  # timing
            _copy(r, w, 32)
            _copy(r, w, 32)
            _copy(r, w, 1)
        if r.u(1) or r.u(1):
            raise ValueError("the encoder wrote HRD parameters; pictures cannot be written to follow it")
        w.u(1, 0)
        w.u(1, 0)
        _copy(r, w, 1)  # pic_struct_present_flag
    else:
        w.u(5, 0)  # no aspect ratio, overscan, signal type, chroma location, timing
        w.u(3, 0)  # no HRD, no pic_struct
    # bitstream restriction: what lets a decoder show B's keyframe after the fade decoded after it
    w.u(1, 1)
    w.u(1, 1)  # motion_vectors_over_pic_boundaries_flag
    w.ue(0)  # max_bytes_per_pic_denom: no limit
    w.ue(0)  # max_bits_per_mb_denom: no limit
    w.ue(16)  # log2_max_mv_length_horizontal
    w.ue(16)  # log2_max_mv_length_vertical
    w.ue(1)  # max_num_reorder_frames
    w.ue(2)  # max_dec_frame_buffering
    return bytes([nal[0]]) + escape(w.rbsp())


@dataclass(frozen=True)
class PictureInfo:
    """What rewriting x264's slice headers needs to know of its PPS."""

    cabac: bool
    deblocking_control: bool
    redundant_pic_cnt: bool


@lru_cache(maxsize=64)
def parse_pps(nal: bytes) -> PictureInfo:
    r = BitReader(unescape(nal[1:]))
    r.ue()  # pic_parameter_set_id
    r.ue()  # seq_parameter_set_id
    cabac = r.u(1)
    if r.u(1) or r.ue():
        raise ValueError("field order counts or slice groups in the PPS are not supported")
    r.ue()  # num_ref_idx_l0_default_active_minus1
    r.ue()  # num_ref_idx_l1_default_active_minus1
    r.u(1)  # weighted_pred_flag
    r.u(2)  # weighted_bipred_idc
    r.se()  # pic_init_qp_minus26
    r.se()  # pic_init_qs_minus26
    r.se()  # chroma_qp_index_offset
    deblocking_control = r.u(1)
    r.u(1)  # constrained_intra_pred_flag
    return PictureInfo(bool(cabac), bool(deblocking_control), bool(r.u(1)))


def _prefix(payload: bytes, need: int) -> int:
    """How many bytes of an escaped payload hold at least ``need`` RBSP bytes and end on a byte that is not zero
    (so what follows was escaped independently of them and stays valid after they change)."""
    zeros = count = 0
    for i, b in enumerate(payload):
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        count += 1
        zeros = zeros + 1 if b == 0 else 0
        if count >= need and b:
            return i + 1
    return len(payload)


def _put(buf: bytearray, pos: int, n: int, value: int) -> None:
    """Overwrite the ``n`` bits of ``buf`` from bit ``pos`` with ``value``."""
    first, last = pos >> 3, (pos + n - 1) >> 3
    shift = (last + 1) * 8 - pos - n
    mask = ((1 << n) - 1) << shift
    chunk = int.from_bytes(buf[first : last + 1], "big")
    chunk = (chunk & ~mask) | ((value << shift) & mask)
    buf[first : last + 1] = chunk.to_bytes(last - first + 1, "big")


def _with_poc(nal: bytes, seq: SequenceInfo, poc: int) -> bytes:
    """An x264 slice NAL (no picture order count field) with a ``POC_BITS`` one inserted after frame_num/idr_pic_id."""
    rbsp = unescape(nal[1:])
    r = BitReader(rbsp)
    r.ue()
    r.ue()
    r.ue()
    r.u(seq.log2_max_frame_num)
    if nal[0] & 0x1F == NAL_IDR:
        r.ue()  # idr_pic_id
    n = len(rbsp) * 8
    value = int.from_bytes(rbsp, "big")
    tail_bits = n - r.pos
    head, tail = value >> tail_bits, value & ((1 << tail_bits) - 1)
    joined = (((head << POC_BITS) | (poc & ((1 << POC_BITS) - 1))) << tail_bits) | tail
    return bytes([nal[0]]) + escape(joined.to_bytes(len(rbsp) + POC_BITS // 8, "big"))


def adapt(stream: bytes) -> bytes:
    """An x264 stream (no B-frames) in the form pieces share: the fades' SPS, a picture order count in every slice
    (twice the picture's place in the piece), x264's banner SEI dropped (it repeats with every keyframe)."""
    out: list[bytes] = []
    seq: SequenceInfo | None = None
    index, started = 0, False
    for nal in nal_units(stream):
        nal_type = nal[0] & 0x1F
        if nal_type == NAL_SPS:
            nal = open_sps(nal)
            seq = parse_sps(nal)
        elif nal_type == NAL_SEI and b"x264" in nal:
            continue
        elif nal_type in (NAL_SLICE, NAL_IDR):
            if seq is None:
                raise ValueError("the stream holds no sequence parameter set")
            if first_slice(nal) and started:
                index += 1
            nal = _with_poc(nal, seq, 2 * index)
            started = True
        out.append(START + nal)
    return b"".join(out)


@dataclass(frozen=True)
class _IdrSlice:
    """One slice of an IDR picture (as :func:`adapt` made it) taken apart: what its header says, and its data as
    the few bytes after the header's alignment (unescaped) and the rest still escaped (it is copied as it is)."""

    nal_header: int
    first_mb: int
    slice_type: int
    pps_id: int
    idr_pic_id: int
    poc: int
    flags: int  # no_output_of_prior_pics_flag, long_term_reference_flag
    qp_delta: int
    deblocking: tuple[int, ...]
    data: bytes  # the slice data (RBSP) from the byte after the header's alignment, up to ``rest``
    #: the escaped payload after ``data``: ``data`` ends on a byte that is not zero, so it was escaped as it would be
    #: alone and stays valid after any header
    rest: bytes = b""

    @classmethod
    def parse(cls, nal: bytes, seq: SequenceInfo, pps: PictureInfo) -> "_IdrSlice":
        if nal[0] & 0x1F != NAL_IDR:
            raise ValueError("only an IDR picture can be rewritten so")
        # the header is read from a prefix (reading it from the whole slice cost a copy of the slice for each field)
        cut = 1 + _prefix(nal[1:], SLICE_HEADER_BYTES)
        rbsp = unescape(nal[1:cut])
        r = BitReader(rbsp)
        first_mb, slice_type, pps_id = r.ue(), r.ue(), r.ue()
        r.u(seq.log2_max_frame_num)
        idr_pic_id, poc, flags, qp_delta = r.ue(), r.u(POC_BITS), r.u(2), r.se()
        deblocking: list[int] = []
        if pps.deblocking_control:
            deblocking.append(r.ue())
            if deblocking[0] != 1:
                deblocking += [r.se(), r.se()]
        while r.pos % 8:  # cabac_alignment_one_bit
            r.u(1)
        return cls(nal[0], first_mb, slice_type, pps_id, idr_pic_id, poc, flags, qp_delta, tuple(deblocking),
                   rbsp[r.pos // 8 :], nal[cut:])  # fmt: skip

    def write(self, seq: SequenceInfo, idr: bool, poc: int, idr_pic_id: int = 0) -> bytes:
        """The slice NAL unit again (start code first), as part of an IDR (with ``idr_pic_id``) or of an I frame
        that is not one."""
        w = BitWriter()
        w.ue(self.first_mb)
        w.ue(self.slice_type)
        w.ue(self.pps_id)
        w.u(seq.log2_max_frame_num, 0)  # numbered when the pieces are joined
        if idr:
            w.ue(idr_pic_id)
        w.u(POC_BITS, poc)
        if idr:
            w.u(2, self.flags)
        else:
            w.u(1, 0)  # adaptive_ref_pic_marking_mode_flag: sliding window
        w.se(self.qp_delta)
        if self.deblocking:
            w.ue(self.deblocking[0])
            for v in self.deblocking[1:]:
                w.se(v)
        header = w.aligned(1)  # cabac_alignment_one_bit
        nal_header = self.nal_header if idr else (self.nal_header & 0x60) | NAL_SLICE
        return START + bytes([nal_header]) + escape(header + self.data) + self.rest


@dataclass(frozen=True)
class _IdrPicture:
    """An IDR access unit (as :func:`adapt` made it): the parameter sets before it and its slices, taken apart."""

    before: bytes  # the parameter sets (start codes included) before the slices
    seq: SequenceInfo
    slices: tuple[_IdrSlice, ...]

    @classmethod
    def parse(cls, unit: bytes) -> "_IdrPicture":
        nals = list(nal_units(unit))
        seq = sequence_info(unit)
        pps = next((parse_pps(n) for n in nals if n[0] & 0x1F == NAL_PPS), None)
        if pps is None or not pps.cabac or pps.redundant_pic_cnt:
            raise ValueError("a keyframe to rewrite needs its PPS (CABAC, no redundant pictures) beside it")
        first = next((i for i, n in enumerate(nals) if n[0] & 0x1F in (NAL_SLICE, NAL_IDR)), len(nals))
        if first == len(nals):
            raise ValueError("the access unit holds no picture")
        slices = tuple(_IdrSlice.parse(n, seq, pps) for n in nals[first:] if n[0] & 0x1F in (NAL_SLICE, NAL_IDR))
        return cls(b"".join(START + n for n in nals[:first]), seq, slices)

    def write(self, idr: bool, poc: int, idr_pic_id: int = 0) -> bytes:
        """The access unit again, as an IDR (with ``idr_pic_id``) or as an I frame that is not one."""
        return self.before + b"".join(s.write(self.seq, idr, poc, idr_pic_id) for s in self.slices)


def open_keyframe(unit: bytes, poc: int) -> bytes:
    """An IDR access unit (as :func:`adapt` made it) as an I frame that is not an IDR: decoded, it leaves the
    pictures before it as references, for a fade into it. It is no place to start decoding (the fade after it
    needs the picture before), so players seek to the IDR before it; the picture's IDR follows the fade."""
    return _IdrPicture.parse(unit).write(idr=False, poc=poc)


def band_slice(seq: SequenceInfo, first_mb: int, unit: bytes) -> bytes:
    """The band picture ``unit`` (an IDR access unit of one slice, as :func:`adapt` made it) as the slice that starts
    at macroblock ``first_mb`` of a keyframe made of horizontal bands: the same bytes wherever the band recurs.

    A keyframe is the whole picture's SPS and PPS, then its bands' slices, top
    to bottom. A slice is decoded on its own (no prediction from the slices
    around it) as the band was alone, and its edges are kept out of the
    deblocking filter (idc 2: within slices only), so the picture decodes to
    exactly the bands x264 reconstructed.
    """
    band = _IdrPicture.parse(unit)
    if len(band.slices) != 1:
        raise ValueError("a band picture must be one slice")
    s = band.slices[0]
    deblocking = s.deblocking if not s.deblocking or s.deblocking[0] == 1 else (2, *s.deblocking[1:])
    s = _IdrSlice(s.nal_header, first_mb, s.slice_type, s.pps_id, 0, 0, s.flags, s.qp_delta, deblocking, s.data, s.rest)
    return s.write(seq, idr=True, poc=0)


def fade_pps(seq: SequenceInfo) -> bytes:
    """The fades' PPS: CAVLC, one reference in each list, explicit weighted bi-prediction."""
    w = BitWriter()
    w.ue(FADE_PPS_ID)
    w.ue(seq.sps_id)
    w.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    w.u(1, 0)
    w.ue(0)
    w.ue(0)  # num_ref_idx_l0_default_active_minus1
    w.ue(0)  # num_ref_idx_l1_default_active_minus1
    w.u(1, 0)  # weighted_pred_flag (P slices)
    w.u(2, 1)  # weighted_bipred_idc: explicit
    w.se(0)
    w.se(0)
    w.se(0)
    w.u(1, 1)  # deblocking_filter_control_present_flag
    w.u(1, 0)
    w.u(1, 0)
    return START + bytes([0x68]) + escape(w.rbsp())


def fade_frame(seq: SequenceInfo, poc: int, weight: float) -> bytes:
    """A B frame showing ``(1 - weight) * A + weight * B``: A the last picture shown before the fade (list 0), B the
    keyframe decoded before the fade and shown after it (list 1); every macroblock skipped; not a reference."""
    one = 1 << (WEIGHT_LOG2 + 1)
    w1 = min(one - 1, max(1, round(weight * one)))
    w = BitWriter()
    w.ue(0)  # first_mb_in_slice
    w.ue(6)  # slice_type: B, as every slice of the picture
    w.ue(FADE_PPS_ID)
    w.u(seq.log2_max_frame_num, 0)  # numbered when the pieces are joined
    w.u(POC_BITS, poc)
    w.u(1, 1)  # direct_spatial_mv_pred_flag: skipped macroblocks predict from both lists' first picture, still
    w.u(1, 0)  # num_ref_idx_active_override_flag
    w.u(1, 0)  # ref_pic_list_modification_flag_l0
    w.u(1, 0)  # ref_pic_list_modification_flag_l1
    w.ue(WEIGHT_LOG2)  # luma_log2_weight_denom
    w.ue(WEIGHT_LOG2)  # chroma_log2_weight_denom
    for weight_of_list in (one - w1, w1):
        w.u(1, 1)  # luma weight given
        w.se(weight_of_list)
        w.se(0)
        w.u(1, 1)  # chroma weights given
        for _ in range(2):
            w.se(weight_of_list)
            w.se(0)
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc: a mix of two decoded pictures needs no filtering
    w.ue(seq.macroblocks)  # mb_skip_run: the whole picture
    return START + bytes([0x01]) + escape(w.rbsp())


def skip_pps(seq: SequenceInfo) -> bytes:
    """A PPS for the skip frames: CAVLC, one reference, no weighted prediction, deblocking switchable."""
    w = BitWriter()
    w.ue(SKIP_PPS_ID)
    w.ue(seq.sps_id)
    w.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    w.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    w.ue(0)  # num_slice_groups_minus1
    w.ue(0)  # num_ref_idx_l0_default_active_minus1
    w.ue(0)  # num_ref_idx_l1_default_active_minus1
    w.u(1, 0)  # weighted_pred_flag
    w.u(2, 0)  # weighted_bipred_idc
    w.se(0)  # pic_init_qp_minus26
    w.se(0)  # pic_init_qs_minus26
    w.se(0)  # chroma_qp_index_offset
    w.u(1, 1)  # deblocking_filter_control_present_flag
    w.u(1, 0)  # constrained_intra_pred_flag
    w.u(1, 0)  # redundant_pic_cnt_present_flag
    return START + bytes([0x68]) + escape(w.rbsp())


def skip_frame(seq: SequenceInfo, frame_num: int, poc: int) -> bytes:
    """A reference P frame repeating the previous picture: one slice, every macroblock skipped.

    ``frame_num`` and ``poc`` (twice the frame's place in its piece) are
    placeholders until :class:`Timeline` numbers the joined stream.
    """
    w = BitWriter()
    w.ue(0)  # first_mb_in_slice
    w.ue(5)  # slice_type: P, as every slice of the picture
    w.ue(SKIP_PPS_ID)
    w.u(seq.log2_max_frame_num, frame_num % (1 << seq.log2_max_frame_num))
    if seq.poc_type == 0:
        w.u(seq.log2_max_poc_lsb, poc % (1 << seq.log2_max_poc_lsb))
    w.u(1, 0)  # num_ref_idx_active_override_flag
    w.u(1, 0)  # ref_pic_list_modification_flag_l0
    w.u(1, 0)  # adaptive_ref_pic_marking_mode_flag: sliding window
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc: a copy needs no filtering
    w.ue(seq.macroblocks)  # mb_skip_run: the whole picture
    return START + bytes([0x41]) + escape(w.rbsp())  # nal_ref_idc 2, coded slice of a non-IDR picture


@lru_cache(maxsize=4096)
def _skip_in_piece(seq: SequenceInfo, n: int) -> bytes:
    # the n-th frame of a piece; stills repeat the same few hundred of these, so each is written once
    return skip_frame(seq, n, 2 * n)


def repeat_picture(seq: SequenceInfo, first: int, count: int) -> bytes:
    """``count`` reference skip frames, the ``first``-th to be shown in their piece and on."""
    return b"".join(_skip_in_piece(seq, n) for n in range(first, first + count))


def still(keyframe: bytes, frames: int) -> bytes:
    """A keyframe (IDR access unit, as :func:`adapt` made it) shown for ``frames`` frames."""
    if frames < 1:
        raise ValueError("a still lasts at least one frame")
    seq = sequence_info(keyframe)
    return keyframe + (skip_pps(seq) + repeat_picture(seq, 1, frames - 1) if frames > 1 else b"")


def fade_in(keyframe: bytes, frames: int) -> bytes:
    """A crossfade over ``frames`` frames from the picture shown before it to ``keyframe``'s, which shows next.

    The keyframe (opened: not an IDR) is decoded first and shown last; the
    fade's pictures are weighted mixes at ``k / (frames + 1)``, k = 1..frames.
    The piece shows ``frames + 1`` frames and must follow a reference picture.
    """
    seq = sequence_info(keyframe)
    mixes = b"".join(fade_frame(seq, 2 * k, (k + 1) / (frames + 1)) for k in range(frames))
    return open_keyframe(keyframe, 2 * frames) + fade_pps(seq) + mixes


@dataclass(frozen=True)
class Slice:
    """One slice of an access unit, parsed once: where :class:`Timeline` rewrites its numbers."""

    header: int  # the slice's NAL header byte
    payload: bytes  # the slice, escaped
    frame_num_at: int  # bit positions in the slice's RBSP
    poc_at: int


@dataclass(frozen=True)
class Unit:
    """An access unit of a piece, parsed once: what :class:`Timeline` rewrites in it and where."""

    before: bytes  # parameter sets and SEI before the slices, start codes included
    slices: tuple[Slice, ...]
    idr: bool
    reference: bool
    place: int  # its place among the piece's frames in the order they are shown


def _numbers_at(nal: bytes, frame_num_bits: int) -> tuple[int, int, int]:
    """Where a slice's frame_num and picture order count sit (bit positions in its RBSP), and its picture's place
    in its piece (half the count); only the header's first bytes are read."""
    r = BitReader(unescape(nal[1 : 1 + _prefix(nal[1:], 16)]))
    r.ue()  # first_mb_in_slice
    r.ue()  # slice_type
    r.ue()  # pic_parameter_set_id
    frame_num_at = r.pos
    r.u(frame_num_bits)
    if nal[0] & 0x1F == NAL_IDR:
        r.ue()  # idr_pic_id
    return frame_num_at, r.pos, r.u(POC_BITS) // 2


def units_of(piece: bytes, seq: SequenceInfo) -> list[Unit]:
    """The access units of a piece, parsed."""
    units: list[Unit] = []
    before = bytearray()
    for nal in nal_units(piece):
        nal_type = nal[0] & 0x1F
        if nal_type not in (NAL_SLICE, NAL_IDR):
            before += START + nal
            continue
        frame_num_at, poc_at, place = _numbers_at(nal, seq.log2_max_frame_num)
        piece_slice = Slice(nal[0], nal[1:], frame_num_at, poc_at)
        if not first_slice(nal) and units and not before:  # the next slice of the picture before
            last = units[-1]
            units[-1] = Unit(last.before, (*last.slices, piece_slice), last.idr, last.reference, last.place)
            continue
        units.append(Unit(bytes(before), (piece_slice,), nal_type == NAL_IDR, bool(nal[0] & 0x60), place))
        before = bytearray()
    return units


def self_numbered(piece: bytes) -> int:
    """The frames of ``piece`` if it already carries the numbers the joined stream gives it, else 0.

    That is so when the piece opens with an IDR (where numbering starts again),
    holds no other, and every frame (of one slice or several) is a reference,
    shown in the order it is decoded: pieces are written numbered that way
    from their start (frame_num n, picture order count 2n), so joining copies
    them as they are. Only the NAL headers are read, not the slices' bits.
    """
    frames = kind = 0
    for nal in nal_units(piece):
        nal_type = nal[0] & 0x1F
        if nal_type not in (NAL_SLICE, NAL_IDR):
            continue
        if not nal[0] & 0x60 or len(nal) < 2:  # every slice a reference
            return 0
        if not first_slice(nal):  # the next slice of the picture before: of its kind
            if not frames or nal_type != kind:
                return 0
            continue
        if (nal_type == NAL_IDR) != (frames == 0):  # an IDR first and only first
            return 0
        frames += 1
        kind = nal_type
    return frames


class Timeline:
    """Joins pieces into one stream: numbers every frame (frame_num, picture order count) as the decoder expects,
    and notes the frames shown in another order than decoded (``moves``: decode index -> display index)."""

    def __init__(self, seq: SequenceInfo) -> None:
        self.seq = seq
        self.decoded = 0  # frames so far, which is also the first display index of the next piece
        self._idr_shown = 0
        self._last_reference = -1
        self.moves: dict[int, int] = {}

    def add_as_is(self, piece: bytes, frames: int) -> bytes:
        """A piece that :func:`self_numbered` found numbered already (``frames`` frames): taken as it is."""
        self._idr_shown = self.decoded
        self._last_reference = (frames - 1) % (1 << self.seq.log2_max_frame_num)
        self.decoded += frames
        return piece

    def add(self, units: list[Unit]) -> bytes:
        """The piece's bytes, renumbered to follow what came before."""
        out = []
        base = self.decoded
        wrap = 1 << self.seq.log2_max_frame_num
        for u in units:
            shown = base + u.place
            if u.idr:
                frame_num, self._idr_shown = 0, shown
            else:
                frame_num = (self._last_reference + 1) % wrap
            if u.reference:
                self._last_reference = frame_num
            poc = 2 * (shown - self._idr_shown) % (1 << POC_BITS)
            if shown != self.decoded:
                self.moves[self.decoded] = shown
            self.decoded += 1
            out.append(u.before)
            for s in u.slices:
                cut = _prefix(s.payload, (s.poc_at + POC_BITS + 7) // 8 + 1)
                rbsp = bytearray(unescape(s.payload[:cut]))
                _put(rbsp, s.frame_num_at, self.seq.log2_max_frame_num, frame_num)
                _put(rbsp, s.poc_at, POC_BITS, poc)
                out.append(START + bytes([s.header]) + escape(bytes(rbsp)) + s.payload[cut:])
        return b"".join(out)
