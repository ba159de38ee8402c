"""Notebook views: the preview widget, the narration editor, players, the timing chart, progress."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from conftest import SMALL
from videogen_nb import Pipeline, SceneTiming, TimingReport, errors
from videogen_nb.events import EventBus
from videogen_nb.notebook import ChartView, WidgetProgress, chart_svg, configure_media, media_url, narration_stats, pace_flag
from videogen_nb.notebook.wire import count_sent
from videogen_nb.tts import SilentEngine


def walk(widget):
    """Every widget inside ``widget`` (itself included)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(widget, kind, css=None):
    return [w for w in walk(widget) if isinstance(w, kind) and (css is None or css in w._dom_classes)]


class PacedEngine(SilentEngine):
    """Silence whose pace depends on the words: 'hurry' is spoken at 400 wpm, 'slowly' at 40."""

    name = "paced"

    def synthesize(self, text, lang=None, voice=None):
        self.rate = 400.0 if "hurry" in text else 40.0 if "slowly" in text else 150.0
        return super().synthesize(text, lang, voice)


def make(doc, tmp_path, **kw) -> Pipeline:
    kw.setdefault("resolution", SMALL)
    return Pipeline(doc, workdir=tmp_path / "work", progress=None, **kw)


def test_preview_after_audio_has_thumbnails_editors_players_and_a_chart(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    view = p.preview()
    view.gallery.wait()
    assert isinstance(view, widgets.Widget)
    thumbs = find(view, widgets.Image, "videogen-thumbnail")
    assert len(thumbs) == 3 and all(t.value[:3] == b"\xff\xd8\xff" for t in thumbs)  # small JPEGs
    assert not find(view, widgets.Textarea)  # the narration tab is built when opened
    view.tabs.selected_index = 1
    assert len(find(view, widgets.Textarea)) == 3
    players = find(view, widgets.Audio)
    assert len(players) == 3 and all(a.value[:4] == b"RIFF" for a in players)  # no server here: bytes
    view.tabs.selected_index = 2
    chart = view.timing
    assert find(view, ChartView) == [chart] and chart.svg.startswith("<svg")
    assert all(f'id="scene-{i}"' in chart.svg for i in range(3))
    # no video yet: the player says what to do
    assert not view.player.has_video and "press Render" in view.player.note


def test_preview_before_audio_shows_what_to_run(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    view = p.preview()
    assert len(find(view, widgets.Image, "videogen-thumbnail")) == 3
    notes = [w.value for w in find(view.editor, widgets.HTML, "videogen-placeholder")]
    assert sum("p.audio()" in n for n in notes) == 3
    assert "run p.audio()" in view.timing.note and view.timing.svg == ""
    assert "audio, video, output are not up to date" in view.banner.value


def test_one_live_editor_per_pipeline_that_follows_stages_run_elsewhere(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run(until="script")
    view = p.preview()
    assert p.preview() is view  # shown twice, it is two views of one editor
    view.tabs.selected_index = 2
    assert "no audio yet" in view.gallery.infos[1].value and not view.player.has_video
    p.run()  # another cell runs every stage: the editor follows
    assert "stale" not in view.status.value and "pending" not in view.status.value and view.banner.value == ""
    t = p.ctx.timing_report.scenes[1]
    assert f"{t.duration:.1f} s" in view.gallery.infos[1].value
    assert view.timing.svg and "out of date" not in view.timing.note
    assert view.player.has_video and view.player.data == p.video_path.read_bytes()
    assert view.player.vtt.startswith("WEBVTT")  # the subtitles go with it
    assert not view.player.stale


def test_edits_mark_what_no_longer_matches_and_render_brings_it_back(three_scene_doc, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda w: shown.append(w))
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    view = p.preview()
    editor = view.editor
    before = p.ctx.timing_report.total_duration
    editor.textareas[2].value = "Two items, said at much greater length this time, so that the scene lasts longer."
    assert p.scenes[2].narration.startswith("Two items, said at much")
    assert "narration changed" in view.gallery.infos[2].value and "changed" not in view.gallery.infos[1].value
    assert "audio, video, output are not up to date" in view.banner.value
    assert view.player.stale and "out of date" in view.player.note
    assert "15 words" in editor.stats[2].value
    view.render_button.click()
    assert p.status()["output"] == "done" and p.ctx.timing_report.total_duration > before
    assert "narration changed" not in view.gallery.infos[2].value and not view.player.stale
    assert view.player.data == p.video_path.read_bytes()
    assert view.bar.bar_style == "success" and view.bar.description == "output"  # progress inside the widget
    assert not view.render_button.disabled and view.render_button.description == "Render"
    assert "ran audio, video, output" in view.message.value
    assert shown == []  # nothing displayed outside the widget


def test_render_errors_are_shown_in_the_editor(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    view = p.preview()
    p.ctx.video_config.lang = "xx-nowhere"  # (the lang setting would make parse stale: it decides the parse too)
    view.render_button.click()
    assert "videogen-error" in view.message.value and "xx-nowhere" in view.message.value
    assert not view.render_button.disabled


def test_edits_made_in_code_reach_the_editor_and_undo_works_from_both(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run(until="audio")
    view = p.preview()
    editor = view.editor
    p.edit(1, narration="Said from code.")
    assert editor.textareas[1].value == "Said from code." and not view.undo_button.disabled
    view.undo_button.click()
    assert p.scenes[1].narration == editor.textareas[1].value != "Said from code."
    assert "undid" in view.message.value
    editor.reverts[1].click()
    assert editor.textareas[1].value == p.template_narration(1)


def test_clicking_a_scene_or_a_chart_bar_seeks_the_video(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    view = p.preview()
    starts = [t.start for t in p.ctx.timing_report.scenes]
    view.gallery.buttons[2].click()
    assert view.player.seek["t"] == starts[2]
    view.timing.click(1)
    assert view.player.seek["t"] == starts[1]
    view.timing._message(view.timing, {"event": "seek", "index": 2}, [])  # what the browser sends on a click
    assert view.player.seek["t"] == starts[2] and view.player.seek["n"] == 3
    view.editor.labels[0].click()
    assert view.player.seek["t"] == 0.0


def test_editing_a_slide_from_the_gallery(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="parse")
    gallery = p.preview().gallery
    assert gallery.large.value == b"" and gallery.large.layout.display == "none"
    gallery.buttons[1].click()
    assert gallery.large.layout.display is None and gallery.large.value[:3] == b"\xff\xd8\xff"
    assert "First point" in gallery.caption.value
    ed = gallery.slide_editor
    assert ed.title.value == "First point" and set(ed.fields) >= {"body"}
    old = gallery.thumbnails[1].value
    ed.title.value = "A better title"
    ed.fields["body"].value = "A new first line.\nAnd a second one."
    ed.apply.click()
    assert p.scenes[1].title == "A better title" and p.scenes[1].body == ["A new first line.", "And a second one."]
    gallery.wait()
    assert gallery.thumbnails[1].value != old  # drawn again
    ed.fields["body"].value = ""
    ed.title.value = "x" * 5
    ed.apply.click()
    assert p.scenes[1].title == "xxxxx"


def test_media_by_reference_when_a_server_serves_the_folder(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    configure_media(tmp_path, "/user/ann/files/")
    try:
        with count_sent() as sent:
            view = p.preview()
            view.gallery.wait()
            view.editor
        player = view.player
        assert player.src.startswith("/user/ann/files/work/output/") and player.data == b""
        assert player.vtt.startswith("/user/ann/files/work/output/") and player.vtt.split("?")[0].endswith(".vtt")
        audio = find(view, widgets.Audio)[0]
        assert audio.format == "url" and bytes(audio.value).startswith(b"/user/ann/files/work/")
        thumb = view.gallery.thumbnails[0]
        assert thumb.format == "url" and bytes(thumb.value).startswith(b"/user/ann/files/work/preview/")
        assert sent.buffer_bytes < 10_000  # no media went as bytes
        # a file outside the served folder, or in a hidden one, falls back to bytes
        assert media_url(tmp_path.parent / "elsewhere.mp4") is None
        hidden = tmp_path / ".work" / "a.wav"
        hidden.parent.mkdir()
        hidden.write_bytes(b"RIFF")
        assert media_url(hidden) is None
    finally:
        configure_media(None)


def test_the_media_server_is_found_from_the_kernels_jupyter_server(tmp_path, monkeypatch):
    from videogen_nb.notebook import media

    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "jpserver-4242.json").write_text(json.dumps({"root_dir": str(tmp_path), "base_url": "/hub/user/x/"}))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv(media.ROOT_ENV, raising=False)
    monkeypatch.setattr(media.os, "getppid", lambda: 4242)
    media._detected.clear()
    (tmp_path / "v.mp4").write_bytes(b"x")
    assert media.media_url(tmp_path / "v.mp4").startswith("/hub/user/x/files/v.mp4?v=")
    media._detected.clear()


def test_the_chart_follows_the_notebook_theme():
    report = TimingReport(fps=30, sample_rate=22050, engine="silent", scenes=[
        SceneTiming(index=i, scene_id=f"s{i}", title=f"Scene {i}", start=3.0 * i, end=3.0 * i + 3, start_frame=90 * i,
                    end_frame=90 * i + 90, audio_start=3.0 * i + 0.2, audio_duration=2.5, words=7, synthesized=True,
                    audio_path="a.wav", audio_hash="h") for i in range(3)])  # fmt: skip
    svg, flagged = chart_svg(report)
    assert "var(--jp-ui-font-color1" in svg and "var(--jp-layout-color3" in svg
    assert not any(s in svg for s in ("#010203", "#040506", "#070809", "#0a0b0c", "#0d0e0f"))
    assert "<?xml" not in svg and 'id="scene-2"' in svg and "<text" in svg  # text as text: small, themable
    assert flagged == []


def test_narration_stats_count_words_and_estimate_length(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    assert narration_stats(p, 1, "one two three four") == "4 words · ≈ 1.5 s at 160 wpm"
    p.audio()
    t = p.ctx.timing_report.scenes[1]
    assert f"at {t.words_per_minute:.0f} wpm" in narration_stats(p, 1, "a b c")


def test_closing_the_editor_stops_it_following(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="parse")
    view = p.preview()
    n = len(p.events.subscribers)
    view.close()
    assert len(p.events.subscribers) == n - 1 and p.preview() is not view


def test_timing_chart_has_one_bar_per_scene_and_flags_bad_pace(write_doc, tmp_path):
    doc = write_doc(
        "pace.md",
        """
        # Pace

        ## Normal

        This scene is spoken at an ordinary pace for anyone.

        ## Rushed

        We hurry through these many words much faster than anyone can follow.

        ## Dragging

        We go slowly through these words one at a time today.
        """,
    )
    p = make(doc, tmp_path, tts=PacedEngine())
    p.run(until="audio")
    fig = p.timing_chart()
    assert isinstance(fig, Figure)
    bars = [a for a in fig.axes[0].patches if (a.get_gid() or "").startswith("scene-")]
    assert len(bars) == len(p.scenes) == 5  # title, three sections, the generated summary
    assert fig.flagged == [2, 3]
    labels = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    assert "TOO FAST" in labels["pace-2"] and "TOO SLOW" in labels["pace-3"] and "TOO" not in labels["pace-1"]
    assert fig._repr_png_()[:4] == b"\x89PNG"
    report = p.ctx.timing_report
    assert pace_flag(report.scenes[2]) == "too fast" and pace_flag(report.scenes[1]) is None


def test_timing_chart_before_audio_says_what_to_run(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    with pytest.raises(errors.StageOrderError, match=r"p\.run\(until='audio'\)"):
        p.timing_chart()


def test_widget_progress_shows_stage_and_scene(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda w: shown.append(w))
    bus = EventBus()
    bar = WidgetProgress()
    bus.subscribe(bar)
    bus.started("audio", total=3)
    bus.progress("audio", 2, 3, "scene 2: Results")
    assert len(shown) == 1 and bar._bar.description == "audio"
    assert (bar._bar.value, bar._bar.max) == (2, 3)
    assert bar._label.value == "scene 2: Results"
    bus.finished("audio", "3 scenes")
    assert bar._bar.bar_style == "success" and bar._bar.value == 3
    bus.started("video", total=1)
    bus.failed("video", "ffmpeg broke")
    assert bar._bar.bar_style == "danger" and "ffmpeg broke" in bar._label.value


def test_progress_from_a_widget_click_is_not_displayed_outside_the_widget(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda w: shown.append(w))
    monkeypatch.setattr("videogen_nb.notebook.progress.running_a_cell", lambda: False)
    bus = EventBus()
    bar = WidgetProgress()
    bus.subscribe(bar)
    bus.started("audio", total=3)
    bus.progress("audio", 2, 3, "scene 2")
    bus.finished("audio", "3 scenes")
    assert shown == []


def test_typing_updates_status_without_redrawing_the_chart(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    view = p.preview()
    svg = view.timing.svg
    area = view.editor.textareas[1]
    assert area.continuous_update
    area.value = "Typed"
    assert p.scenes[1].narration == "Typed" and "stale" in view.status.value
    assert view.timing.svg == svg and view.timing.stale and "out of date" in view.timing.note
    area.value = "Typed more"
    assert len(p.edits) == 1  # typing into one text area is one edit to undo
    view.editor.buttons[1].click()
    assert view.timing.svg != svg and not view.timing.stale  # the chart follows the new audio
