"""What makes rendering fast keeps its output right: keyframes in batches, pieces joined as they are, the video's
slides drawn while the speech is made."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from conftest import SMALL
from videogen_nb import Pipeline, Stage
from videogen_nb.errors import RenderError
from videogen_nb.ffmpeg import ffmpeg_exe
from videogen_nb.render import h264
from videogen_nb.render.encode import EncoderSettings, concat_raw
from videogen_nb.render.narration_track import Chunk, _runs
from videogen_nb.render.segments import SegmentStore, encode_keyframes_together


def _slide(folder: Path, k: int, size=(320, 180)) -> Path:
    img = Image.new("RGB", size, (20 + 40 * k, 30, 90))
    d = ImageDraw.Draw(img)
    d.rectangle([10 + 20 * k, 20, 120 + 20 * k, 90], fill=(250, 220 - 30 * k, 40))
    d.text((20, 120), f"slide number {k}", fill=(255, 255, 255))
    path = folder / f"s{k}.png"
    img.save(path)
    return path


def _decoded(stream: bytes, size=(320, 180)) -> np.ndarray:
    w, h = size
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "h264", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt",
                          "rgb24", "-"], input=stream, capture_output=True, check=True).stdout  # fmt: skip
    return np.frombuffer(out, np.uint8).reshape(-1, h, w, 3)


def test_keyframes_encoded_in_one_run_are_those_encoded_alone(tmp_path):
    slides = [_slide(tmp_path, k) for k in range(4)]
    pictures = [(p, f"hash{k}") for k, p in enumerate(slides)]
    together = SegmentStore(tmp_path / "together", EncoderSettings(), (320, 180))
    assert encode_keyframes_together([together], pictures) == 4
    assert encode_keyframes_together([together], pictures) == 0  # kept: nothing encoded twice
    for path, digest in pictures:
        alone = SegmentStore(tmp_path / f"alone-{digest}", EncoderSettings(), (320, 180))
        one, batched = alone.keyframe(path, digest), together.keyframe(path, digest)
        # the same picture, decoded to the same pixels: its quality does not depend on the pictures before it
        assert np.array_equal(_decoded(batched), _decoded(one))
        assert abs(len(batched) - len(one)) <= 1
        # an IDR with x264's id of a first picture (x264 alternates it within a run), in bands of 64 rows: a slice each
        slice_nal = [n for n in h264.nal_units(batched) if n[0] & 0x1F in (h264.NAL_IDR, h264.NAL_SLICE)]
        assert len(slice_nal) == 3 and all(n[0] & 0x1F == h264.NAL_IDR for n in slice_nal)
        assert [s.idr_pic_id for s in h264._IdrPicture.parse(batched).slices] == [0, 0, 0]
        shown = _decoded(one)[0].astype(int)
        assert np.abs(shown - np.asarray(Image.open(path).convert("RGB"), int)).mean() < 4


def test_one_run_feeds_the_video_and_its_proxy(tmp_path):
    slides = [_slide(tmp_path, k, size=(640, 360)) for k in range(2)]
    pictures = [(p, f"h{k}") for k, p in enumerate(slides)]
    big = SegmentStore(tmp_path / "big", EncoderSettings(), (640, 360))
    small = SegmentStore(tmp_path / "small", EncoderSettings(crf=30), (320, 180))
    assert encode_keyframes_together([big, small], pictures) == 4
    for path, digest in pictures:
        frame = _decoded(small.keyframe(path, digest), (320, 180))[0].astype(int)
        reduced = np.asarray(Image.open(path).convert("RGB").reduce(2), int)
        assert np.abs(frame - reduced).mean() < 6  # the proxy shows the same slide, smaller
        assert _decoded(big.keyframe(path, digest), (640, 360)).shape == (1, 360, 640, 3)


def _slow_join(parts: list[Path]) -> bytes:
    """Every piece parsed and renumbered (what joining did before it copied pieces numbered already)."""
    data = [p.read_bytes() for p in parts]
    timeline = h264.Timeline(h264.sequence_info(data[0]))
    return b"".join(timeline.add(h264.units_of(d, timeline.seq)) for d in data)


def test_pieces_numbered_from_their_idr_are_copied_and_the_stream_is_the_same(tmp_path):
    slides = [_slide(tmp_path, k) for k in range(3)]
    store = SegmentStore(tmp_path / "pieces", EncoderSettings(keyframe_seconds=1.0), (320, 180))
    parts = []
    for k, path in enumerate(slides):
        if k:  # a fade into every slide after the first: renumbered, not copied
            parts.append(store._fade_in(path, f"h{k}", 6))
        parts += store.still(path, f"h{k}", 75)  # a keyframe every 30 frames: groups of 30, 30, 15
    assert [h264.self_numbered(p.read_bytes()) for p in parts[:3]] == [30, 30, 15]
    assert h264.self_numbered(parts[3].read_bytes()) == 0  # the fade opens with an I frame that is no IDR
    out = tmp_path / "joined.h264"
    moves = concat_raw(parts, out)
    assert out.read_bytes() == _slow_join(parts)
    assert moves  # the fades' keyframes are still shown after their mixes
    frames = _decoded(out.read_bytes())
    assert len(frames) == 75 + 2 * (6 + 1 + 75)  # each fade shows its 6 mixes and then its keyframe


def _escape_loop(rbsp: bytes) -> bytes:
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


@given(st.lists(st.sampled_from([0, 0, 0, 1, 2, 3, 4, 255]), max_size=60).map(bytes))
def test_emulation_prevention_is_what_the_standard_says_byte_by_byte(data):
    escaped = h264.escape(data)
    assert escaped == _escape_loop(data)
    assert b"\x00\x00\x00" not in escaped and b"\x00\x00\x01" not in escaped and b"\x00\x00\x02" not in escaped
    assert h264.unescape(escaped) == data


def test_the_narration_is_encoded_in_as_many_even_runs_as_there_are_cores():
    chunks = [Chunk(i, 48000 * (3 + i % 4), 0, Path(f"{i}.wav"), str(i)) for i in range(20)]
    runs = _runs(chunks, parts=2)
    assert len(runs) in (2, 3)
    assert [c.index for run in runs for c in run] == list(range(20))  # consecutive scenes, in order
    sizes = [sum(c.length for c in run) for run in runs]
    assert max(sizes[:2]) <= sum(sizes) / 2 + 6 * 48000  # about half each
    gap = [Chunk(i, 48000, 0, Path("x"), "x") for i in (0, 1, 5, 6)]
    assert [[c.index for c in r] for r in _runs(gap, parts=1)] == [[0, 1], [5, 6]]  # only consecutive scenes join


class SlidesAlready(Stage):
    """Between the audio and the video: waits (a while at most) for the slides the video stage prepares."""

    name = "slides-already"
    requires = ("timing_report",)
    provides = ("slides_seen",)
    artifact_types = {"slides_seen": int}

    def run(self, ctx, services) -> str:
        folder = ctx.workdir / "video" / "slides"
        keyframes = ctx.workdir / "video" / "segments"
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline:
            count = len(list(folder.glob("*.png"))) if folder.is_dir() else 0
            if count >= len(ctx.video_config.scenes) and keyframes.is_dir() and list(keyframes.glob("*_key.h264")):
                break
            time.sleep(0.05)
        ctx.artifacts["slides_seen"] = count
        return f"{count} slides drawn before the video stage"


@pytest.mark.slow
def test_the_video_stage_draws_its_slides_while_the_speech_is_made(three_scene_doc, tmp_path):
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="espeak", progress=None, proxy=None)
    p.insert_stage(SlidesAlready(), after="audio")
    p.run()
    assert p.ctx.artifacts["slides_seen"] == len(p.scenes)
    assert p.video_path.is_file()
    # the stage's own run found them made: nothing drawn or encoded twice, the same video as without
    q = Pipeline(three_scene_doc, workdir=tmp_path / "q", resolution=SMALL, tts="espeak", progress=None, proxy=None)
    for name in ("input", "parse", "script", "audio", "video"):
        q.run_stage(name)  # stage by stage: nothing is prepared early
    assert _frames(p.video_path) == _frames(q.video_path)


def _frames(video: Path) -> list[str]:
    """Every decoded picture's and sound packet's time and checksum. (Packets of keyframes can differ in a bit x264
    writes after a picture's last, which it varies with the picture's place in its run: decoders never read it.)"""
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    sound = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-map", "0:a", "-c", "copy", "-f",
                            "framecrc", "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [line for line in (out + sound).splitlines() if not line.startswith("#")]


def test_slides_are_stored_as_png_files_any_reader_reads_back_exactly(tmp_path):
    from videogen_nb.render.png import png_bytes

    rgb = Image.open(_slide(tmp_path, 2)).convert("RGB")
    data = png_bytes(rgb)
    back = Image.open(io.BytesIO(data))
    assert back.format == "PNG" and back.mode == "RGB" and back.size == rgb.size
    assert np.array_equal(np.asarray(back), np.asarray(rgb))
    # ffmpeg reads it too (the thumbnails and previews go through it)
    (tmp_path / "x.png").write_bytes(data)
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(tmp_path / "x.png"), "-f", "rawvideo", "-pix_fmt",
                          "rgb24", "-"], capture_output=True, check=True).stdout  # fmt: skip
    assert out == rgb.tobytes()
    rgba = rgb.convert("RGBA")  # other modes: Pillow's writer
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgba)))), np.asarray(rgba))


class FailsLater(Stage):
    """Before the audio: fails once the video stage's preparation has drawn its first slide."""

    name = "fails-later"
    requires = ("narration",)
    provides = ("nothing_here",)

    def run(self, ctx, services) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _drawn(ctx.workdir):
            time.sleep(0.01)
        assert _drawn(ctx.workdir), "the video stage's preparation drew nothing"
        raise RuntimeError("this stage fails on purpose")


def _drawn(workdir: Path) -> list[Path]:
    folder = workdir / "video" / "slides"
    return sorted(folder.glob("*.png")) if folder.is_dir() else []


def _preparers() -> list[str]:
    """Processes drawing ahead for a video stage (the preparation and its workers)."""
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "import draw_sent" in line]


@pytest.mark.slow
def test_a_failing_run_stops_the_drawing_ahead_and_leaves_no_process_behind(write_doc, tmp_path):
    from videogen_nb.errors import StageFailedError

    sections = "\n".join(f"## Part {k}\n\n- point one of {k}\n- point two of {k}\n- point three\n" for k in range(60))
    doc = write_doc("long.md", f"# Long\n\nA long talk.\n\n{sections}")
    p = Pipeline(doc, workdir=tmp_path / "w", resolution=(640, 360), tts="espeak", progress=None)
    p.insert_stage(FailsLater(), after="script")
    with pytest.raises(StageFailedError, match="fails on purpose"):
        p.run()
    assert _preparers() == []
    drawn = len(_drawn(tmp_path / "w"))
    time.sleep(1.0)
    assert len(_drawn(tmp_path / "w")) == drawn < len(p.scenes)  # stopped: nothing drawn after the failure


def test_the_drawing_process_starts_with_the_run_and_imports_while_the_document_is_parsed(three_scene_doc, tmp_path,
                                                                                         monkeypatch):  # fmt: skip
    from videogen_nb.stages import parse as parse_stage
    from videogen_nb.stages import video as video_stage

    seen: list[tuple[str, object]] = []
    real_init, real_draw, real_parse = (video_stage.DrawingProcess.__init__, video_stage.DrawingProcess.draw,
                                        parse_stage.ParseStage.run)  # fmt: skip

    def init(self):
        seen.append(("started", self))
        real_init(self)

    def draw(self, jobs, stop):
        seen.append(("drew", self))
        real_draw(self, jobs, stop)

    def parse(self, ctx, services):
        seen.append(("parsing", None))
        return real_parse(self, ctx, services)

    monkeypatch.setattr(video_stage.DrawingProcess, "__init__", init)
    monkeypatch.setattr(video_stage.DrawingProcess, "draw", draw)
    monkeypatch.setattr(parse_stage.ParseStage, "run", parse)
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=SMALL, tts="espeak", progress=None, proxy=None)
    p.run()
    assert [what for what, _ in seen] == ["started", "parsing", "drew"]  # one process, started before the parse
    assert seen[0][1] is seen[2][1] and seen[0][1].proc.poll() is not None  # the one the preparation drew in; ended
    assert _preparers() == []

    # a run whose slides are all drawn starts none; a document parsed again with nothing new to draw closes its own
    seen.clear()
    p.scenes[1].narration = "Edited narration: only the sound changes."
    p.run()
    assert seen == []
    three_scene_doc.write_text(three_scene_doc.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    p.run()
    assert [what for what, _ in seen] == ["started", "parsing"] and seen[0][1].proc.poll() is not None
    assert _preparers() == []


def test_slide_pngs_are_deflated_by_isal_where_it_is_installed(tmp_path):
    isal_zlib = pytest.importorskip("isal.isal_zlib", reason="isal has no wheel for this machine; zlib writes the PNGs")
    from videogen_nb.render.png import png_bytes

    rgb = Image.open(_slide(tmp_path, 1)).convert("RGB")
    w, h = rgb.size
    rows = np.zeros((h, w * 3 + 1), np.uint8)
    rows[:, 1:] = np.asarray(rgb).reshape(h, w * 3)
    assert isal_zlib.compress(rows.tobytes(), 1) in png_bytes(rgb)  # the IDAT chunk: ISA-L's stream, whole


@pytest.mark.parametrize("style", ["sans", "sans-bold", "mono", "serif"])
def test_a_line_drawn_from_its_kept_mask_is_the_line_pillow_draws(style):
    from videogen_nb.render.fonts import font_chain, load_font
    from videogen_nb.render.glyphs import segment
    from videogen_nb.render.text import draw_line

    chain = font_chain(style)
    texts = ["Hello, world", 'fn main() { println!("x"); }', "Überprüfung — ÀÉ ïj", "中文 README 说明", "gjpqy ffi", ""]
    for k, text in enumerate(texts):
        for x, y, size in [(0, 40, 14), (10.25, 60.5, 21), (133.7, 91.99, 36), (-4.5, 30.2, 18)]:
            ours = Image.new("RGB", (400, 160), (30, 30, 46))
            theirs = ours.copy()
            draw_line(ours, x, y, text, style, size, (200, 120 + k, 40))
            d, cx = ImageDraw.Draw(theirs), x
            for run in segment(text, chain)[0]:  # Pillow's own drawing, run by run through the fallback fonts
                font = load_font(chain[run.face], size)
                d.text((cx, y), run.text, font=font, fill=(200, 120 + k, 40), anchor="ls")
                cx += font.getlength(run.text)
            assert np.array_equal(np.asarray(ours), np.asarray(theirs)), (style, text, x, y, size)


def test_right_to_left_lines_from_kept_masks_match_pillow():
    from videogen_nb.render.fonts import font_chain, load_font
    from videogen_nb.render.text import draw_line

    text = "مرحبا بالعالم"
    font = load_font(font_chain("sans")[0], 24)
    ours = Image.new("RGB", (300, 80), (255, 255, 255))
    theirs = ours.copy()
    draw_line(ours, 12.4, 50.6, text, "sans", 24, (10, 20, 30), rtl=True)
    ImageDraw.Draw(theirs).text((12.4, 50.6), text, font=font, fill=(10, 20, 30), anchor="ls", direction="rtl")
    assert np.asarray(ours).min() < 100  # something was drawn
    assert np.array_equal(np.asarray(ours), np.asarray(theirs))


def test_a_reveals_states_lay_out_each_line_once(monkeypatch):
    """Every state of a reveal draws the slide again in other colours: its lines' letters are rasterised once."""
    from PIL import ImageFont

    from videogen_nb.models import SceneConfig
    from videogen_nb.render.reveal import draw_state, reveal_layout
    from videogen_nb.render.theme import get_theme

    scene = SceneConfig(kind="bullets", scene_id="s", title="Kept masks",
                        items=["first point here", "second point", "third point is longer"])  # fmt: skip
    layout = reveal_layout(scene, (640, 360), get_theme("dark"), index=0, total=1, footer="")
    assert layout is not None
    calls = []
    real = ImageFont.FreeTypeFont.getmask2
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getmask2", lambda self, *a, **k: calls.append(a[0]) or real(self, *a, **k))
    draw_state(layout, -1, len(layout.units) - 1)  # the still: every line
    first = len(calls)
    for current in range(len(layout.units)):
        draw_state(layout, current, current)
    assert first > 0 and calls[first:] == []  # dimmed, marked or plain: the same letters, drawn from kept masks


@given(st.lists(st.tuples(st.sampled_from(["u", "ue", "se"]), st.integers(0, 70000), st.integers(1, 24)), max_size=40),
       st.sampled_from([0, 1]))  # fmt: skip
def test_bits_written_read_back_and_pack_as_the_standard_says(fields, fill):
    w = h264.BitWriter()
    expected: list[int] = []
    for kind, value, n in fields:
        if kind == "u":
            value &= (1 << n) - 1
            w.u(n, value)
            expected += [(value >> (n - 1 - i)) & 1 for i in range(n)]
        elif kind == "ue":
            w.ue(value)
            code = value + 1  # Exp-Golomb: as many zeros as the code has bits after its first, then the code
            expected += [0] * (code.bit_length() - 1) + [int(b) for b in bin(code)[2:]]
        else:
            value -= 35000
            w.se(value)
            code = (2 * value - 1 if value > 0 else -2 * value) + 1
            expected += [0] * (code.bit_length() - 1) + [int(b) for b in bin(code)[2:]]
    assert w.bits == expected
    padded = expected + [fill] * (-len(expected) % 8)
    assert w.aligned(fill) == bytes(int("".join(map(str, padded[i : i + 8])), 2) for i in range(0, len(padded), 8))
    stop = expected + [1] + [0] * (-(len(expected) + 1) % 8)
    assert w.rbsp() == bytes(int("".join(map(str, stop[i : i + 8])), 2) for i in range(0, len(stop), 8))
    r = h264.BitReader(w.rbsp())
    for kind, value, n in fields:
        if kind == "u":
            assert r.u(n) == value & ((1 << n) - 1)
        elif kind == "ue":
            assert r.ue() == value
        else:
            assert r.se() == value - 35000


def test_a_banded_keyframe_decodes_to_exactly_its_bands_each_decoded_alone(tmp_path):
    from videogen_nb.render.encode import X264Run, band_rows

    settings = EncoderSettings(keyframe_crf=38)  # coarse enough that the deblocking filter acts at edges
    path = tmp_path / "texture.png"
    y, x = np.mgrid[0:180, 0:320]
    Image.fromarray(((x * 7 + y * 13) % 97 + 60 + 40 * ((x // 16 + y // 16) % 2)).astype(np.uint8)).convert("RGB").save(path)
    store = SegmentStore(tmp_path / "k", settings, (320, 180))
    whole = _decoded(store.keyframe(path, "k3"))[0]
    rgb = np.asarray(Image.open(path).convert("RGB"))
    height = 16 * band_rows(180)  # 64: three bands, the last 52 rows and the last row again
    padded = np.concatenate([rgb, np.repeat(rgb[-1:], 3 * height - 180, axis=0)])
    run = X264Run(3, (320, height), tmp_path / "bands.h264", settings, settings.keyframe_args(), "rgb24", "bands")
    for k in range(3):
        run.feed(padded[k * height : (k + 1) * height].tobytes())
    alone = _decoded(run.finish(), (320, height))
    run.close()
    assert np.array_equal(whole, np.concatenate(list(alone))[:180])  # no filtering across the bands' edges
    # and the second picture of a run that shares two of its three bands encodes only the band that differs
    other = rgb.copy()
    other[70:100, 40:200] = (250, 250, 250)
    Image.fromarray(other).save(tmp_path / "other.png")
    before = store.encoded_frames
    runs = []
    real = X264Run.feed
    with pytest.MonkeyPatch.context() as m:
        m.setattr(X264Run, "feed", lambda self, picture: runs.append(len(picture)) or real(self, picture))
        encode_keyframes_together([store], [(path, "again"), (tmp_path / "other.png", "other")])
    assert len(runs) == 3 + 1 and store.encoded_frames == before + 2
    shown = _decoded(store.keyframe(tmp_path / "other.png", "other"))[0]
    assert shown[75:95, 50:190].min() > 200 and np.array_equal(shown[:64], whole[:64])  # its new band; the first as before


def test_pieces_piped_to_the_muxer_make_the_video_joining_on_disk_makes(tmp_path):
    from videogen_nb.render.encode import mux, mux_pieces
    from videogen_nb.render.segments import Shot

    settings = EncoderSettings(fps=30, keyframe_seconds=1)
    store = SegmentStore(tmp_path / "pieces", settings, (320, 180))
    slides = [_slide(tmp_path, k) for k in range(3)]
    parts = store.shots([Shot(p, f"h{k}", 40 + 7 * k, fade=6 if k else 0) for k, p in enumerate(slides)])
    sound = tmp_path / "sound.aac"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "4.5", "-c:a",
                    "aac", "-f", "adts", str(sound)], check=True)  # fmt: skip
    stream = tmp_path / "joined.h264"
    mux(stream, sound, tmp_path / "on-disk.mp4", settings, concat_raw(parts, stream))
    mux_pieces(parts, sound, tmp_path / "piped.mp4", settings)
    assert _frames(tmp_path / "piped.mp4") == _frames(tmp_path / "on-disk.mp4")
    assert (tmp_path / "piped.mp4").read_bytes() == (tmp_path / "on-disk.mp4").read_bytes()
    (tmp_path / "bad.aac").write_bytes(b"not sound at all" * 100)
    with pytest.raises(RenderError, match="bad.aac is not an AAC stream"):  # the sound named; no video left
        mux_pieces(parts, tmp_path / "bad.aac", tmp_path / "broken.mp4", settings)
    assert not (tmp_path / "broken.mp4").exists()


def test_the_thumbnail_is_the_frame_a_viewer_sees_in_the_middle_of_the_first_scene(three_scene_doc, tmp_path):
    from videogen_nb.ffmpeg import extract_frame

    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(640, 360), tts="espeak", progress=None, proxy=None)
    p.run()
    first = p.ctx.timing_report.scenes[0]
    frame = extract_frame(p.video_path, (first.start + first.end) / 2, tmp_path / "frame.png")
    thumb = Image.open(p.ctx.thumbnail_path)
    assert thumb.size == (640, 360) and thumb.mode == "RGB"  # not larger than 1280x720: the video's own size
    assert np.abs(np.asarray(thumb, int) - np.asarray(Image.open(frame).convert("RGB"), int)).mean() < 1.5


def test_the_narration_is_coded_up_to_what_its_clips_hold(tmp_path):
    from videogen_nb.audio_io import wav_bytes
    from videogen_nb.models import SceneTiming, TimingReport
    from videogen_nb.render.narration_track import NarrationTrack, audio_cutoff

    def report(*rates: int) -> TimingReport:
        scenes = []
        for k, rate in enumerate(rates):
            clip = tmp_path / f"c{k}-{rate}.wav"
            clip.write_bytes(wav_bytes(np.zeros(rate // 2, np.int16), rate))
            scenes.append(SceneTiming(index=k, scene_id=f"s{k}", start=k * 1.6, end=(k + 1) * 1.6, start_frame=48 * k,
                                      end_frame=48 * (k + 1), audio_start=k * 1.6 + 0.2, audio_duration=0.5,
                                      audio_path=str(clip), audio_hash=f"h{k}{rate}", words=2, synthesized=True))  # fmt: skip
        return TimingReport(fps=30, sample_rate=rates[0], engine="test", scenes=scenes)

    assert audio_cutoff(report(22050, 22050)) == 12000  # espeak, Piper: nothing above 11 kHz to code
    assert audio_cutoff(report(16000, 24000)) == 12000  # the highest clip decides
    assert audio_cutoff(report(44100)) == 20000
    track = NarrationTrack(tmp_path / "chunks", EncoderSettings())
    track.build(report(22050, 22050), tmp_path / "n.aac")
    assert "-cutoff" in track.settings.audio_args() and track.settings.audio_cutoff == 12000


def test_the_narration_is_coded_at_a_quality_for_half_the_work_of_a_constant_bitrate(tmp_path):
    """Constant-bitrate AAC codes many frames twice to meet its rate; the quality mode the narration uses gives as
    close a sound at about the same size for far less of the encoder's time (its CPU, which a busy machine spares)."""
    import resource
    from dataclasses import replace

    from videogen_nb.render.narration_track import encode_pcm
    from videogen_nb.timeline import AUDIO_RATE
    from videogen_nb.tts.espeak import EspeakEngine

    speech = EspeakEngine().synthesize(" ".join(["The quick brown fox jumps over the lazy dog, and then it rests."] * 12))
    from scipy.signal import resample_poly

    pcm = np.clip(np.round(resample_poly(speech.samples.astype(np.float64), AUDIO_RATE, speech.sample_rate)), -32768, 32767)
    pcm = pcm.astype("<i2")[: len(pcm) // 1024 * 1024]
    assert len(pcm) > 30 * AUDIO_RATE

    def coded(settings: EncoderSettings) -> tuple[np.ndarray, int, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        frames = encode_pcm([pcm], len(pcm), settings)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime
        aac = tmp_path / "n.aac"
        aac.write_bytes(b"".join(frames))
        raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(aac), "-f", "s16le", "-ac", "1", "-"],
                             capture_output=True, check=True).stdout  # fmt: skip
        return np.frombuffer(raw, "<i2").astype(np.float64), sum(map(len, frames)), cpu

    def snr(decoded: np.ndarray) -> float:  # the priming frame is dropped, so frame k decodes to samples of frame k
        n = min(len(pcm), len(decoded))
        ref = pcm[:n].astype(np.float64)
        return 10 * np.log10(np.sum(ref**2) / np.sum((ref - decoded[:n]) ** 2))

    settings = EncoderSettings(audio_cutoff=12000)
    assert settings.audio_quality is not None and "-q:a" in settings.audio_args()
    constant = replace(settings, audio_quality=None)
    runs = {"quality": [], "constant": []}
    for _ in range(2):  # in turn, so that the machine's other load falls on both alike
        runs["quality"].append(coded(settings))
        runs["constant"].append(coded(constant))
    q_sound, q_bytes, _ = runs["quality"][0]
    c_sound, c_bytes, _ = runs["constant"][0]
    q_cpu, c_cpu = min(r[2] for r in runs["quality"]), min(r[2] for r in runs["constant"])
    assert snr(q_sound) >= snr(c_sound) - 0.5 and snr(q_sound) > 25
    assert q_bytes < 1.25 * c_bytes
    assert q_cpu < 0.75 * c_cpu, (q_cpu, c_cpu)


def test_a_new_recorded_file_is_written_in_place_and_trusted_only_through_its_record(tmp_path, monkeypatch):
    """A temporary file and a rename for each piece and its record cost more of the kernel's time than x264 spent on
    a reveal's band: a new recorded file is written where it goes. It is safe because it is trusted only through its
    record, removed first and written last; a file already there is still replaced whole."""
    import tempfile

    from videogen_nb.atomic import record_path, recorded_digest, write_recorded

    temporaries = []
    real = tempfile.mkstemp
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: temporaries.append(k.get("dir")) or real(*a, **k))
    piece = tmp_path / "deep" / "folder" / "piece.h264"
    digest = write_recorded(piece, b"first" * 1000)
    assert temporaries == [] and recorded_digest(piece) == digest and piece.read_bytes() == b"first" * 1000

    # a crash after the file and before its record, or halfway through the record: not trusted, made again
    record_path(piece).unlink()
    assert recorded_digest(piece) is None
    record_path(piece).write_bytes(b'{"size": 50')
    assert recorded_digest(piece) is None

    # one already there is replaced through a rename: a reader that has it open reads the old one whole
    with open(piece, "rb") as reader:
        digest = write_recorded(piece, b"second" * 1000)
        assert reader.read() == b"first" * 1000
    assert len(temporaries) == 1 and recorded_digest(piece) == digest and piece.read_bytes() == b"second" * 1000
    assert sorted(p.name for p in piece.parent.iterdir()) == ["piece.h264", "piece.h264.sum"]  # no stray temporary


def test_a_re_render_reuses_the_thumbnail_while_the_opening_of_the_video_is_the_same(three_scene_doc, tmp_path, monkeypatch):
    """Finding the thumbnail's frame in the video was most of a re-render's output stage. An edit after the opening
    keeps it; an edit of the opening, or a video changed after the video stage, makes it again from the video."""
    from videogen_nb.atomic import write_recorded
    from videogen_nb.ffmpeg import extract_frame
    from videogen_nb.stages import output

    made = []
    real = output.thumbnail_png
    monkeypatch.setattr(output, "thumbnail_png", lambda *a: made.append(a) or real(*a))
    p = Pipeline(three_scene_doc, workdir=tmp_path / "w", resolution=(320, 180), tts="espeak", progress=None, proxy=None)
    p.run()
    first = p.ctx.thumbnail_path.read_bytes()
    assert len(made) == 1

    p.scenes[-1].narration = "The last scene says something else now, at some length, so that its timing changes."
    p.run()
    assert len(made) == 1 and p.ctx.thumbnail_path.read_bytes() == first  # the opening is as it was

    p.scenes[0].narration = "The opening is spoken differently now, and it lasts longer than it did before."
    p.run()
    assert len(made) == 2
    middle = (p.ctx.timing_report.scenes[0].start + p.ctx.timing_report.scenes[0].end) / 2
    frame = np.asarray(Image.open(extract_frame(p.video_path, middle, tmp_path / "f.png")).convert("RGB"), int)
    assert np.abs(np.asarray(Image.open(p.ctx.thumbnail_path), int) - frame).mean() < 1.5  # of the video as it is now

    # a stage after the video stage that changes the video (here: its frames darkened) is not trusted to keep it
    darker = tmp_path / "darker.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(p.ctx.final_video_path), "-vf", "eq=brightness=-0.3",
                    "-c:a", "copy", str(darker)], check=True)  # fmt: skip
    write_recorded(p.ctx.final_video_path, darker.read_bytes())
    p.run_stage("output")
    assert len(made) == 3
    assert np.asarray(Image.open(p.ctx.thumbnail_path), int).mean() < frame.mean() - 10


def test_a_reveals_next_state_is_scaled_for_the_proxy_only_where_it_changed_and_gives_the_same_keyframe(tmp_path):
    """A state differs from the one before in a few rows: only those are reduced again for the proxy. The proxy's
    keyframe of each picture decodes to exactly what a keyframe of the whole picture, reduced alone, does."""
    from videogen_nb.render import segments
    from videogen_nb.render.slide_store import DrawnPicture

    base = Image.new("RGB", (960, 540), (25, 35, 80))
    ImageDraw.Draw(base).text((40, 40), "A title that stays", fill=(255, 255, 255))
    states = []
    for k in range(3):
        img = base.copy()
        for j in range(k + 1):  # the list grows one line a state; the line before is dimmed
            ImageDraw.Draw(img).rectangle([60, 130 + 70 * j, 700, 170 + 70 * j], fill=(240, 200, 60) if j == k else (120, 110, 70))
        states.append(img)
    stores = [SegmentStore(tmp_path / "master", EncoderSettings(), (960, 540)),
              SegmentStore(tmp_path / "proxy", EncoderSettings(crf=30), (320, 180))]  # fmt: skip
    reduced = []
    real = segments._sized
    segments._sized = lambda image, size: reduced.append(size) or real(image, size)
    try:
        batch = segments.KeyframeBatch(stores)
        for k, img in enumerate(states):
            batch.add(tmp_path / f"s{k}.png", f"state{k}", DrawnPicture(img, img.tobytes()))
        assert batch.finish() == 6
    finally:
        segments._sized = real
    assert reduced == [(320, 180)]  # the first picture whole; the others only in the rows that changed
    for k, img in enumerate(states):
        path = tmp_path / f"alone{k}.png"
        img.reduce(3).save(path)
        alone = SegmentStore(tmp_path / f"alone{k}", EncoderSettings(crf=30), (320, 180))
        assert np.array_equal(_decoded(stores[1].keyframe(path, f"state{k}")), _decoded(alone.keyframe(path, f"a{k}")))


@given(st.binary(min_size=1, max_size=40), st.integers(0, 8159), st.integers(-12, 12), st.sampled_from([0, 1, 2]))
def test_a_keyframes_slice_rewritten_from_its_header_alone_keeps_its_data_exactly(data, first_mb, qp_delta, deblock):
    # the slice data right after the header often starts with zeros; only the header is read and rewritten, and
    # the data (escaped apart from it) must come out the same bytes once unescaped
    seq = h264.SequenceInfo(sps_id=0, log2_max_frame_num=4, poc_type=0, log2_max_poc_lsb=h264.POC_BITS, macroblocks=8160)
    pps = h264.PictureInfo(cabac=True, deblocking_control=True, redundant_pic_cnt=False)
    payload = b"\x00\x00" + data + b"\x80"  # the RBSP's stop bit last: slice data never ends on a zero byte
    source = h264._IdrSlice(0x65, first_mb, 7, 0, 0, 0, 0, qp_delta, (deblock, 0, 0) if deblock != 1 else (1,), payload)
    nal = source.write(seq, idr=True, poc=0)[len(h264.START) :]
    for idr in (True, False):
        again = h264._IdrSlice.parse(nal, seq, pps).write(seq, idr=idr, poc=6)
        whole = h264.unescape(again[len(h264.START) + 1 :])
        assert h264.escape(whole) == again[len(h264.START) + 1 :]  # escaped as if in one piece: no start code inside
        assert whole.endswith(payload)
        if idr:
            back = h264._IdrSlice.parse(again[len(h264.START) :], seq, pps)
            assert (back.first_mb, back.qp_delta, back.poc) == (first_mb, qp_delta, 6)
            assert h264.unescape(h264.escape(back.data) + back.rest) == payload


def test_a_slide_is_kept_as_its_png_and_a_record_that_also_holds_its_warnings(tmp_path):
    import json

    from videogen_nb.atomic import record_path
    from videogen_nb.render.slide_store import SlideStore
    from videogen_nb.render.slides import Slide

    drawn = []

    def draw() -> Slide:
        drawn.append(1)
        return Slide(Image.new("RGB", (64, 36), (20, 30, 40)), warnings=["the title was cut"])

    store = SlideStore(tmp_path / "slides")
    first = store.get("k1", draw, name="s1-")
    # one file and its record: a file made costs more than the PNG's own deflate, so the warnings go in the record
    assert sorted(p.name for p in (tmp_path / "slides").iterdir()) == ["s1-k1.png", "s1-k1.png.sum"]
    again = SlideStore(tmp_path / "slides").get("k1", draw, name="s1-")
    assert drawn == [1] and again == first and again.warnings == ("the title was cut",)
    # a record without warnings (a slide kept by an older version) or a PNG changed since: drawn again
    record = record_path(first.path)
    record.write_text(json.dumps({k: v for k, v in json.loads(record.read_text()).items() if k != "warnings"}))
    assert store.find("k1", name="s1-") is None
    assert store.get("k1", draw, name="s1-").warnings == ("the title was cut",) and drawn == [1, 1]
    first.path.write_bytes(first.path.read_bytes()[:-4])
    assert store.find("k1", name="s1-") is None


def test_a_piece_this_process_wrote_is_trusted_without_reading_it_again_until_it_changes(tmp_path, monkeypatch):
    from videogen_nb import atomic

    path = tmp_path / "piece.h264"
    digest = atomic.write_recorded(path, b"\x00\x00\x00\x01" + bytes(range(200)))
    real = atomic._digest
    monkeypatch.setattr(atomic, "_digest", lambda p: pytest.fail(f"{p} was read whole again"))
    assert atomic.recorded_digest(path) == digest  # a re-render checks every piece: this one from what it knows
    monkeypatch.setattr(atomic, "_digest", real)
    time.sleep(0.01)
    path.write_bytes(path.read_bytes()[:-1] + b"\xff")  # changed by hand, the same size: read again, not trusted
    assert atomic.recorded_digest(path) is None
