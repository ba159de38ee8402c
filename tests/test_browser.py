"""In a real browser: notebook 02 in JupyterLab (light and dark), and the Voila app, driven by Playwright.

Debian's chromium (``apt-get install chromium``, which ``.ci/run`` does) is
driven by Playwright from PyPI; Playwright's own browser download is not
used. Screenshots go to ``$VIDEOGEN_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from pathlib import Path

import pytest

from browser import browser, copy_notebook, free_port, screenshot_dir, server, widget_errors

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LONGER = (
    "Photosynthesis needs three ingredients. The first is light, which chlorophyll in the leaves captures. "
    "The second is water, drawn up from the roots through the stem. The third is carbon dioxide, which "
    "enters through tiny pores in the leaves. Together they become sugar, and oxygen is left over."
)

# JavaScript: the text colour of an element and the colour of the first opaque background behind it
COLOURS_JS = """(el) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let bg = null, node = el;
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  const style = getComputedStyle(el);
  const fg = rgb(el instanceof SVGElement ? style.fill : style.color).slice(0, 3);
  // nothing opaque behind it: the page's own background (JupyterLab's layout colour)
  const probe = document.createElement("div");
  probe.style.backgroundColor = "var(--jp-layout-color0, white)";
  document.body.appendChild(probe);
  const page = rgb(getComputedStyle(probe).backgroundColor).slice(0, 3);
  probe.remove();
  return { fg, bg: bg || page };
}"""


def contrast(colours: dict) -> float:
    """WCAG contrast ratio of two sRGB colours."""

    def lum(c):
        def ch(v):
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (ch(v) for v in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    a, b = sorted((lum(colours["fg"]), lum(colours["bg"])), reverse=True)
    return (a + 0.05) / (b + 0.05)


def lab_settings(folder: Path) -> None:
    """JupyterLab user settings: light theme, no news or update pop-ups, no kernel dialog."""
    apputils = folder / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Light"}))
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # start the notebook's own kernel without asking (the dialog can come late and swallow a click)
    notebook = folder / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"autoStartDefaultKernel": True}))


def menu(page, *path: str) -> None:
    """Click through JupyterLab's menu bar: ``menu(page, "Run", "Run All Cells")``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{path[0]}$")).click()
    for label in path[1:-1]:
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{label}$")).hover()
        page.wait_for_timeout(300)
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{path[-1]}$")).click()


def start_kernel(page) -> None:
    """Wait for the notebook's kernel; answer JupyterLab's "Select Kernel" dialog if it asks."""
    idle = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
    dialog = page.get_by_role("button", name="Select", exact=True)
    page.locator(f"{idle}, .jp-Dialog").first.wait_for(timeout=120_000)
    if dialog.is_visible():
        dialog.click()
    page.wait_for_selector(idle, timeout=120_000)


def run_all_cells(page) -> None:
    """Run every cell; JupyterLab may ask for a kernel after it looks idle, which swallows the first click."""
    for _attempt in range(3):
        start_kernel(page)
        dialog = page.get_by_role("button", name="Select", exact=True)
        if dialog.is_visible():
            dialog.click()
        menu(page, "Run", "Run All Cells")
        try:  # the first cell gets its execution count, or waits its turn with [*]
            page.wait_for_function("() => [...document.querySelectorAll('.jp-InputPrompt')]"
                                   ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))", timeout=30_000, polling=500)
            return
        except Exception:
            if dialog.is_visible():
                dialog.click()
            else:
                page.keyboard.press("Escape")  # a menu left open
    raise AssertionError("JupyterLab did not start running the notebook")


def wait_duration_change(page, scope: str, old: float | None, timeout: float) -> float:
    # the duration is returned by the very check that saw it: the player may load another video right after
    handle = page.wait_for_function(
        "([s, old]) => { const v = document.querySelector(s + ' video');"
        " return v && v.duration > 0 && (old === null || Math.abs(v.duration - old) > 0.3) ? v.duration : false }",
        arg=[scope, old], timeout=timeout * 1000, polling=500,  # not per animation frame: those stall on a busy machine
    )  # fmt: skip
    return handle.json_value()


def test_notebook_02_in_jupyterlab_edit_render_and_themes(tmp_path):
    root = tmp_path / "lab"
    root.mkdir()
    copy_notebook(root, "02_edit_narration.ipynb")
    settings = tmp_path / "settings"
    lab_settings(settings)
    port, token = free_port(), "videogen-test"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}  # fmt: skip
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
           "--LabApp.extension_manager=readonly", "--allow-root"]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    shots = screenshot_dir(tmp_path / "shots")
    with server(cmd, f"{base}/api/status?token={token}", root, env, tmp_path / "lab.log"), \
            browser(failure_shot=shots / "lab-failure.png") as page:
        page.goto(f"{base}/lab/tree/02_edit_narration.ipynb?token={token}", timeout=120_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        run_all_cells(page)
        editor = ".videogen-editor"
        # the editor follows p.run() from a later cell: its player gets the video
        first = wait_duration_change(page, editor, None, timeout=240)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        page.locator(editor).first.scroll_into_view_if_needed()
        ed = page.locator(editor).first
        ed.get_by_role("tab", name="Narration & audio").click()
        area = ed.locator("textarea").nth(2)
        area.fill(LONGER)
        page.wait_for_function("() => [...document.querySelectorAll('.videogen-editor .videogen-banner')]"
                               ".some(b => b.textContent.includes('audio'))", timeout=30_000, polling=500)  # fmt: skip
        ed.get_by_role("button", name="Render").click()
        second = wait_duration_change(page, editor, first, timeout=300)
        assert second > first + 3, (first, second)  # a longer narration: a longer scene, a longer video
        assert not widget_errors(page), widget_errors(page)
        # the subtitle track is on
        assert page.evaluate("() => { const v = document.querySelector('.videogen-editor video');"
                             " return v.textTracks.length && v.textTracks[0].mode }") == "showing"  # fmt: skip
        # a click on a scene seeks the video there
        ed.get_by_role("tab", name="Slides").click()
        ed.locator(".videogen-card button").nth(3).click()
        page.wait_for_function("() => document.querySelector('.videogen-editor video').currentTime > 1",
                               timeout=30_000, polling=500)  # fmt: skip
        # the subtitles are loaded and shown: one cue on screen in the middle of the scene's speech
        cues = page.evaluate("""() => { const v = document.querySelector('.videogen-editor video');
            const t = v.textTracks[0]; const c = t.cues[Math.min(2, t.cues.length - 1)];
            v.currentTime = (c.startTime + c.endTime) / 2; return t.cues.length }""")  # fmt: skip
        assert cues >= 5
        page.wait_for_function("() => { const t = document.querySelector('.videogen-editor video').textTracks[0];"
                               " return t.activeCues && t.activeCues.length > 0 }", timeout=30_000, polling=500)  # fmt: skip
        # the status table keeps its time column on one line at 1366 px
        cell = ed.locator(".videogen-status td:nth-child(3)").first
        assert cell.evaluate("(el) => getComputedStyle(el).whiteSpace") == "nowrap"

        for theme in ("light", "dark"):
            if theme == "dark":
                menu(page, "Settings", "Theme", "JupyterLab Dark")
                page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000, polling=500)
                page.wait_for_timeout(1000)
            for w, h in ((1366, 768), (1920, 1080)):
                page.set_viewport_size({"width": w, "height": h})
                ed.get_by_role("tab", name="Slides").click()
                ed.evaluate("(el) => el.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(500)
                page.screenshot(path=str(shots / f"lab-{theme}-{w}x{h}.png"))
                ed.get_by_role("tab", name="Timing").click()
                ed.locator(".videogen-timing-chart svg").wait_for(timeout=30_000)
                ed.locator(".videogen-timing-chart").scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                page.screenshot(path=str(shots / f"lab-{theme}-{w}x{h}-timing.png"))
            # readable in both themes: the status text, the "ran ..." line and the chart's labels
            status_cell = ed.locator(".videogen-status td").first
            changed_line = ed.locator(".videogen-status div").nth(1)
            chart_text = ed.locator(".videogen-timing-chart svg text").first
            for name, el in (("status", status_cell), ("ran line", changed_line), ("chart text", chart_text)):
                ratio = contrast(el.evaluate(COLOURS_JS))
                assert ratio >= 4.5, f"{theme}: {name} contrast {ratio:.1f}"
        assert not widget_errors(page), widget_errors(page)


def test_the_app_upload_edit_render_download(tmp_path):
    folder = tmp_path / "app"
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    cmd = [sys.executable, "-m", "videogen_nb", "app", "--folder", str(folder), "--port", str(port), "--no-browser"]
    base = f"http://127.0.0.1:{port}/"
    shots = screenshot_dir(tmp_path / "shots")
    doc = tmp_path / "lesson.md"
    doc.write_text("# Tides\n\n## Why\n\nThe moon pulls the oceans.\n\n## When\n\n- twice a day\n- a little later each day\n")
    with server(cmd, base, tmp_path, env, tmp_path / "app.log"), browser(failure_shot=shots / "app-failure.png") as page:
        page.goto(base, timeout=120_000)
        app = page.locator(".videogen-app")
        app.wait_for(timeout=120_000)
        with page.expect_file_chooser() as chooser:
            app.get_by_role("button", name=re.compile("Upload a document")).click()
        chooser.value.set_files(str(doc))
        app.get_by_role("button", name="Upload a document (1)").wait_for(timeout=30_000)
        app.locator("select").nth(1).select_option(label="Light")
        app.get_by_role("button", name="Make slides").click()
        page.wait_for_selector(".videogen-app img.videogen-thumbnail[src]", timeout=120_000)
        assert "3 slides from lesson.md" in app.inner_text()
        app.get_by_role("button", name="Render").click()
        first = wait_duration_change(page, ".videogen-app", None, timeout=300)
        page.wait_for_selector(".videogen-app a.videogen-download", timeout=60_000)
        app.get_by_role("tab", name="Narration & audio").click()
        app.locator(".videogen-row textarea").nth(1).fill(
            "Why are there tides? The moon pulls the oceans toward it, and the sun pulls too, a little less. "
            "Where the pull is strongest the water rises."
        )
        app.get_by_role("button", name="Render").click()
        second = wait_duration_change(page, ".videogen-app", first, timeout=300)
        assert second > first + 2, (first, second)
        page.wait_for_selector(".videogen-app a.videogen-download", timeout=60_000)
        page.screenshot(path=str(shots / "app-1366x768.png"), full_page=True)
        links = {a.inner_text(): a.get_attribute("href") for a in app.locator("a.videogen-download").all()}
        assert set(links) == {"MP4 video", "subtitles (.srt)", "subtitles (.vtt)"}
        for label, href in links.items():
            assert href.startswith("/voila/files/jobs/"), href  # by reference, not bytes in the page
            with urllib.request.urlopen(base.rstrip("/") + href, timeout=30) as r:
                body = r.read()
            assert body[4:8] == b"ftyp" if label == "MP4 video" else b"Tides" in body or b"moon" in body
        assert not widget_errors(page), widget_errors(page)
