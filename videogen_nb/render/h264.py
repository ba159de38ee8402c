"""Pictures that need no encoder: H.264 frames that repeat the previous one, written bit by bit.

A still slide shown for N frames is one keyframe (an IDR frame from x264)
followed by N-1 frames that say "same as before": P slices in which every
macroblock is skipped. Such a frame is a dozen bytes and costs nothing to
make, so a still costs one encoded frame however long it lasts, and a
keyframe can be repeated every few seconds (for seeking) for the price of its
bytes. The frames use a parameter set of their own (CAVLC entropy coding, no
weighted prediction), sent once before them; everything else comes from the
sequence parameter set x264 wrote, which is parsed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

START = b"\x00\x00\x00\x01"
NAL_SLICE, NAL_IDR, NAL_SPS, NAL_PPS = 1, 5, 7, 8
SKIP_PPS_ID = 1  # x264 writes PPS 0; the skip frames' own PPS takes the next id


class BitReader:
    """Reads bits, and unsigned/signed Exp-Golomb codes, from an RBSP."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def u(self, n: int) -> int:
        value = 0
        for _ in range(n):
            value = (value << 1) | ((self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)


class BitWriter:
    """Writes bits and Exp-Golomb codes; ``rbsp()`` ends with the stop bit and alignment."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, n: int, value: int) -> None:
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def ue(self, value: int) -> None:
        value += 1
        n = value.bit_length()
        self.u(n - 1, 0)
        self.u(n, value)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def rbsp(self) -> bytes:
        bits = self.bits + [1]
        bits += [0] * (-len(bits) % 8)
        return bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


def escape(rbsp: bytes) -> bytes:
    """Insert emulation-prevention bytes so no start code appears inside a NAL unit."""
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def unescape(payload: bytes) -> bytes:
    """Remove emulation-prevention bytes."""
    out, zeros = bytearray(), 0
    for b in payload:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


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


@dataclass(frozen=True)
class SequenceInfo:
    """What the skip frames need to know of the sequence parameter set."""

    sps_id: int
    log2_max_frame_num: int
    poc_type: int
    log2_max_poc_lsb: int
    macroblocks: int


_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


def parse_sps(nal: bytes) -> SequenceInfo:
    """Read the fields the skip frames depend on from an SPS NAL unit."""
    r = BitReader(unescape(nal[1:]))
    profile = r.u(8)
    r.u(16)  # constraint flags, level
    sps_id = r.ue()
    if profile in _HIGH_PROFILES:
        if r.ue() == 3:  # chroma_format_idc 4:4:4
            r.u(1)
        r.ue()  # bit depths
        r.ue()
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
    return SequenceInfo(sps_id, log2_max_frame_num, poc_type, log2_max_poc_lsb, width_mbs * height_units)


def sequence_info(stream: bytes) -> SequenceInfo:
    """The SequenceInfo of the first SPS in an Annex B stream."""
    for nal in nal_units(stream):
        if nal and nal[0] & 0x1F == NAL_SPS:
            return parse_sps(nal)
    raise ValueError("the stream holds no sequence parameter set")


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


def skip_frame(seq: SequenceInfo, frame_num: int, poc: int, reference: bool = True) -> bytes:
    """A P frame repeating the previous picture: one slice, every macroblock skipped.

    ``frame_num`` counts reference frames since the IDR (a non-reference frame
    takes the number the next reference frame will have); ``poc`` is twice
    the frame's position since the IDR (used with picture order count type 0).
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
    if reference:
        w.u(1, 0)  # adaptive_ref_pic_marking_mode_flag: sliding window
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc: a copy needs no filtering
    w.ue(seq.macroblocks)  # mb_skip_run: the whole picture
    header = 0x41 if reference else 0x01  # nal_ref_idc 2 or 0, coded slice of a non-IDR picture
    return START + bytes([header]) + escape(w.rbsp())


def repeat_picture(seq: SequenceInfo, first: int, count: int) -> bytes:
    """``count`` reference skip frames following frame ``first - 1`` of a GOP (frame numbers ``first`` on)."""
    return b"".join(skip_frame(seq, n, 2 * n) for n in range(first, first + count))


def still(keyframe: bytes, frames: int) -> bytes:
    """A keyframe (IDR access unit from the encoder) shown for ``frames`` frames."""
    if frames < 1:
        raise ValueError("a still lasts at least one frame")
    seq = sequence_info(keyframe)
    return keyframe + (skip_pps(seq) + repeat_picture(seq, 1, frames - 1) if frames > 1 else b"")


def access_units(stream: bytes) -> list[bytes]:
    """Split an Annex B stream into access units: parameter sets and SEI go with the picture after them."""
    units: list[bytes] = []
    pending = b""
    for nal in nal_units(stream):
        kind = nal[0] & 0x1F
        pending += START + nal
        if kind in (NAL_SLICE, NAL_IDR):
            units.append(pending)
            pending = b""
    if pending:
        units.append(pending)
    return units


def _slice_type(unit: bytes) -> int:
    """The NAL type of the (last) slice of an access unit."""
    return unit[unit.rfind(START) + 4] & 0x1F


def with_frame_num(unit: bytes, seq: SequenceInfo, frame_num: int) -> bytes:
    """An access unit whose (non-IDR) slice says ``frame_num``: the field is fixed-width, so nothing moves."""
    at = unit.rfind(START) + 4
    header, rbsp = unit[at], bytearray(unescape(unit[at + 1 :]))
    r = BitReader(bytes(rbsp))
    r.ue()  # first_mb_in_slice
    r.ue()  # slice_type
    r.ue()  # pic_parameter_set_id
    n = seq.log2_max_frame_num
    value = frame_num % (1 << n)
    for i in range(n):  # overwrite the n bits of frame_num where they stand
        pos, bit = r.pos + i, (value >> (n - 1 - i)) & 1
        byte, mask = pos >> 3, 0x80 >> (pos & 7)
        rbsp[byte] = (rbsp[byte] | mask) if bit else (rbsp[byte] & ~mask)
    return unit[:at] + bytes([header]) + escape(bytes(rbsp))


def held(units: list[bytes], holds: list[int], seq: SequenceInfo, first_frame_num: int = 0) -> bytes:
    """Encoded pictures, each shown ``holds[k]`` times (1 or 2), numbered on from ``first_frame_num``.

    The pictures are reference frames; a repeat is a non-reference skip frame,
    which takes the frame number of the reference frame after it. Picture
    order count type 2 (what x264 writes without B-frames) forbids two
    non-reference frames in a row: hence a picture is shown at most twice.
    With ``first_frame_num`` > 0 the pictures continue a run of frames (the
    still of the same picture the encoder started from): an IDR cannot.
    """
    if seq.poc_type != 2:
        raise ValueError("pictures can be held only in a stream without B-frames (picture order count type 2)")
    if len(units) != len(holds) or any(h not in (1, 2) for h in holds):
        raise ValueError(f"{len(units)} pictures need as many hold counts of 1 or 2, not {holds}")
    parts: list[bytes] = []
    pps_sent = False
    for k, (unit, times) in enumerate(zip(units, holds)):
        number = first_frame_num + k
        if _slice_type(unit) == NAL_IDR:
            if number:
                raise ValueError("an IDR picture starts its own run of frame numbers")
        else:
            unit = with_frame_num(unit, seq, number)
        parts.append(unit)
        if times == 2:
            if not pps_sent:  # the skip frames' own PPS, once, before the first of them
                parts.append(skip_pps(seq))
                pps_sent = True
            parts.append(skip_frame(seq, number + 1, 0, reference=False))
    return b"".join(parts)
