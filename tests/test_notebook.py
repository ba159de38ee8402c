"""Notebook views: the preview widget, the narration editor, players, the timing chart, progress."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from conftest import SMALL
from videogen_nb import Pipeline, errors
from videogen_nb.events import EventBus
from videogen_nb.notebook import WidgetProgress, pace_flag
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
    assert isinstance(view, widgets.Widget)
    assert len(find(view, widgets.Image, "videogen-thumbnail")) == 3
    assert len(find(view, widgets.Textarea)) == 3
    players = find(view, widgets.Audio)
    assert len(players) == 3 and all(a.value[:4] == b"RIFF" for a in players)
    assert len(find(view, widgets.Image, "videogen-timing-chart")) == 1
    assert find(view, widgets.Image, "videogen-timing-chart")[0].value[:4] == b"\x89PNG"
    # no video yet: a placeholder says what to run
    assert not find(view, widgets.Video)
    assert any("p.video()" in w.value for w in find(view, widgets.HTML, "videogen-placeholder"))


def test_preview_before_audio_shows_placeholders(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    view = p.preview()
    assert len(find(view, widgets.Image, "videogen-thumbnail")) == 3
    assert not find(view, widgets.Audio)
    notes = [w.value for w in find(view, widgets.HTML, "videogen-placeholder")]
    assert sum("p.audio()" in n for n in notes) == 4  # three players and the chart


def test_editing_a_text_area_changes_the_scene_and_resynthesises_only_it(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    view = p.preview()
    area = find(view, widgets.Textarea)[2]
    old_audio = find(view, widgets.Audio)[2].value
    area.value = "Two items, said differently this time."
    assert p.scenes[2].narration == "Two items, said differently this time."
    assert p.status()["audio"] == "stale"
    assert "stale" in view.status.value  # the status table in the widget follows

    view.editor.buttons[2].click()
    report = p.ctx.timing_report
    assert report.synthesized == [2]
    assert [s.synthesized for s in report.scenes] == [False, False, True]
    assert p.status()["audio"] == "done"
    assert find(view, widgets.Audio)[2].value != old_audio  # the player was refreshed
    assert "synthesised scene(s) 3" in view.editor.message.value


def test_resynthesise_button_speaks_the_scene_again_even_when_unchanged(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    editor = p.preview().editor
    editor.buttons[0].click()
    assert p.ctx.timing_report.synthesized == [0]


def test_a_failing_resynthesis_is_shown_in_the_editor_not_raised(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="script")
    editor = p.preview().editor
    p.ctx.video_config.lang = "xx-nowhere"  # (the lang setting would make parse stale: it decides the parse too)
    editor.buttons[1].click()
    assert "Available languages" in editor.message.value
    assert not editor.buttons[1].disabled


def test_gallery_click_shows_the_slide_large(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="parse")
    gallery = p.preview().gallery
    assert gallery.large.value == b"" and gallery.large.layout.display == "none"
    gallery.buttons[1].click()
    assert gallery.large.layout.display is None
    assert gallery.large.value[:4] == b"\x89PNG" and len(gallery.large.value) > len(gallery.thumbnails[1].value)
    assert "First point" in gallery.caption.value


def test_video_player_appears_once_the_video_exists(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path, tts="silent")
    p.run()
    videos = find(p.preview(), widgets.Video)
    assert len(videos) == 1 and videos[0].value == p.video_path.read_bytes()


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
    with pytest.raises(errors.StageOrderError, match=r"p\.audio\(\)"):
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


def test_typing_updates_status_without_redrawing_the_chart(three_scene_doc, tmp_path):
    p = make(three_scene_doc, tmp_path)
    p.run(until="audio")
    view = p.preview()
    chart = view.timing.children[0]
    area = find(view, widgets.Textarea)[1]
    assert area.continuous_update
    area.value = "Typed"
    assert p.scenes[1].narration == "Typed" and "stale" in view.status.value
    assert view.timing.children[0] is chart
    view.editor.buttons[1].click()
    assert view.timing.children[0] is not chart  # the chart follows the new audio
