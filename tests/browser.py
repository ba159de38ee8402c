"""Helpers of the browser tests: Debian's chromium driven by Playwright, servers started and stopped here."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import pytest

CHROMIUM = os.environ.get("VIDEOGEN_CHROMIUM", "/usr/bin/chromium")
# without the background-networking flags, chromium keeps trying hosts this closed network refuses
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def need_chromium() -> str:
    """The chromium to drive; skipped (with how to get it) where there is none, but a failure in CI."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    message = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Wait until ``url`` answers (the server may take a while on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def server(cmd: list[str], url: str, cwd: Path, env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """Run a server in a process group of its own; stop it (and its kernels) afterwards."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(url, proc, log)
        yield proc
    finally:
        try:
            os.killpg(proc.pid, 15)
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass  # it stopped by itself


@contextmanager
def browser(viewport=(1366, 768), failure_shot: Optional[Path] = None):
    """A Playwright page in headless chromium; console errors are collected in ``page.errors``.

    If the test fails inside, the page is saved to ``failure_shot`` as it was then.
    """
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=FLAGS)
        try:
            page = b.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.errors = []
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            try:
                yield page
            except BaseException:
                if failure_shot is not None:
                    page.screenshot(path=str(failure_shot), full_page=True)
                raise
        finally:
            b.close()


def widget_errors(page) -> list[str]:
    """Errors the widgets showed or logged: 'Error displaying widget', failed models, exceptions in views."""
    shown = page.locator("text=/Error displaying widget|Error rendering|Failed to load model/").all_inner_texts()
    logged = [e for e in page.errors if "ERR_NAME_NOT_RESOLVED" not in e and "favicon" not in e]
    return shown + logged


def screenshot_dir(default: Path) -> Path:
    """Where screenshots go: $VIDEOGEN_SCREENSHOTS (to keep and look at), else the test's folder."""
    folder = Path(os.environ.get("VIDEOGEN_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def video_duration(page, scope: str) -> Optional[float]:
    return page.evaluate(
        "(s) => { const v = document.querySelector(s + ' video'); return v && v.duration > 0 ? v.duration : null }", scope
    )


def copy_notebook(root: Path, name: str) -> None:
    """The notebook without its stored outputs (so what shows was made now), and the examples it reads."""
    here = Path(__file__).resolve().parents[1] / "notebooks"
    nb = json.loads((here / name).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (root / name).write_text(json.dumps(nb), encoding="utf-8")
    shutil.copytree(here / "examples", root / "examples")
